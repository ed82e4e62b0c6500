"""Department queues: the requests routed to a department, answered or handed back there, and
the overdue ones escalated to the department's lead.

A department user sees the requests of their own departments and the items behind them, and
nothing else; supervisors see every queue. Answering (`items.answer_request`) and handing back
(`hand_back`) record the department's word on the item's timeline and bring the item back to
its collector (the worklist's "department answered" bucket). `escalate_overdue` is the daily
job: each open request past its due date goes to its department's lead once, whoever runs it
and however many times at once (a guarded update claims each request).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session, aliased

from arbench.domain.catalogue import ActivityKind, IssueStatus, RequestStatus, Role
from arbench.domain.departments import days_overdue, is_overdue
from arbench.domain.documents import DOCUMENT_KINDS
from arbench.services.base import (
    Actor,
    InvalidInput,
    NotFound,
    PermissionDenied,
    add_activity,
    audit,
)
from arbench.services.correspondence.documents import NewDocument, add_document
from arbench.services.op_changes import Changes, changes_after
from arbench.services.organization.departments import departments_of, known, require_member
from arbench.services.permissions import EVERYONE, STAFF, SUPERVISORS, service
from arbench.services.work.item_base import guarded_issue, load_issue, record, snapshot, touch
from arbench.services.work.scripts import tick_for_action
from arbench.store.correspondence_models import Document
from arbench.store.db import Database
from arbench.store.models import Account, DepartmentRequest, Issue, Pro, User
from arbench.store.models_departments import DepartmentRow

HAND_BACK_ROLES = frozenset({Role.DEPARTMENT}) | SUPERVISORS


@dataclass(frozen=True)
class QueueRow:
    """One request in a department's queue (JSON keys as `arbench requests` prints them)."""

    id: int
    department: str
    issue_id: int
    pro: str | None
    account_number: str
    account_name: str
    question: str
    asked_by: str | None  # login of the collector who asked
    asked_on: date
    due_on: date
    status: str  # open | answered | closed
    overdue_days: int
    escalated_to: str | None
    answer: str | None
    answered_by: str | None
    handed_back: bool

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id, "department": self.department, "issue_id": self.issue_id,
            "pro": self.pro, "account_number": self.account_number,
            "account_name": self.account_name, "question": self.question,
            "asked_by": self.asked_by, "asked_on": self.asked_on.isoformat(),
            "due_on": self.due_on.isoformat(), "status": self.status,
            "overdue_days": self.overdue_days, "escalated_to": self.escalated_to,
            "answer": self.answer, "answered_by": self.answered_by,
            "handed_back": self.handed_back,
        }  # fmt: skip


@dataclass(frozen=True)
class Escalation:
    request_id: int
    department: str
    issue_id: int
    lead: str
    due_on: date


@dataclass(frozen=True)
class EscalationSummary:
    on: date
    escalated: tuple[Escalation, ...]
    without_lead: tuple[str, ...]  # departments with overdue requests and no lead to send to


def _queue_departments(
    session: Session, actor: Actor | None, department: str | None
) -> tuple[str, ...]:
    """The departments whose requests `actor` may see: theirs for department staff."""
    wanted = (known(department),) if department else None
    if actor is None or actor.role != Role.DEPARTMENT:
        return wanted or ()
    mine = departments_of(session, actor.id)
    if wanted and wanted[0] not in mine:
        raise PermissionDenied(
            f"{actor.login} cannot see the {wanted[0]} queue: {actor.login} is in "
            f"{', '.join(mine) or 'no department'}"
        )
    return wanted or mine or ("",)


@service(EVERYONE, "see a department's queue", writes=False,
         note="department staff: their own departments")  # fmt: skip
def department_queue(
    db: Database, actor: Actor | None, department: str | None = None, *,
    on: date | None = None, include_answered: bool = False,
) -> list[QueueRow]:  # fmt: skip
    """The open requests of a department (or of the actor's departments), oldest due first."""
    on = on or date.today()
    with db.session() as s:
        departments = _queue_departments(s, actor, department)
        statuses = [RequestStatus.OPEN.value]
        if include_answered:
            statuses.append(RequestStatus.ANSWERED.value)
        where = [DepartmentRequest.status.in_(statuses)]
        if departments:
            where.append(DepartmentRequest.department.in_(departments))
        return _rows(s, where, on)


