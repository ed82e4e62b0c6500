"""The day's reminders after queueing: the collector's queue, one-click approval, skipping, and
automatic sending where the cadence is automatic and the supervisor allowed it (setting
mail.auto_send). A reminder is sent at most once: it is claimed (queued -> sending) by a
guarded UPDATE before the mail goes out, so two people or two daily runs never both send it.
Each is sent from the approving collector (automatic ones from the account's collector, recorded
as the job's user) with the invoice copy attached, and audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from arbench.services.base import (
    Actor,
    InvalidInput,
    NotFound,
    PermissionDenied,
    ServiceError,
    audit,
    now,
)
from arbench.services.correspondence import email as email_service
from arbench.services.correspondence import mail_out
from arbench.services.correspondence.mail_settings import get_mail_settings
from arbench.services.op_changes import Changes
from arbench.services.permissions import ANYONE, STAFF, service
from arbench.store.correspondence_models import Reminder, ReminderCadence, ReminderStep
from arbench.store.db import Database
from arbench.store.models import Account, Pro, User


@dataclass(frozen=True)
class ReminderInfo:
    id: int
    pro: str
    account_number: str
    account_name: str
    collector: str | None
    offset_days: int
    template: str
    due_on: date
    status: str
    open_balance: str
    issue_id: int | None
    note: str | None = None


@dataclass
class SendReport:
    sent: list[int] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)
    changes: Changes = Changes()  # the items whose timeline has a sent reminder


COLLECTOR_NOTE = "the account's collector (a supervisor: any)"


@service(ANYONE, "see reminders", writes=False)
def reminder_queue(db: Database, actor: Actor, on: date | None = None,
                   statuses: Sequence[str] = ("queued", "failed")) -> list[ReminderInfo]:  # fmt: skip
    """The reminders waiting for approval: a collector's accounts, or every one for a supervisor."""
    with db.session() as s:
        query = (
            select(Reminder, Pro.pro, Account.number, Account.name, User.login, ReminderStep.offset_days,
                   ReminderStep.template, Pro.open_balance)
            .join(Pro, Pro.id == Reminder.pro_id).join(Account, Account.id == Reminder.account_id)
            .join(ReminderStep, ReminderStep.id == Reminder.step_id)
            .outerjoin(User, User.id == Account.collector_id)
            .where(Reminder.status.in_(list(statuses)))
            .order_by(Account.number, Reminder.due_on, Pro.pro)
        )  # fmt: skip
        if not actor.is_supervisor:
            query = query.where(Account.collector_id == actor.id)
        if on is not None:
            query = query.where(Reminder.queued_on <= on)
        return [ReminderInfo(r.id, pro, number, name, login, offset, template, r.due_on, r.status,
                             f"{balance:.2f}", r.issue_id, r.note)
                for r, pro, number, name, login, offset, template, balance in s.execute(query)]  # fmt: skip


@service(ANYONE, "skip reminders", note=COLLECTOR_NOTE)
def skip(db: Database, actor: Actor, ids: Sequence[int]) -> int:
    """Leave reminders unsent (the collector decided against them); returns how many."""
    done = 0
    with db.session() as s:
        for reminder in s.scalars(
            select(Reminder).where(
                Reminder.id.in_(list(ids)), Reminder.status.in_(("queued", "failed"))
            )
        ):
            _check_may(s, actor, reminder)
            reminder.status, reminder.decided_by_id = "skipped", actor.id or None
            audit(
                s,
                actor,
                "reminder.skip",
                "reminder",
                reminder.id,
                {"status": "queued"},
                {"status": "skipped"},
            )
            done += 1
    return done


def _check_may(s: Session, actor: Actor, reminder: Reminder) -> None:
    account = s.get(Account, reminder.account_id)
    if not (actor.is_supervisor or (account is not None and account.collector_id == actor.id)):
        raise PermissionDenied(
            f"{actor.login} cannot send reminder {reminder.id}: not their account"
        )


