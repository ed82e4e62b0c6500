"""The collector's rules: promises kept or broken, promotion to an account issue, recurrence.

Pure functions over plain facts, so each rule can be checked against a hand-worked example.
The dispute-window clock lives in `priority.dispute_days_left` and is re-exported here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from arbench.domain.catalogue import ISSUE_TYPES, ROOT_CAUSES, Level
from arbench.domain.priority import dispute_days_left

__all__ = [
    "PromiseVerdict",
    "ProIssueFact",
    "Proposal",
    "ResolvedFact",
    "dispute_days_left",
    "evaluate_promise",
    "promise_problem",
    "promotion_proposals",
    "recurrence_of",
]


# ----- promises to pay ------------------------------------------------------------------------
@dataclass(frozen=True)
class PromiseVerdict:
    status: str  # open | kept | broken
    settled_on: date | None
    received: Decimal  # money counted toward the promise


def evaluate_promise(
    amount: Decimal,
    made_on: date,
    due_on: date,
    payments: Iterable[tuple[date, Decimal]],
    on: date,
) -> PromiseVerdict:
    """Kept when the payments received from `made_on` to `due_on` add up to `amount`.

    Kept on the day the running total reaches the amount; broken the day after `due_on` if it
    did not; open until then. Payments after `on` (the evaluation day) are not known yet.
    """
    received = Decimal(0)
    last_day = min(due_on, on)
    for day, value in sorted(payments):
        if day < made_on or day > last_day:
            continue
        received += value
        if received >= amount:
            return PromiseVerdict("kept", day, received)
    if on > due_on:
        return PromiseVerdict("broken", due_on + timedelta(days=1), received)
    return PromiseVerdict("open", None, received)


def promise_problem(amount: Decimal, due_on: date, open_balance: Decimal, on: date) -> str | None:
    """Why a promise cannot be recorded (in words), or None when it can."""
    if amount <= 0:
        return f"the promised amount must be more than $0.00, not ${amount:,.2f}"
    if amount > open_balance:
        return (
            f"the promised amount ${amount:,.2f} is more than the open balance ${open_balance:,.2f}"
        )
    if due_on < on:
        return f"the promise date {due_on.isoformat()} is before today ({on.isoformat()})"
    return None


# ----- promotion: repeated pro-level causes signal an account-level issue -------------------------
@dataclass(frozen=True)
class ProIssueFact:
    """An open pro-level issue, as the promotion rule sees it."""

    id: int
    account_id: int
    root_cause: str | None
    opened_on: date
    parent_id: int | None  # already linked to an account-level issue


@dataclass(frozen=True)
class Proposal:
    """Open an account-level issue of `issue_type` on `account_id` and link `issue_ids` to it."""

    account_id: int
    issue_type: str
    root_cause: str  # the pro-level cause that repeats
    account_root_cause: str  # the account-level cause the new issue starts with
    issue_ids: tuple[int, ...]


def promotion_proposals(
    issues: Iterable[ProIssueFact], on: date, threshold: int, window_days: int
) -> list[Proposal]:
    """Proposals for each (account, root cause) with `threshold` or more unlinked open pro issues
    opened within the last `window_days` days (inclusive), where the cause promotes to an
    account-level issue type. Largest groups first, then by account and cause.
    """
    since = on - timedelta(days=window_days)
    groups: dict[tuple[int, str], list[int]] = defaultdict(list)
    for issue in issues:
        cause = ROOT_CAUSES.get(issue.root_cause or "")
        if cause is None or cause.level != Level.PRO or cause.promotes_to is None:
            continue
        if issue.parent_id is not None or not since <= issue.opened_on <= on:
            continue
        groups[(issue.account_id, cause.code)].append(issue.id)
    proposals = []
    for (account_id, code), ids in groups.items():
        if len(ids) < threshold:
            continue
        target = ROOT_CAUSES[code].promotes_to
        assert target is not None
        usual = ISSUE_TYPES[target].default_root_cause
        assert usual is not None  # every account-level type names its usual cause
        proposals.append(Proposal(account_id, target, code, usual, tuple(sorted(ids))))
    proposals.sort(key=lambda p: (-len(p.issue_ids), p.account_id, p.root_cause))
    return proposals


# ----- recurrence: the same cause back on the same account ----------------------------------------
@dataclass(frozen=True)
class ResolvedFact:
    """An issue of the account that was resolved: its root cause and the day."""

    issue_id: int
    root_cause: str | None
    resolved_on: date


def recurrence_of(
    root_cause: str | None, resolved: Iterable[ResolvedFact], on: date, window_days: int
) -> ResolvedFact | None:
    """The latest resolution of the same root cause on the account within `window_days` days
    before `on` (inclusive), or None. An item that comes back for that cause is a recurrence.
    """
    if root_cause is None:
        return None
    since = on - timedelta(days=window_days)
    matches = [r for r in resolved if r.root_cause == root_cause and since <= r.resolved_on <= on]
    return max(matches, key=lambda r: (r.resolved_on, r.issue_id), default=None)
