"""Departments in the loop: department users and their queues, answers and hand-backs, service
levels, escalation of overdue requests, and what department staff may not see.

The demo book has four department users: oruiz (operations lead), pshah (pricing lead),
qwilson (billing lead, also in pricing) and rtanaka (sales and claims lead). Every figure is
checked against the rows themselves.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from arbench.domain.kpis import Period
from arbench.services.base import InvalidInput, NotFound, PermissionDenied, actor_for
from arbench.services.organization import departments, requests, users
from arbench.services.reporting.kpis import kpi_report
from arbench.services.work import items
from arbench.services.work.item_detail import item_detail
from arbench.services.work.item_inputs import RouteRequest
from arbench.services.work.search import search_open_items
from arbench.services.work.worklist import WorkItem, worklist
from arbench.store.db import Database
from arbench.store.models import Activity, AuditEvent, DepartmentRequest, Issue, User
from arbench.store.models_departments import UserDepartment

ON = date(2026, 11, 24)


def _routable(db: Database, login: str = "agarcia") -> WorkItem:
    return next(i for i in worklist(db, login, ON) if i.level == "pro" and i.status == "open")


def _route(
    db: Database, department: str, *, due: date | None = None, on: date = ON
) -> tuple[int, int]:
    """Route agarcia's first open pro to `department`; (issue id, request id)."""
    me = actor_for(db, "agarcia")
    item = _routable(db)
    version = item_detail(db, item.id).version
    items.route(
        db, me, item.id, version, RouteRequest(department, "Send the signed POD", due), on=on
    )
    with db.session() as s:
        request_id = s.scalar(
            select(func.max(DepartmentRequest.id)).where(DepartmentRequest.issue_id == item.id)
        )
    return item.id, int(request_id)


def _events(db: Database, *actions: str) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).where(AuditEvent.action.in_(actions))) or 0)


def test_a_department_user_is_added_with_exact_department_names(demo_db: Database) -> None:
    kwright = actor_for(demo_db, "kwright")
    added = users.add_user(demo_db, kwright, "cdock", "Cal Dock", "department",
                           departments=["operations", "claims"])  # fmt: skip
    assert added.role == "department"
    with demo_db.session() as s:
        names = set(
            s.scalars(select(UserDepartment.department).where(UserDepartment.user_id == added.id))
        )
    assert names == {"operations", "claims"}
    with pytest.raises(InvalidInput, match="'Ops' is not a department"):
        users.add_user(demo_db, kwright, "x1", "X", "department", departments=["Ops"])
    with pytest.raises(InvalidInput, match="needs --department"):
        users.add_user(demo_db, kwright, "x2", "X", "department")
    with pytest.raises(InvalidInput, match="only department users belong"):
        users.add_user(demo_db, kwright, "x3", "X", "collector", departments=["pricing"])
    with demo_db.session() as s:
        assert s.scalar(select(func.count()).where(User.login.in_(["x1", "x2", "x3"]))) == 0


def test_route_without_a_date_is_due_after_the_departments_service_level(demo_db: Database) -> None:
    departments.set_sla(demo_db, actor_for(demo_db, "kwright"), "pricing", 3)
    _, request_id = _route(demo_db, "pricing")
    with demo_db.session() as s:
        due = s.scalar(select(DepartmentRequest.due_on).where(DepartmentRequest.id == request_id))
    assert due == ON + timedelta(days=3)
    with pytest.raises(PermissionDenied, match="only a supervisor"):
        departments.set_sla(demo_db, actor_for(demo_db, "agarcia"), "pricing", 9)
    with pytest.raises(InvalidInput, match="1 to 90 days"):
        departments.set_sla(demo_db, actor_for(demo_db, "kwright"), "pricing", 0)


