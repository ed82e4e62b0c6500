"""The collector's daily worklist: every open item a user owns, ranked and explained.

One query per kind of fact (issues with their pro and account, open promises, department
requests, account balances), then `domain.priority` ranks them. The CLI and the GUI both use
`worklist()`, so they show the same list in the same order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property
from operator import itemgetter
from typing import Any

from sqlalchemy import BigInteger, func, select, type_coerce
from sqlalchemy.orm import Session, aliased
from sqlalchemy.types import NullType

from arbench.domain.catalogue import (
    ISSUE_TYPES,
    OPEN_STATUSES,
    ROOT_CAUSES,
    Level,
    PromiseStatus,
    RequestStatus,
)
from arbench.domain.priority import BUCKET_LABELS, Bucket, rank_values, sort_key, work_order
from arbench.services.base import Actor, NotFound
from arbench.services.bulk_sql import FETCH_BATCH
from arbench.services.gc_pause import collector_paused
from arbench.services.permissions import ANYONE, service
from arbench.services.settings import read_settings
from arbench.store.db import Database
from arbench.store.models import Account, DepartmentRequest, Issue, Pro, Promise, User

OPEN = [s.value for s in OPEN_STATUSES]


@dataclass(frozen=True)
class WorkItem:
    """One row of the worklist, as the CLI prints it and the GUI shows it."""

    id: int
    level: str
    pro: str | None
    account_number: str
    account_name: str
    type: str
    type_name: str
    root_cause: str | None
    root_cause_name: str | None
    open_amount: Decimal
    days_past_due: int
    follow_up: date | None
    status: str
    priority: float
    reason: str
    bucket: int
    bucket_label: str
    bol: str | None
    invoice_number: str | None
    dispute_days_left: int | None
    waiting_on: str | None
    parent_id: int | None
    owner_id: int | None = None  # whose list it is on (lists decide membership by it)
    version: int = 0  # the item's version when read: an action on several rows sends it

    @cached_property
    def search_text(self) -> str:
        """Lower-case text the type-ahead search matches: PRO, BOL, invoice, customer.

        Computed once per row (worklist loads compute it off the GUI thread)."""
        return search_text_of(
            self.pro, self.bol, self.invoice_number, self.account_number, self.account_name
        )

    def to_json(self) -> dict[str, object]:
        return {
            "level": self.level,
            "id": self.id,
            "pro": self.pro,
            "account_number": self.account_number,
            "account_name": self.account_name,
            "type": self.type,
            "type_name": self.type_name,
            "root_cause": self.root_cause,
            "open_amount": str(self.open_amount),
            "days_past_due": self.days_past_due,
            "follow_up": self.follow_up.isoformat() if self.follow_up else None,
            "status": self.status,
            "priority": self.priority,
            "reason": self.reason,
            "bucket": self.bucket_label,
            "bol": self.bol,
            "invoice_number": self.invoice_number,
            "dispute_days_left": self.dispute_days_left,
            "waiting_on": self.waiting_on,
            "parent_id": self.parent_id,
        }


def search_text_of(*parts: str | None) -> str:
    """The type-ahead's text of a row: its PRO, BOL, invoice, customer number and name."""
    return " ".join([p for p in parts if p]).lower()


@dataclass
class _Extras:
    broken: int = 0
    answered: str | None = None
    overdue: str | None = None
    waiting: str | None = None
    waiting_since: date | None = None


@service(ANYONE, "see a worklist", writes=False)
def worklist(
    db: Database, login: str, on: date | None = None, *, actor: Actor | None = None
) -> list[WorkItem]:
    """The open items owned by `login`, in the order the day should be worked (`actor`: who
    looks, when known; department staff see their queues instead)."""
    return worklist_ranked(db, login, on, explain=True).items()


def worklist_ranked(
    db: Database, login: str, on: date | None = None, *, explain: bool = False
) -> RankedList:
    """`worklist`, before its rows are made: the window makes the first rows, shows them, and
    makes the rest while the collector works (see RankedList)."""
    on = on or date.today()
    with db.session() as session:
        user_id = session.scalar(select(User.id).where(User.login == login))
        if user_id is None:
            raise NotFound(f"unknown user '{login}'")
        return ranked(session, [Issue.owner_id == user_id], on, explain=explain)


