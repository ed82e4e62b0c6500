"""The daily worklist's order: buckets first, then an explainable priority score.

A collector's day starts with what is due or broken, then what is new or came back from another
department, then everything else by a score whose every point is explained. Pure functions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import IntEnum
from operator import itemgetter

DEFAULT_DISPUTE_WINDOW_DAYS = 180
NEW_ITEM_DAYS = 3  # a short pay or dispute opened this recently counts as new


class Bucket(IntEnum):
    """Why an item is on today's list, in the order the day is worked."""

    FOLLOW_UP_DUE = 1
    BROKEN_PROMISE = 2
    NEW_DISPUTE = 3
    DEPARTMENT = 4  # a department answered, or its request is overdue
    PRIORITY = 5
    WAITING = 6  # waiting on a department, not yet due back: off today's list


_LAST_DUE_TODAY = int(Bucket.DEPARTMENT)


def needs_attention(bucket: int) -> bool:
    """Whether an item in this bucket is due today (follow-up, promise, new, department)."""
    return bucket <= _LAST_DUE_TODAY


BUCKET_LABELS = {
    Bucket.FOLLOW_UP_DUE: "Follow-up due",
    Bucket.BROKEN_PROMISE: "Broken promise",
    Bucket.NEW_DISPUTE: "New short pay or dispute",
    Bucket.DEPARTMENT: "Department answered or overdue",
    Bucket.PRIORITY: "By priority",
    Bucket.WAITING: "Waiting on a department",
}


@dataclass(frozen=True)
class ItemFacts:
    """What the worklist knows about one open item on a given day."""

    open_amount: Decimal
    days_past_due: int
    dispute_days_left: int | None  # None for account-level items
    risk_score: int  # 0 (safe) .. 100 (distressed)
    broken_promises: int
    follow_up: date | None
    is_dispute: bool
    opened_on: date
    department_answered: str | None = None  # department whose answer came back
    department_overdue: str | None = None  # department whose request is past its due date
    waiting_on: str | None = None  # department still working on it, not overdue
    waiting_since: date | None = None


@dataclass(frozen=True)
class Ranking:
    bucket: Bucket
    priority: float  # 0..100, higher first within a bucket
    reason: str  # why it is on today's list, in words


def dispute_days_left(invoice_date: date | None, on: date, window_days: int) -> int | None:
    """Days left before the dispute/rebill window (counted from the invoice date) closes."""
    if invoice_date is None:
        return None
    return window_days - (on - invoice_date).days


def score(facts: ItemFacts) -> list[tuple[float, str]]:
    """The priority points and their explanations; the priority is their sum (max 100)."""
    amount = float(max(facts.open_amount, Decimal(0)))
    return _parts(amount, facts.days_past_due, facts.dispute_days_left, facts.risk_score,
                  facts.broken_promises)  # fmt: skip


def _parts(
    amount: float,
    days_past_due: int,
    left: int | None,
    risk_score: int,
    broken: int,
    explain: bool = True,
) -> list[tuple[float, str]]:
    """(points, explanation) of each reason for priority; without `explain` the texts are
    left empty (the order of a big list is known before its rows' reasons are written)."""
    parts: list[tuple[float, str]] = []
    if amount > 0:  # 35 points at $100,000 and above, on a log scale
        parts.append((min(35.0, 7.0 * math.log10(1 + amount)),
                      f"${amount:,.2f} open" if explain else ""))  # fmt: skip
    if days_past_due > 0:
        parts.append((min(25.0, days_past_due / 120 * 25),
                      f"{days_past_due} days past due" if explain else ""))  # fmt: skip
    if left is not None and left <= 60:
        points = 20.0 if left <= 0 else 20.0 * (60 - left) / 60
        text = (
            ""
            if not explain
            else "dispute window closed"
            if left <= 0
            else f"{left} day{'s' if left > 1 else ''} left in the dispute window"
        )
        parts.append((points, text))
    if risk_score >= 40:
        parts.append((risk_score / 100 * 10,
                      f"customer risk {risk_score}/100" if explain else ""))  # fmt: skip
    if broken:
        parts.append((min(10.0, 5.0 * broken),
                      f"{broken} broken promise{'s' if broken > 1 else ''}" if explain else ""))  # fmt: skip
    return parts


def rank(facts: ItemFacts, on: date) -> Ranking:
    """The bucket, priority and reason of one item on day `on`."""
    bucket, priority, reason = rank_values(
        float(max(facts.open_amount, Decimal(0))), facts.days_past_due,
        facts.dispute_days_left, facts.risk_score, facts.broken_promises, facts.follow_up,
        facts.is_dispute, facts.opened_on, facts.department_answered,
        facts.department_overdue, facts.waiting_on, facts.waiting_since, on,
    )  # fmt: skip
    return Ranking(bucket, priority, reason)


