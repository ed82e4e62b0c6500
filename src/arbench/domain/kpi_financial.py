"""The financial measures every AR team reports: aging, DSO (countback), CEI and ADD.

Pure arithmetic over Decimal amounts and `datetime.date`s. Nothing here rounds: the report
rounds once, when it is turned into JSON. Each measure that the services layer may feed from
a million pros comes in two forms: one over the raw items (a single linear pass) and one over
totals the caller has already summed in SQL. Periods are inclusive of both their dates.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

ZERO = Decimal(0)
HUNDRED = Decimal(100)

CURRENT = "current"
# (bucket, fewest days past due, most days past due), None where open-ended, in report order.
# Days past due = as-of date - due date; not yet due is negative and counts as current.
AGING_BUCKET_BOUNDS: tuple[tuple[str, int | None, int | None], ...] = (
    (CURRENT, None, 0),
    ("1-30", 1, 30),
    ("31-60", 31, 60),
    ("61-90", 61, 90),
    ("91+", 91, None),
)
AGING_BUCKETS: tuple[str, ...] = tuple(name for name, _, _ in AGING_BUCKET_BOUNDS)


class Period(NamedTuple):
    """A reporting period, both dates included."""

    start: date
    end: date

    def contains(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


# ---------------------------------------------------------------------------- aging


def aging_bucket(due_date: date, as_of: date) -> str:
    """The aging bucket of an item due on `due_date`, seen on `as_of`.

    Days past due = as_of - due_date. Not yet due and due today are "current"; 1-30, 31-60,
    61-90 and 91+ days past due go to the bucket of that name.
    """
    days_past_due = (as_of - due_date).days
    for name, _, most in AGING_BUCKET_BOUNDS:
        if most is None or days_past_due <= most:
            return name
    raise AssertionError("the last aging bucket is open-ended")  # pragma: no cover


def empty_aging() -> dict[str, Decimal]:
    """All five buckets at zero, in report order."""
    return {name: ZERO for name in AGING_BUCKETS}


def aging(items: Iterable[tuple[date, Decimal]], as_of: date) -> dict[str, Decimal]:
    """Open amounts summed by aging bucket; raw form, one pass over (due date, open amount).

    All five buckets are always present. Credits (negative amounts, e.g. a credit memo or an
    overpayment left on a pro) are included in the bucket of their due date, so a bucket can
    be negative. For a large book prefer `aging_from_totals` over sums computed in SQL.
    """
    totals = empty_aging()
    for due_date, amount in items:
        totals[aging_bucket(due_date, as_of)] += amount
    return totals


def aging_from_totals(totals: Iterable[tuple[str, Decimal]]) -> dict[str, Decimal]:
    """Aging from pre-aggregated (bucket, sum) pairs, e.g. a SQL GROUP BY on the bucket.

    Pairs for the same bucket are added; missing buckets are zero. The SQL side can bucket
    with AGING_BUCKET_BOUNDS. An unknown bucket name is a programming error (ValueError).
    """
    result = empty_aging()
    for bucket, amount in totals:
        if bucket not in result:
            raise ValueError(f"unknown aging bucket {bucket!r}; expected one of {AGING_BUCKETS}")
        result[bucket] += amount
    return result


# ---------------------------------------------------------------------------- DSO


@dataclass(frozen=True)
class Countback:
    """DSO by the countback method, and whether the sales given covered the receivable."""

    days: Decimal
    receivable_covered: bool


def dso_countback_detail(
    ending_receivables: Decimal, monthly_sales: Sequence[tuple[int, Decimal]]
) -> Countback:
    """DSO by countback, saying whether the months given were enough to cover the receivable.

    `monthly_sales` is (days in month, credit sales of that month), newest month first (the
    month the receivable is measured at comes first). Walking back, each month whose sales
    are fully consumed adds all its days; the month that covers what is left adds its days
    pro-rated by remaining receivable / that month's sales, and the walk stops.

    Edge cases: a receivable of zero or less (a credit balance) is 0 days, covered. A month
    with zero or negative net sales covers nothing and adds all its days. When the receivable
    exceeds all the sales given, every day given is counted and `receivable_covered` is
    False: the true DSO is higher, so the caller should pass more months or say so.
    """
    remaining = ending_receivables
    days = ZERO
    if remaining <= ZERO:
        return Countback(ZERO, True)
    for days_in_month, sales in monthly_sales:
        if not 1 <= days_in_month <= 31:
            raise ValueError(f"a month has 1 to 31 days, not {days_in_month}")
        if sales > ZERO and remaining <= sales:
            return Countback(days + Decimal(days_in_month) * remaining / sales, True)
        remaining -= max(sales, ZERO)
        days += days_in_month
    return Countback(days, False)


def dso_countback(
    ending_receivables: Decimal, monthly_sales: Sequence[tuple[int, Decimal]]
) -> Decimal:
    """DSO in days by countback; see `dso_countback_detail` for the method and edge cases.

    Takes monthly totals (pre-aggregated form only: sales are summed per month in SQL).
    """
    return dso_countback_detail(ending_receivables, monthly_sales).days


def month_lengths_back(month_end: date, months: int) -> list[int]:
    """Days in each of `months` calendar months ending with `month_end`'s month, newest first.

    A helper for building countback input: zip it with monthly sales summed in SQL.
    """
    year, month = month_end.year, month_end.month
    lengths = []
    for _ in range(months):
        lengths.append(calendar.monthrange(year, month)[1])
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return lengths


# ---------------------------------------------------------------------------- CEI, ADD


def cei(
    beginning_receivables: Decimal,
    credit_sales: Decimal,
    ending_total_receivables: Decimal,
    ending_current_receivables: Decimal,
) -> Decimal | None:
    """Collection effectiveness index, in percent.

    (B + S - E_total) / (B + S - E_current) x 100, where B is the receivable at the start of
    the period, S the credit sales of the period, E_total and E_current the total and the
    current (not yet past due) receivable at its end. None when the denominator is zero.
    """
    denominator = beginning_receivables + credit_sales - ending_current_receivables
    if denominator == ZERO:
        return None
    numerator = beginning_receivables + credit_sales - ending_total_receivables
    return numerator / denominator * HUNDRED


def best_possible_dso(
    current_receivables: Decimal, total_credit_sales: Decimal, days: int
) -> Decimal | None:
    """Best possible DSO: current receivables / total credit sales x days in the period.

    What DSO would be if every customer paid exactly on terms. None when the period had no
    credit sales (zero or a net credit), where the ratio means nothing.
    """
    if total_credit_sales <= ZERO:
        return None
    return current_receivables / total_credit_sales * Decimal(days)


def add(dso: Decimal, best_possible_dso: Decimal) -> Decimal:
    """Average days delinquent: DSO - best possible DSO (may be negative on a prepaying book)."""
    return dso - best_possible_dso


# ---------------------------------------------------------------------------- trend periods

TREND_STEPS = ("week", "month", "quarter")


def _next_boundary(day: date, step: str) -> date:
    """The first day of the week (Monday), month or quarter after the one holding `day`."""
    if step == "week":
        return day + timedelta(days=7 - day.weekday())
    months = 1 if step == "month" else 3 - (day.month - 1) % 3
    month_index = day.month - 1 + months
    return date(day.year + month_index // 12, month_index % 12 + 1, 1)


def trend_periods(start: date, end: date, step: str = "month") -> list[Period]:
    """Consecutive calendar periods covering start..end, for trend charts.

    `step` is "week" (Monday to Sunday), "month" or "quarter". The first and last periods
    are clipped to `start` and `end`, so 2024-01-15..2024-03-10 by month gives
    (01-15, 01-31), (02-01, 02-29), (03-01, 03-10). Each is a Period, i.e. a (from, to) tuple.
    """
    if step not in TREND_STEPS:
        raise ValueError(f"unknown trend step {step!r}; expected one of {TREND_STEPS}")
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    periods = []
    current = start
    while current <= end:
        following = _next_boundary(current, step)
        periods.append(Period(current, min(end, following - timedelta(days=1))))
        current = following
    return periods