# The columns of one open item, fetched as plain tuples: money as integer cents, dates as
# the driver gives them (SQLite: ISO text, turned into dates once per distinct day by _Days).
_CENTS, _AS_STORED = BigInteger(), NullType()


def _item_columns() -> tuple[Any, ...]:
    return (
        Issue.id, Issue.level, Issue.type, Issue.root_cause, Issue.status,
        type_coerce(Issue.follow_up, _AS_STORED), type_coerce(Issue.amount, _CENTS),
        type_coerce(Issue.opened_on, _AS_STORED), Issue.parent_id, Issue.owner_id,
        Issue.account_id, Account.number, Account.name, Account.risk_score, Pro.pro, Pro.bol,
        Pro.invoice_number, type_coerce(Pro.invoice_date, _AS_STORED),
        type_coerce(Pro.due_date, _AS_STORED), type_coerce(Pro.open_balance, _CENTS),
        Issue.version,
    )  # fmt: skip


class _Days:
    """A stored date as a `date`: SQLite's ISO text parsed once per distinct day."""

    def __init__(self) -> None:
        self.known: dict[Any, date | None] = {None: None}

    def __call__(self, value: Any) -> date | None:
        day = self.known.get(value, _UNSEEN)
        if day is _UNSEEN:
            day = self.known[value] = date.fromisoformat(value) if isinstance(value, str) else value
        return day  # type: ignore[return-value]


_UNSEEN = object()


def items_for(session: Session, where: Iterable[object], on: date) -> list[WorkItem]:
    """Ranked work items for the open issues matching `where` (used by team views too)."""
    return ranked(session, where, on, explain=True).items()


def ranked(
    session: Session, where: Iterable[object], on: date, *, explain: bool = False
) -> RankedList:
    """The open issues matching `where` in work order, before their rows are made.

    Built for big lists (a collector's or a supervisor's 100,000 items): the rows come as
    plain tuples in batches (no ORM objects, money as cents, no single fetch holding the
    interpreter for long), promises and department requests in one query each; each row is
    ordered by `domain.priority.rank_values`, and `items()` then makes the WorkItems in that
    order, all at once or a slice at a time. Without `explain` the reasons are written by
    `items()` (a window shows the first rows before the others' reasons are written); with it,
    in the same pass (one pass: what a caller that takes every row at once wants)."""
    with collector_paused():
        return _ranked(session, list(where), on, explain)


def _ranked(session: Session, where: list[object], on: date, explain: bool) -> RankedList:
    window = read_settings(session).dispute_window_days
    open_issues = [Issue.status.in_(OPEN), *where]
    result = session.connection().execute(
        select(*_item_columns())
        .join(Account, Account.id == Issue.account_id)
        .outerjoin(Pro, Pro.id == Issue.pro_id)
        .where(*open_issues)  # type: ignore[arg-type]
        .execution_options(yield_per=FETCH_BATCH)
    )
    rows: list[Any] = []
    for batch in result.partitions():
        rows.extend(batch)
    extras = _extras(session, select(Issue.id).where(*open_issues), on)  # type: ignore[arg-type]
    account_rows = [r for r in rows if r[1] == Level.ACCOUNT]
    account_totals = (
        _account_totals(session, [r[0] for r in account_rows], {r[10] for r in account_rows}, on)
        if account_rows
        else {}
    )
    days = _Days()
    return RankedList(_facts_in_order(rows, extras, account_totals, on, window, explain, days),
                      on, days)  # fmt: skip


_ZERO = Decimal(0)
_NO_EXTRAS = _Extras()
# One row before its WorkItem: (order number, the query's row, open amount, days past due,
# dispute days left, the item's promises and requests, its reason or "" when not yet written)
Facts = tuple[int, Any, Decimal, int, int | None, _Extras, str]


