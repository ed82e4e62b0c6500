"""Replies come back to the item: fetched from the team's IMAP mailbox or imported from .eml and
.msg files, each message is matched to its item and lands on its timeline with its attachments
stored as documents; what matches nothing waits in the inbox for a person.

Matching, in order: the "[AR#123]" token arbench put in the subject; else the PRO numbers, then
invoice numbers, then BOL numbers found in the subject and body. One pro found: the message goes
to that pro's open item (its latest item when none is open). None, or several pros: the inbox,
except a reply to a pre-audit notice ("[AR-PRO#...]", services/correspondence/notice_mail.py), which becomes
the notice's answer and goes on its pro.
A message is taken once (by Message-ID, or the sha256 of the raw message when it has none), so
fetching twice, or from two machines at once, files nothing twice. The IMAP position (UIDVALIDITY
and the last UID read) is kept per mailbox in `mail_positions` (a collector's login may write it
on the team server; the settings are supervisors').
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from arbench.domain.catalogue import OPEN_STATUSES, ActivityKind
from arbench.domain.documents import find_item_token, guess_kind, reference_tokens
from arbench.io import mail as wire
from arbench.services.base import (
    Actor,
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    ServiceError,
    add_activity,
    audit,
    now,
)
from arbench.services.correspondence import mail_settings
from arbench.services.correspondence.documents import NewDocument, add_document, store_blob
from arbench.services.correspondence.notice_mail import file_notice_reply
from arbench.services.op_changes import Changes, changes_after
from arbench.services.permissions import ANYONE, STAFF, service
from arbench.store.correspondence_models import MailAttachment, MailMessage, MailPosition
from arbench.store.db import Database
from arbench.store.models import Account, Issue, Pro

OPEN = [s.value for s in OPEN_STATUSES]


@dataclass(frozen=True)
class Received:
    mail_id: int | None  # None: this message was already taken
    subject: str
    sender: str
    status: str  # matched | inbox | duplicate
    issue_id: int | None = None
    matched_by: str | None = None
    attachments: tuple[str, ...] = ()
    changes: Changes = Changes()  # of the item it landed on (assign)


@dataclass
class FetchReport:
    fetched: int = 0
    matched: list[Received] = field(default_factory=list)
    inbox: list[Received] = field(default_factory=list)
    duplicates: int = 0
    changes: Changes = Changes()  # the items replies landed on

    def with_changes(self, db: Database, on: date | None) -> FetchReport:
        """The report with the change record of the items its replies landed on."""
        ids = [r.issue_id for r in self.matched if r.issue_id is not None]
        with db.session() as s:
            self.changes = changes_after(s, ids, on or date.today())
        return self


@dataclass(frozen=True)
class InboxMessage:
    id: int
    at: datetime
    sender: str
    subject: str
    excerpt: str
    attachments: tuple[str, ...]
    candidates: tuple[str, ...]  # PROs the text names (several: why it waits)


def _message_id(parsed: wire.Incoming, raw: bytes) -> str:
    return (
        parsed.message_id[:255]
        if parsed.message_id
        else f"<sha256:{hashlib.sha256(raw).hexdigest()}>"
    )


def _pros_named(s: Session, text: str) -> tuple[list[Pro], str | None]:
    tokens = reference_tokens(text)[:200]
    if not tokens:
        return [], None
    for column, how in ((Pro.pro, "pro"), (Pro.invoice_number, "invoice"), (Pro.bol, "bol")):
        pros = list(s.scalars(select(Pro).where(column.in_(tokens)).order_by(Pro.id)))
        if pros:
            return pros, how
    return [], None


def _issue_of_pro(s: Session, pro: Pro) -> Issue | None:
    issues = list(s.scalars(select(Issue).where(Issue.pro_id == pro.id).order_by(Issue.id.desc())))
    open_ = [i for i in issues if i.status in OPEN]
    chosen = open_ or issues
    return chosen[0] if chosen else None


def match(s: Session, parsed: wire.Incoming) -> tuple[Issue | None, str | None, list[str]]:
    """(issue, how, candidate PROs) for a message (issue None: it goes to the inbox)."""
    token = find_item_token(parsed.subject)
    if token is not None:
        issue = s.get(Issue, token)
        if issue is not None:
            return issue, "token", []
    pros, how = _pros_named(s, f"{parsed.subject}\n{parsed.body}")
    if len(pros) == 1:
        issue = _issue_of_pro(s, pros[0])
        return issue, how if issue else None, [pros[0].pro]
    return None, None, [p.pro for p in pros]


FILE_NOTE = "a matched reply's attachments become documents (a trainee: on their own items)"


@service(ANYONE, "file received mail", note=FILE_NOTE)
def receive(
    db: Database, actor: Actor, raw: bytes, source: str, parsed: wire.Incoming | None = None
) -> Received:
    """File one message: matched to its item (timeline, documents) or into the inbox."""
    parsed = parsed or wire.parse(raw)
    try:
        with db.session() as s:
            return _file(s, actor, raw, parsed, source)
    except Conflict:  # the same message filed by someone else at the same moment, or else
        with db.session() as s:
            if _taken(s, _message_id(parsed, raw)):
                return Received(None, parsed.subject, parsed.sender, "duplicate")
        raise


def _file(s: Session, actor: Actor, raw: bytes, parsed: wire.Incoming, source: str) -> Received:
    message_id = _message_id(parsed, raw)
    if _taken(s, message_id):
        return Received(None, parsed.subject, parsed.sender, "duplicate")
    issue, how, candidates = match(s, parsed)
    row = MailMessage(
        direction="in", status="matched" if issue else "inbox", message_id=message_id,
        account_id=issue.account_id if issue else None, issue_id=issue.id if issue else None,
        pro_id=issue.pro_id if issue else None, sender=parsed.sender[:320], recipients=parsed.to,
        subject=parsed.subject[:500], body=parsed.body, at=parsed.at.replace(tzinfo=None) if parsed.at else now(),
        source=source, matched_by=how, raw_sha256=store_blob(s, raw, "message.eml"), user_id=actor.id or None,
    )  # fmt: skip
    s.add(row)
    s.flush()
    names = _keep_attachments(s, row, parsed.attachments)
    if issue is not None:
        _land(s, actor, row, issue, names)
    file_notice_reply(s, actor, row, parsed)  # a reply to a pre-audit notice: its answer
    how = row.matched_by
    audit(s, actor, "mail.receive", "mail", row.id, None,
          {"subject": row.subject, "from": row.sender, "status": row.status, "issue_id": row.issue_id,
           "matched_by": how, "candidates": candidates, "source": source})  # fmt: skip
    return Received(row.id, row.subject, row.sender, row.status, row.issue_id, how, tuple(names))


def _taken(s: Session, message_id: str) -> bool:
    """Whether a received message with this Message-ID is already filed."""
    found = s.scalar(select(MailMessage.id).where(MailMessage.direction == "in",
                                                  MailMessage.message_id == message_id))  # fmt: skip
    return found is not None


def _keep_attachments(s: Session, row: MailMessage, files: Sequence[wire.Attachment]) -> list[str]:
    names = []
    for f in files:
        try:
            digest = store_blob(s, f.content, f.file_name)
        except InvalidInput:  # empty or over the size limit: the raw message still has it
            continue
        s.add(MailAttachment(mail_id=row.id, sha256=digest, file_name=f.file_name[:260],
                             media_type=f.media_type[:100], size=len(f.content)))  # fmt: skip
        names.append(f.file_name)
    s.flush()
    return names


def _land(s: Session, actor: Actor, row: MailMessage, issue: Issue, names: list[str]) -> None:
    """Put a matched message on the item's timeline and its attachments among its documents."""
    pro = s.get(Pro, issue.pro_id) if issue.pro_id else None
    account = s.get(Account, issue.account_id)
    assert account is not None
    for attachment in s.scalars(select(MailAttachment).where(MailAttachment.mail_id == row.id)):
        kind = guess_kind(attachment.file_name)
        blob = _blob(s, attachment.sha256)
        doc = add_document(s, actor, NewDocument(blob, attachment.file_name, "correspondence" if kind == "other" else kind,
                                                 pro=pro.pro if pro else None,
                                                 account_number=None if pro else account.number),
                           source="mail", mail_id=row.id)  # fmt: skip
        attachment.document_id = doc.id
    excerpt = row.body.strip()[:1500]
    text = f"Reply from {row.sender}: '{row.subject}'" + (f"\n{excerpt}" if excerpt else "")
    if names:
        text += "\nAttached: " + ", ".join(names)
    activity = add_activity(s, actor, issue.account_id, ActivityKind.EMAIL.value, text, issue_id=issue.id,
                            contact=row.sender[:120] or None, outcome="received")  # fmt: skip
    s.flush()
    row.activity_id = activity.id


