"""Item actions: log a contact, promise to pay, set the root cause, route to a department and
record its answer. Resolution, promotion and promise settlement live in their own modules
(`resolution`, `promotion`, `promises`), which callers import directly.

Every action: permission (the item's owner or a supervisor), optimistic lock (the caller passes
the `version` it saw; a stale one raises `Conflict` and writes nothing), the change, a timeline
entry and an audit event, in one transaction. Each takes its input as a typed value
(`services.work.item_inputs`) and returns one `Changes` record (`services.op_changes`): the item's
row as it is now, or its id among `removed` when it left the open list.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from arbench.domain.catalogue import (
    ROOT_CAUSES,
    ActivityKind,
    Department,
    IssueStatus,
    PromiseStatus,
    RequestStatus,
)
from arbench.domain.departments import due_by_sla
from arbench.domain.rules import promise_problem
from arbench.services.base import Actor, InvalidInput, NotFound, add_activity
from arbench.services.correspondence.documents import FileToAttach, concerned, read_evidence
from arbench.services.op_changes import Changes, changes_after
from arbench.services.organization.departments import sla_days
from arbench.services.organization.requests import (
    attach_to_item,
    request_for_answer,
    settle_request,
)
from arbench.services.permissions import ANYONE, EVERYONE, service
from arbench.services.work.item_base import (
    describe,
    open_balance,
    record,
    require_open,
    snapshot,
    touch,
)
from arbench.services.work.item_inputs import (
    ContactLog,
    PromiseToPay,
    RouteRequest,
)
from arbench.services.work.item_run import Target, run_action
from arbench.services.work.scripts import tick_for_action
from arbench.store.db import Database
from arbench.store.models import DepartmentRequest, Issue, Pro, Promise

CONTACT_KINDS = (ActivityKind.CALL, ActivityKind.EMAIL, ActivityKind.NOTE)


def check_contact(entry: ContactLog, on: date) -> None:
    """What a contact needs before it is logged on any item (one clear message)."""
    if entry.kind not in CONTACT_KINDS:
        raise InvalidInput(f"contact kind must be call, email or note, not '{entry.kind}'")
    if not (entry.text.strip() or (entry.outcome or "").strip()):
        raise InvalidInput("say what happened: the contact needs a note or an outcome")
    if entry.follow_up is not None and entry.follow_up < on:
        raise InvalidInput(f"the next follow-up {entry.follow_up} is before today ({on})")
    if entry.minutes is not None and not 0 <= entry.minutes <= 600:
        raise InvalidInput(f"a contact takes 0 to 600 minutes, not {entry.minutes}")


def contact_on(s: Session, actor: Actor, issue: Issue, entry: ContactLog) -> tuple[int, ...]:
    """Log the contact on one locked item (its timeline entry, audit, script step)."""
    kind, outcome = entry.kind, (entry.outcome or "").strip() or None
    before = snapshot(issue, "follow_up")
    if entry.follow_up is not None:
        issue.follow_up = entry.follow_up
    touch(s, issue)
    add_activity(s, actor, issue.account_id, kind, entry.text.strip(), issue_id=issue.id,
                 contact=(entry.contact or "").strip() or None, outcome=outcome,
                 minutes=entry.minutes)  # fmt: skip
    record(s, actor, f"issue.{kind}", issue, before,
           {"follow_up": issue.follow_up, "logged": f"{kind}: {outcome or entry.text}".strip()})  # fmt: skip
    if kind in (ActivityKind.CALL, ActivityKind.EMAIL):
        tick_for_action(s, actor, issue, kind)
    return ()


@service(ANYONE, "log a contact", note="own items (a supervisor: any)")
def log_contact(
    db: Database,
    actor: Actor,
    issue_id: int,
    version: int | None,
    entry: ContactLog,
    *,
    on: date | None = None,
) -> Changes:
    """Log a call, email or note on the item; `entry.follow_up` sets the next follow-up date."""
    on = on or date.today()
    check_contact(entry, on)
    return run_action(db, actor, [Target(issue_id, version)], f"log a {entry.kind} on",
                      lambda s, i: contact_on(s, actor, i, entry), on=on,
                      what=f"Log a {entry.kind}")  # fmt: skip


def promise_on(
    s: Session, actor: Actor, issue: Issue, amount: Decimal | str, due_on: date, on: date
) -> tuple[int, ...]:
    """Record a promise on one locked item; an earlier open promise on it is cancelled."""
    value = money(amount, "the promised amount")
    require_open(s, issue, "record a promise on")
    problem = promise_problem(value, due_on, open_balance(s, issue), on)
    if problem:
        raise InvalidInput(f"cannot record the promise on {describe(s, issue)}: {problem}")
    before = snapshot(issue, "follow_up")
    for old in s.scalars(
        select(Promise).where(Promise.issue_id == issue.id, Promise.status == PromiseStatus.OPEN)
    ):
        old.status, old.settled_on = PromiseStatus.CANCELLED.value, on
    s.add(Promise(issue_id=issue.id, amount=value, due_on=due_on, made_on=on,
                  status=PromiseStatus.OPEN.value, made_by_id=actor.id or None))  # fmt: skip
    issue.follow_up = due_on + timedelta(days=1)
    touch(s, issue)
    add_activity(s, actor, issue.account_id, ActivityKind.PROMISE,
                 f"Promise to pay ${value:,.2f} by {due_on.isoformat()}", issue_id=issue.id)  # fmt: skip
    record(s, actor, "issue.promise", issue, before,
           {"follow_up": issue.follow_up, "promise": f"${value:,.2f} by {due_on.isoformat()}"})  # fmt: skip
    tick_for_action(s, actor, issue, "promise")
    return ()


@service(ANYONE, "record a promise", note="own items (a supervisor: any)")
def record_promise(
    db: Database,
    actor: Actor,
    issue_id: int,
    version: int | None,
    promise: PromiseToPay,
    *,
    on: date | None = None,
) -> Changes:
    """Record a promise to pay; the follow-up moves to the day after the promised date.

    An earlier open promise on the item is replaced (marked cancelled).
    """
    on = on or date.today()
    money(promise.amount, "the promised amount")
    return run_action(db, actor, [Target(issue_id, version)], "record a promise on",
                      lambda s, i: promise_on(s, actor, i, promise.amount, promise.due_on, on),
                      on=on, what="Record a promise")  # fmt: skip


def money(amount: Decimal | str, what: str) -> Decimal:
    """An amount as typed ("1,250.00", "$1250") as Decimal, with one clear error."""
    try:
        value = Decimal(str(amount).replace(",", "").replace("$", "").strip())
    except InvalidOperation:
        raise InvalidInput(f"{what} must be a number like 1250.00, not '{amount}'") from None
    if not value.is_finite():
        raise InvalidInput(f"{what} must be a number like 1250.00, not '{amount}'")
    if value != value.quantize(Decimal("0.01")):
        raise InvalidInput(f"{what} {value} has more than two decimals")
    return value


def root_cause_on(s: Session, actor: Actor, issue: Issue, code: str) -> tuple[int, ...]:
    """Set the root cause of one locked item."""
    cause = ROOT_CAUSES.get(code)
    if cause is None or cause.level != issue.level:
        raise InvalidInput(
            f"'{code}' is not a {issue.level}-level root cause in the catalogue "
            f"({describe(s, issue)})"
        )
    before = snapshot(issue, "root_cause")
    issue.root_cause = code
    touch(s, issue)
    x12 = f" (X12 426 code {cause.x12_426})" if cause.x12_426 else ""
    add_activity(s, actor, issue.account_id, ActivityKind.ROOT_CAUSE,
                 f"Root cause: {cause.name}{x12}", issue_id=issue.id)  # fmt: skip
    record(s, actor, "issue.root_cause", issue, before, {"root_cause": code})
    return ()


@service(ANYONE, "set a root cause", note="own items (a supervisor: any)")
def set_root_cause(
    db: Database, actor: Actor, issue_id: int, version: int | None, *, code: str,
    on: date | None = None,
) -> Changes:  # fmt: skip
    """Set the item's root cause to a catalogue cause of the item's level."""
    on = on or date.today()
    return run_action(db, actor, [Target(issue_id, version)], "set the root cause of",
                      lambda s, i: root_cause_on(s, actor, i, code), on=on,
                      what="Set the root cause")  # fmt: skip


def check_route(request: RouteRequest, on: date) -> None:
    """What a route needs before it is sent for any item (one clear message)."""
    if request.department not in {d.value for d in Department}:
        names = ", ".join(d.value for d in Department)
        raise InvalidInput(f"department must be one of {names}, not '{request.department}'")
    if not request.request.strip():
        raise InvalidInput("say what you need from the department: the request is empty")
    if request.due_on is not None and request.due_on < on:
        raise InvalidInput(f"the request's due date {request.due_on} is before today ({on})")


def route_on(
    s: Session, actor: Actor, issue: Issue, request: RouteRequest, on: date
) -> tuple[int, ...]:
    """Send the request for one locked item; the item waits on the department."""
    department, text = request.department, request.request.strip()
    owner = (request.owner or "").strip() or None
    require_open(s, issue, "route")
    due_on = request.due_on or due_by_sla(on, sla_days(s, department))
    before = snapshot(issue, "status")
    touch(s, issue)
    s.add(DepartmentRequest(issue_id=issue.id, department=department, request=text, owner=owner,
                            due_on=due_on, created_on=on, created_by_id=actor.id or None,
                            status=RequestStatus.OPEN.value))  # fmt: skip
    issue.status = IssueStatus.WAITING.value
    to = f" ({owner})" if owner else ""
    add_activity(s, actor, issue.account_id, ActivityKind.ROUTE,
                 f"Routed to {department}{to}, due {due_on.isoformat()}: {text}",
                 issue_id=issue.id)  # fmt: skip
    record(s, actor, "issue.route", issue, before,
           {"status": issue.status, "waiting_on": department})  # fmt: skip
    tick_for_action(s, actor, issue, "route", department)
    return ()


@service(ANYONE, "route an item", note="own items (a supervisor: any)")
def route(
    db: Database,
    actor: Actor,
    issue_id: int,
    version: int | None,
    request: RouteRequest,
    *,
    on: date | None = None,
) -> Changes:
    """Send a request to a department; the item waits on it until answered or overdue.

    Without a due date the answer is due after the department's service level (its SLA)."""
    on = on or date.today()
    check_route(request, on)
    return run_action(db, actor, [Target(issue_id, version)], "route",
                      lambda s, i: route_on(s, actor, i, request, on), on=on,
                      what=f"Route to {request.department}")  # fmt: skip


