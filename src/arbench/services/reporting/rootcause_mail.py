"""The monthly root-cause pack by mail: each department's report of last month (xlsx and PDF,
services/reporting/rootcauses.py) sent to the department's lead through the team's outbox
(services/correspondence/mail_out: the team's SMTP server, the sent copy and its attachments kept).

`mail_monthly_pack` is a step of the daily run (services/admin/daily.py): on any day of a month it
sends the previous month's pack, once per month and department, whoever runs it and however
many runs start at once: a department's delivery is claimed by inserting its (month,
department) row in `rootcause_packs` (unique). A delivery that could not be made (no lead, a
lead without an email address, the server refused) is reported and tried again by the next
run; a sent one never again.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from arbench.domain.documents import media_type
from arbench.domain.rootcause_report import RootCauseReport
from arbench.io import mail as wire
from arbench.output_files import OutputError
from arbench.services.admin.company import read_profile
from arbench.services.base import Actor, Conflict, InvalidInput, ServiceError, audit, now
from arbench.services.correspondence import mail_out
from arbench.services.correspondence.mail_settings import Sender, sender_of
from arbench.services.organization.departments import DepartmentInfo, list_departments
from arbench.services.permissions import STAFF, service
from arbench.services.reporting.rootcauses import (
    month_bounds,
    pack_report,
    previous_month,
    write_pack_files,
)
from arbench.store.db import Database
from arbench.store.models import User
from arbench.store.models_departments import RootCausePack

RETRIED = ("failed", "no_lead", "no_email")  # a later run tries these again


@dataclass(frozen=True)
class PackDelivery:
    """What happened to one department's pack in this run."""

    department: str
    lead: str | None
    status: (
        str  # sent | sent_before | taken (another run is sending it) | no_lead | no_email | failed
    )
    to: str | None = None
    files: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class PackMailReport:
    month: str
    deliveries: tuple[PackDelivery, ...]

    def count(self, status: str) -> int:
        return sum(1 for d in self.deliveries if d.status == status)


@service(STAFF, "mail the monthly root-cause pack",
         note="a named job user or a supervisor (the daily run); once per month and department")  # fmt: skip
def mail_monthly_pack(
    db: Database, actor: Actor, on: date | None = None, month: str | None = None
) -> PackMailReport:
    """Send each department's pack of `month` (default: the month before `on`) to its lead,
    unless an earlier run sent it; see the module docstring."""
    month = month or previous_month(on or date.today())
    month_bounds(month)  # checks the month
    deliveries = []
    for info in list_departments(db):
        claimed, status, by = _claim(db, month, info.name, actor)
        if not claimed:
            note = f"by {by}"
            deliveries.append(PackDelivery(info.name, info.lead, status, note=note))
            continue
        delivery = _deliver(db, actor, month, info)
        _finish(db, actor, month, delivery)
        deliveries.append(delivery)
    return PackMailReport(month, tuple(deliveries))


def _claim(db: Database, month: str, department: str, actor: Actor) -> tuple[bool, str, str]:
    """(claimed, status as this run reports it, who holds it) for one department's pack."""
    try:
        with db.session() as s:
            s.add(RootCausePack(month=month, department=department, status="sending", at=now(),
                                by_login=actor.login))  # fmt: skip
        return True, "sending", actor.login
    except Conflict:  # the row exists: another run claimed it first
        pass
    with db.session() as s:
        where = (RootCausePack.month == month, RootCausePack.department == department)
        again = s.execute(update(RootCausePack).where(*where, RootCausePack.status.in_(RETRIED))
                          .values(status="sending", at=now(), by_login=actor.login))  # fmt: skip
        if again.rowcount:  # type: ignore[attr-defined]
            return True, "sending", actor.login
        row = s.scalar(select(RootCausePack).where(*where))
        assert row is not None
        return False, "sent_before" if row.status == "sent" else "taken", row.by_login