@service(ANYONE, "send reminders", note=COLLECTOR_NOTE)
def approve(db: Database, actor: Actor, ids: Sequence[int], on: date) -> SendReport:
    """Send these reminders now, from the approving collector (one click for the day's queue)."""
    report = SendReport()
    for reminder_id in ids:
        with db.session() as s:
            reminder = s.get(Reminder, reminder_id)
            if reminder is None:
                raise NotFound(f"no reminder with id {reminder_id}")
            _check_may(s, actor, reminder)
        _send_one(db, actor, actor, reminder_id, on, report)
    return report


@service(STAFF, "send automatic reminders")
def send_automatic(db: Database, actor: Actor, on: date) -> SendReport:
    """Send the queued reminders of automatic cadences, if the supervisor allows it, each from
    the account's collector."""
    report = SendReport()
    if not get_mail_settings(db).auto_send:
        return report
    with db.session() as s:
        rows = s.execute(
            select(Reminder.id, User.id, User.login, User.display_name, User.role)
            .join(ReminderStep, ReminderStep.id == Reminder.step_id)
            .join(ReminderCadence, ReminderCadence.id == ReminderStep.cadence_id)
            .join(Account, Account.id == Reminder.account_id).join(User, User.id == Account.collector_id)
            .where(Reminder.status == "queued", ReminderCadence.auto_send, Reminder.queued_on <= on)
            .order_by(Reminder.id)
        ).all()  # fmt: skip
    from arbench.domain.catalogue import Role

    for reminder_id, uid, login, name, role in rows:
        _send_one(db, actor, Actor(uid, login, name, Role(role)), reminder_id, on, report)
    return report


def _claim(db: Database, reminder_id: int, actor: Actor) -> bool:
    """queued/failed -> sending, by one process only (the guarded UPDATE is the lock)."""
    with db.session() as s:
        claimed = s.execute(update(Reminder).where(Reminder.id == reminder_id, Reminder.status.in_(("queued", "failed")))
                            .values(status="sending", decided_by_id=actor.id or None))  # fmt: skip
        return bool(claimed.rowcount)  # type: ignore[attr-defined]


def _send_one(
    db: Database, actor: Actor, sender: Actor, reminder_id: int, on: date, report: SendReport
) -> None:
    if not _claim(db, reminder_id, actor):
        return  # someone else sent it, skipped it, or it was stopped
    try:
        with db.session() as s:
            reminder = s.get(Reminder, reminder_id)
            assert reminder is not None
            step = s.get(ReminderStep, reminder.step_id)
            assert step is not None
            issue_id, template = reminder.issue_id, step.template
        if issue_id is None:
            raise InvalidInput("the pro has no open item to write about")
        draft = email_service.compose(db, sender, issue_id, template, on)
        if draft.missing:
            raise InvalidInput(f"no value for {', '.join(draft.missing)}")
        email = mail_out.ItemEmail(
            issue_id, draft.to, draft.subject, draft.body, template, ("invoice",)
        )
        sent = mail_out.send_item_email(db, actor, email, on, from_user=sender)
    except ServiceError as exc:
        _finish(db, actor, reminder_id, on, "failed", None, str(exc)[:200])
        report.failed.append((reminder_id, str(exc)))
        return
    _finish(db, actor, reminder_id, on, "sent", sent.mail_id, None)
    report.sent.append(reminder_id)
    report.changes = report.changes.merge(sent.changes)


def _finish(db: Database, actor: Actor, reminder_id: int, on: date, status: str,
            mail_id: int | None, note: str | None) -> None:  # fmt: skip
    with db.session() as s:
        reminder = s.get(Reminder, reminder_id)
        assert reminder is not None
        reminder.status, reminder.mail_id, reminder.note = status, mail_id, note
        if status == "sent":
            reminder.sent_at = datetime.combine(on, now().time())  # the run's day (quiet periods)
        audit(s, actor, f"reminder.{status}", "reminder", reminder.id, {"status": "sending"},
              {"status": status, "mail_id": mail_id, "note": note})  # fmt: skip
