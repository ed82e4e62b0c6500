"""Emails from templates: merge an item's data into a template, write it out, log it.

`compose` fills a template with the item's customer, contact, PRO, amounts, dates and the
collector; the draft is sent through the user's own mail client (`mailto_url`) or saved as an
.eml file (`write_eml`), and `log_email` puts it on the item's timeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session

from arbench.domain.catalogue import ActivityKind
from arbench.domain.content import MERGE_FIELDS, parse_template, render_template
from arbench.services.admin.company import read_profile
from arbench.services.base import (
    Actor,
    NotFound,
    add_activity,
    audit,
)
from arbench.services.knowledge import content
from arbench.services.op_changes import Changes
from arbench.services.permissions import ANYONE, service
from arbench.services.work.item_base import open_balance
from arbench.services.work.item_run import Target, run_action
from arbench.services.work.scripts import tick_for_action
from arbench.store.db import Database
from arbench.store.models import Account, Contact, Issue, Payment, Pro, Promise, User

MISSING = "[?]"  # stands in for a merge field the item has no value for
PRO_LIST_LIMIT = 40  # pros listed in an account-level email's {pro_list}


@dataclass(frozen=True)
class EmailDraft:
    to: str
    subject: str
    body: str
    template: str
    issue_id: int
    sender: str = ""
    missing: tuple[str, ...] = ()  # merge fields the item had no value for


def _money(value: Decimal | None) -> str:
    return f"${value:,.2f}" if value is not None else ""


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _contact(session: Session, account_id: int) -> Contact | None:
    contacts = list(
        session.scalars(
            select(Contact).where(Contact.account_id == account_id).order_by(Contact.id)
        )
    )
    with_email = [c for c in contacts if c.email]
    preferred = [c for c in with_email if c.preferred_channel == "email"]
    chosen = preferred or with_email or contacts
    return chosen[0] if chosen else None


def _pro_values(session: Session, issue: Issue, pro: Pro, on: date) -> dict[str, str]:
    short = issue.amount
    last = session.scalars(
        select(Payment)
        .where(Payment.pro_id == pro.id, Payment.reason_code.is_not(None))
        .order_by(Payment.received_on.desc())
    ).first()
    past_due = (on - pro.due_date).days if pro.due_date else None
    return {
        "pro": pro.pro, "bol": pro.bol or "", "invoice_number": pro.invoice_number or pro.pro,
        "invoice_date": _day(pro.invoice_date), "amount": _money(pro.amount),
        "open_amount": _money(pro.open_balance), "short_amount": _money(short),
        "reason_code": issue.reason_code or (last.reason_code if last else "") or "",
        "due_date": _day(pro.due_date),
        "days_past_due": str(max(past_due, 0)) if past_due is not None else "",
        "ship_date": _day(pro.ship_date), "delivery_date": _day(pro.delivery_date),
        "origin": pro.origin or "", "destination": pro.destination or "",
        "weight": f"{pro.weight:,.0f}" if pro.weight is not None else "",
        "freight_class": pro.freight_class or "",
        "pro_list": f"PRO {pro.pro}  {_money(pro.open_balance)}",
    }  # fmt: skip


def _account_values(session: Session, issue: Issue) -> dict[str, str]:
    """An account-level item's amounts: its linked open pros, or (none linked) the account's
    open pros; the open amount is what is still open either way (never left as [?])."""
    linked = (
        select(Pro.pro, Pro.open_balance).join(Issue, Issue.pro_id == Pro.id)
        .where(Issue.parent_id == issue.id, Pro.status == "open")
    )  # fmt: skip
    pros = session.execute(linked.order_by(Pro.pro)).all()
    if not pros:
        pros = session.execute(
            select(Pro.pro, Pro.open_balance)
            .where(Pro.account_id == issue.account_id, Pro.status == "open")
            .order_by(Pro.due_date, Pro.pro).limit(PRO_LIST_LIMIT + 1)
        ).all()  # fmt: skip
    values = {"amount": _money(issue.amount), "short_amount": _money(issue.amount),
              "open_amount": _money(open_balance(session, issue))}  # fmt: skip
    if pros:
        shown = [f"PRO {p.pro}  {_money(p.open_balance)}" for p in pros[:PRO_LIST_LIMIT]]
        if len(pros) > PRO_LIST_LIMIT:
            shown.append("... and more: see the attached statement")
        values["pro_list"] = "\n".join(shown)
    return values


@service(ANYONE, "fill an email template", writes=False)
def merge_values(
    db: Database, actor: Actor, issue_id: int, on: date | None = None
) -> dict[str, str]:
    """Every merge field this item has a value for (MERGE_FIELDS names), as text."""
    with db.session() as s:
        return merge_values_in(s, actor, _issue(s, issue_id), on or date.today())


def _issue(session: Session, issue_id: int) -> Issue:
    issue = session.get(Issue, issue_id)
    if issue is None:
        raise NotFound(f"no issue with id {issue_id}")
    return issue


def merge_values_in(session: Session, actor: Actor, issue: Issue, on: date) -> dict[str, str]:
    """The item's merge values read in an open session (talk tracks use them too)."""
    account = session.get(Account, issue.account_id)
    assert account is not None
    contact = _contact(session, account.id)
    user = session.get(User, actor.id) if actor.id else None
    promise = session.scalars(
        select(Promise).where(Promise.issue_id == issue.id).order_by(Promise.id.desc())
    ).first()
    values = {
        "customer_name": account.name, "account_number": account.number,
        "contact_name": contact.name if contact else "", "contact_email": (contact.email or "") if contact else "",
        "collector_name": actor.display_name, "collector_email": (user.email or "") if user else "",
        "collector_phone": (user.phone or "") if user else "",
        "company_name": read_profile(session).name, "today": on.isoformat(),
        "reason": issue.root_cause.replace("_", " ") if issue.root_cause else "",
        "promise_amount": _money(promise.amount) if promise else "",
        "promise_date": _day(promise.due_on) if promise else "",
    }  # fmt: skip
    pro = session.get(Pro, issue.pro_id) if issue.pro_id else None
    values |= _pro_values(session, issue, pro, on) if pro else _account_values(session, issue)
    return {k: v for k, v in values.items() if k in MERGE_FIELDS and v}


