"""A 60-page statement a customer can read: "Page N of M" and the column headers on every page,
the company's name as the heading, the bill-to address, every PRO once, and totals equal to the
sum of the rows (read back from the PDF's own text with pdftotext)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from arbench.services.admin import company
from arbench.services.base import actor_for
from arbench.services.reporting import exports
from arbench.store.db import Database
from arbench.store.models import Account, Pro, User

ON = date(2026, 11, 24)
ROWS = 2180  # 60 pages at the statement's layout


def _need(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{tool} is not installed (.ci/mail.sh installs poppler-utils)")
        pytest.skip(f"{tool} is not installed")
    return found


def _big_account(db: Database) -> list[tuple[str, Decimal, Decimal]]:
    rows = []
    with db.session() as s:
        s.add(
            User(
                login="boss",
                display_name="Sam Boss",
                role="supervisor",
                created_at=datetime(2026, 1, 1),
            )
        )
        account = Account(number="C777001", name="Union Outdoor Supply", address="77 Market St",
                          city="Denver", state="CO", postal_code="80202")  # fmt: skip
        s.add(account)
        s.flush()
        for i in range(ROWS):
            amount = Decimal(100_00 + i * 37 % 90_000) / 100
            open_ = amount - Decimal(i % 7)
            due = ON - timedelta(days=i % 120)
            s.add(Pro(pro=f"{400000000 + i * 13}", account_id=account.id, bol=f"B{7000000 + i}",
                      invoice_number=f"I{500000 + i}", invoice_date=due - timedelta(days=30), due_date=due,
                      amount=amount, open_balance=open_))  # fmt: skip
            rows.append((f"{400000000 + i * 13}", amount, open_))
    return rows


def test_a_60_page_statement_repeats_headers_and_page_numbers_and_adds_up(
    empty_db: Database, tmp_path: Path, qapp: object
) -> None:
    pdftotext = _need("pdftotext")
    rows = _big_account(empty_db)
    company.set_profile(empty_db, actor_for(empty_db, "boss"), company.ProfileChange(
        name="Great Lakes Freight Lines", address="1200 Harbor Road, Toledo OH 43604",
        remit_to_name="Great Lakes Freight Lines", remit_to_address="PO Box 4410\nToledo OH 43601", phone="(419) 555-0100"))  # fmt: skip
    name = exports.statement_file_name("C777001", ON)
    assert name == "statement-C777001-2026-11-24.pdf"
    exports.export_statement(empty_db, "C777001", ON, tmp_path / name)
    text = subprocess.run([pdftotext, "-layout", str(tmp_path / name), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    pages = text.split("\f")[:-1]  # pdftotext ends every page with a form feed
    assert len(pages) == 60
    for number, page in enumerate(pages, 1):
        assert page.count(f"Page {number} of 60") == 2, number  # heading and footer
        assert re.search(
            r"PRO\s+Invoice\s+BOL\s+Invoice date\s+Due date\s+Amount\s+Open balance\s+Days past due",
            page,
        )
        assert "Great Lakes Freight Lines" in page and "STATEMENT OF ACCOUNT" in page
        assert "arbench" not in page.lower()
    assert "Bill to" in pages[0] and "77 Market St" in pages[0] and "Denver CO 80202" in pages[0]
    printed = re.findall(r"^\s*(4\d{8})\s", text, re.MULTILINE)
    assert sorted(printed) == sorted(pro for pro, _, _ in rows)  # every PRO once
    total_amount = sum((a for _, a, _ in rows), Decimal(0))
    total_open = sum((o for _, _, o in rows), Decimal(0))
    totals = re.search(r"Total\s+2180 items\s+([\d,]+\.\d\d)\s+([\d,]+\.\d\d)", pages[-1])
    assert totals is not None
    assert (Decimal(totals[1].replace(",", "")), Decimal(totals[2].replace(",", ""))) == (
        total_amount,
        total_open,
    )
    assert "Please remit to" in pages[-1] and "PO Box 4410" in pages[-1]


def test_the_xlsx_statement_is_headed_by_the_company(empty_db: Database, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    rows = _big_account(empty_db)[:0]
    company.set_profile(
        empty_db,
        actor_for(empty_db, "boss"),
        company.ProfileChange(name="Great Lakes Freight Lines"),
    )
    result = exports.export_statement(
        empty_db, "C777001", ON, tmp_path / "s.xlsx", pros=["400000000", "400000013"]
    )
    sheet = load_workbook(result.path).active
    assert sheet is not None and sheet["A1"].value == "Great Lakes Freight Lines"
    assert result.rows == 2 and rows == []
