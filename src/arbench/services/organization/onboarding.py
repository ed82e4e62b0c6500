"""Onboarding a new account before its first invoice: the checklist, its tasks, who ticks them.

A checklist is made for each account created by hand (`add_account`) or by an import (not by a
book's first import, which loads the customers the team already has). Sales owns it; each task
belongs to sales, pricing, billing or credit (domain.account_setup.TASKS) and may be assigned
to a person. Ticking a task records who and when (audited, on the account's timeline) and
writes what it captured to the account, where pre-audit reads it; the checklist is done when
every task is. Pre-audit flags a bill of an account whose checklist is not done.

Who may tick a task: a supervisor; the task's assignee; a department user of the task's
department; for the credit task, the account's collector.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from arbench.domain.account_setup import (
    TASKS,
    TASKS_BY_KEY,
    parse_value,
    shown_value,
    task,
)
from arbench.domain.catalogue import ActivityKind, Role
from arbench.services.base import (
    Actor,
    InvalidInput,
    NotFound,
    PermissionDenied,
    add_activity,
    audit,
    now,
)
from arbench.services.organization.departments import departments_of
from arbench.services.permissions import EVERYONE, SUPERVISORS, service
from arbench.store.db import Database
from arbench.store.models import Account, AuditEvent, User
from arbench.store.models_departments import OnboardingChecklist, OnboardingTask

SALES_AND_SUPERVISORS = SUPERVISORS | frozenset({Role.DEPARTMENT})


@dataclass(frozen=True)
class TaskInfo:
    key: str
    department: str
    title: str
    assignee: str | None
    value: str | None
    done_at: datetime | None
    done_by: str | None

    @property
    def done(self) -> bool:
        return self.done_at is not None

    def to_json(self) -> dict[str, object]:
        return {"key": self.key, "department": self.department, "title": self.title,
                "assignee": self.assignee, "value": self.value, "done": self.done,
                "done_at": self.done_at.isoformat() if self.done_at else None,
                "done_by": self.done_by}  # fmt: skip


@dataclass(frozen=True)
class ChecklistInfo:
    account_number: str
    account_name: str
    created_on: date
    source: str
    completed_on: date | None
    tasks: tuple[TaskInfo, ...]

    @property
    def open_tasks(self) -> tuple[TaskInfo, ...]:
        return tuple(t for t in self.tasks if not t.done)

    def to_json(self) -> dict[str, object]:
        return {"account_number": self.account_number, "account_name": self.account_name,
                "created_on": self.created_on.isoformat(), "source": self.source,
                "completed_on": self.completed_on.isoformat() if self.completed_on else None,
                "open": len(self.open_tasks), "tasks": [t.to_json() for t in self.tasks]}  # fmt: skip


def create_checklists(
    session: Session, actor: Actor, account_ids: Sequence[int], source: str, on: date,
) -> int:  # fmt: skip
    """A checklist with every task for each account (in bulk, audited per checklist)."""
    if not account_ids:
        return 0
    top = session.scalar(select(func.max(OnboardingChecklist.id))) or 0
    session.execute(insert(OnboardingChecklist), [
        {"account_id": a, "created_on": on, "created_by_id": actor.id or None, "source": source}
        for a in account_ids
    ])  # fmt: skip
    made = session.execute(
        select(OnboardingChecklist.id, OnboardingChecklist.account_id).where(
            OnboardingChecklist.id > top
        )
    ).all()
    session.execute(insert(OnboardingTask), [
        {"checklist_id": cid, "key": t.key, "department": t.department, "version": 1}
        for cid, _ in made for t in TASKS
    ])  # fmt: skip
    stamp = now()
    session.execute(insert(AuditEvent), [
        {"at": stamp, "user_login": actor.login, "db_login": actor.db_login,
         "acted_by": actor.acted_by, "action": "onboarding.create",
         "entity": "onboarding_checklist", "entity_id": cid, "before": None,
         "after": {"account_id": account_id, "source": source, "tasks": len(TASKS)}}
        for cid, account_id in made
    ])  # fmt: skip
    return len(made)


@service(SALES_AND_SUPERVISORS, "add an account",
         note="department staff: sales only; makes the account's onboarding checklist")  # fmt: skip
def add_account(
    db: Database, actor: Actor, number: str, name: str, *, on: date | None = None
) -> ChecklistInfo:
    """Open a new customer account by hand, with its onboarding checklist."""
    on = on or date.today()
    number, name = number.strip(), " ".join(name.split())
    if not number or len(number) > 32 or any(ch.isspace() for ch in number):
        raise InvalidInput(
            f"the account number must be one word of 1 to 32 characters, not '{number}'"
        )
    if not name:
        raise InvalidInput("the account needs a name (--name)")
    with db.session() as s:
        if actor.role == Role.DEPARTMENT and "sales" not in departments_of(s, actor.id):
            raise PermissionDenied(f"{actor.login} cannot add an account: sales opens accounts")
        if s.scalar(select(Account.id).where(Account.number == number)) is not None:
            raise InvalidInput(f"account {number} already exists")
        account = Account(number=number, name=name[:200])
        s.add(account)
        s.flush()
        audit(s, actor, "account.create", "account", account.id, None,
              {"number": number, "name": account.name, "source": "manual"})  # fmt: skip
        create_checklists(s, actor, [account.id], "manual", on)
        add_activity(s, actor, account.id, ActivityKind.ONBOARDING,
                     f"Account opened by {actor.display_name}: onboarding checklist started")  # fmt: skip
        return _checklist(s, account)


def _account(session: Session, number: str) -> Account:
    account = session.scalar(select(Account).where(Account.number == number))
    if account is None:
        raise NotFound(f"no account numbered '{number}'")
    return account


def _checklist(session: Session, account: Account) -> ChecklistInfo:
    checklist = session.scalar(
        select(OnboardingChecklist).where(OnboardingChecklist.account_id == account.id)
    )
    if checklist is None:
        raise NotFound(f"account {account.number} has no onboarding checklist (it was not "
                       "opened in arbench)")  # fmt: skip
    logins = {uid: login for uid, login in session.execute(select(User.id, User.login))}
    rows = {t.key: t for t in session.scalars(
        select(OnboardingTask).where(OnboardingTask.checklist_id == checklist.id))}  # fmt: skip
    tasks = tuple(
        TaskInfo(d.key, d.department, d.title, logins.get(r.assignee_id or 0), r.value,
                 r.done_at, logins.get(r.done_by_id or 0))
        for d in TASKS if (r := rows.get(d.key)) is not None
    )  # fmt: skip
    return ChecklistInfo(account.number, account.name, checklist.created_on, checklist.source,
                         checklist.completed_on, tasks)  # fmt: skip


def checklist(db: Database, account_number: str) -> ChecklistInfo:
    """One account's onboarding checklist."""
    with db.session() as s:
        return _checklist(s, _account(s, account_number))