@service(ANYONE, "compose an email", writes=False)
def compose(
    db: Database, actor: Actor, issue_id: int, template_key: str, on: date | None = None
) -> EmailDraft:
    """A draft of `template_key` filled with the item's data; fields without a value show [?]."""
    with db.session() as s:
        issue = _issue(s, issue_id)
        values = merge_values_in(s, actor, issue, on or date.today())
        info = content.current_in(s, "template", template_key)
    template = parse_template(template_key, info.body)
    subject, body = render_template(template, values, missing=MISSING)
    from arbench.domain.content import template_fields

    missing = tuple(f for f in template_fields(template) if f not in values)
    return EmailDraft(values.get("contact_email", ""), subject, reflow(body), template_key, issue_id,
                      values.get("collector_email", ""), missing)  # fmt: skip


def reflow(body: str, wrapped_at: int = 60) -> str:
    """Join a template's hard-wrapped paragraph lines (so merged values don't leave ragged
    lines); short lines such as greetings, lists and signatures are kept as they are."""
    out: list[str] = []
    for line in body.split("\n"):
        previous = out[-1] if out else ""
        if (
            len(previous) >= wrapped_at
            and line.strip()
            and not line.lstrip().startswith(("-", "*", "PRO "))
            and not previous.lstrip().startswith(("-", "*"))
        ):
            out[-1] = f"{previous} {line.strip()}"
        else:
            out.append(line)
    return "\n".join(out)