def _rows(session: Session, where: Sequence[object], on: date) -> list[QueueRow]:
    asker, answerer, lead = aliased(User), aliased(User), aliased(User)
    rows = session.execute(
        select(DepartmentRequest, Pro.pro, Account.number, Account.name, asker.login,
               answerer.login, lead.login)
        .join(Issue, Issue.id == DepartmentRequest.issue_id)
        .join(Account, Account.id == Issue.account_id)
        .outerjoin(Pro, Pro.id == Issue.pro_id)
        .outerjoin(asker, asker.id == DepartmentRequest.created_by_id)
        .outerjoin(answerer, answerer.id == DepartmentRequest.answered_by_id)
        .outerjoin(lead, lead.id == DepartmentRequest.escalated_to_id)
        .where(*where)  # type: ignore[arg-type]
        .order_by(DepartmentRequest.due_on, DepartmentRequest.id)
    ).all()  # fmt: skip
    return [
        QueueRow(r.id, r.department, r.issue_id, pro, number, name, r.request, asked_by,
                 r.created_on, r.due_on, r.status,
                 days_overdue(r.due_on, on) if r.status == RequestStatus.OPEN else 0,
                 escalated, r.answer, answered_by, bool(r.handed_back))
        for r, pro, number, name, asked_by, answered_by, escalated in rows
    ]  # fmt: skip


@service(EVERYONE, "see a department request", writes=False,
         note="department staff: their own departments")  # fmt: skip
def queue_row(
    db: Database, actor: Actor | None, request_id: int, on: date | None = None
) -> QueueRow:
    """One request as its queue shows it."""
    with db.session() as s:
        req = s.get(DepartmentRequest, request_id)
        if req is None:
            raise NotFound(f"no department request with id {request_id}")
        if actor is not None and actor.role == Role.DEPARTMENT:
            require_member(s, actor, req.department, f"see request #{request_id}")
        return _rows(s, [DepartmentRequest.id == request_id], on or date.today())[0]


def may_see_issue(session: Session, actor: Actor, issue_id: int) -> bool:
    """A department user sees an item only when it was routed to one of their departments."""
    if actor.role != Role.DEPARTMENT:
        return True
    mine = departments_of(session, actor.id)
    found = session.scalar(
        select(DepartmentRequest.id).where(
            DepartmentRequest.issue_id == issue_id, DepartmentRequest.department.in_(mine)
        )
    )
    return found is not None


def routed_to_actor(session: Session, actor: Actor, account_id: int, pro_id: int | None) -> bool:
    """Whether an item of this pro (or, without a pro, of this account) was routed to one of
    the department user's departments: what they may attach documents to."""
    mine = departments_of(session, actor.id)
    where = [Issue.pro_id == pro_id] if pro_id is not None else [Issue.account_id == account_id]
    found = session.scalar(
        select(DepartmentRequest.id)
        .join(Issue, Issue.id == DepartmentRequest.issue_id)
        .where(DepartmentRequest.department.in_(mine), *where)
        .limit(1)
    )
    return found is not None


def request_for_answer(
    session: Session, actor: Actor, request_id: int, action: str
) -> tuple[DepartmentRequest, Issue]:
    """The open request and its item, once `actor` may answer it: a member of its department,
    or the item's owner or a supervisor (who record an answer given by mail or phone)."""
    req = session.get(DepartmentRequest, request_id)
    if req is None:
        raise NotFound(f"no department request with id {request_id}")
    if actor.role == Role.DEPARTMENT:
        require_member(session, actor, req.department, f"{action} request #{request_id}")
        issue = load_issue(session, req.issue_id)
    else:
        on_item = "record an answer on" if action == "answer" else f"{action} a request on"
        issue = guarded_issue(session, actor, req.issue_id, None, on_item)
    if req.status != RequestStatus.OPEN:
        raise InvalidInput(f"the {req.department} request #{req.id} is already {req.status}")
    return req, issue


def attach_to_item(
    session: Session, actor: Actor, issue: Issue, files: Sequence[NewDocument]
) -> list[Document]:
    """The files attached (with an answer) to the item's pro, or to its account for an
    account-level item, in the caller's transaction (each one audited)."""
    if not files:
        return []
    pro = session.get(Pro, issue.pro_id) if issue.pro_id else None
    account = session.get(Account, issue.account_id)
    assert account is not None
    placed = [
        replace(f, pro=pro.pro) if pro else replace(f, account_number=account.number) for f in files
    ]
    return [add_document(session, actor, doc, source="answer") for doc in placed]


