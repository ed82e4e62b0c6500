"""Reminder cadences: define them (supervisors), queue each day's reminders, approve, send.

An account follows the cadence named for it (accounts.cadence_id) or the one of its class
(accounts.account_class, 'standard' by default). `queue_reminders(db, actor, on)` puts in the queue, once
per pro and step, the step due that day for every open, billed pro with a balance, except:
- disputed pros (an open issue of a dispute type) are left out;
- a promise to pay (open, on the pro's item or an account item) or a payment received since
  the pro's reminders began stops its cadence (queued reminders become 'stopped');
- the quiet period: no reminder is queued for an account that got one within the cadence's
  `quiet_days`; the step waits (within the grace days) and is queued when the period ends.
A newer step supersedes an older one still waiting. The queue then waits for the collector's
approval, or goes out by itself (services/correspondence/reminder_approval.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from arbench.domain.cadence import CadenceStep, due_window, step_due
from arbench.domain.catalogue import (
    CASH_KINDS,
    ISSUE_TYPES,
    OPEN_STATUSES,
    Level,
    PromiseStatus,
)
from arbench.services.base import (
    Actor,
    InvalidInput,
    NotFound,
    audit,
    now,
)
from arbench.services.permissions import STAFF, SUPERVISORS, service
from arbench.store.correspondence_models import Reminder, ReminderCadence, ReminderStep
from arbench.store.db import Database
from arbench.store.models import Account, Issue, Payment, Pro, Promise

OPEN = [s.value for s in OPEN_STATUSES]
DISPUTES = [key for key, t in ISSUE_TYPES.items() if t.dispute]


@dataclass(frozen=True)
class CadenceSpec:
    name: str
    steps: tuple[tuple[int, str], ...]  # (offset days from the due date, template key)
    account_class: str | None = None
    quiet_days: int = 3
    auto_send: bool = False


@dataclass
class QueueReport:
    on: date
    queued: list[int] = field(default_factory=list)
    stopped: list[int] = field(default_factory=list)
    superseded: list[int] = field(default_factory=list)


@service(SUPERVISORS, "define reminder cadences")
def define_cadence(db: Database, actor: Actor, spec: CadenceSpec) -> int:
    """Create or change a cadence (supervisors); returns its id."""
    if not spec.steps:
        raise InvalidInput(f"cadence '{spec.name}' needs at least one step")
    offsets = [o for o, _ in spec.steps]
    if len(set(offsets)) != len(offsets):
        raise InvalidInput(f"cadence '{spec.name}' has two steps on the same day")
    if spec.quiet_days < 0:
        raise InvalidInput("--quiet must be 0 or more days")
    with db.session() as s:
        from arbench.services.knowledge.content import current_in

        for _, template in spec.steps:
            current_in(s, "template", template)  # NotFound names an unknown template
        cadence = s.scalar(select(ReminderCadence).where(ReminderCadence.name == spec.name))
        before = None if cadence is None else _describe(s, cadence)
        if cadence is None:
            cadence = ReminderCadence(name=spec.name, created_at=now())
            s.add(cadence)
        cadence.account_class, cadence.quiet_days = spec.account_class, spec.quiet_days
        cadence.auto_send, cadence.active = spec.auto_send, True
        s.flush()
        _set_steps(s, cadence.id, spec.steps)
        audit(s, actor, "cadence.set", "cadence", cadence.id, before, _describe(s, cadence))
        return cadence.id


def _set_steps(s: Session, cadence_id: int, steps: Sequence[tuple[int, str]]) -> None:
    existing = {
        st.offset_days: st
        for st in s.scalars(select(ReminderStep).where(ReminderStep.cadence_id == cadence_id))
    }
    for offset, template in steps:
        if offset in existing:
            existing.pop(offset).template = template
        else:
            s.add(ReminderStep(cadence_id=cadence_id, offset_days=offset, template=template))
    for step in existing.values():  # steps no longer wanted: gone unless reminders name them
        used = s.scalar(
            select(func.count()).select_from(Reminder).where(Reminder.step_id == step.id)
        )
        if used:
            raise InvalidInput(
                f"the step at {step.offset_days:+d} days has reminders: keep it in the cadence"
            )
        s.delete(step)
    s.flush()


def _describe(s: Session, cadence: ReminderCadence) -> dict[str, object]:
    steps = s.scalars(
        select(ReminderStep)
        .where(ReminderStep.cadence_id == cadence.id)
        .order_by(ReminderStep.offset_days)
    )
    return {"name": cadence.name, "account_class": cadence.account_class, "quiet_days": cadence.quiet_days,
            "auto_send": cadence.auto_send, "steps": [f"{st.offset_days:+d}:{st.template}" for st in steps]}  # fmt: skip


@service(SUPERVISORS, "choose an account's reminder cadence")
def set_account_cadence(db: Database, actor: Actor, account_number: str, *, account_class: str | None = None,
                        cadence: str | None = None) -> None:  # fmt: skip
    """Give an account a class, or a cadence of its own ('' clears it) (supervisors)."""
    with db.session() as s:
        account = s.scalar(select(Account).where(Account.number == account_number))
        if account is None:
            raise NotFound(f"no account with number '{account_number}'")
        before = {"account_class": account.account_class, "cadence_id": account.cadence_id}
        if account_class is not None:
            account.account_class = account_class.strip() or "standard"
        if cadence is not None:
            found = (
                s.scalar(select(ReminderCadence.id).where(ReminderCadence.name == cadence))
                if cadence
                else None
            )
            if cadence and found is None:
                raise NotFound(f"no cadence named '{cadence}'")
            account.cadence_id = found
        s.flush()
        audit(s, actor, "account.cadence", "account", account.id, before,
              {"account_class": account.account_class, "cadence_id": account.cadence_id})  # fmt: skip


@service(STAFF, "queue reminders")
def queue_reminders(db: Database, actor: Actor, on: date) -> QueueReport:
    """Queue the day's due reminders of every active cadence (see the module docstring)."""
    report = QueueReport(on)
    with db.session() as s:
        for cadence in s.scalars(
            select(ReminderCadence).where(ReminderCadence.active).order_by(ReminderCadence.id)
        ):
            _queue_cadence(s, actor, cadence, on, report)
        if report.queued or report.stopped or report.superseded:
            audit(s, actor, "reminders.queue", "reminder", None, None,
                  {"on": on, "queued": len(report.queued), "stopped": len(report.stopped),
                   "superseded": len(report.superseded)})  # fmt: skip
    return report


