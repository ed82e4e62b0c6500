"""The money side of the KPIs folded from sums per (invoice date, due date) (issue #9).

The database sums billed pros' amounts per (invoice date, due date), and the payments applied
to them per (invoice date, due date) of their pro at a few cut-off dates. Those few thousand
sums give every money figure of any period ending on or before the last cut-off: the aging at
the period's end, the receivable the day before it starts, its credit sales and the monthly
sales for DSO countback. So a report costs one pass over the pros and one over the payments,
however many periods it has (a trend has a dozen).

The receivable at a date D, as in services.reporting.kpi_queries: every billed pro invoiced on or
before D, less the payments applied to it with `received_on` on or before D; the bucket is
that of its due date (its invoice date when it has none) seen on D.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from arbench.domain.kpi_financial import Period, aging_bucket, empty_aging
from arbench.domain.kpis import ReceivablesSnapshot

ZERO = Decimal(0)
SALES_MONTHS = 24  # months of sales walked back for DSO countback


@dataclass(frozen=True)
class DatedSums:
    """Sums per (invoice date, due date) of billed pros.

    invoiced: (invoice date, due date or None, amount) rows. paid: (invoice date, due date or
    None, [paid by cutoffs[0], paid by cutoffs[1], ...]) rows: the payments applied to those
    pros received on or before each cut-off date. A key may appear in several rows (they add).
    """

    cutoffs: Sequence[date]
    invoiced: Sequence[tuple[date, date | None, Decimal]]
    paid: Sequence[tuple[date, date | None, Sequence[Decimal]]]


def cutoffs_for(periods: Iterable[Period]) -> list[date]:
    """The cut-off dates the payments must be summed at for these periods: each period's end
    and the day before its start, oldest first."""
    days: set[date] = set()
    for period in periods:
        days.update((period.end, period.start - timedelta(days=1)))
    return sorted(days)


def receivable_at(sums: DatedSums, on: date) -> dict[str, Decimal]:
    """The receivable at the end of day `on` by aging bucket (`on` must be a cut-off)."""
    column = list(sums.cutoffs).index(on)
    result = empty_aging()
    for invoiced, due, amount in sums.invoiced:
        if invoiced <= on:
            result[aging_bucket(due or invoiced, on)] += amount
    for invoiced, due, paid in sums.paid:
        if invoiced <= on:
            result[aging_bucket(due or invoiced, on)] -= paid[column]
    return result


def monthly_sales(
    invoiced: Iterable[tuple[date, date | None, Decimal]], end: date, months: int = SALES_MONTHS
) -> list[tuple[int, Decimal]]:
    """(days, credit sales) per calendar month, newest first, starting with `end`'s month up
    to `end` (so that month counts `end.day` days), `months` months in all."""
    sales = [ZERO] * months
    last = end.year * 12 + end.month - 1
    for invoiced_on, _due, amount in invoiced:
        back = last - (invoiced_on.year * 12 + invoiced_on.month - 1)
        if 0 <= back < months and invoiced_on <= end:
            sales[back] += amount
    days = []
    year, month = end.year, end.month
    for back in range(months):
        days.append(end.day if back == 0 else calendar.monthrange(year, month)[1])
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(zip(days, sales, strict=True))


def credit_sales(invoiced: Iterable[tuple[date, date | None, Decimal]], period: Period) -> Decimal:
    """Amounts of billed pros invoiced in the period (both dates included)."""
    return sum((a for day, _due, a in invoiced if period.start <= day <= period.end), ZERO)


def snapshot(sums: DatedSums, period: Period, months: int = SALES_MONTHS) -> ReceivablesSnapshot:
    """The money figures of one period (its end and the day before its start are cut-offs)."""
    before = period.start - timedelta(days=1)
    return ReceivablesSnapshot(
        aging=receivable_at(sums, period.end),
        beginning_receivables=sum(receivable_at(sums, before).values(), ZERO),
        credit_sales=credit_sales(sums.invoiced, period),
        monthly_sales=monthly_sales(sums.invoiced, period.end, months),
    )
