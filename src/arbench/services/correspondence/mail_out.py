"""Email that really goes out: an item's email with its attachments, sent over the team's SMTP
server from the collector's own address, or saved as an .eml (the offline fallback).

The subject carries the item's token "[AR#123]" so the reply comes back to the item. What can
be attached (`attachment_choices`): the pro's and account's documents, a copy of the freight
bill as PDF ("invoice") and a statement of the item's pros ("statement"). Once the server took
the message, one transaction records it: the sent copy (raw message kept), its attachments, a
timeline entry and an audit event. Owner, the account's collector, or a supervisor.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from email.message import EmailMessage
from email.utils import getaddresses
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from arbench.domain.catalogue import ActivityKind, Role
from arbench.domain.documents import DOCUMENT_KINDS, safe_file_name, with_item_token
from arbench.io import mail as wire
from arbench.output_files import check_output_file, written
from arbench.services.admin.company import read_profile
from arbench.services.base import (
    Actor,
    InvalidInput,
    NotFound,
    PermissionDenied,
    ServiceError,
    add_activity,
    audit,
    now,
)
from arbench.services.correspondence import mail_settings
from arbench.services.correspondence.documents import store_blob
from arbench.services.op_changes import Changes, changes_after
from arbench.services.permissions import ANYONE, service
from arbench.services.reporting.exports import export_statement, statement_file_name
from arbench.services.work.day_plan import mark_worked
from arbench.services.work.scripts import tick_for_action
from arbench.store.correspondence_models import Document, DocumentBlob, MailAttachment, MailMessage
from arbench.store.db import Database
from arbench.store.models import Account, ChargeLine, Issue, Payment, Pro


class MailNotSent(ServiceError):
    """The server did not take the message; nothing was recorded."""


@dataclass(frozen=True)
class AttachmentChoice:
    key: str  # "doc:12" | "invoice" | "statement"
    label: str


@dataclass(frozen=True)
class ItemEmail:
    """An email about one item, as the collector wants it sent."""

    issue_id: int
    to: str
    subject: str
    body: str
    template: str = ""
    attachments: tuple[str, ...] = ()  # AttachmentChoice keys
    cc: str = ""


@dataclass(frozen=True)
class SentMail:
    mail_id: int
    subject: str
    to: tuple[str, ...]
    attachments: tuple[str, ...]  # file names
    how: str  # "sent" | "saved as NAME"
    message_id: str = ""
    eml: Path | None = None
    extra: dict[str, str] = field(default_factory=dict)
    changes: Changes = Changes()  # the item whose timeline has the sent copy


def addresses(text: str) -> tuple[str, ...]:
    found = tuple(a for _, a in getaddresses([text.replace(";", ",")]) if a)
    bad = [a for a in found if "@" not in a]
    if bad:
        raise InvalidInput(f"'{bad[0]}' is not an email address")
    return found


def _issue(s: Session, issue_id: int) -> Issue:
    issue = s.get(Issue, issue_id)
    if issue is None:
        raise NotFound(f"no issue with id {issue_id}")
    return issue


def check_may_email(s: Session, actor: Actor, account: Account, issue: Issue | None) -> None:
    if actor.is_supervisor or account.collector_id == actor.id:
        return
    if issue is not None and issue.owner_id == actor.id:
        return
    what = f"item #{issue.id}" if issue is not None else f"account {account.number}"
    raise PermissionDenied(f"{actor.login} cannot email about {what}: not theirs")


def attachment_choices(db: Database, issue_id: int) -> list[AttachmentChoice]:
    """What can go with an email about this item: its documents, the invoice copy, a statement."""
    with db.session() as s:
        issue = _issue(s, issue_id)
        query = select(Document).where(Document.account_id == issue.account_id)
        if issue.pro_id is not None:
            query = query.where((Document.pro_id == issue.pro_id) | Document.pro_id.is_(None))
        choices = [
            AttachmentChoice(f"doc:{d.id}", f"{DOCUMENT_KINDS.get(d.kind, d.kind)}: {d.file_name}")
            for d in s.scalars(query.order_by(Document.id))
        ]
        if issue.pro_id is not None:
            choices.append(AttachmentChoice("invoice", "Invoice copy (PDF)"))
        choices.append(AttachmentChoice("statement", "Statement of this item's pros (PDF)"))
        return choices


def item_pros(s: Session, issue: Issue) -> list[str]:
    """The PROs an item concerns: its own, or an account issue's linked open pros (else none:
    the whole account)."""
    if issue.pro_id is not None:
        pro = s.get(Pro, issue.pro_id)
        return [pro.pro] if pro else []
    return list(s.scalars(select(Pro.pro).join(Issue, Issue.pro_id == Pro.id)
                          .where(Issue.parent_id == issue.id, Pro.status == "open")))  # fmt: skip


def _build_attachments(db: Database, issue_id: int, keys: Sequence[str], on: date,
                       work: Path) -> list[wire.Attachment]:  # fmt: skip
    out: list[wire.Attachment] = []
    with db.session() as s:
        issue = _issue(s, issue_id)
        account = s.get(Account, issue.account_id)
        assert account is not None
        pros = item_pros(s, issue)
        for key in keys:
            if key.startswith("doc:"):
                out.append(_document(s, int(key[4:]), account.id))
            elif key == "invoice":
                if issue.pro_id is None:
                    raise InvalidInput(
                        "an account-level item has no invoice copy: attach a statement"
                    )
                out.append(_invoice(s, issue.pro_id, work))
            elif key != "statement":
                raise InvalidInput(f"unknown attachment '{key}'")
    if "statement" in keys:
        out.append(statement_attachment(db, account.number, on, pros or None, work))
    return out


def _document(s: Session, document_id: int, account_id: int) -> wire.Attachment:
    doc = s.get(Document, document_id)
    if doc is None or doc.account_id != account_id:
        raise NotFound(f"no document {document_id} on this item's account")
    blob = s.get(DocumentBlob, doc.sha256)
    assert blob is not None
    return wire.Attachment(doc.file_name, doc.media_type, bytes(blob.content))


def _invoice(s: Session, pro_id: int, work: Path) -> wire.Attachment:
    from arbench.io.invoice_pdf import InvoiceCopy, write_invoice_pdf

    pro = s.get(Pro, pro_id)
    assert pro is not None
    account = s.get(Account, pro.account_id)
    assert account is not None
    profile = read_profile(s)
    charges = [(c.description, c.amount) for c in
               s.scalars(select(ChargeLine).where(ChargeLine.pro_id == pro.id).order_by(ChargeLine.seq))]  # fmt: skip
    payments = [(f"{p.received_on} {p.kind} {p.reference or ''}".strip(), p.amount) for p in
                s.scalars(select(Payment).where(Payment.pro_id == pro.id).order_by(Payment.received_on))]  # fmt: skip
    place = " ".join(p for p in (account.city, account.state, account.postal_code) if p)
    facts = [("PRO", pro.pro), ("BOL", pro.bol or ""), ("Invoice", pro.invoice_number or pro.pro),
             ("Invoice date", str(pro.invoice_date or "")), ("Due date", str(pro.due_date or "")),
             ("Shipper", pro.shipper or ""), ("Consignee", pro.consignee or ""),
             ("Lane", f"{pro.origin or ''} - {pro.destination or ''}"),
             ("Delivered", str(pro.delivery_date or ""))]  # fmt: skip
    copy = InvoiceCopy(profile.name, profile.address.replace("\n", ", "), profile.contact,
                       profile.remit_to, account.number, account.name,
                       [p for p in (account.address, place) if p], facts, charges, payments,
                       pro.amount, pro.open_balance)  # fmt: skip
    name = safe_file_name(f"invoice-PRO-{pro.pro}.pdf")
    path = write_invoice_pdf(copy, work / name)
    return wire.Attachment(name, "application/pdf", path.read_bytes())


def statement_attachment(db: Database, account_number: str, on: date, pros: Sequence[str] | None,
                         work: Path) -> wire.Attachment:  # fmt: skip
    """The statement of an account (or of some of its PROs) as a PDF attachment."""
    name = statement_file_name(account_number, on, pros)
    result = export_statement(db, account_number, on, work / name, pros=pros)
    return wire.Attachment(name, "application/pdf", result.path.read_bytes())


def _message(db: Database, actor: Actor, email: ItemEmail, on: date, work: Path,
             draft: bool) -> tuple[EmailMessage, list[wire.Attachment]]:  # fmt: skip
    to = addresses(email.to)
    if not to and not draft:
        raise InvalidInput("the email has no recipient: fill in To")
    with db.session() as s:
        issue = _issue(s, email.issue_id)
        account = s.get(Account, issue.account_id)
        assert account is not None
        check_may_email(s, actor, account, issue)
        sender = mail_settings.sender_of(s, actor)
    files = _build_attachments(db, email.issue_id, email.attachments, on, work)
    subject = with_item_token(email.subject, email.issue_id)
    outgoing = wire.Outgoing(
        sender.header(), to, subject, email.body, files, addresses(email.cc), draft
    )
    return wire.build(outgoing), files


EMAIL_NOTE = (
    "the item's owner, the account's collector or a supervisor; a job sends "
    "automatic reminders from the account's collector"
)


@service(ANYONE, "email customers", note=EMAIL_NOTE)
def send_item_email(
    db: Database, actor: Actor, email: ItemEmail, on: date | None = None, *,
    from_user: Actor | None = None,
) -> SentMail:  # fmt: skip
    """Send an item's email over the team's SMTP server and record the sent copy, as `actor`;
    the result carries the item's change record (its timeline). `from_user`: the email goes
    out from that user's address (the daily job sends automatic reminders from the account's
    collector; a collector's or supervisor's job only), still recorded as `actor`."""
    on = on or date.today()
    sender = from_user or actor
    if sender.id != actor.id and actor.role == Role.TRAINEE:
        raise PermissionDenied(
            f"a trainee cannot email as someone else; {actor.login} is a trainee"
        )
    with tempfile.TemporaryDirectory(prefix="arbench-mail-") as tmp:
        message, files = _message(db, sender, email, on, Path(tmp), draft=False)
    deliver(db, message)
    with db.session() as s:
        issue = _issue(s, email.issue_id)
        sent = record_sent(
            s, actor, message, files, issue.account_id, issue, email.template, "sent"
        )
        _worked_on(s, actor, issue, on)
        return replace(sent, changes=changes_after(s, [issue.id], on))


def deliver(db: Database, message: EmailMessage) -> None:
    """Hand the message to the team's SMTP server (MailNotSent with one line when it fails)."""
    server = mail_settings.get_mail_settings(db).smtp
    if server is None:
        raise MailNotSent("no SMTP server is set up: `arbench --as SUPERVISOR mail setup smtp ...` "
                          "(or save the email as .eml)")  # fmt: skip
    endpoint = wire.Endpoint(server.host, server.port, server.security, server.user,
                             mail_settings.password_of(server))  # fmt: skip
    try:
        wire.send(message, endpoint)
    except wire.MailError as exc:
        raise MailNotSent(f"{exc}; nothing was sent") from None


