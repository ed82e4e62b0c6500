"""Proactive exception notices: tell the customer about a pre-audit exception before the invoice.

The pre-audit findings that will reach the customer anyway (domain.notices: an accessorial not
requested on the BOL, a POD missing where the customer requires one) are listed with the notice
already sent, if any (`notice_candidates`). `compose_notice` fills the rule's template (shipped
in resources/content/templates) from the pro, its account's contact and the collector;
`record_notice` keeps what was sent as an .eml (the file the collector sends from their mail
client) on the pro, with a timeline entry; services/correspondence/notice_mail.py sends it through the team's
outbox instead and files the customer's reply. `record_notice_answer` keeps what the customer
answered. The account's collector or a supervisor sends and records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from arbench.domain.catalogue import OPEN_STATUSES, ActivityKind
from arbench.domain.content import parse_template, render_template
from arbench.domain.notices import NOTICE_TEMPLATES, reaches_customer
from arbench.domain.preaudit import ACCESSORIAL_NAMES, BASE_CHARGE_CODES
from arbench.services.admin.company import read_profile
from arbench.services.base import (
    Actor,
    InvalidInput,
    NotFound,
    PermissionDenied,
    add_activity,
    audit,
)
from arbench.services.correspondence.email import MISSING, reflow
from arbench.services.intake.preaudit import findings_for, preaudit
from arbench.services.knowledge import content
from arbench.services.permissions import ANYONE, service
from arbench.store.db import Database
from arbench.store.models import Account, ChargeLine, Contact, Issue, Pro, User
from arbench.store.models_departments import ExceptionNotice

OPEN = [s.value for s in OPEN_STATUSES]


@dataclass(frozen=True)
class NoticeDraft:
    pro: str
    rule: str
    to: str
    subject: str
    body: str
    template: str
    sender: str = ""


@dataclass(frozen=True)
class NoticeInfo:
    id: int
    pro: str
    account_number: str
    rule: str
    to: str | None
    subject: str
    sent_on: date
    sent_by: str | None
    how: str
    answer: str | None
    answered_on: date | None

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "pro": self.pro, "account_number": self.account_number,
                "rule": self.rule, "to": self.to, "subject": self.subject,
                "sent_on": self.sent_on.isoformat(), "sent_by": self.sent_by, "how": self.how,
                "answer": self.answer,
                "answered_on": self.answered_on.isoformat() if self.answered_on else None}  # fmt: skip


@dataclass(frozen=True)
class NoticeCandidate:
    """A pre-audit finding the customer can be told about, with the notice sent (if any)."""

    pro: str
    account_number: str
    account_name: str
    rule: str
    message: str
    notice: NoticeInfo | None

    def to_json(self) -> dict[str, object]:
        n = self.notice
        return {"pro": self.pro, "account_number": self.account_number,
                "account_name": self.account_name, "rule": self.rule, "message": self.message,
                "notice_id": n.id if n else None, "sent_on": n.sent_on.isoformat() if n else None,
                "answer": n.answer if n else None}  # fmt: skip


def info_of(session: Session, n: ExceptionNotice) -> NoticeInfo:
    pro = session.get(Pro, n.pro_id)
    account = session.get(Account, n.account_id)
    sender = session.get(User, n.sent_by_id) if n.sent_by_id else None
    assert pro is not None and account is not None
    return NoticeInfo(n.id, pro.pro, account.number, n.rule, n.to, n.subject, n.sent_on,
                      sender.login if sender else None, n.how, n.answer, n.answered_on)  # fmt: skip


@service(ANYONE, "see the exceptions to tell customers", writes=False)
def notice_candidates(
    db: Database, actor: Actor | None = None, since: date | None = None
) -> list[NoticeCandidate]:
    """The pre-audit findings that reach the customer, each with its latest notice."""
    rows = [r for r in preaudit(db, since).rows if reaches_customer(r.rule)]
    with db.session() as s:
        sent: dict[tuple[str, str], NoticeInfo] = {}
        for notice, pro in s.execute(
            select(ExceptionNotice, Pro.pro).join(Pro, Pro.id == ExceptionNotice.pro_id)
            .order_by(ExceptionNotice.id)
        ):  # fmt: skip
            sent[(pro, notice.rule)] = info_of(s, notice)
    seen: set[tuple[str, str]] = set()
    out = []
    for r in rows:
        if (r.pro, r.rule) in seen:  # an accessorial finding for billing and for operations
            continue
        seen.add((r.pro, r.rule))
        out.append(NoticeCandidate(r.pro, r.account_number, r.account_name, r.rule, r.message,
                                   sent.get((r.pro, r.rule))))  # fmt: skip
    return out


def _pro(session: Session, number: str) -> Pro:
    pro = session.scalar(select(Pro).where(Pro.pro == number))
    if pro is None:
        raise NotFound(f"no pro numbered '{number}'")
    return pro


def _may_send(session: Session, actor: Actor, account: Account, pro: Pro) -> None:
    if actor.is_supervisor or account.collector_id == actor.id:
        return
    owner = session.scalar(
        select(Issue.id).where(Issue.pro_id == pro.id, Issue.owner_id == actor.id)
    )
    if owner is None:
        raise PermissionDenied(f"{actor.login} cannot send notices for PRO {pro.pro}: account "
                               f"{account.number} is another collector's")  # fmt: skip


def _unrequested(session: Session, pro: Pro) -> str:
    """The accessorial charge lines the BOL did not request, one per line, for the customer."""
    requested = {c.strip().upper() for c in (pro.bol_accessorials or "").split(",") if c.strip()}
    lines = session.scalars(
        select(ChargeLine).where(ChargeLine.pro_id == pro.id, ChargeLine.kind == "accessorial")
        .order_by(ChargeLine.seq)
    )  # fmt: skip
    out = []
    for line in lines:
        code = (line.code or "").strip().upper()
        if code and code not in requested and code not in BASE_CHARGE_CODES:
            name = ACCESSORIAL_NAMES.get(code, line.description)
            out.append(f"- {line.description} ({code}, {name}): ${Decimal(line.amount):,.2f}")
    return "\n".join(out)


def _values(
    session: Session, actor: Actor, pro: Pro, account: Account, rule: str, on: date
) -> dict[str, str]:
    contact = session.scalars(
        select(Contact).where(Contact.account_id == account.id, Contact.email.is_not(None))
        .order_by(Contact.id)
    ).first()  # fmt: skip
    user = session.get(User, actor.id) if actor.id else None
    values = {
        "customer_name": account.name, "account_number": account.number, "pro": pro.pro,
        "bol": pro.bol or "", "invoice_number": pro.invoice_number or pro.pro,
        "amount": f"${pro.amount:,.2f}", "ship_date": pro.ship_date.isoformat() if pro.ship_date else "",
        "delivery_date": pro.delivery_date.isoformat() if pro.delivery_date else "",
        "origin": pro.origin or "", "destination": pro.destination or "",
        "contact_name": contact.name if contact else "", "contact_email": (contact.email or "") if contact else "",
        "collector_name": actor.display_name, "collector_email": (user.email or "") if user else "",
        "collector_phone": (user.phone or "") if user else "",
        "company_name": read_profile(session).name, "today": on.isoformat(),
        "reason": _unrequested(session, pro) if rule == "accessorial_not_requested" else "",
    }  # fmt: skip
    return {k: v for k, v in values.items() if v}


def _template_text(session: Session, key: str) -> str:
    """The template's current text in the book, else the shipped file (a book made before it)."""
    try:
        return content.current_in(session, "template", key).body
    except NotFound:
        return (content.shipped_dir() / "templates" / f"{key}.md").read_text(encoding="utf-8")