def _blob(s: Session, sha256: str) -> bytes:
    from arbench.store.correspondence_models import DocumentBlob

    blob = s.get(DocumentBlob, sha256)
    assert blob is not None
    return bytes(blob.content)


@service(ANYONE, "file received mail", note=FILE_NOTE)
def import_files(
    db: Database, actor: Actor, paths: Sequence[Path], *, on: date | None = None
) -> FetchReport:
    """File .eml and .msg files (dropped on the window or named on the command line)."""
    report = FetchReport()
    parsed_files = []
    for path in paths:  # every file is read before anything is filed
        try:
            parsed_files.append((path, wire.read_message_file(path)))
        except wire.MailError as exc:
            raise InvalidInput(str(exc)) from None
    for path, parsed in parsed_files:
        raw = path.read_bytes()
        _count(
            report,
            receive(db, actor, raw, "msg" if path.suffix.lower() == ".msg" else "eml", parsed),
        )
    return report.with_changes(db, on)


def _count(report: FetchReport, got: Received) -> None:
    report.fetched += 1
    if got.status == "duplicate":
        report.duplicates += 1
    else:
        (report.matched if got.status == "matched" else report.inbox).append(got)


@service(STAFF, "fetch mail")
def fetch_mail(db: Database, actor: Actor, *, on: date | None = None) -> FetchReport:
    """Read the new messages of the team's IMAP folder and file each one."""
    settings = mail_settings.get_mail_settings(db)
    server = settings.imap
    if server is None:
        raise InvalidInput(
            "no IMAP mailbox is set up: `arbench --as SUPERVISOR mail setup imap ...`"
        )
    mailbox = f"{server.user}@{server.host}:{server.port}/{server.folder}"
    validity, last = _position(db, mailbox)
    endpoint = wire.Endpoint(server.host, server.port, server.security, server.user,
                             mail_settings.password_of(server), server.folder)  # fmt: skip
    try:
        new_validity, messages = wire.fetch(endpoint, last)
        if last and new_validity != validity:  # the folder was rebuilt: read it all again
            last = 0  # (what was filed before is skipped as a duplicate)
            new_validity, messages = wire.fetch(endpoint, 0)
    except wire.MailError as exc:
        raise ServiceError(str(exc)) from None
    report = FetchReport()
    for uid, raw in messages:
        _count(report, receive(db, actor, raw, "imap"))
        last = max(last, uid)
    _save_position(db, actor, mailbox, new_validity, last)
    return report.with_changes(db, on)


