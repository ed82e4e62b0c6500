"""The bulk import path (raw executemany, INSERT ... SELECT, raw look-ups) on both backends.

The same register, typed as a spreadsheet types it (numbers, dates), is imported into an empty
SQLite book and an empty PostgreSQL book; what lands must be identical, re-importing must change
nothing, and a changed row, a zero balance and a full-register close must work on both.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from arbench.services.intake.imports import import_invoices
from arbench.store.db import Database
from arbench.store.models import Activity, AuditEvent, Issue, Pro
from helpers import NIGHTLY

ON = date(2026, 11, 24)
HEADERS = ["PRO", "Account", "Customer", "Invoice Date", "Due Date", "Amount", "Open Balance",
           "Weight", "Class", "Terms", "POD"]  # fmt: skip


def register(path: Path, rows: list[list[Any]]) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def rows(count: int) -> list[list[Any]]:
    return [
        [f"P{i:05d}", f"C{i % 7}", f"Customer {i % 7}", datetime(2026, 9, 1 + i % 28),
         date(2026, 10, 1 + i % 28) if i % 3 else None, amount, amount, 1200 + i, 70,
         "PP" if i % 2 else "CC", "Y" if i % 4 else ""]
        for i in range(count)
        for amount in [100 + i + 0.25 if i % 5 else -12.5]
    ]  # fmt: skip


def book(db: Database) -> dict[str, Any]:
    with db.session() as s:
        pros = s.execute(
            select(Pro.pro, Pro.amount, Pro.open_balance, Pro.invoice_date, Pro.due_date,
                   Pro.weight, Pro.freight_class, Pro.terms, Pro.pod_on_file, Pro.status,
                   Pro.version).order_by(Pro.pro)
        ).all()  # fmt: skip
        issues = s.execute(
            select(Pro.pro, Issue.type, Issue.status, Issue.opened_on, Issue.recurrence)
            .join(Pro, Pro.id == Issue.pro_id)
            .order_by(Pro.pro)
        ).all()
        texts = sorted(s.scalars(select(Activity.text)))
        audits = s.scalar(select(func.count()).select_from(AuditEvent))
    return {"pros": [tuple(r) for r in pros], "issues": [tuple(r) for r in issues],
            "texts": texts, "audits": audits}  # fmt: skip


def exercise(db: Database, tmp_path: Path) -> dict[str, Any]:
    first = register(tmp_path / "r1.xlsx", rows(60))
    summary = import_invoices(db, first, on=ON, actor=NIGHTLY)
    assert summary.ok, summary.errors
    assert (summary.created, summary.credits, summary.accounts_created) == (60, 12, 7)
    assert summary.issues_opened == 48
    again = import_invoices(db, first, on=ON, actor=NIGHTLY)
    assert (again.created, again.updated, again.batch_id) == (0, 0, None)
    changed = rows(60)[:50]
    changed[2][6] = 0  # paid: closes the pro and resolves its item
    changed[1][7] = 999  # a new weight
    second = import_invoices(db, register(tmp_path / "r2.xlsx", changed), on=ON,
                             close_missing=True, actor=NIGHTLY)  # fmt: skip
    assert (second.updated, second.closed, second.absent) == (2, 1 + 10, 10)
    state = book(db)
    pro = next(p for p in state["pros"] if p[0] == "P00001")
    assert pro[5] == Decimal("999") and pro[10] == 2
    assert pro[3] == date(2026, 9, 2) and pro[4] == date(2026, 10, 2)
    assert "PRO P00001 imported from r1.xlsx: $101.25 open, past due item opened" in state["texts"]
    paid = next(p for p in state["pros"] if p[0] == "P00002")
    assert (paid[2], paid[9]) == (Decimal("0.00"), "closed")
    resolved = [i for i in state["issues"] if i[2] == "resolved"]
    assert len(resolved) == 1 + 8  # P00002 and the 8 absent pros that owed money
    return state


def test_bulk_import_on_sqlite(empty_db: Database, tmp_path: Path) -> None:
    state = exercise(empty_db, tmp_path)
    assert state["pros"][0][:3] == ("P00000", Decimal("-12.50"), Decimal("-12.50"))


@pytest.mark.usefixtures("pg_server")
def test_bulk_import_on_postgresql_matches_sqlite(
    pg_db: Database, empty_db: Database, tmp_path: Path
) -> None:
    (tmp_path / "pg").mkdir()
    (tmp_path / "lite").mkdir()
    assert exercise(pg_db, tmp_path / "pg") == exercise(empty_db, tmp_path / "lite")