@service(EVERYONE, "record a department's answer",
         note="own items (a supervisor: any); department staff: their departments' requests")  # fmt: skip
def answer_request(
    db: Database, actor: Actor, request_id: int, *, answer: str, on: date | None = None,
    attachments: Sequence[FileToAttach] = (),
) -> Changes:  # fmt: skip
    """Record a department's answer: the item comes back to its collector's list.

    Department staff answer their departments' requests themselves; the item's owner or a
    supervisor records an answer a department gave by mail or phone. `attachments` (a POD, an
    inspection certificate, a corrected bill, a new rate) are filed on the item's pro (an
    account-level item: its account) in the same transaction: a file that cannot be read, is
    not a document or is over the size limit refuses the whole answer, nothing written."""
    on = on or date.today()
    if not answer.strip():
        raise InvalidInput("the department's answer is empty")
    files = [read_evidence(f) for f in attachments]  # every file read before anything is written
    with db.session() as s:
        req, issue = request_for_answer(s, actor, request_id, "answer")
        attached = attach_to_item(s, actor, issue, files)
        settle_request(s, actor, req, issue, answer.strip(), on, attached=attached)
        notice = "; ".join(f"document #{d.id} {d.file_name} attached" for d in attached)
        changes = changes_after(s, [issue.id], on, notice=notice)
        if attached:
            changes = changes.merge(concerned(s, issue.account_id, issue.pro_id, on))
        return changes


def open_requests(db: Database, issue_id: int) -> list[tuple[int, str, str, date]]:
    """The item's open department requests: (id, department, request, due date)."""
    with db.session() as s:
        rows = s.execute(
            select(DepartmentRequest.id, DepartmentRequest.department, DepartmentRequest.request,
                   DepartmentRequest.due_on)
            .where(
                DepartmentRequest.issue_id == issue_id,
                DepartmentRequest.status == RequestStatus.OPEN,
            )
            .order_by(DepartmentRequest.id)
        ).all()  # fmt: skip
        return [(r[0], r[1], r[2], r[3]) for r in rows]


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
