"""Resolution-quality measures: what arbench rewards instead of calls made and tickets closed.

Promise-kept rate, dispute cycle time by root cause, the share resolved with the root cause
fixed, reopen and recurrence rates, pro-to-account promotions and the pros each retired, and
time spent waiting on other departments. Every function takes plain records (built by the
services layer from the store) and a `Period` (both dates included), makes one pass over
them, and returns counts beside each rate so a rate over two items is not mistaken for a
trend. Rates are percentages; a rate with nothing to divide by is None.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from arbench.domain.catalogue import Department, Level, PromiseStatus
from arbench.domain.kpi_financial import HUNDRED, Period

UNSPECIFIED_ROOT_CAUSE = "unspecified"
RESOLVED_WITH_ACCOUNT = "resolved_with_account"


@dataclass(frozen=True)
class PromiseRecord:
    """A promise to pay: when it was made, when the money is due, and how it ended."""

    made_on: date
    due_date: date
    amount: Decimal
    status: str  # a PromiseStatus value: open | kept | broken | cancelled


@dataclass(frozen=True)
class IssueRecord:
    """One pro-level or account-level issue, as the quality measures need it."""

    id: int
    level: str  # a Level value: pro | account
    type: str  # an ISSUE_TYPES code
    root_cause: str | None
    opened_on: date
    resolved_on: date | None = None  # the latest resolution; None while open
    reopened_on: date | None = None  # the latest reopen; None if never reopened
    recurrence: bool = False  # came back for the same cause after it was resolved
    root_cause_fixed: bool | None = None  # None: not recorded, counts as not fixed
    dispute: bool = False  # a dispute, per the issue type (IssueType.dispute)
    parent_id: int | None = None  # the account-level issue a pro issue is linked to
    promoted: bool = False  # account-level issue created by promotion from pro issues
    resolution_code: str | None = None  # a RESOLUTION_CODES key
    account: str | None = None  # account number, for display


@dataclass(frozen=True)
class RequestRecord:
    """A request routed to another department (POD, inspection certificate, rebill ...)."""

    department: str  # a Department value
    created_on: date
    answered_on: date | None = None
    cancelled: bool = False


@dataclass(frozen=True)
class Ratio:
    """`count` out of `out_of`; `percent` is None when there is nothing to divide by."""

    count: int
    out_of: int

    @property
    def percent(self) -> Decimal | None:
        if self.out_of == 0:
            return None
        return Decimal(self.count) * HUNDRED / Decimal(self.out_of)


# ---------------------------------------------------------------------------- promises


def promise_kept_rate(promises: Iterable[PromiseRecord], period: Period) -> Ratio:
    """Promises kept out of promises kept or broken, among those due in the period.

    Open promises (not yet settled) and cancelled ones are left out; a promise counts in the
    period its due date falls in, whenever it was made or settled.
    """
    kept = broken = 0
    for promise in promises:
        if not period.contains(promise.due_date):
            continue
        if promise.status == PromiseStatus.KEPT:
            kept += 1
        elif promise.status == PromiseStatus.BROKEN:
            broken += 1
    return Ratio(kept, kept + broken)


# ---------------------------------------------------------------------------- dispute cycle


@dataclass(frozen=True)
class CycleStats:
    """Days from opened to resolved: how many disputes, their mean and their median."""

    count: int
    mean_days: Decimal | None
    median_days: Decimal | None


@dataclass(frozen=True)
class DisputeCycleTimes:
    overall: CycleStats
    by_root_cause: dict[str, CycleStats]  # root cause code (or "unspecified") -> stats


def cycle_stats(durations: Sequence[int]) -> CycleStats:
    """Count, mean and median of whole-day durations (median of an even count: the mean
    of the middle two)."""
    if not durations:
        return CycleStats(0, None, None)
    ordered = sorted(durations)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        median = Decimal(ordered[middle])
    else:
        median = Decimal(ordered[middle - 1] + ordered[middle]) / 2
    return CycleStats(len(ordered), Decimal(sum(ordered)) / len(ordered), median)


def dispute_cycle_days_from_durations(
    durations: Iterable[tuple[str | None, int]],
) -> DisputeCycleTimes:
    """Cycle times from (root cause, days opened to resolved) pairs, e.g. selected in SQL.

    The pre-aggregated form of `dispute_cycle_days`: the caller has already picked the
    disputes resolved in the period. Root causes are listed in alphabetical order.
    """
    by_cause: dict[str, list[int]] = defaultdict(list)
    everything: list[int] = []
    for root_cause, days in durations:
        by_cause[root_cause or UNSPECIFIED_ROOT_CAUSE].append(days)
        everything.append(days)
    return DisputeCycleTimes(
        overall=cycle_stats(everything),
        by_root_cause={cause: cycle_stats(by_cause[cause]) for cause in sorted(by_cause)},
    )


def dispute_cycle_days(issues: Iterable[IssueRecord], period: Period) -> DisputeCycleTimes:
    """Days from opened to resolved for disputes resolved in the period, by root cause.

    Only issues marked `dispute` count (a plain past-due is not a dispute). An issue that was
    reopened is measured from when it was first opened to its latest resolution. Issues
    without a root cause are grouped under "unspecified".
    """
    return dispute_cycle_days_from_durations(
        (issue.root_cause, (issue.resolved_on - issue.opened_on).days)
        for issue in issues
        if issue.dispute and issue.resolved_on is not None and period.contains(issue.resolved_on)
    )


# ---------------------------------------------------------------------------- issue rates


def root_cause_fixed_rate(issues: Iterable[IssueRecord], period: Period) -> Ratio:
    """Issues resolved in the period with the root cause fixed, out of all resolved in it.

    An issue whose root_cause_fixed was never recorded counts as not fixed.
    """
    fixed = resolved = 0
    for issue in issues:
        if period.contains(issue.resolved_on):
            resolved += 1
            fixed += issue.root_cause_fixed is True
    return Ratio(fixed, resolved)


def reopen_rate(issues: Iterable[IssueRecord], period: Period) -> Ratio:
    """Issues reopened in the period, out of the issues resolved or reopened in it.

    Precisely: count = issues whose latest reopen date falls in the period; out_of = issues
    whose latest resolution date or latest reopen date falls in the period (each issue once).
    Every reopened issue was resolved first, so it belongs to the base even when that earlier
    resolution predates the period or was cleared by the reopen: the rate stays within
    0..100 and reads "of the closures tested in this period, the share that came back".
    An issue reopened twice in one period counts once (records keep only the latest dates).
    """
    reopened = base = 0
    for issue in issues:
        was_reopened = period.contains(issue.reopened_on)
        if was_reopened or period.contains(issue.resolved_on):
            base += 1
            reopened += was_reopened
    return Ratio(reopened, base)


def recurrence_rate(issues: Iterable[IssueRecord], period: Period) -> Ratio:
    """Recurrences opened in the period, out of issues resolved in the period.

    A recurrence is a new issue raised because an item came back for the same cause after it
    was resolved. Numerator and denominator are different issues, so on a book that resolves
    little and sees much come back the percentage can exceed 100.
    """
    recurrences = resolved = 0
    for issue in issues:
        recurrences += issue.recurrence and period.contains(issue.opened_on)
        resolved += period.contains(issue.resolved_on)
    return Ratio(recurrences, resolved)


# ---------------------------------------------------------------------------- promotions


@dataclass(frozen=True)
class Promotion:
    """An account-level issue created by promotion, with the pro issues linked to it."""

    issue_id: int
    account: str | None
    type: str
    opened_on: date
    resolved_on: date | None
    linked_pros: int
    pros_retired: int


@dataclass(frozen=True)
class Promotions:
    items: tuple[Promotion, ...]

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def pros_retired(self) -> int:
        return sum(item.pros_retired for item in self.items)


def _retired_by(pro: IssueRecord, parent: IssueRecord, period: Period) -> bool:
    """A linked pro issue resolved with its account-level issue, by the end of the period."""
    if pro.resolved_on is None or pro.resolved_on > period.end:
        return False
    if pro.resolution_code == RESOLVED_WITH_ACCOUNT:
        return True
    return parent.resolved_on is not None and pro.resolved_on >= parent.resolved_on


def promotions(issues: Sequence[IssueRecord], period: Period) -> Promotions:
    """Account-level issues created by promotion in the period, and the pros each retired.

    A pro issue counts as linked when its parent_id names the promoted issue, and as retired
    when it was resolved with it by the end of the period: resolved with the resolution code
    "resolved_with_account", or resolved on or after the day the account-level issue was.
    Linked pros settled on their own before the account-level cause was fixed are linked
    but not retired. Listed by opening date, then id. Two passes over `issues`.
    """
    promoted = {
        issue.id: issue
        for issue in issues
        if issue.promoted and issue.level == Level.ACCOUNT and period.contains(issue.opened_on)
    }
    linked: dict[int, int] = defaultdict(int)
    retired: dict[int, int] = defaultdict(int)
    for issue in issues:
        parent = promoted.get(issue.parent_id) if issue.parent_id is not None else None
        if parent is not None:
            linked[parent.id] += 1
            retired[parent.id] += _retired_by(issue, parent, period)
    ordered = sorted(promoted.values(), key=lambda issue: (issue.opened_on, issue.id))
    return Promotions(
        tuple(_promotion(issue, linked[issue.id], retired[issue.id]) for issue in ordered)
    )


def _promotion(issue: IssueRecord, linked_pros: int, pros_retired: int) -> Promotion:
    return Promotion(
        issue_id=issue.id,
        account=issue.account,
        type=issue.type,
        opened_on=issue.opened_on,
        resolved_on=issue.resolved_on,
        linked_pros=linked_pros,
        pros_retired=pros_retired,
    )


# ---------------------------------------------------------------------------- waiting


@dataclass(frozen=True)
class DepartmentWait:
    """Requests to one department that were waiting during the period, and the days waited."""

    requests: int
    still_open: int  # not answered by the end of the period
    total_days: int

    @property
    def mean_days(self) -> Decimal | None:
        return None if self.requests == 0 else Decimal(self.total_days) / self.requests


def waiting_on_departments(
    requests: Iterable[RequestRecord], period: Period
) -> dict[str, DepartmentWait]:
    """Days spent waiting on each department for requests that waited during the period.

    A request counts when it was created by the end of the period and was not answered
    before it started; cancelled requests are left out. Its days run from creation to its
    answer, or to the end of the period (the as-of date) when it was still open then. Every
    catalogue department is listed, in catalogue order, with zeros when it had no requests;
    departments outside the catalogue follow alphabetically.
    """
    counts: dict[str, list[int]] = {dept.value: [0, 0, 0] for dept in Department}
    for request in requests:
        if request.cancelled or request.created_on > period.end:
            continue
        if request.answered_on is not None and request.answered_on < period.start:
            continue
        still_open = request.answered_on is None or request.answered_on > period.end
        until = period.end if still_open or request.answered_on is None else request.answered_on
        tally = counts.setdefault(request.department, [0, 0, 0])
        tally[0] += 1
        tally[1] += still_open
        tally[2] += (until - request.created_on).days
    known = [dept.value for dept in Department]
    order = known + sorted(set(counts) - set(known))
    return {name: DepartmentWait(*counts[name]) for name in order}
