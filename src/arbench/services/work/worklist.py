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
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from arbench.domain.catalogue import (
    ISSUE_TYPES,
    OPEN_STATUSES,
    ROOT_CAUSES,
    Level,
    PromiseStatus,
    RequestStatus,
)
from arbench.domain.priority import (
    BUCKET_LABELS,
    ItemFacts,
    dispute_days_left,
    rank,
    sort_key,
    work_order,
)
from arbench.services.base import Actor, NotFound
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
        parts = (self.pro, self.bol, self.invoice_number, self.account_number, self.account_name)
        return " ".join(p for p in parts if p).lower()

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
    on = on or date.today()
    with db.session() as session:
        user_id = session.scalar(select(User.id).where(User.login == login))
        if user_id is None:
            raise NotFound(f"unknown user '{login}'")
        return items_for(session, [Issue.owner_id == user_id], on)


def items_for(session: Session, where: Iterable[object], on: date) -> list[WorkItem]:
    """Ranked work items for the open issues matching `where` (used by team views too)."""
    window = read_settings(session).dispute_window_days
    rows = session.execute(
        select(
            Issue.id,
            Issue.level,
            Issue.type,
            Issue.root_cause,
            Issue.status,
            Issue.follow_up,
            Issue.amount,
            Issue.opened_on,
            Issue.parent_id,
            Issue.owner_id,
            Issue.version,
            Issue.account_id,
            Account.number,
            Account.name,
            Account.risk_score,
            Pro.pro,
            Pro.bol,
            Pro.invoice_number,
            Pro.invoice_date,
            Pro.due_date,
            Pro.open_balance,
        )  # fmt: skip
        .join(Account, Account.id == Issue.account_id)
        .outerjoin(Pro, Pro.id == Issue.pro_id)
        .where(Issue.status.in_(OPEN), *where)  # type: ignore[arg-type]
    ).all()
    extras = _extras(session, [r.id for r in rows], on)
    account_ids = {r.account_id for r in rows if r.level == Level.ACCOUNT}
    account_totals = _account_totals(
        session, [r.id for r in rows if r.level == Level.ACCOUNT], account_ids, on
    )
    items = [_item(r, extras.get(r.id, _Extras()), account_totals, on, window) for r in rows]
    items.sort(key=by_order)
    return items


def _item(
    row: Any, x: _Extras, totals: dict[int, tuple[Decimal, int]], on: date, window: int
) -> WorkItem:
    if row.level == Level.PRO:
        open_amount = row.open_balance or Decimal(0)
        days_past_due = max(0, (on - row.due_date).days) if row.due_date else 0
        left = dispute_days_left(row.invoice_date, on, window)
    else:
        open_amount, days_past_due = (
            totals.get(row.id) or totals.get(-row.account_id) or (Decimal(0), 0)
        )
        if row.amount is not None and open_amount == 0:
            open_amount = row.amount
        left = None
    issue_type = ISSUE_TYPES.get(row.type)
    facts = ItemFacts(
        open_amount=open_amount,
        days_past_due=days_past_due,
        dispute_days_left=left,
        risk_score=row.risk_score,
        broken_promises=x.broken,
        follow_up=row.follow_up,
        is_dispute=bool(issue_type and issue_type.dispute),
        opened_on=row.opened_on,
        department_answered=x.answered,
        department_overdue=x.overdue,
        waiting_on=x.waiting,
        waiting_since=x.waiting_since,
    )
    ranking = rank(facts, on)
    cause = ROOT_CAUSES.get(row.root_cause) if row.root_cause else None
    return WorkItem(
        id=row.id, level=row.level, pro=row.pro, account_number=row.number, account_name=row.name,
        type=row.type, type_name=issue_type.name if issue_type else row.type,
        root_cause=row.root_cause, root_cause_name=cause.name if cause else None,
        open_amount=open_amount, days_past_due=days_past_due, follow_up=row.follow_up,
        status=row.status, priority=ranking.priority, reason=ranking.reason,
        bucket=int(ranking.bucket), bucket_label=BUCKET_LABELS[ranking.bucket],
        bol=row.bol, invoice_number=row.invoice_number, dispute_days_left=left,
        waiting_on=x.waiting or x.overdue, parent_id=row.parent_id, owner_id=row.owner_id,
        version=row.version,
    )  # fmt: skip


def _chunks(ids: list[int], size: int = 900) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _extras(session: Session, issue_ids: list[int], on: date) -> dict[int, _Extras]:
    """Broken promises and department requests of the given issues."""
    extras: dict[int, _Extras] = defaultdict(_Extras)
    for chunk in _chunks(issue_ids):
        promises: dict[int, list[tuple[int, str, date]]] = defaultdict(list)
        for issue_id, promise_id, status, due_on in session.execute(
            select(Promise.issue_id, Promise.id, Promise.status, Promise.due_on).where(
                Promise.issue_id.in_(chunk), Promise.status != PromiseStatus.CANCELLED
            )
        ):
            promises[issue_id].append((promise_id, status, due_on))
        for issue_id, made in promises.items():
            extras[issue_id].broken = broken_promises(made, on)
        for req in session.execute(
            select(
                DepartmentRequest.issue_id, DepartmentRequest.department, DepartmentRequest.status,
                DepartmentRequest.due_on, DepartmentRequest.created_on,
            ).where(DepartmentRequest.issue_id.in_(chunk), DepartmentRequest.status.in_((RequestStatus.OPEN, RequestStatus.ANSWERED)))
        ):  # fmt: skip
            x = extras[req.issue_id]
            if req.status == RequestStatus.ANSWERED:
                x.answered = req.department
            elif req.due_on < on:
                x.overdue = req.department
            else:
                x.waiting, x.waiting_since = req.department, req.created_on
    return extras


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


__all__ = ["WorkItem", "by_order", "items_for", "sort_key", "split", "work_order", "worklist"]
