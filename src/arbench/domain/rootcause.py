"""Root-cause intelligence: the arithmetic of the root-cause report. Pure functions.

The services sum, per root cause (and per customer, lane, shipper, origin, charge code or
month), the items opened in a period: how many, the money at stake, the money still tied up,
the days each was outstanding and the collector minutes logged on it. This module turns those
sums into a Pareto list (causes by count, with their share and running share), a monthly trend,
the hours a cause cost, and the verdict on a cause fixed at account level (did its pros stop?).

How hours are counted: each contact logged on an item (call, email, note) counts the minutes
the collector entered, or, when none were entered, DEFAULT_MINUTES for its kind.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from arbench.domain.catalogue import ISSUE_TYPES, ROOT_CAUSES, Level

# Minutes a logged contact counts when the collector entered none (call, email, note).
DEFAULT_MINUTES = {"call": 10, "email": 6, "note": 3}
CONTACT_KINDS = tuple(DEFAULT_MINUTES)
DIMENSIONS = ("customer", "lane", "shipper", "origin", "charge", "month")
ACCOUNT_LEVEL = "(account-level)"  # the group of an account-level item on a pro's dimension
NONE_GROUP = "(none)"  # no shipper, no origin, no accessorial on the bill
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Totals:
    """What the items of one cause (or one cause and group) add up to."""

    count: int = 0
    amount: Decimal = Decimal(0)  # money at stake: the disputed amount, else the pro's billed
    open_amount: Decimal = Decimal(0)  # money still tied up: open items' open balance
    days: int = 0  # days outstanding, summed: opened to resolved (or to the report's end)
    minutes: int = 0  # collector minutes logged on the items' contacts

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.minutes) / 60).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def average_days(self) -> Decimal | None:
        if not self.count:
            return None
        return (Decimal(self.days) / self.count).quantize(Decimal("0.1"), ROUND_HALF_UP)

    def __add__(self, other: Totals) -> Totals:
        return Totals(self.count + other.count, self.amount + other.amount,
                      self.open_amount + other.open_amount, self.days + other.days,
                      self.minutes + other.minutes)  # fmt: skip


@dataclass(frozen=True)
class ParetoRow:
    cause: str
    totals: Totals
    share: Decimal  # percent of all items (or of all money)
    cumulative: Decimal  # running percent, biggest cause first


def pareto(causes: Mapping[str, Totals], measure: str = "count") -> list[ParetoRow]:
    """Causes biggest first by `measure` (count or amount), each with its share and the
    running share (the 80 % line of a Pareto chart). Ties in cause order."""

    def size(t: Totals) -> Decimal:
        return Decimal(t.count) if measure == "count" else t.amount

    ordered = sorted(causes.items(), key=lambda kv: (-size(kv[1]), kv[0]))
    whole = sum((size(t) for _, t in ordered), Decimal(0))
    rows, running = [], Decimal(0)
    for cause, totals in ordered:
        running += size(totals)
        rows.append(ParetoRow(cause, totals, _percent(size(totals), whole),
                              _percent(running, whole)))  # fmt: skip
    return rows


def _percent(part: Decimal, whole: Decimal) -> Decimal:
    if not whole:
        return Decimal(0)
    return (part * HUNDRED / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)


def minutes_of(kind: str, minutes: int | None) -> int:
    """The minutes one logged contact counts (what was entered, else the kind's default)."""
    return minutes if minutes is not None else DEFAULT_MINUTES.get(kind, 0)


def months(start: date, end: date) -> list[str]:
    """The months of a period as 'YYYY-MM', oldest first."""
    out, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def trend(points: Iterable[tuple[str, str, int]], start: date, end: date) -> dict[str, list[int]]:
    """(cause, month, count) sums as one series per cause over every month of the period."""
    columns = {m: i for i, m in enumerate(months(start, end))}
    series: dict[str, list[int]] = {}
    for cause, month, count in points:
        if month in columns:
            series.setdefault(cause, [0] * len(columns))[columns[month]] += count
    return series


def cause_department(code: str) -> str | None:
    """The department that owns a root cause: that of the issue type it is the usual cause of,
    else that of the account-level issue it signals when it repeats; None when no department
    does (a customer's slow pay with no account issue behind it)."""
    for issue_type in ISSUE_TYPES.values():
        if issue_type.default_root_cause == code and issue_type.department is not None:
            return issue_type.department.value
    cause = ROOT_CAUSES.get(code)
    if cause is not None and cause.promotes_to in ISSUE_TYPES:
        owner = ISSUE_TYPES[cause.promotes_to].department
        return owner.value if owner else None
    return None


def causes_of(department: str) -> tuple[str, ...]:
    """The root causes a department owns, in catalogue order."""
    return tuple(code for code in ROOT_CAUSES if cause_department(code) == department)


def signal_causes(account_issue_type: str) -> tuple[str, ...]:
    """The pro-level causes that keep coming while an account-level issue of this type stands."""
    return tuple(
        c.code for c in ROOT_CAUSES.values()
        if c.level == Level.PRO and c.promotes_to == account_issue_type
    )  # fmt: skip


@dataclass(frozen=True)
class Windows:
    """Equal spans before and after a fix: what came before it, what came after it."""

    before_start: date
    before_end: date  # the day before the fix
    after_start: date  # the day after the fix
    after_end: date


def windows(fixed_on: date, end: date) -> Windows:
    """From the day after the fix to `end`, and as many days before the fix."""
    days = max(0, (end - fixed_on).days)
    return Windows(fixed_on - timedelta(days=days), fixed_on - timedelta(days=1),
                   fixed_on + timedelta(days=1), end)  # fmt: skip


def verdict(before: int, after: int) -> str:
    """Did the pros stop coming once the cause was fixed?"""
    if after == 0:
        return "stopped"
    if after < before:
        return "fewer"
    return "not stopped"