def _queue_cadence(
    s: Session, actor: Actor, cadence: ReminderCadence, on: date, report: QueueReport
) -> None:
    steps = [CadenceStep(st.id, st.offset_days, st.template)
             for st in s.scalars(select(ReminderStep).where(ReminderStep.cadence_id == cadence.id))]  # fmt: skip
    if not steps:
        return
    first, last = due_window(steps, on)
    mine = or_(Account.cadence_id == cadence.id,
               and_(Account.cadence_id.is_(None), Account.account_class == cadence.account_class))  # fmt: skip
    pros = s.execute(
        select(Pro.id, Pro.account_id, Pro.due_date).join(Account, Account.id == Pro.account_id)
        .where(mine, Pro.status == "open", Pro.billing_status == "billed", Pro.open_balance > 0,
               Pro.due_date.between(first, last), ~_disputed(), ~_promised())
        .order_by(Pro.account_id, Pro.due_date, Pro.id)
    ).all()  # fmt: skip
    quiet = (
        _recently_reminded(s, on - timedelta(days=cadence.quiet_days))
        if cadence.quiet_days
        else set()
    )
    _stop_paid(s, actor, on, report)
    for pro_id, account_id, due in pros:
        step = step_due(steps, due, on) if due is not None else None
        if (
            due is None
            or step is None
            or account_id in quiet
            or _has(s, pro_id, step.id)
            or _paid_since_start(s, pro_id)
        ):
            continue
        for older in s.scalars(
            select(Reminder).where(Reminder.pro_id == pro_id, Reminder.status == "queued")
        ):
            older.status, older.note = "superseded", f"the {step.offset_days:+d} day step came due"
            report.superseded.append(older.id)
        reminder = Reminder(pro_id=pro_id, account_id=account_id, issue_id=_issue_of(s, pro_id), step_id=step.id,
                            status="queued", due_on=due + timedelta(days=step.offset_days), queued_on=on)  # fmt: skip
        s.add(reminder)
        s.flush()
        report.queued.append(reminder.id)
    _stop_promised(s, on, report)


def _disputed() -> ColumnElement[bool]:
    return exists().where(Issue.pro_id == Pro.id, Issue.status.in_(OPEN), Issue.type.in_(DISPUTES))


def _promised() -> ColumnElement[bool]:
    on_pro = exists().where(
        Promise.status == PromiseStatus.OPEN, Promise.issue_id == Issue.id, Issue.pro_id == Pro.id
    )
    on_account = exists().where(Promise.status == PromiseStatus.OPEN, Promise.issue_id == Issue.id,
                                Issue.level == Level.ACCOUNT, Issue.account_id == Pro.account_id,
                                Issue.status.in_(OPEN))  # fmt: skip
    return or_(on_pro, on_account)


def _recently_reminded(s: Session, since: date) -> set[int]:
    after = datetime.combine(since + timedelta(days=1), time())
    return set(s.scalars(select(Reminder.account_id).where(
        Reminder.status.in_(("sent", "sending")), Reminder.sent_at >= after)))  # fmt: skip


def _has(s: Session, pro_id: int, step_id: int) -> bool:
    return (
        s.scalar(select(Reminder.id).where(Reminder.pro_id == pro_id, Reminder.step_id == step_id))
        is not None
    )


def _start(s: Session, pro_id: int) -> date | None:
    started: date | None = s.scalar(
        select(func.min(Reminder.queued_on)).where(Reminder.pro_id == pro_id)
    )
    return started


def _paid_since_start(s: Session, pro_id: int) -> bool:
    start = _start(s, pro_id)
    if start is None:
        return False
    paid = select(Payment.id).where(  # cash credited to the pro (not a discount or a register)
        Payment.pro_id == pro_id, Payment.kind.in_(CASH_KINDS), Payment.received_on >= start
    )
    return s.scalar(paid.limit(1)) is not None


def _stop(s: Session, reminder: Reminder, why: str, report: QueueReport) -> None:
    reminder.status, reminder.note = "stopped", why
    report.stopped.append(reminder.id)


def _stop_paid(s: Session, actor: Actor, on: date, report: QueueReport) -> None:
    for reminder in s.scalars(select(Reminder).where(Reminder.status.in_(("queued", "failed")))):
        if _paid_since_start(s, reminder.pro_id):
            _stop(s, reminder, "a payment arrived", report)


def _stop_promised(s: Session, on: date, report: QueueReport) -> None:
    waiting = (
        select(Reminder, Pro)
        .join(Pro, Pro.id == Reminder.pro_id)
        .where(Reminder.status.in_(("queued", "failed")), or_(_promised(), _disputed()))
    )
    for reminder, _pro in s.execute(waiting):
        _stop(s, reminder, "a promise to pay or a dispute", report)


def _issue_of(s: Session, pro_id: int) -> int | None:
    found: int | None = s.scalar(select(Issue.id).where(Issue.pro_id == pro_id, Issue.status.in_(OPEN))
                                 .order_by(Issue.id.desc()).limit(1))  # fmt: skip
    return found
