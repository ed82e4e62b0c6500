"""Pre-audit notices by mail: sent through the team's outbox, the customer's reply filed back.

`send_notice` sends the notice (services/correspondence/notices.py composes it) over the team's SMTP server
from the collector's own address, and once the server took it keeps, in one transaction, the
sent copy (mail_messages, services/correspondence/mail_out) and the notice on the pro with its timeline
entry. Its subject carries "[AR-PRO#<pro>]" (and the pro's item token when it has an open item),
so the reply comes back: `file_notice_reply` is called by services/correspondence/mail_in.py for every message
it files; a message naming a notice's pro by that token becomes the answer of the pro's latest
notice (what the customer wrote above the quoted text), and when it matched no item it is put
on the pro (its account's timeline, its attachments among the pro's documents) instead of
waiting in the inbox. The .eml (`notices send --out`) stays the offline fallback.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from arbench.domain.catalogue import OPEN_STATUSES, ActivityKind
from arbench.domain.documents import guess_kind, with_item_token
from arbench.domain.notices import find_notice_token, notice_token, reply_text
from arbench.io import mail as wire
from arbench.services.base import Actor, InvalidInput, add_activity
from arbench.services.correspondence import mail_out
from arbench.services.correspondence.documents import NewDocument, add_document
from arbench.services.correspondence.mail_settings import sender_of
from arbench.services.correspondence.notices import (
    NoticeDraft,
    NoticeInfo,
    info_of,
    keep_answer,
    keep_notice,
    notice_target,
)
from arbench.services.permissions import ANYONE, service
from arbench.store.correspondence_models import DocumentBlob, MailAttachment, MailMessage
from arbench.store.db import Database
from arbench.store.models import Issue, Pro
from arbench.store.models_departments import ExceptionNotice

OPEN = [s.value for s in OPEN_STATUSES]


def notice_subject(subject: str, pro: str, issue_id: int | None) -> str:
    """The subject with the notice's token (and the item's, when the pro has an open item)."""
    token = notice_token(pro)
    text = subject if token.lower() in subject.lower() else f"{subject} {token}".strip()
    return with_item_token(text, issue_id) if issue_id is not None else text


@service(ANYONE, "send a pre-audit notice", note="the account's collector or a supervisor")
def send_notice(
    db: Database, actor: Actor, draft: NoticeDraft, *, on: date | None = None
) -> NoticeInfo:
    """Send the notice over the team's SMTP server and keep it on the pro (how 'smtp'); when the
    server refuses it nothing is recorded (mail_out.MailNotSent, one line)."""
    on = on or date.today()
    to = mail_out.addresses(draft.to)
    if not to:
        raise InvalidInput(f"PRO {draft.pro}: the notice has no recipient (the account has no "
                           "contact email): give one with --to")  # fmt: skip
    with db.session() as s:
        pro, _ = notice_target(s, actor, draft.pro)
        sender = sender_of(s, actor)
        issue_id = s.scalar(select(Issue.id).where(Issue.pro_id == pro.id, Issue.status.in_(OPEN))
                            .order_by(Issue.id))  # fmt: skip
    subject = notice_subject(draft.subject, draft.pro, issue_id)
    message = wire.build(wire.Outgoing(sender.header(), to, subject, draft.body))
    mail_out.deliver(db, message)
    with db.session() as s:
        issue = s.get(Issue, issue_id) if issue_id is not None else None
        pro, account = notice_target(s, actor, draft.pro)
        sent = mail_out.record_sent(s, actor, message, [], account.id, issue, draft.template,
                                    "sent", timeline=False)  # fmt: skip
        notice = keep_notice(s, actor, draft, "smtp", on, mail_id=sent.mail_id)
        return info_of(s, notice)


def file_notice_reply(s: Session, actor: Actor, row: MailMessage, parsed: wire.Incoming) -> None:
    """A received message naming a notice's pro by its token: the answer of the pro's latest
    notice; put on the pro when it matched no item (see the module docstring)."""
    number = find_notice_token(parsed.subject)
    if number is None:
        return
    pro = s.scalar(select(Pro).where(Pro.pro == number))
    notice = (
        s.scalar(select(ExceptionNotice).where(ExceptionNotice.pro_id == pro.id)
                 .order_by(ExceptionNotice.id.desc()))
        if pro is not None else None
    )  # fmt: skip
    if pro is None or notice is None:
        return  # not a notice arbench sent: matched (or waiting) as any other mail
    if row.issue_id is None:
        _put_on_pro(s, actor, row, pro)
    # the reply itself is on the timeline already (mail_in's entry, or _put_on_pro's)
    keep_answer(s, actor, notice, reply_text(parsed.body) or parsed.subject, row.at.date(),
                timeline=False)  # fmt: skip


def _put_on_pro(s: Session, actor: Actor, row: MailMessage, pro: Pro) -> None:
    """The reply on the pro that has no item: matched, attachments as the pro's documents."""
    row.status, row.matched_by = "matched", "notice"
    row.account_id, row.pro_id = pro.account_id, pro.id
    for attachment in s.scalars(select(MailAttachment).where(MailAttachment.mail_id == row.id)):
        blob = s.get(DocumentBlob, attachment.sha256)
        assert blob is not None
        kind = guess_kind(attachment.file_name)
        doc = add_document(s, actor, NewDocument(bytes(blob.content), attachment.file_name,
                                                 "correspondence" if kind == "other" else kind,
                                                 pro=pro.pro), source="mail", mail_id=row.id)  # fmt: skip
        attachment.document_id = doc.id
    excerpt = row.body.strip()[:1500]
    text = f"Reply from {row.sender}: '{row.subject}'" + (f"\n{excerpt}" if excerpt else "")
    activity = add_activity(s, actor, pro.account_id, ActivityKind.EMAIL.value, text,
                            contact=row.sender[:120] or None, outcome="received")  # fmt: skip
    s.flush()
    row.activity_id = activity.id