@service(ANYONE, "email customers", note=EMAIL_NOTE)
def save_item_eml(db: Database, actor: Actor, email: ItemEmail, directory: Path,
                  on: date | None = None, file_name: str | None = None) -> SentMail:  # fmt: skip
    """The offline fallback: write the email with its attachments as an .eml a mail client
    opens as a draft, named after the PRO or account (or `file_name`); logged on the timeline
    as saved. The file is checked before any work and is complete or absent."""
    on = on or date.today()
    check_output_file(directory / safe_file_name(file_name or "email.eml"))  # before any work
    with tempfile.TemporaryDirectory(prefix="arbench-mail-") as tmp:
        message, files = _message(db, actor, email, on, Path(tmp), draft=True)
    with db.session() as s:
        issue = _issue(s, email.issue_id)
        name = safe_file_name(file_name) if file_name else eml_name(s, issue, email.template)
        target = check_output_file(directory / name)
        sent = record_sent(s, actor, message, files, issue.account_id, issue, email.template,
                           f"saved as {target.name}", status="saved")  # fmt: skip
        _worked_on(s, actor, issue, on)
        with written(target) as partial:  # recorded only once the file is there
            partial.write_bytes(bytes(message))
        return replace(sent, eml=target, changes=changes_after(s, [issue.id], on))