def _deliver(db: Database, actor: Actor, month: str, info: DepartmentInfo) -> PackDelivery:
    """Write the pack, mail it to the lead and record the sent copy (or say why not)."""
    name = info.name
    if info.lead is None:
        return PackDelivery(name, None, "no_lead", note=f"{name} has no lead: "
                            f"arbench --as SUPERVISOR lead {name} LOGIN")  # fmt: skip
    with db.session() as s:
        lead = s.scalar(select(User).where(User.login == info.lead))
        assert lead is not None
        to, lead_name = lead.email, lead.display_name
        try:
            sender = _sender(s, actor)
        except InvalidInput as exc:
            return PackDelivery(name, info.lead, "failed", note=str(exc))
    if not to:
        return PackDelivery(name, info.lead, "no_email", note=(
            f"{info.lead}, the {name} lead, has no email address: "
            f"arbench --as SUPERVISOR mail sender ADDRESS --user {info.lead}"))  # fmt: skip
    report = pack_report(db, month, name)
    try:
        with tempfile.TemporaryDirectory(prefix="arbench-pack-") as tmp:
            files = [wire.Attachment(p.name, media_type(p.name), p.read_bytes())
                     for p in write_pack_files(report, month, Path(tmp))]  # fmt: skip
    except (OutputError, OSError) as exc:  # the claim is released: the next run tries again
        return PackDelivery(name, info.lead, "failed", to, note=f"the pack was not written: {exc}")
    message = wire.build(wire.Outgoing(sender.header(), (to,), _subject(report, month),
                                       _body(report, month, lead_name), files))  # fmt: skip
    try:
        mail_out.deliver(db, message)
    except ServiceError as exc:
        return PackDelivery(name, info.lead, "failed", to, note=str(exc))
    with db.session() as s:
        sent = mail_out.record_sent(s, actor, message, files, None, None, "rootcause_pack", "sent")
        _row(s, month, name).mail_id = sent.mail_id
    return PackDelivery(name, info.lead, "sent", to, tuple(f.file_name for f in files))


def _sender(s: Session, actor: Actor) -> Sender:
    """The job user's own address, else the company profile's."""
    try:
        return sender_of(s, actor)
    except InvalidInput:
        profile = read_profile(s)
        if profile.email:
            return Sender(profile.name, profile.email)
        raise InvalidInput(
            f"nothing to send the pack from: {actor.login} has no email address and the company "
            "profile none (arbench --as SUPERVISOR company set --email ADDRESS)"
        ) from None


def _row(s: Session, month: str, department: str) -> RootCausePack:
    row = s.scalar(select(RootCausePack).where(RootCausePack.month == month,
                                               RootCausePack.department == department))  # fmt: skip
    assert row is not None
    return row


def _finish(db: Database, actor: Actor, month: str, delivery: PackDelivery) -> None:
    with db.session() as s:
        row = _row(s, month, delivery.department)
        lead = (
            s.scalar(select(User.id).where(User.login == delivery.lead)) if delivery.lead else None
        )
        row.status, row.lead_id, row.at = delivery.status, lead, now()
        row.files, row.note = list(delivery.files), delivery.note[:300] or None
        audit(s, actor, f"rootcause_pack.{delivery.status}", "rootcause_pack", row.id,
              {"status": "sending"}, {"month": month, "department": delivery.department,
                                      "lead": delivery.lead, "to": delivery.to,
                                      "files": list(delivery.files), "note": delivery.note})  # fmt: skip


def _subject(report: RootCauseReport, month: str) -> str:
    totals = report.totals
    return (f"Root causes {month}: {(report.department or 'all').capitalize()}: "
            f"{totals.count} item(s), ${totals.amount:,.2f} at stake")  # fmt: skip


def _body(report: RootCauseReport, month: str, lead: str) -> str:
    start, end = month_bounds(month)
    lines = [f"Hello {lead},", "",
             f"the root causes of the items opened from {start} to {end} that belong to "
             f"{report.department}, biggest first (the attached xlsx and PDF have the detail, "
             "by customer, with the trend and the recurrence after fixes):", ""]  # fmt: skip
    for cause in report.causes[:10]:
        t = cause.totals
        lines.append(f"- {cause.name}: {t.count} item(s), ${t.amount:,.2f} at stake, "
                     f"${t.open_amount:,.2f} still open, {t.hours} collector hour(s)")  # fmt: skip
    if not report.causes:
        lines.append("- no item of this month had a root cause of yours.")
    lines += ["", "Sent by arbench's daily run."]
    return "\n".join(lines)