def open_checklists(db: Database) -> list[ChecklistInfo]:
    """The checklists not done yet, oldest first."""
    with db.session() as s:
        accounts = s.scalars(
            select(Account)
            .join(OnboardingChecklist, OnboardingChecklist.account_id == Account.id)
            .where(OnboardingChecklist.completed_on.is_(None))
            .order_by(OnboardingChecklist.created_on, Account.number)
        ).all()
        return [_checklist(s, a) for a in accounts]


def open_tasks_by_account(
    session: Session, account_ids: Sequence[int]
) -> dict[int, tuple[str, ...]]:
    """For accounts with a checklist: the titles of its open tasks (empty when done)."""
    out: dict[int, tuple[str, ...]] = {}
    ids = sorted(set(account_ids))
    for start in range(0, len(ids), 900):
        rows = session.execute(
            select(OnboardingChecklist.account_id, OnboardingTask.key, OnboardingTask.done_at)
            .join(OnboardingTask, OnboardingTask.checklist_id == OnboardingChecklist.id)
            .where(OnboardingChecklist.account_id.in_(ids[start : start + 900]))
        ).all()
        done: dict[int, dict[str, bool]] = {}
        for account_id, key, done_at in rows:
            done.setdefault(account_id, {})[key] = done_at is not None
        for account_id, states in done.items():
            out[account_id] = tuple(t.title for t in TASKS if not states.get(t.key, True))
    return out