def _worked_on(s: Session, actor: Actor, issue: Issue, on: date) -> None:
    """An email sent or saved about an item is work on it: its script's [email] step is
    ticked and its account is worked in the day's plans (like a logged email)."""
    tick_for_action(s, actor, issue, "email")
    mark_worked(s, [issue.account_id], on)


def suggested_eml_name(db: Database, issue_id: int, template: str) -> str:
    """The .eml file name of an item's email: after the PRO (or the account), not an id."""
    with db.session() as s:
        return eml_name(s, _issue(s, issue_id), template)


def eml_name(s: Session, issue: Issue, template: str) -> str:
    """'PRO-123456789-pod_copy.eml', or 'C100350-statement_of_account.eml' for an account item."""
    pro = s.get(Pro, issue.pro_id) if issue.pro_id else None
    account = s.get(Account, issue.account_id)
    who = f"PRO-{pro.pro}" if pro else (account.number if account else f"item-{issue.id}")
    return safe_file_name(f"{who}-{template or 'email'}.eml")


def record_sent(s: Session, actor: Actor, message: EmailMessage, files: Sequence[wire.Attachment],
                account_id: int | None, issue: Issue | None, template: str, how: str,
                status: str = "sent", *, timeline: bool = True) -> SentMail:  # fmt: skip
    """The sent copy in the caller's transaction: message, raw blob, attachments, timeline, audit.
    Without an account (mail to the team: the monthly root-cause pack), or without `timeline`
    (a pre-audit notice writes its own entry), there is no timeline entry."""
    raw = bytes(message)
    to = tuple(
        a for _, a in getaddresses([str(message.get("To", "")), str(message.get("Cc", ""))]) if a
    )
    subject = str(message["Subject"])
    names = tuple(f.file_name for f in files)
    text = f"Email '{subject}' ({how}" + (f"; template {template}" if template else "") + ")"
    if names:
        text += "\nAttached: " + ", ".join(names)
    activity = None
    if account_id is not None and timeline:
        activity = add_activity(s, actor, account_id, ActivityKind.EMAIL.value, text,
                                issue_id=issue.id if issue else None,
                                contact=", ".join(to)[:120] or None, outcome=how[:200])  # fmt: skip
    s.flush()
    row = MailMessage(
        direction="out", status=status, message_id=str(message["Message-ID"]), account_id=account_id,
        issue_id=issue.id if issue else None, pro_id=issue.pro_id if issue else None,
        activity_id=activity.id if activity else None, sender=str(message["From"]), recipients=", ".join(to),
        subject=subject[:500], body=_text_body(message), at=now(), source="smtp" if status == "sent" else "eml",
        raw_sha256=store_blob(s, raw, "message.eml"), user_id=actor.id or None,
    )  # fmt: skip
    s.add(row)
    s.flush()
    for f in files:
        s.add(MailAttachment(mail_id=row.id, sha256=store_blob(s, f.content, f.file_name),
                             file_name=f.file_name, media_type=f.media_type, size=len(f.content)))  # fmt: skip
    audit(s, actor, "mail.send" if status == "sent" else "mail.save", "mail", row.id, None,
          {"issue_id": issue.id if issue else None, "to": ", ".join(to), "subject": subject,
           "attachments": list(names), "how": how})  # fmt: skip
    return SentMail(row.id, subject, to, names, how, row.message_id or "")


def _text_body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    return str(part.get_content()) if part is not None else ""