def settle_request(
    session: Session, actor: Actor, req: DepartmentRequest, issue: Issue, text: str, on: date,
    *, handed_back: bool = False, attached: Sequence[Document] = (),
) -> None:  # fmt: skip
    """The department's word on a request: answered (or handed back), the item back from
    waiting when nothing else is open, a timeline entry (naming the documents attached with
    it) and the audit events."""
    before = snapshot(issue, "status")
    req.status, req.answer, req.answered_on = RequestStatus.ANSWERED.value, text, on
    req.answered_by_id, req.handed_back = actor.id or None, handed_back
    still_open = session.scalars(
        select(DepartmentRequest.id).where(
            DepartmentRequest.issue_id == issue.id,
            DepartmentRequest.status == RequestStatus.OPEN,
            DepartmentRequest.id != req.id,
        )
    ).first()  # fmt: skip
    if still_open is None and issue.status == IssueStatus.WAITING:
        issue.status = IssueStatus.OPEN.value
    touch(session, issue, collector_action=False)
    name = req.department.capitalize()
    said = f"{name} handed the request back: {text}" if handed_back else f"{name} answered: {text}"
    if attached:
        files = ", ".join(f"{d.file_name} ({DOCUMENT_KINDS.get(d.kind, d.kind)})" for d in attached)
        said += f" [attached: {files}]"
    add_activity(session, actor, issue.account_id, ActivityKind.ANSWER, said, issue_id=issue.id)
    if not handed_back:
        tick_for_action(session, actor, issue, "answer")
    record(session, actor, "issue.answer", issue, before,
           {"status": issue.status, "answered_by": req.department})  # fmt: skip
    action = "request.hand_back" if handed_back else "request.answer"
    audit(session, actor, action, "department_request", req.id,
          {"status": RequestStatus.OPEN.value},
          {"status": RequestStatus.ANSWERED.value, "answer": text, "handed_back": handed_back,
           "documents": [d.id for d in attached]})  # fmt: skip


@service(HAND_BACK_ROLES, "hand a request back",
         note="department staff: their own departments")  # fmt: skip
def hand_back(
    db: Database, actor: Actor, request_id: int, *, reason: str, on: date | None = None
) -> Changes:
    """The department cannot answer (not theirs, a question missing...): the request goes back
    to the collector with the reason, and the item comes back to their list."""
    on = on or date.today()
    reason = reason.strip()
    if not reason:
        raise InvalidInput("say why the request goes back: the reason is empty")
    with db.session() as s:
        req, issue = request_for_answer(s, actor, request_id, "hand back")
        settle_request(s, actor, req, issue, reason, on, handed_back=True)
        return changes_after(s, [issue.id], on)


@service(STAFF, "escalate overdue requests")
def escalate_overdue(db: Database, actor: Actor, on: date | None = None) -> EscalationSummary:
    """Send each open request past its due date to its department's lead, once (the daily job).

    Safe to run twice or at once: a request is claimed by an update guarded by
    `escalated_on IS NULL`, so only one run escalates it and logs it."""
    on = on or date.today()
    escalated: list[Escalation] = []
    without: set[str] = set()
    with db.exclusive("requests.escalate") as s:
        leads = {
            r.name: r.lead_id for r in s.scalars(select(DepartmentRow)) if r.lead_id is not None
        }
        due = s.scalars(
            select(DepartmentRequest)
            .where(DepartmentRequest.status == RequestStatus.OPEN,
                   DepartmentRequest.escalated_on.is_(None), DepartmentRequest.due_on < on)
            .order_by(DepartmentRequest.id)
        ).all()  # fmt: skip
        for req in due:
            lead_id = leads.get(req.department)
            if lead_id is None:
                without.add(req.department)
            elif _claim(s, req, lead_id, on):
                escalated.append(_escalated(s, actor, req, lead_id, on))
    return EscalationSummary(on, tuple(escalated), tuple(sorted(without)))


def _claim(session: Session, req: DepartmentRequest, lead_id: int, on: date) -> bool:
    claimed = session.connection().execute(
        update(DepartmentRequest)
        .where(DepartmentRequest.id == req.id, DepartmentRequest.escalated_on.is_(None),
               DepartmentRequest.status == RequestStatus.OPEN)
        .values(escalated_on=on, escalated_to_id=lead_id, version=DepartmentRequest.version + 1)
    ).rowcount  # fmt: skip
    if claimed == 1:
        session.expire(req)
    return bool(claimed == 1)


def _escalated(
    session: Session, actor: Actor, req: DepartmentRequest, lead_id: int, on: date
) -> Escalation:
    lead = session.get(User, lead_id)
    issue = session.get(Issue, req.issue_id)
    assert lead is not None and issue is not None
    late = days_overdue(req.due_on, on)
    add_activity(session, actor, issue.account_id, ActivityKind.ESCALATION,
                 f"{req.department.capitalize()} request #{req.id} overdue since {req.due_on} "
                 f"({late} day(s)): escalated to {lead.display_name}, {req.department} lead",
                 issue_id=issue.id)  # fmt: skip
    audit(session, actor, "request.escalate", "department_request", req.id,
          {"escalated_on": None}, {"escalated_on": on, "escalated_to": lead.login,
                                   "due_on": req.due_on})  # fmt: skip
    return Escalation(req.id, req.department, issue.id, lead.login, req.due_on)


def overdue(row: QueueRow, on: date) -> bool:
    return row.status == RequestStatus.OPEN and is_overdue(row.due_on, on)
