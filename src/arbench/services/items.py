"""Item actions: log a contact, promise to pay, set the root cause, route to a department and
record its answer. Resolution, promotion and promise settlement live in sibling modules and are
re-exported here, so `services.items` is the one place the GUI and CLI call.

Every action: permission (the item's owner or a supervisor), optimistic lock (the caller passes
the `version` it saw; a stale one raises `Conflict` and writes nothing), the change, a timeline
entry and an audit event, in one transaction. Each returns the item's updated `WorkItem`.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from arbench.domain.catalogue import ROOT_CAUSES, ActivityKind, Department, IssueStatus
from arbench.domain.rules import promise_problem
from arbench.services.base import Actor, InvalidInput, NotFound, add_activity, audit
from arbench.services.item_base import (
    describe,
    guarded_issue,
    item_after,
    open_balance,
    record,
    require_open,
    snapshot,
    touch,
)
from arbench.services.permissions import ANYONE, service
from arbench.services.promises import SettleSummary, settle_promises
from arbench.services.promotion import (
    PromotionProposal,
    accept_proposal,
    create_account_issue,
    link_pro_issues,
    promotion_proposals,
    unlink_pro_issues,
)
from arbench.services.resolution import ResolveResult, reopen, resolve
from arbench.services.worklist import WorkItem, items_for
from arbench.store.db import Database
from arbench.store.models import DepartmentRequest, Issue, Pro, Promise

CONTACT_KINDS = (ActivityKind.CALL, ActivityKind.EMAIL, ActivityKind.NOTE)

__all__ = [
    "CONTACT_KINDS",
    "PromotionProposal",
    "ResolveResult",
    "SettleSummary",
    "accept_proposal",
    "answer_request",
    "create_account_issue",
    "link_pro_issues",
    "log_contact",
    "promotion_proposals",
    "record_promise",
    "reopen",
    "resolve",
    "route",
    "set_root_cause",
    "settle_promises",
    "unlink_pro_issues",
    "work_items",
    "find_issue",
    "open_requests",
]


@service(ANYONE, "log a contact", note="own items (a supervisor: any)")
def log_contact(
    db: Database,
    actor: Actor,
    issue_id: int,
    version: int | None,
    *,
    kind: str,
    contact: str | None = None,
    outcome: str | None = None,
    text: str = "",
    follow_up: date | None = None,
    on: date | None = None,
) -> WorkItem | None:
    """Log a call, email or note on the item; `follow_up` sets the next follow-up date."""
    on = on or date.today()
    if kind not in CONTACT_KINDS:
        raise InvalidInput(f"contact kind must be call, email or note, not '{kind}'")
    if not (text.strip() or (outcome or "").strip()):
        raise InvalidInput("say what happened: the contact needs a note or an outcome")
    if follow_up is not None and follow_up < on:
        raise InvalidInput(f"the next follow-up {follow_up} is before today ({on})")
    with db.session() as s:
        issue = guarded_issue(s, actor, issue_id, version, f"log a {kind} on")
        before = snapshot(issue, "follow_up")
        if follow_up is not None:
            issue.follow_up = follow_up
        touch(s, issue)
        add_activity(s, actor, issue.account_id, kind, text.strip(), issue_id=issue.id,
                     contact=(contact or "").strip() or None, outcome=(outcome or "").strip() or None)  # fmt: skip
        record(s, actor, f"issue.{kind}", issue, before,
               {"follow_up": issue.follow_up, "logged": f"{kind}: {outcome or text}".strip()})  # fmt: skip
        return item_after(s, issue.id, on)


@service(ANYONE, "record a promise", note="own items (a supervisor: any)")
def record_promise(
    db: Database,
    actor: Actor,
    issue_id: int,
    version: int | None,
    *,
    amount: Decimal | str,
    due_on: date,
    on: date | None = None,
) -> WorkItem | None:
    """Record a promise to pay `amount` by `due_on`; the follow-up moves to the day after.

    An earlier open promise on the item is replaced (marked cancelled).
    """
    on = on or date.today()
    value = _money(amount)
    with db.session() as s:
        issue = guarded_issue(s, actor, issue_id, version, "record a promise on")
        require_open(s, issue, "record a promise on")
        problem = promise_problem(value, due_on, open_balance(s, issue), on)
        if problem:
            raise InvalidInput(f"cannot record the promise on {describe(s, issue)}: {problem}")
        before = snapshot(issue, "follow_up")
        for old in s.scalars(
            select(Promise).where(Promise.issue_id == issue.id, Promise.status == "open")
        ):
            old.status, old.settled_on = "cancelled", on
        s.add(Promise(issue_id=issue.id, amount=value, due_on=due_on, made_on=on, status="open",
                      made_by_id=actor.id or None))  # fmt: skip
        issue.follow_up = due_on + timedelta(days=1)
        touch(s, issue)
        add_activity(s, actor, issue.account_id, ActivityKind.PROMISE,
                     f"Promise to pay ${value:,.2f} by {due_on.isoformat()}", issue_id=issue.id)  # fmt: skip
        record(s, actor, "issue.promise", issue, before,
               {"follow_up": issue.follow_up, "promise": f"${value:,.2f} by {due_on.isoformat()}"})  # fmt: skip
        return item_after(s, issue.id, on)


def _money(amount: Decimal | str) -> Decimal:
    try:
        value = Decimal(str(amount).replace(",", "").replace("$", "").strip())
    except InvalidOperation:
        raise InvalidInput(
            f"the promised amount must be a number like 1250.00, not '{amount}'"
        ) from None
    if value != value.quantize(Decimal("0.01")):
        raise InvalidInput(f"the promised amount {value} has more than two decimals")
    return value


@service(ANYONE, "set a root cause", note="own items (a supervisor: any)")
def set_root_cause(
    db: Database, actor: Actor, issue_id: int, version: int | None, *, code: str,
    on: date | None = None,
) -> WorkItem | None:  # fmt: skip
    """Set the item's root cause to a catalogue cause of the item's level."""
    on = on or date.today()
    with db.session() as s:
        issue = guarded_issue(s, actor, issue_id, version, "set the root cause of")
        cause = ROOT_CAUSES.get(code)
        if cause is None or cause.level != issue.level:
            raise InvalidInput(f"'{code}' is not a {issue.level}-level root cause in the catalogue")
        before = snapshot(issue, "root_cause")
        issue.root_cause = code
        touch(s, issue)
        x12 = f" (X12 426 code {cause.x12_426})" if cause.x12_426 else ""
        add_activity(s, actor, issue.account_id, ActivityKind.ROOT_CAUSE,
                     f"Root cause: {cause.name}{x12}", issue_id=issue.id)  # fmt: skip
        record(s, actor, "issue.root_cause", issue, before, {"root_cause": code})
        return item_after(s, issue.id, on)


@service(ANYONE, "route an item", note="own items (a supervisor: any)")
def route(
    db: Database,
    actor: Actor,
    issue_id: int,
    version: int | None,
    *,
    department: str,
    request: str,
    owner: str | None = None,
    due_on: date,
    on: date | None = None,
) -> WorkItem | None:
    """Send a request to a department; the item waits on it until answered or overdue."""
    on = on or date.today()
    if department not in {d.value for d in Department}:
        names = ", ".join(d.value for d in Department)
        raise InvalidInput(f"department must be one of {names}, not '{department}'")
    if not request.strip():
        raise InvalidInput("say what you need from the department: the request is empty")
    if due_on < on:
        raise InvalidInput(f"the request's due date {due_on} is before today ({on})")
    with db.session() as s:
        issue = guarded_issue(s, actor, issue_id, version, "route")
        require_open(s, issue, "route")
        before = snapshot(issue, "status")
        touch(s, issue)
        s.add(DepartmentRequest(issue_id=issue.id, department=department, request=request.strip(),
                                owner=(owner or "").strip() or None, due_on=due_on, created_on=on,
                                created_by_id=actor.id or None, status="open"))  # fmt: skip
        issue.status = IssueStatus.WAITING.value
        to = f" ({owner.strip()})" if owner and owner.strip() else ""
        add_activity(s, actor, issue.account_id, ActivityKind.ROUTE,
                     f"Routed to {department}{to}, due {due_on.isoformat()}: {request.strip()}",
                     issue_id=issue.id)  # fmt: skip
        record(
            s,
            actor,
            "issue.route",
            issue,
            before,
            {"status": issue.status, "waiting_on": department},
        )
        return item_after(s, issue.id, on)


@service(ANYONE, "record a department's answer", note="own items (a supervisor: any)")
def answer_request(
    db: Database, actor: Actor, request_id: int, *, answer: str, on: date | None = None
) -> WorkItem | None:
    """Record a department's answer: the item comes back to its collector's list.

    The item's owner or a supervisor records it (departments answer by mail or phone).
    """
    on = on or date.today()
    if not answer.strip():
        raise InvalidInput("the department's answer is empty")
    with db.session() as s:
        req = s.get(DepartmentRequest, request_id)
        if req is None:
            raise NotFound(f"no department request with id {request_id}")
        issue = guarded_issue(s, actor, req.issue_id, None, "record an answer on")
        if req.status != "open":
            raise InvalidInput(f"the {req.department} request #{req.id} is already {req.status}")
        before = snapshot(issue, "status")
        req.status, req.answer, req.answered_on = "answered", answer.strip(), on
        still_open = s.scalars(
            select(DepartmentRequest.id).where(
                DepartmentRequest.issue_id == issue.id, DepartmentRequest.status == "open",
                DepartmentRequest.id != req.id,
            )
        ).first()  # fmt: skip
        if still_open is None and issue.status == IssueStatus.WAITING:
            issue.status = IssueStatus.OPEN.value
        touch(s, issue, collector_action=False)
        add_activity(s, actor, issue.account_id, ActivityKind.ANSWER,
                     f"{req.department.capitalize()} answered: {answer.strip()}", issue_id=issue.id)  # fmt: skip
        record(
            s,
            actor,
            "issue.answer",
            issue,
            before,
            {"status": issue.status, "answered_by": req.department},
        )
        audit(s, actor, "request.answer", "department_request", req.id, {"status": "open"},
              {"status": "answered", "answer": req.answer})  # fmt: skip
        return item_after(s, issue.id, on)


def open_requests(db: Database, issue_id: int) -> list[tuple[int, str, str, date]]:
    """The item's open department requests: (id, department, request, due date)."""
    with db.session() as s:
        rows = s.execute(
            select(DepartmentRequest.id, DepartmentRequest.department, DepartmentRequest.request,
                   DepartmentRequest.due_on)
            .where(DepartmentRequest.issue_id == issue_id, DepartmentRequest.status == "open")
            .order_by(DepartmentRequest.id)
        ).all()  # fmt: skip
        return [(r[0], r[1], r[2], r[3]) for r in rows]


def work_items(db: Database, issue_ids: list[int], on: date | None = None) -> list[WorkItem]:
    """The worklist rows of the given open issues (to redraw rows an action touched)."""
    if not issue_ids:
        return []
    with db.session() as s:
        return items_for(s, [Issue.id.in_(issue_ids)], on or date.today())


def find_issue(db: Database, text: str) -> int:
    """The issue named by '#123' (its id) or a PRO number (its latest issue)."""
    text = text.strip()
    with db.session() as s:
        if text.startswith("#") and text[1:].isdigit():
            issue_id = s.scalar(select(Issue.id).where(Issue.id == int(text[1:])))
        else:
            issue_id = s.scalar(
                select(Issue.id)
                .join(Pro, Pro.id == Issue.pro_id)
                .where(Pro.pro == text)
                .order_by(Issue.id.desc())
            )
        if issue_id is None:
            raise NotFound(f"no item for '{text}': give a PRO number or #issue id")
        return int(issue_id)