def test_the_queue_holds_the_departments_open_requests_and_no_others(demo_db: Database) -> None:
    issue_id, request_id = _route(demo_db, "operations")
    oruiz = actor_for(demo_db, "oruiz")
    queue = requests.department_queue(demo_db, oruiz, on=ON)
    with demo_db.session() as s:
        expected = set(s.scalars(select(DepartmentRequest.id).where(
            DepartmentRequest.department == "operations", DepartmentRequest.status == "open")))  # fmt: skip
    assert {r.id for r in queue} == expected and request_id in expected
    mine = next(r for r in queue if r.id == request_id)
    assert (mine.issue_id, mine.asked_by, mine.asked_on, mine.question) == (
        issue_id, "agarcia", ON, "Send the signed POD")  # fmt: skip
    assert set(mine.to_json()) >= {"id", "department", "issue_id", "pro", "account_number",
                                   "question", "asked_by", "asked_on", "due_on", "status"}  # fmt: skip
    with pytest.raises(PermissionDenied, match="cannot see the pricing queue"):
        requests.department_queue(demo_db, oruiz, "pricing", on=ON)


def test_a_department_user_answers_and_the_item_comes_back_to_its_collector(
    demo_db: Database,
) -> None:
    issue_id, request_id = _route(demo_db, "operations")
    before = _events(demo_db, "request.answer", "issue.answer")
    back = items.answer_request(demo_db, actor_for(demo_db, "oruiz"), request_id,
                                answer="Signed POD scanned, on the pro", on=ON)  # fmt: skip
    row = back.item(issue_id)
    assert row is not None and row.status == "open" and row.reason.startswith("Operations answered")
    with demo_db.session() as s:
        req = s.get(DepartmentRequest, request_id)
        oruiz_id = s.scalar(select(User.id).where(User.login == "oruiz"))
        texts = s.scalars(select(Activity.text).where(Activity.issue_id == issue_id)).all()
    assert req is not None and (req.status, req.answered_by_id, req.handed_back) == (
        "answered",
        oruiz_id,
        False,
    )
    assert "Operations answered: Signed POD scanned, on the pro" in texts
    assert _events(demo_db, "request.answer", "issue.answer") == before + 2
    listed = [i for i in worklist(demo_db, "agarcia", ON) if i.id == issue_id]
    assert listed and listed[0].bucket_label == "Department answered or overdue"


def test_a_department_user_cannot_answer_another_departments_request(demo_db: Database) -> None:
    _, request_id = _route(demo_db, "pricing")
    before = _events(demo_db, "request.answer")
    with pytest.raises(PermissionDenied, match="it is pricing's, and oruiz is not in pricing"):
        items.answer_request(demo_db, actor_for(demo_db, "oruiz"), request_id, answer="x", on=ON)
    with pytest.raises(NotFound, match="no department request with id 999999"):
        items.answer_request(demo_db, actor_for(demo_db, "oruiz"), 999999, answer="x", on=ON)
    assert _events(demo_db, "request.answer") == before
    with demo_db.session() as s:
        req = s.get(DepartmentRequest, request_id)
        assert req is not None and req.status == "open"


def test_hand_back_returns_the_request_with_its_reason(demo_db: Database) -> None:
    issue_id, request_id = _route(demo_db, "pricing")
    with pytest.raises(InvalidInput, match="the reason is empty"):
        requests.hand_back(demo_db, actor_for(demo_db, "qwilson"), request_id, reason=" ", on=ON)
    back = requests.hand_back(demo_db, actor_for(demo_db, "qwilson"), request_id,
                              reason="Not a rate question: the customer disputes the class", on=ON)  # fmt: skip
    row = back.item(issue_id)
    assert row is not None and row.status == "open"
    with demo_db.session() as s:
        req = s.get(DepartmentRequest, request_id)
        assert req is not None and (req.status, req.handed_back) == ("answered", True)
        assert s.scalar(select(func.count()).where(
            Activity.issue_id == issue_id,
            Activity.text == "Pricing handed the request back: Not a rate question: the customer "
                             "disputes the class")) == 1  # fmt: skip
    with pytest.raises(PermissionDenied, match="a collector cannot hand a request back"):
        requests.hand_back(demo_db, actor_for(demo_db, "agarcia"), request_id, reason="x", on=ON)


