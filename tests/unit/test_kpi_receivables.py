"""domain.kpi_receivables: money figures folded from sums per (invoice date, due date)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from arbench.domain.kpi_financial import Period
from arbench.domain.kpi_receivables import (
    DatedSums,
    cutoffs_for,
    monthly_sales,
    receivable_at,
    snapshot,
)

OCT = Period(date(2026, 10, 1), date(2026, 10, 31))
SEP_30, OCT_31 = date(2026, 9, 30), date(2026, 10, 31)
# Same book as tests/unit/test_kpi_service.py, already summed per (invoice date, due date).
SUMS = DatedSums(
    cutoffs=[SEP_30, OCT_31],
    invoiced=[
        (date(2026, 7, 1), date(2026, 7, 31), D("300.00")),
        (date(2026, 9, 10), date(2026, 10, 10), D("1000.00")),
        (date(2026, 10, 5), date(2026, 11, 4), D("500.00")),
        (date(2026, 10, 15), date(2026, 11, 14), D("200.00")),
        (date(2026, 11, 5), None, D("50.00")),  # after the period; no due date
    ],
    paid=[  # paid by 09-30, by 10-31
        (date(2026, 9, 10), date(2026, 10, 10), [D("0.00"), D("400.00")]),
        (date(2026, 10, 15), date(2026, 11, 14), [D("0.00"), D("200.00")]),
    ],
)


def test_cutoffs_are_each_end_and_the_day_before_each_start() -> None:
    parts = [Period(date(2026, 9, 1), SEP_30), OCT]
    assert cutoffs_for(parts) == [date(2026, 8, 31), SEP_30, OCT_31]


def test_receivable_by_bucket_at_each_cutoff() -> None:
    at_end = receivable_at(SUMS, OCT_31)
    assert at_end == {"current": D("500.00"), "1-30": D("600.00"), "31-60": D(0),
                      "61-90": D(0), "91+": D("300.00")}  # fmt: skip
    assert sum(receivable_at(SUMS, SEP_30).values()) == D("1300.00")
    # the November pro has no due date: it ages from its invoice date
    later = DatedSums([date(2026, 12, 31)], SUMS.invoiced[4:], [])
    assert receivable_at(later, date(2026, 12, 31))["31-60"] == D("50.00")


def test_snapshot_of_october() -> None:
    money = snapshot(SUMS, OCT, months=3)
    assert money.beginning_receivables == D("1300.00")
    assert money.credit_sales == D("700.00")
    assert list(money.monthly_sales) == [(31, D("700.00")), (30, D("1000.00")), (31, D(0))]


def test_monthly_sales_count_the_days_of_the_last_month_up_to_its_end() -> None:
    rows = [(date(2026, 2, 10), None, D(5)), (date(2026, 3, 20), None, D(7)),
            (date(2025, 12, 31), None, D(11)), (date(2025, 11, 30), None, D(13))]  # fmt: skip
    assert monthly_sales(rows, date(2026, 3, 15), months=4) == [
        (15, D(0)),
        (28, D(5)),
        (31, D(0)),
        (31, D(11)),
    ]  # the 03-20 sale is after the end; 2025-11 is beyond 4 months