@service(ANYONE, "compose a pre-audit notice", writes=False)
def compose_notice(
    db: Database, actor: Actor, pro: str, rule: str, on: date | None = None
) -> NoticeDraft:
    """The notice for one finding on one pro, filled from the pro, its contact and the actor."""
    on = on or date.today()
    if not reaches_customer(rule):
        names = ", ".join(NOTICE_TEMPLATES)
        raise InvalidInput(f"'{rule}' is not told to customers; notices are for {names}")
    with db.session() as s:
        row = _pro(s, pro)
        account = s.get(Account, row.account_id)
        assert account is not None
        if rule not in {f.rule for f in findings_for(s, row)}:
            raise InvalidInput(f"PRO {row.pro} has no '{rule}' exception now: nothing to tell")
        values = _values(s, actor, row, account, rule, on)
        key = NOTICE_TEMPLATES[rule]
        template = parse_template(key, _template_text(s, key))
    subject, body = render_template(template, values, missing=MISSING)
    return NoticeDraft(row.pro, rule, values.get("contact_email", ""), subject, reflow(body), key,
                       values.get("collector_email", ""))  # fmt: skip


def _timeline(session: Session, actor: Actor, pro: Pro, text: str) -> None:
    """On the pro's open item when it has one, else on its account's timeline."""
    issue_id = session.scalar(
        select(Issue.id).where(Issue.pro_id == pro.id, Issue.status.in_(OPEN)).order_by(Issue.id)
    )
    add_activity(session, actor, pro.account_id, ActivityKind.NOTICE, text, issue_id=issue_id)