def test_department_staff_see_only_the_items_routed_to_them(demo_db: Database) -> None:
    oruiz = actor_for(demo_db, "oruiz")
    issue_id, _ = _route(demo_db, "operations")
    assert item_detail(demo_db, issue_id, actor=oruiz).id == issue_id
    with demo_db.session() as s:
        elsewhere = s.scalar(select(Issue.id).where(Issue.id.not_in(
            select(DepartmentRequest.issue_id).where(DepartmentRequest.department == "operations"))))  # fmt: skip
    assert elsewhere is not None
    with pytest.raises(PermissionDenied, match="not routed to their department"):
        item_detail(demo_db, elsewhere, actor=oruiz)
    with pytest.raises(PermissionDenied, match="a department user cannot see a worklist"):
        worklist(demo_db, "agarcia", ON, actor=oruiz)
    with pytest.raises(PermissionDenied, match="a department user cannot search the book"):
        search_open_items(demo_db, "C1", ON, actor=oruiz)
    with pytest.raises(PermissionDenied, match="a department user cannot see the KPIs"):
        kpi_report(demo_db, Period(ON - timedelta(days=30), ON), actor=oruiz)
    assert worklist(demo_db, "agarcia", ON, actor=actor_for(demo_db, "bchen"))  # collectors may


def test_an_overdue_request_escalates_to_the_lead_once(demo_db: Database) -> None:
    issue_id, request_id = _route(demo_db, "pricing", due=ON - timedelta(days=2),
                                  on=ON - timedelta(days=9))  # fmt: skip
    with demo_db.session() as s:
        due = s.scalars(select(DepartmentRequest.id).where(
            DepartmentRequest.status == "open", DepartmentRequest.escalated_on.is_(None),
            DepartmentRequest.due_on < ON)).all()  # fmt: skip
        pricing_due = s.scalars(select(DepartmentRequest.id).where(
            DepartmentRequest.id.in_(due), DepartmentRequest.department == "pricing")).all()  # fmt: skip
    job = actor_for(demo_db, "kwright")
    first = requests.escalate_overdue(demo_db, job, ON)
    assert {e.request_id for e in first.escalated} == set(due)  # every department has a lead
    mine = next(e for e in first.escalated if e.request_id == request_id)
    assert (mine.lead, mine.department, mine.issue_id) == ("pshah", "pricing", issue_id)
    assert sorted(e.request_id for e in first.escalated if e.lead == "pshah") == sorted(pricing_due)
    again = requests.escalate_overdue(demo_db, job, ON)
    assert again.escalated == ()
    assert _events(demo_db, "request.escalate") == len(due)
    with demo_db.session() as s:
        req = s.get(DepartmentRequest, request_id)
        pshah = s.scalar(select(User.id).where(User.login == "pshah"))
        assert req is not None and (req.escalated_on, req.escalated_to_id) == (ON, pshah)
        logged = s.scalars(select(Activity.text).where(
            Activity.issue_id == issue_id, Activity.kind == "escalation")).all()  # fmt: skip
    assert len(logged) == 1 and "escalated to Priya Shah, pricing lead" in logged[0]
    with pytest.raises(PermissionDenied, match="a trainee cannot escalate"):
        requests.escalate_overdue(demo_db, actor_for(demo_db, "mlee"), ON)


def test_a_department_without_a_lead_is_named_and_its_requests_wait(demo_db: Database) -> None:
    with demo_db.session() as s:
        s.execute(
            departments.DepartmentRow.__table__.update()
            .where(departments.DepartmentRow.name == "pricing").values(lead_id=None)
        )  # fmt: skip
    _, request_id = _route(
        demo_db, "pricing", due=ON - timedelta(days=1), on=ON - timedelta(days=5)
    )
    summary = requests.escalate_overdue(demo_db, actor_for(demo_db, "kwright"), ON)
    assert "pricing" in summary.without_lead
    assert request_id not in {e.request_id for e in summary.escalated}


def test_a_lead_is_an_active_member_of_the_department(demo_db: Database) -> None:
    kwright = actor_for(demo_db, "kwright")
    with pytest.raises(InvalidInput, match="agarcia cannot lead pricing"):
        departments.set_lead(demo_db, kwright, "pricing", "agarcia")
    info = departments.set_lead(demo_db, kwright, "pricing", "qwilson")
    assert info.lead == "qwilson"
    with pytest.raises(InvalidInput, match="qwilson leads pricing, billing"):
        departments.set_user_departments(demo_db, kwright, "qwilson", "operations")