def _facts_in_order(
    rows: list[Any],
    extras: dict[int, _Extras],
    totals: dict[int, tuple[Decimal, int]],
    on: date,
    window: int,
    explain: bool,
    days: _Days,
) -> list[Facts]:
    """Each row's facts and place in the work order, sorted (the loop every worklist row goes
    through: kept flat). The order is `by_order`'s, as one integer per row."""
    disputes = {key: t.dispute for key, t in ISSUE_TYPES.items()}
    money = _MoneyCache()
    pro_level = Level.PRO.value
    out: list[Facts] = []
    append = out.append
    for row in rows:
        item_id, level, type_, _, _, follow_up, amount, opened_on = row[:8]
        follow_up, opened_on = days(follow_up), days(opened_on)
        x = extras.get(item_id, _NO_EXTRAS)
        if level == pro_level:
            balance, due, invoiced = row[19], days(row[18]), days(row[17])
            open_amount = money(balance) if balance is not None else _ZERO
            days_past_due = (on - due).days if due else 0
            if days_past_due < 0:
                days_past_due = 0
            left = window - (on - invoiced).days if invoiced else None
        else:
            open_amount, days_past_due = totals.get(item_id) or totals.get(-row[10]) or (_ZERO, 0)
            if amount is not None and open_amount == 0:
                open_amount = money(amount)
            left = None
        bucket, priority, reason = rank_values(
            float(open_amount) if open_amount > 0 else 0.0, days_past_due, left, row[13],
            x.broken, follow_up, disputes.get(type_, False), opened_on,  # type: ignore[arg-type]  # NOT NULL
            x.answered, x.overdue, x.waiting, x.waiting_since, on, explain,
        )  # fmt: skip
        number = ((bucket << 11) + 1000 - round(priority * 10) << 40) + item_id  # = by_order
        append((number, row, open_amount, days_past_due, left, x, reason))
    out.sort(key=_first)
    return out


_first = itemgetter(0)


class RankedList:
    """A list's rows in work order; `items(start, stop)` makes their WorkItems (in order, so
    they also lie in memory in the order the list is read)."""

    def __init__(self, facts: list[Facts], on: date, days: _Days):
        self.facts, self.on, self.days = facts, on, days

    def __len__(self) -> int:
        return len(self.facts)

    def items(self, start: int = 0, stop: int | None = None) -> list[WorkItem]:
        with collector_paused():
            return self._items(start, stop)

    def _items(self, start: int, stop: int | None) -> list[WorkItem]:
        types = {key: (t.name, t.dispute) for key, t in ISSUE_TYPES.items()}
        causes = {key: c.name for key, c in ROOT_CAUSES.items()}
        labels, on, days = BUCKET_LABELS, self.on, self.days
        out: list[WorkItem] = []
        append = out.append
        for order, row, open_amount, days_past_due, left, x, reason in self.facts[start:stop]:
            (item_id, level, type_, cause, status, follow_up, _, opened_on, parent_id, owner_id,
             _, number, name, risk, pro, bol, invoice, _, _, _, version) = row  # fmt: skip
            follow_up, opened_on = days(follow_up), days(opened_on)
            type_name, dispute = types.get(type_, (type_, False))
            if reason:
                bucket = Bucket(order >> 51)
                priority = (1000 - (order >> 40 & 2047)) / 10
            else:
                bucket, priority, reason = rank_values(
                    float(open_amount) if open_amount > 0 else 0.0, days_past_due, left, risk,
                    x.broken, follow_up, dispute, opened_on,  # type: ignore[arg-type]  # NOT NULL
                    x.answered, x.overdue, x.waiting, x.waiting_since, on,
                )  # fmt: skip
            append(WorkItem(
                item_id, level, pro, number, name, type_, type_name, cause,
                causes.get(cause) if cause else None, open_amount, days_past_due, follow_up,
                status, priority, reason, int(bucket), labels[bucket], bol, invoice, left,
                x.waiting or x.overdue, parent_id, owner_id, version,
            ))  # fmt: skip
        return out


class _MoneyCache:
    """Integer cents as the Decimal the Money column type gives (2 places), one per value."""

    def __init__(self) -> None:
        self.known: dict[int, Decimal] = {}

    def __call__(self, cents: int) -> Decimal:
        value = self.known.get(cents)
        if value is None:
            value = self.known[cents] = Decimal(int(cents)).scaleb(-2)
        return value