@service(ANYONE, "send a pre-audit notice", note="the account's collector or a supervisor")
def record_notice(
    db: Database, actor: Actor, draft: NoticeDraft, how: str = "eml", *, on: date | None = None
) -> NoticeInfo:
    """Keep the notice as sent (`how`: eml, the file the collector sends), on the pro. Sent by
    mail: services/correspondence/notice_mail.send_notice."""
    on = on or date.today()
    with db.session() as s:
        return info_of(s, keep_notice(s, actor, draft, how, on))


def notice_target(session: Session, actor: Actor, pro_number: str) -> tuple[Pro, Account]:
    """The notice's pro and account, once `actor` may send notices about it."""
    pro = _pro(session, pro_number)
    account = session.get(Account, pro.account_id)
    assert account is not None
    _may_send(session, actor, account, pro)
    return pro, account


def keep_notice(
    s: Session, actor: Actor, draft: NoticeDraft, how: str, on: date, mail_id: int | None = None
) -> ExceptionNotice:
    """The notice kept on the pro in the caller's transaction: row, timeline entry, audit."""
    pro, account = notice_target(s, actor, draft.pro)
    notice = ExceptionNotice(pro_id=pro.id, account_id=account.id, rule=draft.rule,
                             to=draft.to or None, subject=draft.subject[:200], body=draft.body,
                             sent_on=on, sent_by_id=actor.id or None, how=how, mail_id=mail_id)  # fmt: skip
    s.add(notice)
    s.flush()
    _timeline(s, actor, pro, f"Pre-audit notice to {draft.to or 'the customer'} ({how}): "
                             f"{draft.subject}")  # fmt: skip
    audit(s, actor, "notice.send", "exception_notice", notice.id, None,
          {"pro": pro.pro, "rule": draft.rule, "to": draft.to, "how": how, "mail_id": mail_id})  # fmt: skip
    return notice


@service(ANYONE, "record a customer's answer to a notice",
         note="the account's collector or a supervisor")  # fmt: skip
def record_notice_answer(
    db: Database, actor: Actor, notice_id: int, answer: str, *, on: date | None = None
) -> NoticeInfo:
    """What the customer answered to a notice, kept on the notice and the pro's timeline."""
    on = on or date.today()
    answer = answer.strip()
    if not answer:
        raise InvalidInput("say what the customer answered: the answer is empty")
    with db.session() as s:
        notice = s.get(ExceptionNotice, notice_id)
        if notice is None:
            raise NotFound(f"no notice with id {notice_id}")
        pro, account = s.get(Pro, notice.pro_id), s.get(Account, notice.account_id)
        assert pro is not None and account is not None
        _may_send(s, actor, account, pro)
        keep_answer(s, actor, notice, answer, on)
        return info_of(s, notice)


def keep_answer(
    s: Session, actor: Actor, notice: ExceptionNotice, answer: str, on: date, *,
    timeline: bool = True,
) -> None:  # fmt: skip
    """The customer's answer on the notice (and the pro's timeline), audited."""
    pro = s.get(Pro, notice.pro_id)
    assert pro is not None
    before = {"answer": notice.answer}
    notice.answer, notice.answered_on, notice.answered_by_id = answer, on, actor.id or None
    if timeline:
        _timeline(
            s, actor, pro, f"Customer answered the pre-audit notice on PRO {pro.pro}: {answer}"
        )
    audit(s, actor, "notice.answer", "exception_notice", notice.id, before,
          {"answer": answer, "answered_on": on})  # fmt: skip


def notices_for_pro(db: Database, pro: str) -> list[NoticeInfo]:
    """Every notice sent about one pro, oldest first."""
    with db.session() as s:
        row = _pro(s, pro)
        return [info_of(s, n) for n in s.scalars(
            select(ExceptionNotice).where(ExceptionNotice.pro_id == row.id).order_by(ExceptionNotice.id))]  # fmt: skip


def notice_message(draft: NoticeDraft) -> bytes:
    """The notice as an .eml file a mail client opens as a draft to send."""
    from arbench.services.correspondence.email import EmailDraft, to_message

    mail = EmailDraft(draft.to, draft.subject, draft.body, draft.template, 0, draft.sender)
    return bytes(to_message(mail))