def _may_tick(session: Session, actor: Actor, account: Account, row: OnboardingTask) -> bool:
    if actor.is_supervisor or (row.assignee_id is not None and row.assignee_id == actor.id):
        return True
    if actor.role == Role.DEPARTMENT:
        return row.department in departments_of(session, actor.id)
    return (
        row.department == "credit"
        and actor.role == Role.COLLECTOR
        and (account.collector_id == actor.id)
    )


@service(EVERYONE, "tick an onboarding task",
         note="the task's department, its assignee, a supervisor; credit: the account's collector")  # fmt: skip
def tick_task(
    db: Database, actor: Actor, account_number: str, key: str, value: str | None = None, *,
    on: date | None = None,
) -> ChecklistInfo:  # fmt: skip
    """Mark a task done (who, when), writing what it captured to the account."""
    on = on or date.today()
    try:
        definition = task(key)
        parsed = parse_value(definition, value)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    with db.session() as s:
        account = _account(s, account_number)
        row = _task_row(s, account, key)
        if not _may_tick(s, actor, account, row):
            raise PermissionDenied(f"{actor.login} cannot tick {key} on {account.number}: it is "
                                   f"{row.department}'s task")  # fmt: skip
        if row.done_at is not None:
            raise InvalidInput(f"{key} on {account.number} is already done")
        before = {"value": row.value, "done_at": None}
        row.value, row.done_at, row.done_by_id = shown_value(parsed), now(), actor.id or None
        if definition.account_field:
            setattr(account, definition.account_field, parsed)
        checklist_row = s.get(OnboardingChecklist, row.checklist_id)
        assert checklist_row is not None
        s.flush()
        left = s.scalar(select(func.count()).where(
            OnboardingTask.checklist_id == row.checklist_id, OnboardingTask.done_at.is_(None)))  # fmt: skip
        if not left:
            checklist_row.completed_on = on
        said = f": {row.value}" if row.value else ""
        add_activity(s, actor, account.id, ActivityKind.ONBOARDING,
                     f"Onboarding: {definition.title} — done{said}"
                     + ("; checklist complete" if not left else ""))  # fmt: skip
        audit(s, actor, "onboarding.tick", "onboarding_task", row.id, before,
              {"key": key, "value": row.value, "account": account.number, "done_at": row.done_at,
               "checklist_done": not left})  # fmt: skip
        return _checklist(s, account)


def _task_row(session: Session, account: Account, key: str) -> OnboardingTask:
    row = session.scalar(
        select(OnboardingTask)
        .join(OnboardingChecklist, OnboardingChecklist.id == OnboardingTask.checklist_id)
        .where(OnboardingChecklist.account_id == account.id, OnboardingTask.key == key)
    )
    if row is None:
        raise NotFound(f"account {account.number} has no onboarding checklist")
    return row


@service(SALES_AND_SUPERVISORS, "assign an onboarding task",
         note="department staff: sales only (sales owns the checklist)")  # fmt: skip
def assign_task(
    db: Database, actor: Actor, account_number: str, key: str, login: str
) -> ChecklistInfo:
    """Give a task to a person (an active user)."""
    if key not in TASKS_BY_KEY:
        raise InvalidInput(
            f"'{key}' is not an onboarding task; tasks are {', '.join(TASKS_BY_KEY)}"
        )
    with db.session() as s:
        if actor.role == Role.DEPARTMENT and "sales" not in departments_of(s, actor.id):
            raise PermissionDenied(f"{actor.login} cannot assign onboarding tasks: sales owns "
                                   "the checklist")  # fmt: skip
        account = _account(s, account_number)
        row = _task_row(s, account, key)
        user = s.scalar(select(User).where(User.login == login))
        if user is None or not user.active:
            raise NotFound(f"unknown or inactive user '{login}'")
        before = {"assignee_id": row.assignee_id}
        row.assignee_id = user.id
        audit(s, actor, "onboarding.assign", "onboarding_task", row.id, before,
              {"assignee_id": user.id, "assignee": login, "key": key, "account": account.number})  # fmt: skip
        return _checklist(s, account)