def _chunks(ids: list[int], size: int = 900) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _extras(session: Session, issue_ids: Any, on: date) -> dict[int, _Extras]:
    """Broken promises and department requests of the issues `issue_ids` selects."""
    extras: dict[int, _Extras] = defaultdict(_Extras)
    made: dict[int, list[tuple[int, str, date]]] = defaultdict(list)
    for issue_id, promise_id, status, due_on in session.execute(
        select(Promise.issue_id, Promise.id, Promise.status, Promise.due_on).where(
            Promise.issue_id.in_(issue_ids), Promise.status != PromiseStatus.CANCELLED
        )
    ):
        made[issue_id].append((promise_id, status, due_on))
    for issue_id, promises in made.items():
        extras[issue_id].broken = broken_promises(promises, on)
    for req in session.execute(
        select(
            DepartmentRequest.issue_id, DepartmentRequest.department, DepartmentRequest.status,
            DepartmentRequest.due_on, DepartmentRequest.created_on,
        ).where(DepartmentRequest.issue_id.in_(issue_ids), DepartmentRequest.status.in_((RequestStatus.OPEN, RequestStatus.ANSWERED)))
    ):  # fmt: skip
        x = extras[req.issue_id]
        if req.status == RequestStatus.ANSWERED:
            x.answered = req.department
        elif req.due_on < on:
            x.overdue = req.department
        else:
            x.waiting, x.waiting_since = req.department, req.created_on
    return dict(extras)


def broken_promises(promises: list[tuple[int, str, date]], on: date) -> int:
    """Broken promises that still count: (id, status, due) of an item's promises (cancelled
    left out). A newer promise that is kept, or open and not yet due, supersedes them: the
    customer's word is good again until that one breaks."""
    _, status, due_on = max(promises)
    if status == PromiseStatus.KEPT or (status == PromiseStatus.OPEN and due_on >= on):
        return 0
    return sum(
        1 for _, s, d in promises
        if s == PromiseStatus.BROKEN or (s == PromiseStatus.OPEN and d < on)
    )  # fmt: skip


def _account_totals(
    session: Session, issue_ids: list[int], account_ids: set[int], on: date
) -> dict[int, tuple[Decimal, int]]:
    """Open amount and days past due of account-level items.

    Keyed by issue id when the issue has linked pro issues (their pros' balances), and by
    -account_id for the whole account's open balance otherwise.
    """
    totals: dict[int, tuple[Decimal, int]] = {}
    child = aliased(Issue)
    for chunk in _chunks(issue_ids):
        for parent_id, total, oldest in session.execute(
            select(child.parent_id, func.sum(Pro.open_balance), func.min(Pro.due_date))
            .join(Pro, Pro.id == child.pro_id)
            .where(child.parent_id.in_(chunk), child.status.in_(OPEN))
            .group_by(child.parent_id)
        ):
            if parent_id is not None:
                totals[parent_id] = (
                    total or Decimal(0),
                    max(0, (on - oldest).days) if oldest else 0,
                )
    for chunk in _chunks(sorted(account_ids)):
        for account_id, total, oldest in session.execute(
            select(Pro.account_id, func.sum(Pro.open_balance), func.min(Pro.due_date))
            .where(Pro.account_id.in_(chunk), Pro.status == "open")
            .group_by(Pro.account_id)
        ):
            totals[-account_id] = (total or Decimal(0), max(0, (on - oldest).days) if oldest else 0)
    return totals


def by_order(item: WorkItem) -> tuple[int, float, int]:
    """Sort key of the worklist order (for sort, bisect and the GUI's lists)."""
    return work_order(item.bucket, item.priority, item.id)


def split(items: list[WorkItem]) -> tuple[list[WorkItem], list[WorkItem]]:
    """The worklist split into (pro-level, account-level), each keeping its order."""
    return [i for i in items if i.level == Level.PRO], [
        i for i in items if i.level == Level.ACCOUNT
    ]


__all__ = [
    "RankedList", "WorkItem", "by_order", "items_for", "ranked", "sort_key", "split",
    "work_order", "worklist", "worklist_ranked",
]  # fmt: skip