def rank_values(
    amount: float,
    days_past_due: int,
    left: int | None,
    risk_score: int,
    broken: int,
    follow_up: date | None,
    is_dispute: bool,
    opened_on: date,
    answered: str | None,
    overdue: str | None,
    waiting: str | None,
    waiting_since: date | None,
    on: date,
    explain: bool = True,
) -> tuple[Bucket, float, str]:
    """`rank` over plain values (the worklist ranks every open item this way, without building
    an ItemFacts per row): (bucket, priority, reason). `amount` is the open amount, not below 0.
    With `explain=False` the reason is "" (what `order_values` gives: the order alone)."""
    parts = _parts(amount, days_past_due, left, risk_score, broken, explain)
    if len(parts) > 1:
        priority = round(min(100.0, sum([p for p, _ in parts])), 1)  # summed in this order
        if explain:
            parts.sort(key=_points, reverse=True)  # stable: equal points keep their order
        explained = ", ".join([text for _, text in parts]) if explain else ""
    elif parts:
        priority, explained = round(min(100.0, parts[0][0]), 1), parts[0][1]
    else:
        priority, explained = 0.0, ""
    bucket, headline = _bucket_of(answered, overdue, waiting, waiting_since, follow_up, broken,
                                  is_dispute, opened_on, on, explain)  # fmt: skip
    if not explain:
        return bucket, priority, ""
    reason = f"{headline}; {explained}" if headline and explained else (headline or explained)
    return bucket, priority, reason or "open item"


_points = itemgetter(0)


def _bucket(facts: ItemFacts, on: date) -> tuple[Bucket, str]:
    return _bucket_of(facts.department_answered, facts.department_overdue, facts.waiting_on,
                      facts.waiting_since, facts.follow_up, facts.broken_promises,
                      facts.is_dispute, facts.opened_on, on)  # fmt: skip


def _bucket_of(
    answered: str | None,
    overdue: str | None,
    waiting: str | None,
    waiting_since: date | None,
    follow_up: date | None,
    broken: int,
    is_dispute: bool,
    opened_on: date,
    on: date,
    explain: bool = True,
) -> tuple[Bucket, str]:
    if not explain:
        return _bucket_only(answered, overdue, waiting, follow_up, broken, is_dispute,
                            opened_on, on), ""  # fmt: skip
    if answered:
        return Bucket.DEPARTMENT, f"{answered.capitalize()} answered"
    if overdue:
        return Bucket.DEPARTMENT, f"{overdue.capitalize()} request overdue"
    if waiting:
        since = waiting_since.isoformat() if waiting_since else "?"
        return Bucket.WAITING, f"Waiting on {waiting} since {since}"
    if follow_up is not None and follow_up <= on:
        late = (on - follow_up).days
        when = "today" if late == 0 else f"{late} day{'s' if late > 1 else ''} ago"
        return Bucket.FOLLOW_UP_DUE, f"Follow-up due {when}"
    if broken:
        return Bucket.BROKEN_PROMISE, "Promise to pay broken"
    if is_dispute and 0 <= (on - opened_on).days <= NEW_ITEM_DAYS:
        return Bucket.NEW_DISPUTE, "New short pay or dispute"
    return Bucket.PRIORITY, ""


def _bucket_only(
    answered: str | None,
    overdue: str | None,
    waiting: str | None,
    follow_up: date | None,
    broken: int,
    is_dispute: bool,
    opened_on: date,
    on: date,
) -> Bucket:
    """The bucket `_bucket_of` gives, without its headline (same conditions, same order)."""
    if answered or overdue:
        return Bucket.DEPARTMENT
    if waiting:
        return Bucket.WAITING
    if follow_up is not None and follow_up <= on:
        return Bucket.FOLLOW_UP_DUE
    if broken:
        return Bucket.BROKEN_PROMISE
    if is_dispute and 0 <= (on - opened_on).days <= NEW_ITEM_DAYS:
        return Bucket.NEW_DISPUTE
    return Bucket.PRIORITY


def work_order(bucket: int, priority: float, item_id: int) -> tuple[int, float, int]:
    """The worklist's order, the one place it is defined: bucket, then priority (high first),
    then id for a stable tie-break. Every list and every live update sorts by it."""
    return (int(bucket), -priority, item_id)


def sort_key(ranking: Ranking, item_id: int) -> tuple[int, float, int]:
    """Worklist order of a ranking (see work_order)."""
    return work_order(ranking.bucket, ranking.priority, item_id)
