"""Registers shaped like the public ones real teams and testers use, imported with the
automatic mapping, and arbench's KPIs checked against figures this test computes from the
file itself: aging to the cent, DSO by countback walked by hand, CEI and ADD by their
formulas (docs/supervisor-guide.md), per currency.

The files are written by tests/registers_gen.py (deterministic), with the traits of the
public files: camelCase headers, Yes/No flags, every row settled with its settled date (a);
SAP-style columns, customer numbers with and without leading zeros, ids and dates saved as
floats, clear dates with a time or empty while open, USD and CAD with a third decimal on CAD
amounts, customer terms codes and columns nothing maps to (b).
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from arbench.domain.kpis import Period
from arbench.domain.names import leading_zero_key
from arbench.services.intake.imports import import_invoices
from arbench.services.reporting import kpis
from arbench.store.db import Database
from arbench.store.models import Account, Payment, Pro
from helpers import NIGHTLY
from registers_gen import EXTRACTED, Invoice, payment_extract, settled_register

ZERO = Decimal(0)
CENT = Decimal("0.01")


# ----- the figures, by hand, from the file's rows ---------------------------------------------


def bucket(due: date, day: date) -> str:
    late = (day - due).days
    if late <= 0:
        return "current"
    return "1-30" if late <= 30 else "31-60" if late <= 60 else "61-90" if late <= 90 else "91+"


def aging(rows: Iterable[Invoice], day: date) -> dict[str, Decimal]:
    totals = {b: ZERO for b in ("current", "1-30", "31-60", "61-90", "91+")}
    for row in rows:
        totals[bucket(row.due_date, day)] += row.open_on(day)
    return totals


def owed(rows: list[Invoice], day: date) -> Decimal:
    return sum((row.open_on(day) for row in rows), ZERO)


def sales(rows: list[Invoice], start: date, end: date) -> Decimal:
    return sum((r.amount for r in rows if start <= r.invoice_date <= end), ZERO)


def countback(rows: list[Invoice], day: date) -> Decimal:
    """Walk back month by month through credit sales until the receivable is covered."""
    remaining, days = owed(rows, day), ZERO
    year, month, last = day.year, day.month, day
    while remaining > 0:
        first = date(year, month, 1)
        month_sales = sales(rows, first, last)
        length = Decimal((last - first).days + 1)
        if month_sales > 0 and remaining <= month_sales:
            return days + length * remaining / month_sales
        remaining -= max(month_sales, ZERO)
        days += length
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        last = date(year, month, calendar.monthrange(year, month)[1])
    return days


def by_hand(rows: list[Invoice], start: date, end: date) -> dict[str, Decimal]:
    begin = owed(rows, start - timedelta(days=1))
    sold = sales(rows, start, end)
    ending = aging(rows, end)
    total, current = sum(ending.values(), ZERO), ending["current"]
    dso = countback(rows, end)
    best = current / sold * ((end - start).days + 1)
    return {"dso": dso, "cei": (begin + sold - total) / (begin + sold - current) * 100,
            "add": dso - best} | {f"aging {b}": v for b, v in ending.items()}  # fmt: skip


def reported(db: Database, start: date, end: date, currency: str) -> dict[str, Decimal]:
    report = kpis.kpi_report(db, Period(start, end)).to_json_dict()
    money = report["by_currency"][currency]
    found = {"dso": money["dso"]["days"], "cei": money["cei"], "add": money["add"]["days"]}
    found |= {f"aging {b}": v for b, v in money["aging"].items()}
    return {k: Decimal(str(v)) for k, v in found.items()}


def assert_agrees(found: dict[str, Decimal], expected: dict[str, Decimal]) -> None:
    rounded = {k: v.quantize(CENT, rounding=ROUND_HALF_UP) for k, v in expected.items()}
    assert found == rounded


# ----- (a) an AR register of settled invoices ------------------------------------------------


@pytest.fixture(scope="module")
def settled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Invoice]]:
    path = tmp_path_factory.mktemp("a") / "accounts-receivable.csv"
    return path, settled_register(path)


def test_the_settled_register_maps_itself_and_every_row_closes_on_its_settled_date(
    empty_db: Database, settled: tuple[Path, list[Invoice]]
) -> None:
    path, rows = settled
    summary = import_invoices(empty_db, path, on=date(2014, 1, 31), actor=NIGHTLY)
    assert summary.ok, summary.errors[:3]
    assert summary.mapping == {
        "customerID": "account_number", "invoiceNumber": "invoice_number",
        "InvoiceDate": "invoice_date", "DueDate": "due_date", "InvoiceAmount": "amount",
        "Disputed": "disputed", "SettledDate": "paid_date"}  # fmt: skip
    assert summary.unused_columns == ["countryCode", "PaperlessDate", "PaperlessBill",
                                      "DaysToSettle", "DaysLate"]  # fmt: skip
    assert (summary.rows, summary.created, summary.movements) == (len(rows), 2466, 2466)
    assert summary.accounts_created == len({r.account for r in rows})
    with empty_db.session() as s:
        assert s.scalar(select(func.count()).where(Pro.status == "open")) == 0
        paid = dict(s.execute(select(Pro.pro, Payment.received_on).join(Payment)).all())
        total = s.scalar(select(func.sum(Payment.amount)))
    assert paid == {r.number: r.paid_date for r in rows}
    assert total == sum((r.amount for r in rows), ZERO)


@pytest.mark.parametrize(
    ("start", "end"),
    [(date(2012, 10, 1), date(2012, 12, 31)), (date(2013, 4, 1), date(2013, 6, 30)),
     (date(2013, 7, 1), date(2013, 7, 31))],
)  # fmt: skip
def test_settled_register_kpis_agree_with_the_file(
    empty_db: Database, settled: tuple[Path, list[Invoice]], start: date, end: date
) -> None:
    path, rows = settled
    assert import_invoices(empty_db, path, on=date(2014, 1, 31), actor=NIGHTLY).ok
    expected = by_hand(rows, start, end)
    assert_agrees(reported(empty_db, start, end, "USD"), expected)
    assert 20 < expected["dso"] < 45 and expected["cei"] > 60  # a believable book


def test_iso_dates_read_as_well(empty_db: Database, tmp_path: Path) -> None:
    rows = settled_register(tmp_path / "ar.csv", rows=300, seed=9, iso_dates=True)
    summary = import_invoices(empty_db, tmp_path / "ar.csv", on=date(2014, 1, 31), actor=NIGHTLY)
    assert summary.ok and summary.date_formats["paid_date"] == "YYYY-MM-DD"
    start, end = date(2012, 11, 1), date(2013, 1, 31)
    assert_agrees(reported(empty_db, start, end, "USD"), by_hand(rows, start, end))


# ----- (b) a payment-prediction extract, USD and CAD -----------------------------------------


@pytest.fixture(scope="module")
def extract(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Invoice]]:
    path = tmp_path_factory.mktemp("b") / "payment-extract.csv"
    return path, payment_extract(path)


def test_the_extract_maps_itself_says_what_it_left_and_merges_leading_zeros(
    empty_db: Database, extract: tuple[Path, list[Invoice]]
) -> None:
    path, rows = extract
    plain = import_invoices(empty_db, path, on=EXTRACTED, dry_run=True, actor=NIGHTLY)
    summary = import_invoices(empty_db, path, on=EXTRACTED, merge_leading_zeros=True, actor=NIGHTLY)
    assert summary.ok, summary.errors[:3]
    assert summary.mapping == {
        "cust_number": "account_number", "name_customer": "account_name",
        "clear_date": "paid_date", "posting_date": "invoice_date", "due_in_date": "due_date",
        "invoice_currency": "currency", "total_open_amount": "open_balance",
        "cust_payment_terms": "payment_terms", "invoice_id": "invoice_number"}  # fmt: skip
    assert summary.unused_columns == [
        "business_code", "buisness_year", "doc_id", "document_create_date",
        "document_create_date.1", "document type", "posting_id", "area_business",
        "baseline_create_date", "isOpen"]  # fmt: skip
    third = sum(1 for r in rows if r.raw_amount.count(".") and len(r.raw_amount.split(".")[1]) == 3
                and r.raw_amount[-1] != "0")  # fmt: skip
    assert summary.rounded_amounts == third > 0
    forms = {r.account for r in rows}
    twice = {leading_zero_key(n) for n in forms if n.startswith("0") and n[1:] in forms}
    assert len(plain.leading_zero_duplicates) == len(twice) > 0
    assert plain.accounts_created == len(forms)
    assert summary.accounts_created == len({leading_zero_key(n) for n in forms})
    with empty_db.session() as s:
        currencies = dict(s.execute(select(Account.number, Account.currency)).all())
        terms = s.scalar(select(func.count()).where(Account.payment_terms.is_not(None)))
        open_count = s.scalar(select(func.count()).where(Pro.status == "open"))
    assert set(currencies.values()) == {"USD", "CAD"} and terms == len(currencies)
    assert open_count == sum(1 for r in rows if r.paid_date is None)


@pytest.mark.parametrize("currency", ["USD", "CAD"])
@pytest.mark.parametrize(
    ("start", "end"), [(date(2020, 3, 1), EXTRACTED), (date(2019, 10, 1), date(2019, 12, 31))]
)
def test_extract_kpis_per_currency_agree_with_the_file(
    empty_db: Database, extract: tuple[Path, list[Invoice]], currency: str, start: date, end: date
) -> None:
    path, rows = extract
    assert import_invoices(empty_db, path, on=EXTRACTED, merge_leading_zeros=True, actor=NIGHTLY).ok
    mine = [r for r in rows if r.currency == currency]
    assert_agrees(reported(empty_db, start, end, currency), by_hand(mine, start, end))


def test_extract_aging_export_totals_per_currency(
    empty_db: Database, extract: tuple[Path, list[Invoice]]
) -> None:
    from arbench.services.reporting.reports import aging_by_account

    path, rows = extract
    assert import_invoices(empty_db, path, on=EXTRACTED, merge_leading_zeros=True, actor=NIGHTLY).ok
    found: dict[str, Decimal] = defaultdict(Decimal)
    for account in aging_by_account(empty_db, EXTRACTED):
        found[account.currency] += account.total
    for currency in ("USD", "CAD"):
        assert found[currency] == owed([r for r in rows if r.currency == currency], EXTRACTED)
