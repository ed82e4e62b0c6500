"""Exports read back: formats, frozen header, autofilter, neutralized text, PDF pages."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from arbench.io.exports import Column, Sheet, write_xlsx
from arbench.services.base import InvalidInput, NotFound
from arbench.services.reporting import exports
from arbench.services.reporting.reports import aging_by_account, aging_by_collector
from arbench.store.db import Database
from arbench.store.models import Account, Pro

ON = date(2026, 11, 24)


def test_xlsx_is_formatted_for_people_and_neutralized(tmp_path: Path) -> None:
    rows = [["=HYPERLINK(\"http://x\")", Decimal("1234.5"), date(2026, 1, 2), 7],
            ["+1 call me", Decimal("-3"), None, 0], ["@SUM(A1)", Decimal(0), date(2026, 2, 3), 1],
            ["-2", Decimal(1), None, 2], ["\tTab", Decimal(1), None, 3], ["plain", Decimal(1), None, 4]]  # fmt: skip
    columns = [Column("Name", width=30), Column("Amount", "money"), Column("Due", "date"),
               Column("Count", "int")]  # fmt: skip
    path = write_xlsx(tmp_path / "t.xlsx", [Sheet("T", columns, rows, ("Title",), len(rows))])
    ws = load_workbook(path).active
    assert ws is not None
    assert ws["A1"].value == "Title" and ws["A1"].font.bold
    assert [c.value for c in ws[3]] == ["Name", "Amount", "Due", "Count"]
    assert ws["A3"].font.bold and ws.freeze_panes == "A4"
    assert ws.auto_filter.ref == "A3:D9"
    assert ws.column_dimensions["A"].width == 30
    assert [ws.cell(r, 1).value for r in range(4, 10)] == [
        "'=HYPERLINK(\"http://x\")", "'+1 call me", "'@SUM(A1)", "'-2", "'\tTab", "plain"]  # fmt: skip
    assert all(ws.cell(r, 1).data_type == "s" for r in range(4, 10))
    assert ws["B4"].value == 1234.5 and ws["B4"].number_format == "#,##0.00"
    assert ws["C4"].number_format == "yyyy-mm-dd" and ws["C4"].value.date() == date(2026, 1, 2)
    assert ws["D4"].number_format == "#,##0"


def test_worklist_export_matches_the_worklist(demo_db: Database, tmp_path: Path) -> None:
    from arbench.services.work.worklist import worklist

    result = exports.export_worklist(demo_db, "agarcia", ON, tmp_path / "w.xlsx")
    items = worklist(demo_db, "agarcia", ON)
    ws = load_workbook(result.path).active
    assert ws is not None and result.rows == len(items) > 0
    assert ws.max_row == 4 + len(items) and ws.freeze_panes == "A5"
    first = [c.value for c in ws[5]]
    assert first[2] == items[0].account_number and Decimal(str(first[6])) == items[0].open_amount


def test_aging_by_account_and_collector_add_up(demo_db: Database, tmp_path: Path) -> None:
    with demo_db.session() as s:
        total = sum(s.scalars(select(Pro.open_balance).where(Pro.status == "open")), Decimal(0))
    assert sum(r.total for r in aging_by_account(demo_db, ON)) == total
    assert sum(r.total for r in aging_by_collector(demo_db, ON)) == total
    result = exports.export_aging(demo_db, ON, tmp_path / "a.xlsx")
    book = load_workbook(result.path)
    assert book.sheetnames == ["By account", "By collector"]
    sheet = book["By collector"]
    values = [sheet.cell(r, 10).value for r in range(5, sheet.max_row + 1)]
    assert Decimal(str(round(sum(values), 2))) == total
    one = exports.export_aging(demo_db, ON, tmp_path / "b.xlsx", login="agarcia")
    assert load_workbook(one.path).sheetnames == ["By account"] and 0 < one.rows < result.rows


def test_statement_xlsx_and_pdf(demo_db: Database, tmp_path: Path, qapp: object) -> None:
    with demo_db.session() as s:
        number = s.scalars(select(Account.number).order_by(Account.id)).first()
    assert number is not None
    sheet = exports.export_statement(demo_db, number, ON, tmp_path / "s.xlsx")
    ws = load_workbook(sheet.path).active
    assert ws is not None and ws["A2"].value.startswith("Statement of account") and sheet.rows > 0
    pdf = exports.export_statement(demo_db, number, ON, tmp_path / "s.pdf")
    data = pdf.path.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", data)) >= 1  # page objects, not /Pages
    with pytest.raises(InvalidInput, match="ending in .xlsx or .pdf"):
        exports.export_statement(demo_db, number, ON, tmp_path / "s.docx")
    with pytest.raises(NotFound):
        exports.export_statement(demo_db, "NOPE", ON, tmp_path / "n.xlsx")


def test_every_row_keeps_its_own_values_and_formats(tmp_path: Path) -> None:
    """Number and date columns reuse one styled cell per column: each row must still get its
    own value, and odd values (None, text in a number column, a date in a text column,
    control characters) keep the formats and neutralizing of the slow path."""
    rows = [[f"name {n}", Decimal(n) / 4, date(2026, 1, 1 + n % 28), n] for n in range(600)]
    rows[1] = ["two\nlines", None, None, None]
    rows[2] = [date(2026, 5, 6), "n/a", "later", "-"]
    rows[3] = ["bell\x07", Decimal("-1.25"), date(2026, 7, 8), 3.5]
    columns = [Column("Name"), Column("Amount", "money"), Column("Due", "date"),
               Column("Count", "int")]  # fmt: skip
    ws = load_workbook(write_xlsx(tmp_path / "r.xlsx", [Sheet("R", columns, rows)])).active
    assert ws is not None and ws.max_row == 601
    for n in (0, 4, 299, 599):
        row = [c.value for c in ws[n + 2]]
        assert row[0] == f"name {n}" and Decimal(str(row[1])) == Decimal(n) / 4
        assert row[2].date() == date(2026, 1, 1 + n % 28) and row[3] == n
        assert ws.cell(n + 2, 2).number_format == "#,##0.00"
        assert ws.cell(n + 2, 3).number_format == "yyyy-mm-dd"
    assert [c.value for c in ws[3]] == ["two\nlines", None, None, None]
    assert ws["A4"].value.date() == date(2026, 5, 6) and ws["A4"].number_format == "yyyy-mm-dd"
    assert [c.value for c in ws[4]][1:] == ["n/a", "later", "'-"]
    assert ws["A5"].value == "bell?" and ws["B5"].value == -1.25 and ws["D5"].value == 3.5


def test_aging_summed_in_sql_matches_the_domain_buckets_pro_by_pro(demo_db: Database) -> None:
    """The SQL bucket bounds are the domain's: what every billed pro owed at the end of a day
    (its amount less the payments received by then), bucketed in Python by
    kpi_financial.aging_bucket (due date, else invoice date), gives the same aging per account,
    at several dates (so every bucket boundary is crossed)."""
    from arbench.domain.kpi_financial import aging_bucket, empty_aging
    from arbench.store.models import Payment

    with demo_db.session() as s:
        pros = s.execute(
            select(Pro.id, Account.number, Pro.due_date, Pro.invoice_date, Pro.amount)
            .join(Account, Account.id == Pro.account_id)
            .where(Pro.billing_status == "billed")
        ).all()
        payments = s.execute(
            select(Payment.pro_id, Payment.received_on, Payment.amount).where(
                Payment.pro_id.is_not(None)
            )
        ).all()
    used: set[str] = set()
    for on in (ON, date(2026, 10, 1), date(2026, 8, 15)):
        paid: dict[int, Decimal] = {}
        for pro_id, received, amount in payments:
            if received <= on:
                paid[pro_id] = paid.get(pro_id, Decimal(0)) + amount
        expected: dict[str, dict[str, Decimal]] = {}
        for pro_id, number, due, invoiced, amount in pros:
            owed = amount - paid.get(pro_id, Decimal(0))
            if (invoiced or due) > on or not owed:
                continue
            buckets = expected.setdefault(number, empty_aging())
            buckets[aging_bucket(due or invoiced, on)] += owed
        found = {row.key: row.buckets for row in aging_by_account(demo_db, on)}
        assert found == expected
        used |= {b for row in found.values() for b, v in row.items() if v}
    assert used == set(empty_aging())
