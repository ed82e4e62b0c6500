"""The supervisor's team view: each collector's book and what needs a supervisor's eye.

Per collector: accounts and open balance held, worklist size (open items owned), overdue
follow-ups, broken promises, and items waiting on other departments with the age of the
oldest wait. Every number is a SQL aggregate (GROUP BY owner), so the view stays fast on a
book of a million pros. Deliberately no count of calls made or items closed: the team view
shows the state of each book, not a volume leaderboard.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from arbench.domain.catalogue import OPEN_STATUSES, Role
from arbench.services.reporting.book_stats import collector_loads
from arbench.services.work.worklist import WorkItem, worklist
from arbench.store.db import Database
from arbench.store.models import DepartmentRequest, Issue, Promise, User

OPEN = [s.value for s in OPEN_STATUSES]


@dataclass(frozen=True)
class DepartmentWaiting:
    department: str
    items: int
    oldest_days: int  # days since the oldest open request to that department was made


@dataclass(frozen=True)
class TeamMember:
    """One row of the team view."""

    login: str
    display_name: str
    role: str
    active: bool
    accounts: int
    open_balance: Decimal
    worklist: int
    overdue_follow_ups: int
    due_today: int
    broken_promises: int
    waiting: list[DepartmentWaiting] = field(default_factory=list)

    @property
    def waiting_items(self) -> int:
        return sum(w.items for w in self.waiting)

    @property
    def oldest_wait_days(self) -> int | None:
        return max((w.oldest_days for w in self.waiting), default=None)

    def to_json(self) -> dict[str, object]:
        return {
            "login": self.login, "display_name": self.display_name, "role": self.role,
            "active": self.active, "accounts": self.accounts,
            "open_balance": str(self.open_balance), "worklist": self.worklist,
            "overdue_follow_ups": self.overdue_follow_ups, "due_today": self.due_today,
            "broken_promises": self.broken_promises, "waiting_items": self.waiting_items,
            "oldest_wait_days": self.oldest_wait_days,
            "waiting": {w.department: {"items": w.items, "oldest_days": w.oldest_days}
                        for w in self.waiting},
        }  # fmt: skip


def _issue_counts(session: Session, on: date) -> dict[int, tuple[int, int, int]]:
    rows = session.execute(
        select(
            Issue.owner_id,
            func.count(),
            func.sum(case((Issue.follow_up < on, 1), else_=0)),
            func.sum(case((Issue.follow_up == on, 1), else_=0)),
        )
        .where(Issue.status.in_(OPEN), Issue.owner_id.is_not(None))
        .group_by(Issue.owner_id)
    )
    return {owner: (int(n), int(late or 0), int(today or 0)) for owner, n, late, today in rows}


def _broken_promises(session: Session, on: date) -> dict[int, int]:
    broken = or_(Promise.status == "broken", and_(Promise.status == "open", Promise.due_on < on))
    rows = session.execute(
        select(Issue.owner_id, func.count())
        .select_from(Promise)
        .join(Issue, Issue.id == Promise.issue_id)
        .where(Issue.status.in_(OPEN), broken)
        .group_by(Issue.owner_id)
    )
    return {owner: int(n) for owner, n in rows if owner is not None}


def _waiting(session: Session, on: date) -> dict[int, list[DepartmentWaiting]]:
    rows = session.execute(
        select(
            Issue.owner_id,
            DepartmentRequest.department,
            func.count(func.distinct(Issue.id)),
            func.min(DepartmentRequest.created_on),
        )
        .select_from(DepartmentRequest)
        .join(Issue, Issue.id == DepartmentRequest.issue_id)
        .where(Issue.status.in_(OPEN), DepartmentRequest.status == "open")
        .group_by(Issue.owner_id, DepartmentRequest.department)
        .order_by(Issue.owner_id, DepartmentRequest.department)
    )
    found: dict[int, list[DepartmentWaiting]] = defaultdict(list)
    for owner, department, n, oldest in rows:
        if owner is not None:
            found[owner].append(DepartmentWaiting(department, int(n), max(0, (on - oldest).days)))
    return found


def team_view(db: Database, on: date | None = None) -> list[TeamMember]:
    """Every active collector and trainee (and anyone else still holding work), by login.

    A deactivated user who still holds accounts or open items is listed too, so an orphaned
    book is visible instead of silently dropped.
    """
    on = on or date.today()
    with db.session() as session:
        users = {u.id: u for u in session.scalars(select(User))}
        loads = collector_loads(session, on, list(users))
        items = _issue_counts(session, on)
        promises = _broken_promises(session, on)
        waiting = _waiting(session, on)
    members = []
    for uid, user in sorted(users.items(), key=lambda kv: kv[1].login):
        load = loads[uid]
        n, late, today = items.get(uid, (0, 0, 0))
        holds = load.accounts or n
        if not holds and (not user.active or user.role in (Role.SUPERVISOR, Role.DEPARTMENT)):
            continue
        members.append(
            TeamMember(
                user.login,
                user.display_name,
                user.role,
                user.active,
                load.accounts,
                load.open_balance,
                n,
                late,
                today,
                promises.get(uid, 0),
                waiting.get(uid, []),
            )  # fmt: skip
        )
    return members


def member_worklist(db: Database, login: str, on: date | None = None) -> list[WorkItem]:
    """One collector's ranked worklist, as they see it (for drilling into the team view)."""
    return worklist(db, login, on)