def to_message(draft: EmailDraft) -> EmailMessage:
    message = EmailMessage()
    if draft.sender:
        message["From"] = draft.sender
    if draft.to:
        message["To"] = draft.to
    message["Subject"] = draft.subject
    message["Date"] = formatdate(localtime=True)
    message["X-Unsent"] = "1"  # mail clients open it as a draft to send
    message.set_content(draft.body)
    return message


def write_eml(draft: EmailDraft, path: Path) -> Path:
    """Save the draft as an .eml file any mail client opens; returns the path written."""
    path.write_bytes(bytes(to_message(draft)))
    return path


def mailto_url(draft: EmailDraft) -> str:
    """A mailto: URL that opens the user's mail client with the draft filled in."""
    query = f"subject={quote(draft.subject)}&body={quote(draft.body.replace(chr(10), chr(13) + chr(10)))}"
    return f"mailto:{quote(draft.to, safe='@.+')}?{query}"


def email_on(
    s: Session, actor: Actor, issue: Issue, draft: EmailDraft, how: str
) -> tuple[int, ...]:
    """Put the email on one locked item's timeline, audit it, tick its [email] step."""
    activity = add_activity(
        s, actor, issue.account_id, ActivityKind.EMAIL.value,
        f"Email '{draft.subject}' ({how}; template {draft.template})",
        issue_id=issue.id, contact=draft.to or None, outcome=how,
    )  # fmt: skip
    s.flush()
    audit(s, actor, "issue.email", "issue", issue.id, None,
          {"template": draft.template, "to": draft.to, "subject": draft.subject,
           "how": how, "activity_id": activity.id})  # fmt: skip
    tick_for_action(s, actor, issue, "email")
    return ()


@service(ANYONE, "log an email", note="on their own items (a supervisor on any)")
def log_email(
    db: Database,
    actor: Actor,
    issue_id: int,
    draft: EmailDraft,
    how: str = "sent",
    *,
    on: date | None = None,
) -> Changes:
    """Put the email on the item's timeline (kind email) and audit it. Owner or supervisor."""
    return run_action(db, actor, [Target(issue_id)], "email about",
                      lambda s, i: email_on(s, actor, i, draft, how),
                      on=on or date.today(), what="Log an email")  # fmt: skip


@service(ANYONE, "compose a statement email", writes=False)
def compose_statement(db: Database, actor: Actor, account_number: str, pros: list[tuple[str, Decimal]],
                      on: date, template_key: str = "statement_of_account") -> EmailDraft:  # fmt: skip
    """The statement email of an account for the given (PRO, open balance) lines; issue_id 0."""
    with db.session() as s:
        account = s.scalar(select(Account).where(Account.number == account_number))
        if account is None:
            raise NotFound(f"no account with number '{account_number}'")
        contact = _contact(s, account.id)
        user = s.get(User, actor.id) if actor.id else None
        total = sum((amount for _, amount in pros), Decimal(0))
        listed = [f"PRO {pro}  {_money(amount)}" for pro, amount in pros[:PRO_LIST_LIMIT]]
        if len(pros) > PRO_LIST_LIMIT:
            listed.append(f"... {len(pros) - PRO_LIST_LIMIT} more on the attached statement")
        values = {
            "customer_name": account.name, "account_number": account.number,
            "contact_name": contact.name if contact else "", "contact_email": (contact.email or "") if contact else "",
            "collector_name": actor.display_name, "collector_email": (user.email or "") if user else "",
            "collector_phone": (user.phone or "") if user else "", "company_name": read_profile(s).name,
            "today": on.isoformat(), "pro_list": "\n".join(listed), "open_amount": _money(total),
        }  # fmt: skip
        info = content.current_in(s, "template", template_key)
    values = {k: v for k, v in values.items() if v}
    template = parse_template(template_key, info.body)
    subject, body = render_template(template, values, missing=MISSING)
    from arbench.domain.content import template_fields

    missing = tuple(f for f in template_fields(template) if f not in values)
    return EmailDraft(values.get("contact_email", ""), subject, reflow(body), template_key, 0,
                      values.get("collector_email", ""), missing)  # fmt: skip
