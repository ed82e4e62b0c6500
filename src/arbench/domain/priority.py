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
    parts: list[tuple[float, str]] = []
    amount = float(max(facts.open_amount, Decimal(0)))
    if amount > 0:  # 35 points at $100,000 and above, on a log scale
        parts.append((min(35.0, 7.0 * math.log10(1 + amount)), f"${amount:,.2f} open"))
    if facts.days_past_due > 0:
        parts.append(
            (min(25.0, facts.days_past_due / 120 * 25), f"{facts.days_past_due} days past due")
        )
    left = facts.dispute_days_left
    if left is not None and left <= 60:
        points = 20.0 if left <= 0 else 20.0 * (60 - left) / 60
        text = (
            "dispute window closed"
            if left <= 0
            else f"{left} day{'s' if left > 1 else ''} left in the dispute window"
        )
        parts.append((points, text))
    if facts.risk_score >= 40:
        parts.append((facts.risk_score / 100 * 10, f"customer risk {facts.risk_score}/100"))
    if facts.broken_promises:
        parts.append(
            (
                min(10.0, 5.0 * facts.broken_promises),
                f"{facts.broken_promises} broken promise{'s' if facts.broken_promises > 1 else ''}",
            )
        )
    return parts


def rank(facts: ItemFacts, on: date) -> Ranking:
    """The bucket, priority and reason of one item on day `on`."""
    parts = score(facts)
    priority = round(min(100.0, sum(p for p, _ in parts)), 1)
    explained = ", ".join(text for _, text in sorted(parts, key=lambda p: -p[0]))
    bucket, headline = _bucket(facts, on)
    reason = f"{headline}; {explained}" if headline and explained else (headline or explained)
    return Ranking(bucket, priority, reason or "open item")


def _bucket(facts: ItemFacts, on: date) -> tuple[Bucket, str]:
    if facts.department_answered:
        return Bucket.DEPARTMENT, f"{facts.department_answered.capitalize()} answered"
    if facts.department_overdue:
        return Bucket.DEPARTMENT, f"{facts.department_overdue.capitalize()} request overdue"
    if facts.waiting_on:
        since = facts.waiting_since.isoformat() if facts.waiting_since else "?"
        return Bucket.WAITING, f"Waiting on {facts.waiting_on} since {since}"
    if facts.follow_up is not None and facts.follow_up <= on:
        late = (on - facts.follow_up).days
        when = "today" if late == 0 else f"{late} day{'s' if late > 1 else ''} ago"
        return Bucket.FOLLOW_UP_DUE, f"Follow-up due {when}"
    if facts.broken_promises:
        return Bucket.BROKEN_PROMISE, "Promise to pay broken"
    if facts.is_dispute and 0 <= (on - facts.opened_on).days <= NEW_ITEM_DAYS:
        return Bucket.NEW_DISPUTE, "New short pay or dispute"
    return Bucket.PRIORITY, ""


def work_order(bucket: int, priority: float, item_id: int) -> tuple[int, float, int]:
    """The worklist's order, the one place it is defined: bucket, then priority (high first),
    then id for a stable tie-break. Every list and every live update sorts by it."""
    return (int(bucket), -priority, item_id)


def sort_key(ranking: Ranking, item_id: int) -> tuple[int, float, int]:
    """Worklist order of a ranking (see work_order)."""
    return work_order(ranking.bucket, ranking.priority, item_id)