def _position(db: Database, mailbox: str) -> tuple[int, int]:
    """(UIDVALIDITY, last UID read) of a mailbox; (0, 0) before its first fetch."""
    with db.session() as s:
        row = s.get(MailPosition, mailbox)
        return (row.uid_validity, row.last_uid) if row is not None else (0, 0)


def _save_position(db: Database, actor: Actor, mailbox: str, validity: int, last: int) -> None:
    """Keep how far the mailbox was read (never back, unless the folder was rebuilt)."""
    try:
        with db.session() as s:
            row = s.get(MailPosition, mailbox, with_for_update=True)
            before = {"uid_validity": row.uid_validity, "last_uid": row.last_uid} if row else None
            if row is None:
                row = MailPosition(
                    mailbox=mailbox, uid_validity=validity, last_uid=last, updated_at=now()
                )
                s.add(row)
            elif row.uid_validity == validity and row.last_uid >= last:
                return  # nothing new, or another fetch read further meanwhile
            else:
                row.uid_validity, row.last_uid, row.updated_at = validity, last, now()
            s.flush()
            audit(s, actor, "mail.fetch", "mail_position", None, before,
                  {"mailbox": mailbox, "uid_validity": validity, "last_uid": last})  # fmt: skip
    except Conflict:  # another fetch saved this mailbox's first position at the same moment
        return


def inbox(db: Database) -> list[InboxMessage]:
    """Replies that matched no item, oldest first."""
    with db.session() as s:
        rows = s.scalars(select(MailMessage).where(MailMessage.direction == "in", MailMessage.status == "inbox")
                         .order_by(MailMessage.at, MailMessage.id)).all()  # fmt: skip
        out = []
        for row in rows:
            names = tuple(
                s.scalars(select(MailAttachment.file_name).where(MailAttachment.mail_id == row.id))
            )
            _issue, _how, candidates = match(
                s, wire.Incoming("", row.sender, row.recipients, row.subject, row.body, None)
            )
            out.append(InboxMessage(row.id, row.at, row.sender, row.subject, row.body.strip()[:300], names,
                                    tuple(candidates)))  # fmt: skip
        return out


@service(
    ANYONE, "put mail on an item", note="the item's owner, the account's collector or a supervisor"
)
def assign(
    db: Database, actor: Actor, mail_id: int, issue_id: int, *, on: date | None = None
) -> Received:
    """Put a waiting message on an item (its collector, the item's owner or a supervisor)."""
    with db.session() as s:
        row = s.get(MailMessage, mail_id, with_for_update=True)
        if row is None or row.direction != "in":
            raise NotFound(f"no received message with id {mail_id}")
        if row.status != "inbox":
            raise InvalidInput(f"message {mail_id} is already on item #{row.issue_id}")
        issue = s.get(Issue, issue_id)
        if issue is None:
            raise NotFound(f"no issue with id {issue_id}")
        account = s.get(Account, issue.account_id)
        assert account is not None
        if not (
            actor.is_supervisor or account.collector_id == actor.id or issue.owner_id == actor.id
        ):
            raise PermissionDenied(
                f"{actor.login} cannot file mail on item #{issue_id}: not theirs"
            )
        row.status, row.matched_by = "assigned", "person"
        row.issue_id, row.account_id, row.pro_id = issue.id, issue.account_id, issue.pro_id
        names = list(
            s.scalars(select(MailAttachment.file_name).where(MailAttachment.mail_id == row.id))
        )
        _land(s, actor, row, issue, names)
        audit(s, actor, "mail.assign", "mail", row.id, {"status": "inbox"},
              {"status": "assigned", "issue_id": issue.id})  # fmt: skip
        return Received(row.id, row.subject, row.sender, row.status, issue.id, "person",
                        tuple(names), changes_after(s, [issue.id], on or date.today()))  # fmt: skip
