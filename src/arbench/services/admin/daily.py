"""The daily run: settle promises, end covers, escalate overdue department requests, queue
reminders, send the allowed ones, fetch mail, and once a month mail each department's lead
its root-cause pack (services/reporting/rootcause_mail.py: once per month and department, whichever
day's run gets there first).

`run_daily(db, actor, on)` runs each step of STEPS once per day, whoever starts it first: a step is
claimed by inserting its (day, step) row into `daily_runs` (unique), so a second run, or two
machines starting at the same moment, skip what is done; a run that finds a step running
elsewhere stops there and leaves the later steps to that run, so steps always run in order.
A step that failed is claimed again by the next run (a guarded UPDATE failed -> running).
Steps are plain functions `(db, actor, on) -> dict`: add one to STEPS to extend the run.
`run_if_nobody_has(db, actor, on)` is what the app calls on its first start of the day. Only
collectors and supervisors (or the team's jobs user) run them, never trainees.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select, update

from arbench.services.base import Actor, Conflict, ServiceError, audit, now
from arbench.services.correspondence import mail_in, reminder_approval, reminders
from arbench.services.correspondence.mail_settings import get_mail_settings
from arbench.services.permissions import STAFF, service
from arbench.store.correspondence_models import DailyRun
from arbench.store.db import Database

Step = Callable[[Database, Actor, date], dict[str, Any]]


def _settle(db: Database, actor: Actor, on: date) -> dict[str, Any]:
    from arbench.services.work.promises import settle_promises

    summary = settle_promises(db, actor, on)
    return {"checked": summary.checked, "kept": len(summary.kept), "broken": len(summary.broken)}


def _end_covers(db: Database, actor: Actor, on: date) -> dict[str, Any]:
    from arbench.services.organization.handover import end_due_covers

    return {"covers_ended": len(end_due_covers(db, actor, on))}


def _escalate(db: Database, actor: Actor, on: date) -> dict[str, Any]:
    from arbench.services.organization.requests import escalate_overdue

    summary = escalate_overdue(db, actor, on)
    problems = [f"{name} has overdue requests and no lead: arbench --as SUPERVISOR lead {name} LOGIN"
                for name in summary.without_lead]  # fmt: skip
    return {"escalated": len(summary.escalated), "problems": problems}


def _pack(db: Database, actor: Actor, on: date) -> dict[str, Any]:
    from arbench.services.reporting.rootcause_mail import mail_monthly_pack

    if get_mail_settings(db).smtp is None:
        return {"skipped": "no SMTP server set up"}
    report = mail_monthly_pack(db, actor, on)
    counts = {status: report.count(status) for status in ("sent", "sent_before", "taken")}
    problems = [f"not sent: {d.department}: {d.note}" for d in report.deliveries
                if d.status in ("no_lead", "no_email", "failed")]  # fmt: skip
    return {"month": report.month, **counts, "problems": problems}


def _queue(db: Database, actor: Actor, on: date) -> dict[str, Any]:
    report = reminders.queue_reminders(db, actor, on)
    return {
        "queued": len(report.queued),
        "stopped": len(report.stopped),
        "superseded": len(report.superseded),
    }


def _send(db: Database, actor: Actor, on: date) -> dict[str, Any]:
    report = reminder_approval.send_automatic(db, actor, on)
    return {"sent": len(report.sent), "failed": len(report.failed)}


def _fetch(db: Database, actor: Actor, on: date) -> dict[str, Any]:
    if get_mail_settings(db).imap is None:
        return {"skipped": "no IMAP mailbox set up"}
    report = mail_in.fetch_mail(db, actor, on=on)
    return {"fetched": report.fetched, "matched": len(report.matched), "inbox": len(report.inbox)}


STEPS: dict[str, Step] = {
    "settle_promises": _settle,
    "end_covers": _end_covers,
    "escalate_requests": _escalate,
    "queue_reminders": _queue,
    "send_reminders": _send,
    "fetch_mail": _fetch,
    "rootcause_pack": _pack,
}


@dataclass(frozen=True)
class StepResult:
    step: str
    status: str  # done | failed | taken (by another run) | done_before
    by: str
    summary: dict[str, Any] = field(default_factory=dict)


@dataclass
class DailyReport:
    on: date
    steps: list[StepResult] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(s.status == "failed" for s in self.steps)


def _claim(db: Database, on: date, step: str, who: str) -> tuple[bool, str, str]:
    """(claimed, status of the row, who holds it) for (on, step)."""
    try:
        with db.session() as s:
            s.add(DailyRun(run_on=on, step=step, status="running", started_at=now(), by_login=who))
        return True, "running", who
    except Conflict:  # the (day, step) row exists: someone claimed it first
        pass
    with db.session() as s:
        retried = s.execute(update(DailyRun).where(DailyRun.run_on == on, DailyRun.step == step,
                                                   DailyRun.status == "failed")
                            .values(status="running", started_at=now(), by_login=who))  # fmt: skip
        if retried.rowcount:  # type: ignore[attr-defined]
            return True, "running", who
        row = s.scalar(select(DailyRun).where(DailyRun.run_on == on, DailyRun.step == step))
        return False, row.status if row else "?", row.by_login if row else "?"


def _finish(
    db: Database, actor: Actor, on: date, step: str, status: str, summary: dict[str, Any]
) -> None:
    with db.session() as s:
        row = s.scalar(select(DailyRun).where(DailyRun.run_on == on, DailyRun.step == step))
        assert row is not None
        row.status, row.finished_at, row.summary = status, now(), summary
        audit(
            s,
            actor,
            f"daily.{status}",
            "daily_run",
            row.id,
            None,
            {"on": on, "step": step, **summary},
        )


@service(STAFF, "run the daily jobs")
def run_daily(db: Database, actor: Actor, on: date | None = None,
              steps: list[str] | None = None) -> DailyReport:  # fmt: skip
    """Run the day's steps that nobody ran yet (see the module docstring), as `actor` (a named
    collector or supervisor, or the team's service user: a trainee does not run the jobs)."""
    on = on or date.today()
    report = DailyReport(on)
    for name in steps or list(STEPS):
        claimed, status, who = _claim(db, on, name, actor.login)
        if not claimed and status == "running":
            # another run is on this step: it goes on with the later ones, in order (sending
            # must not start before queueing has finished)
            report.steps.append(StepResult(name, "taken", who))
            break
        if not claimed:
            report.steps.append(StepResult(name, "done_before", who))
            continue
        try:
            summary = STEPS[name](db, actor, on)
        except ServiceError as exc:
            _finish(db, actor, on, name, "failed", {"error": str(exc)})
            report.steps.append(StepResult(name, "failed", actor.login, {"error": str(exc)}))
            continue
        _finish(db, actor, on, name, "done", summary)
        report.steps.append(StepResult(name, "done", actor.login, summary))
    return report


def has_run(db: Database, on: date) -> bool:
    with db.session() as s:
        return s.scalar(select(DailyRun.id).where(DailyRun.run_on == on).limit(1)) is not None


@service(STAFF, "run the daily jobs")
def run_if_nobody_has(db: Database, actor: Actor, on: date | None = None) -> DailyReport | None:
    """The app's first start of the day: run the daily steps unless a run already began today."""
    on = on or date.today()
    if has_run(db, on):
        return None
    return run_daily(db, actor, on)
