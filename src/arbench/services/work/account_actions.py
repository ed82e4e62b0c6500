"""Work an account at once: one contact, one promise, one route, one root cause, one resolve or
one email for several items of one account (resolving several: services.work.resolution.resolve_items).

Each service takes the items as `Target`s (id and the version the user saw) and does the same
as the one-item action (services.work.items, services.work.resolution, services.correspondence.email) on every one of
them, in one transaction (services.work.item_run.run_action): each item keeps its own timeline
entry, audit record and script step; a problem with any item (a conflict, a permission, a
closed item, an amount above its balance) leaves nothing written and names that item. Every
service returns one `Changes` record.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from arbench.domain.content import parse_template, render_template
from arbench.services.base import Actor, InvalidInput
from arbench.services.correspondence.email import (
    MISSING,
    EmailDraft,
    email_on,
    merge_values_in,
    reflow,
)
from arbench.services.knowledge import content
from arbench.services.op_changes import Changes
from arbench.services.permissions import ANYONE, service
from arbench.services.work.item_inputs import ContactLog, PromiseSplit, RouteRequest
from arbench.services.work.item_run import Target, run_action
from arbench.services.work.items import (
    check_contact,
    check_route,
    contact_on,
    money,
    promise_on,
    root_cause_on,
    route_on,
)
from arbench.store.db import Database
from arbench.store.models import Issue, Pro

NOTE = "own items (a supervisor: any); items of one account; all or nothing"


@service(ANYONE, "log a contact on several items", note=NOTE)
def log_contacts(
    db: Database,
    actor: Actor,
    targets: Sequence[Target],
    entry: ContactLog,
    *,
    on: date | None = None,
) -> Changes:
    """One call, email or note logged on every item (each its own timeline entry)."""
    on = on or date.today()
    check_contact(entry, on)
    return run_action(db, actor, targets, f"log a {entry.kind} on",
                      lambda s, i: contact_on(s, actor, i, entry), on=on,
                      what=f"Log a {entry.kind}")  # fmt: skip


@service(ANYONE, "record a promise on several items", note=NOTE)
def record_promises(
    db: Database,
    actor: Actor,
    targets: Sequence[Target],
    split: PromiseSplit,
    *,
    on: date | None = None,
) -> Changes:
    """One promise to pay by `split.due_on`, split across the items (each its own share)."""
    on = on or date.today()
    shares = {issue_id: money(amount, "the promised amount") for issue_id, amount in split.shares}
    missing = [t.issue_id for t in targets if t.issue_id not in shares]
    if missing:
        raise InvalidInput(f"say how much of the promise is for item #{missing[0]}")
    if sum(shares.values(), Decimal(0)) <= 0:
        raise InvalidInput("the promised amount must be more than $0.00")
    chosen = [t for t in targets if shares[t.issue_id] != 0]
    return run_action(db, actor, chosen, "record a promise on",
                      lambda s, i: promise_on(s, actor, i, shares[i.id], split.due_on, on),
                      on=on, what="Record a promise")  # fmt: skip


@service(ANYONE, "route several items", note=NOTE)
def route_items(
    db: Database, actor: Actor, targets: Sequence[Target], request: RouteRequest,
    *, on: date | None = None,
) -> Changes:  # fmt: skip
    """One request to a department for every item (each waits on it)."""
    on = on or date.today()
    check_route(request, on)
    return run_action(db, actor, targets, "route",
                      lambda s, i: route_on(s, actor, i, request, on), on=on,
                      what=f"Route to {request.department}")  # fmt: skip


@service(ANYONE, "set the root cause of several items", note=NOTE)
def set_root_causes(
    db: Database, actor: Actor, targets: Sequence[Target], code: str, *, on: date | None = None
) -> Changes:
    """One root cause for every item (of the items' level)."""
    on = on or date.today()
    return run_action(db, actor, targets, "set the root cause of",
                      lambda s, i: root_cause_on(s, actor, i, code), on=on,
                      what="Set the root cause")  # fmt: skip


@service(ANYONE, "compose an email about several items", writes=False)
def compose_for_items(
    db: Database, actor: Actor, issue_ids: Sequence[int], template_key: str, on: date | None = None
) -> EmailDraft:
    """A draft of `template_key` about the items: the first one's data, with every PRO and
    its open amount listed, and their total open."""
    if not issue_ids:
        raise InvalidInput("choose at least one item to email about")
    on = on or date.today()
    with db.session() as s:
        first = s.get(Issue, issue_ids[0])
        if first is None:
            raise InvalidInput(f"no item with id {issue_ids[0]}")
        values = merge_values_in(s, actor, first, on)
        pros = s.execute(
            select(Pro.pro, Pro.open_balance)
            .join(Issue, Issue.pro_id == Pro.id)
            .where(Issue.id.in_(list(issue_ids)))
            .order_by(Pro.due_date, Pro.pro)
        ).all()
        info = content.current_in(s, "template", template_key)
    if len(pros) > 1:
        total = sum((p.open_balance for p in pros), Decimal(0))
        values["pro_list"] = "\n".join(f"PRO {p.pro}  ${p.open_balance:,.2f}" for p in pros)
        values["open_amount"] = f"${total:,.2f}"
        values["pro"] = ", ".join(p.pro for p in pros)
    template = parse_template(template_key, info.body)
    subject, body = render_template(template, values, missing=MISSING)
    return EmailDraft(values.get("contact_email", ""), subject, reflow(body), template_key,
                      issue_ids[0], values.get("collector_email", ""))  # fmt: skip


@service(ANYONE, "log an email about several items", note=NOTE)
def log_emails(
    db: Database, actor: Actor, targets: Sequence[Target], draft: EmailDraft, how: str = "sent",
    *, on: date | None = None,
) -> Changes:  # fmt: skip
    """One email logged on every item it was about (each its timeline entry and [email] step)."""
    return run_action(db, actor, targets, "email about",
                      lambda s, i: email_on(s, actor, i, draft, how), on=on or date.today(),
                      what="Log an email")  # fmt: skip
