"""Item actions in the services layer: each action, its refusals and its conflicts."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from arbench.services.base import Conflict, InvalidInput, PermissionDenied, actor_for
from arbench.services.settings import set_setting
from arbench.services.work import items as actions
from arbench.services.work import promises as promises_service
from arbench.services.work import promotion as promotion_service
from arbench.services.work import resolution as resolution_service
from arbench.services.work.item_detail import item_detail
from arbench.services.work.item_inputs import ContactLog, PromiseToPay, Resolution, RouteRequest
from arbench.services.work.worklist import WorkItem, worklist
from arbench.store.db import Database
from arbench.store.models import (
    Activity,
    AuditEvent,
    DepartmentRequest,
    Issue,
    Payment,
    Promise,
    User,
)
from helpers import NIGHTLY

ON = date(2026, 11, 24)


def _pro_items(db: Database, login: str = "agarcia") -> list[WorkItem]:
    return [i for i in worklist(db, login, ON) if i.level == "pro" and i.status == "open"]


def _top(db: Database, login: str = "agarcia") -> tuple[WorkItem, int]:
    item = _pro_items(db, login)[0]
    return item, item_detail(db, item.id).version


def _give_to_trainee(db: Database, count: int = 1) -> list[WorkItem]:
    """Hand some of agarcia's open pro items (over $1,000) to the trainee mlee."""
    picked = [i for i in _pro_items(db) if i.open_amount > Decimal("1000")][-count:]
    with db.session() as s:
        mlee = s.scalar(select(User.id).where(User.login == "mlee"))
        for item in picked:
            s.get(Issue, item.id).owner_id = mlee  # type: ignore[union-attr]
    ids = {i.id for i in picked}
    return [i for i in _pro_items(db, "mlee") if i.id in ids]


def _count(db: Database, model: type, *where: object) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)  # type: ignore[arg-type]


# ----- log a contact ---------------------------------------------------------------------------
def test_log_call_sets_follow_up_and_lands_on_timeline_and_audit(demo_db: Database) -> None:
    me = actor_for(demo_db, "agarcia")
    item, version = _top(demo_db)
    assert item.bucket_label == "Follow-up due"
    after = actions.log_contact(
        demo_db,
        me,
        item.id,
        version,
        ContactLog(
            kind="call",
            contact="Pat AP",
            outcome="Promised to check",
            text="Called AP",
            follow_up=ON + timedelta(days=3),
        ),
        on=ON,
    )
    assert after.touched == {item.id} and not after.removed
    row = after.item(item.id)
    assert row is not None and row.follow_up == ON + timedelta(days=3)
    assert row.bucket_label != "Follow-up due"
    detail = item_detail(demo_db, item.id)
    assert detail.version == version + 1
    top = detail.timeline[0]
    assert (top.kind, top.text, top.contact, top.outcome, top.user) == (
        "call", "Called AP", "Pat AP", "Promised to check", me.display_name,
    )  # fmt: skip
    assert (
        _count(
            demo_db, AuditEvent, AuditEvent.entity_id == item.id, AuditEvent.action == "issue.call"
        )
        == 1
    )


def test_other_collectors_item_is_refused_and_nothing_written(demo_db: Database) -> None:
    item, version = _top(demo_db)
    before = _count(demo_db, Activity, Activity.issue_id == item.id)
    with pytest.raises(
        PermissionDenied, match="bchen cannot log a call on PRO .*only its owner or a supervisor"
    ):
        actions.log_contact(
            demo_db,
            actor_for(demo_db, "bchen"),
            item.id,
            version,
            ContactLog(kind="call", text="hi"),
            on=ON,
        )
    assert _count(demo_db, Activity, Activity.issue_id == item.id) == before
    assert item_detail(demo_db, item.id).version == version


def test_supervisor_and_trainee_on_own_item_may_act(demo_db: Database) -> None:
    item, version = _top(demo_db)
    boss = actor_for(demo_db, "kwright")
    assert actions.log_contact(
        demo_db, boss, item.id, version, ContactLog(kind="note", text="checked"), on=ON
    )
    _give_to_trainee(demo_db)
    trainee_item, trainee_version = _top(demo_db, "mlee")
    trainee = actor_for(demo_db, "mlee")
    assert actions.log_contact(
        demo_db,
        trainee,
        trainee_item.id,
        trainee_version,
        ContactLog(kind="email", text="sent POD"),
        on=ON,
    )
    with pytest.raises(PermissionDenied):
        actions.log_contact(
            demo_db, trainee, item.id, None, ContactLog(kind="note", text="not mine"), on=ON
        )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "fax", "text": "x"}, "call, email or note, not 'fax'"),
        ({"kind": "call", "text": "  "}, "needs a note or an outcome"),
        ({"kind": "call", "text": "x", "follow_up": ON - timedelta(days=1)}, "before today"),
    ],
)
def test_bad_contact_values_are_named(
    demo_db: Database, kwargs: dict[str, object], message: str
) -> None:
    item, version = _top(demo_db)
    with pytest.raises(InvalidInput, match=message):
        actions.log_contact(
            demo_db,
            actor_for(demo_db, "agarcia"),
            item.id,
            version,
            ContactLog(**kwargs),
            on=ON,  # type: ignore[arg-type]
        )


# ----- conflicts -------------------------------------------------------------------------------
def test_stale_version_is_a_conflict_naming_what_changed(demo_db: Database) -> None:
    me, boss = actor_for(demo_db, "agarcia"), actor_for(demo_db, "kwright")
    item, seen = _top(demo_db)
    old_follow_up = item_detail(demo_db, item.id).follow_up
    actions.log_contact(
        demo_db,
        boss,
        item.id,
        seen,
        ContactLog(kind="call", text="Spoke to AP", follow_up=ON + timedelta(days=7)),
        on=ON,
    )
    with pytest.raises(Conflict) as caught:
        actions.record_promise(
            demo_db,
            me,
            item.id,
            seen,
            PromiseToPay(amount="10.00", due_on=ON + timedelta(days=5)),
            on=ON,
        )
    exc = caught.value
    assert exc.changes["follow_up"] == (
        (ON + timedelta(days=7)).isoformat(),
        old_follow_up.isoformat() if old_follow_up else None,
    )
    assert "changed by kwright" in str(exc) and "follow_up: 2026-12-01 (theirs)" in str(exc)
    assert _count(demo_db, Promise, Promise.issue_id == item.id, Promise.made_on == ON) == 0
    # Reload and reapply: with the new version the same change goes through.
    fresh = item_detail(demo_db, item.id).version
    assert actions.record_promise(
        demo_db,
        me,
        item.id,
        fresh,
        PromiseToPay(amount="10.00", due_on=ON + timedelta(days=5)),
        on=ON,
    )


# ----- promises --------------------------------------------------------------------------------
def test_promise_sets_follow_up_and_replaces_an_earlier_one(demo_db: Database) -> None:
    me = actor_for(demo_db, "agarcia")
    item, version = _top(demo_db)
    after = actions.record_promise(
        demo_db,
        me,
        item.id,
        version,
        PromiseToPay(amount="$1,000.00", due_on=date(2026, 12, 1)),
        on=ON,
    )
    row = after.item(item.id)
    assert row is not None and row.follow_up == date(2026, 12, 2)
    version = item_detail(demo_db, item.id).version
    actions.record_promise(
        demo_db,
        me,
        item.id,
        version,
        PromiseToPay(amount=Decimal("500"), due_on=date(2026, 12, 5)),
        on=ON,
    )
    with demo_db.session() as s:
        rows = s.execute(
            select(Promise.amount, Promise.status)
            .where(Promise.issue_id == item.id, Promise.made_on == ON)
            .order_by(Promise.id)
        ).all()
    assert [tuple(r) for r in rows] == [
        (Decimal("1000.00"), "cancelled"),
        (Decimal("500.00"), "open"),
    ]
    assert item_detail(demo_db, item.id).timeline[0].text == "Promise to pay $500.00 by 2026-12-05"


@pytest.mark.parametrize(
    ("amount", "message"),
    [("0", "more than \\$0.00"), ("abc", "must be a number"), ("10.001", "more than two decimals"),
     ("99999999", "more than the open balance")],
)  # fmt: skip
def test_bad_promises_are_refused(demo_db: Database, amount: str, message: str) -> None:
    item, version = _top(demo_db)
    with pytest.raises(InvalidInput, match=message):
        actions.record_promise(
            demo_db,
            actor_for(demo_db, "agarcia"),
            item.id,
            version,
            PromiseToPay(amount=amount, due_on=ON),
            on=ON,
        )
    assert item_detail(demo_db, item.id).version == version


def test_settle_marks_promises_kept_and_broken(demo_db: Database) -> None:
    me = actor_for(demo_db, "agarcia")
    first, second = _pro_items(demo_db)[:2]
    for item in (first, second):
        version = item_detail(demo_db, item.id).version
        actions.record_promise(
            demo_db,
            me,
            item.id,
            version,
            PromiseToPay(amount="100.00", due_on=ON + timedelta(days=2)),
            on=ON,
        )
    with demo_db.session() as s:  # cash arrives on the first pro only
        pro_id = s.get(Issue, first.id).pro_id  # type: ignore[union-attr]
        s.add(Payment(pro_id=pro_id, kind="payment", amount=Decimal("100.00"), received_on=ON + timedelta(days=1),
                      reference="ACH1", created_at=datetime(2026, 11, 25)))  # fmt: skip
    summary = promises_service.settle_promises(demo_db, NIGHTLY, ON + timedelta(days=3))
    with demo_db.session() as s:
        status = dict(
            s.execute(
                select(Promise.issue_id, Promise.status).where(
                    Promise.made_on == ON, Promise.issue_id.in_([first.id, second.id])
                )
            ).all()
        )  # type: ignore[arg-type]
        job_events = s.scalars(
            select(AuditEvent.action).where(AuditEvent.user_login == "nightly")
        ).all()
    assert status == {first.id: "kept", second.id: "broken"}
    assert Counter(job_events)["promise.kept"] >= 1 and Counter(job_events)["promise.broken"] >= 1
    assert len(summary.kept) >= 1 and len(summary.broken) >= 1
    assert (
        item_detail(demo_db, second.id)
        .timeline[0]
        .text.startswith("Promise broken: $100.00 was due 2026-11-26")
    )


# ----- root cause, routing, answers ------------------------------------------------------------
def test_root_cause_must_be_of_the_items_level(demo_db: Database) -> None:
    me = actor_for(demo_db, "agarcia")
    item, version = _top(demo_db)
    with pytest.raises(InvalidInput, match="not a pro-level root cause"):
        actions.set_root_cause(demo_db, me, item.id, version, code="agreement_not_loaded", on=ON)
    after = actions.set_root_cause(
        demo_db, me, item.id, version, code="inspection_correction", on=ON
    )
    assert (
        after.item(item.id) is not None
        and after.item(item.id).root_cause_name == "Carrier inspection changed weight or class"
    )
    assert "X12 426 code 22" in item_detail(demo_db, item.id).timeline[0].text


def test_route_waits_then_answer_brings_it_back_and_next_action_closes_it(
    demo_db: Database,
) -> None:
    me = actor_for(demo_db, "agarcia")
    item, version = _top(demo_db)
    with pytest.raises(InvalidInput, match="department must be one of"):
        actions.route(
            demo_db,
            me,
            item.id,
            version,
            RouteRequest(department="legal", request="x", due_on=ON),
            on=ON,
        )
    waiting = actions.route(
        demo_db,
        me,
        item.id,
        version,
        RouteRequest(
            department="operations",
            request="Send the POD",
            owner="Ops desk",
            due_on=ON + timedelta(days=3),
        ),
        on=ON,
    )
    row = waiting.item(item.id)
    assert row is not None and row.status == "waiting"
    assert row.reason.startswith("Waiting on operations since 2026-11-24")
    [(request_id, department, _, _)] = actions.open_requests(demo_db, item.id)
    back = actions.answer_request(
        demo_db, me, request_id, answer="POD attached", on=ON + timedelta(days=1)
    )
    row = back.item(item.id)
    assert (
        row is not None
        and row.status == "open"
        and row.bucket_label == "Department answered or overdue"
    )
    assert row.reason.startswith("Operations answered")
    version = item_detail(demo_db, item.id).version
    later = actions.log_contact(
        demo_db,
        me,
        item.id,
        version,
        ContactLog(kind="email", text="Sent POD"),
        on=ON + timedelta(days=1),
    )
    row = later.item(item.id)
    assert row is not None and row.bucket_label != "Department answered or overdue"
    with demo_db.session() as s:
        assert (
            s.scalar(select(DepartmentRequest.status).where(DepartmentRequest.id == request_id))
            == "closed"
        )
    with pytest.raises(InvalidInput, match="already closed"):
        actions.answer_request(demo_db, me, request_id, answer="again", on=ON)


# ----- resolve and reopen ----------------------------------------------------------------------
def test_resolve_needs_a_cause_and_a_known_code(demo_db: Database) -> None:
    me = actor_for(demo_db, "agarcia")
    item = next(i for i in _pro_items(demo_db) if i.root_cause is None)
    version = item_detail(demo_db, item.id).version
    with pytest.raises(InvalidInput, match="unknown resolution code 'paid'"):
        resolution_service.resolve(
            demo_db, me, item.id, version, Resolution(code="paid", root_cause_fixed=True), on=ON
        )
    with pytest.raises(InvalidInput, match="set the root cause of PRO .* before resolving"):
        resolution_service.resolve(
            demo_db,
            me,
            item.id,
            version,
            Resolution(code="paid_in_full", root_cause_fixed=True),
            on=ON,
        )
    paid = Resolution(code="paid_in_full", root_cause_fixed=True, root_cause="slow_pay")
    with pytest.raises(
        InvalidInput, match=r"'Paid in full' needs the balance paid: \$[\d,.]+ is still open"
    ):
        resolution_service.resolve(demo_db, me, item.id, version, paid, on=ON)
    unsaid = Resolution(code="rebilled", root_cause_fixed=None, root_cause="slow_pay", note="x")
    with pytest.raises(InvalidInput, match="say whether the root cause was fixed"):
        resolution_service.resolve(demo_db, me, item.id, version, unsaid, on=ON)
    with pytest.raises(InvalidInput, match="a note is required for 'Rebilled / corrected invoice'"):
        resolution_service.resolve(demo_db, me, item.id, version,
                        Resolution(code="rebilled", root_cause_fixed=False, root_cause="slow_pay"),
                        on=ON)  # fmt: skip
    result = resolution_service.resolve(
        demo_db,
        me,
        item.id,
        version,
        Resolution(
            code="rebilled",
            root_cause_fixed=True,
            root_cause="slow_pay",
            note="Rebilled with the PO number",
        ),  # fmt: skip
        on=ON,
    )
    assert result.removed == {item.id} and result.items == () and result.notice == ""
    assert item.id not in {i.id for i in worklist(demo_db, "agarcia", ON)}
    detail = item_detail(demo_db, item.id)
    assert (detail.status, detail.resolved_on, detail.root_cause) == ("resolved", ON, "slow_pay")


def test_trainee_resolution_above_the_limit_waits_for_approval(demo_db: Database) -> None:
    trainee = actor_for(demo_db, "mlee")
    [item] = _give_to_trainee(demo_db)
    version = item_detail(demo_db, item.id).version
    result = resolution_service.resolve(
        demo_db,
        trainee,
        item.id,
        version,
        Resolution(
            code="rebilled",
            root_cause_fixed=False,
            root_cause="slow_pay",
            note="Rebilled to the right party",
        ),  # fmt: skip
        on=ON,
    )
    row = result.item(item.id)
    assert row is not None and row.status == "pending_approval"
    assert result.notice == "sent to a supervisor for approval"


def test_reopen_counts_a_reopen_and_a_recurrence(demo_db: Database) -> None:
    me = actor_for(demo_db, "agarcia")
    item, version = _top(demo_db)
    resolution_service.resolve(
        demo_db,
        me,
        item.id,
        version,
        Resolution(
            code="rebilled",
            root_cause_fixed=True,
            root_cause="bol_incomplete",
            note="Rebilled with the corrected BOL",
        ),  # fmt: skip
        on=ON,
    )
    version = item_detail(demo_db, item.id).version
    with pytest.raises(InvalidInput, match="the reason is empty"):
        resolution_service.reopen(demo_db, me, item.id, version, reason=" ", on=ON)
    back = resolution_service.reopen(
        demo_db,
        me,
        item.id,
        version,
        reason="Customer short-paid the rebill",
        on=ON + timedelta(days=10),
    )
    row = back.item(item.id)
    assert row is not None and row.status == "open" and row.follow_up == ON + timedelta(days=10)
    with demo_db.session() as s:
        issue = s.get(Issue, item.id)
        assert issue is not None
        assert (issue.reopen_count, issue.recurrence, issue.reopened_on, issue.resolved_on) == (
            1,
            True,
            ON + timedelta(days=10),
            None,
        )
    assert (
        "recurrence: same root cause resolved on 2026-11-24"
        in item_detail(demo_db, item.id).timeline[0].text
    )
    with pytest.raises(InvalidInput, match="not resolved"):
        resolution_service.reopen(demo_db, me, item.id, None, reason="again", on=ON)


# ----- account-level issues and promotion -------------------------------------------------------
def _three_unlinked_on_one_account(db: Database) -> tuple[int, list[int]]:
    by_account: dict[str, list[WorkItem]] = {}
    for item in _pro_items(db):
        if item.parent_id is None:
            by_account.setdefault(item.account_number, []).append(item)
    picked = next(group for group in by_account.values() if len(group) >= 3)[:3]
    return item_detail(db, picked[0].id).account.id, [i.id for i in picked]


def test_account_issue_links_pros_and_resolves_them_together(demo_db: Database) -> None:
    me = actor_for(demo_db, "agarcia")
    account_id, ids = _three_unlinked_on_one_account(demo_db)
    with pytest.raises(InvalidInput, match="not an account-level issue type"):
        promotion_service.create_account_issue(demo_db, me, account_id, "pod_requested", on=ON)
    with pytest.raises(PermissionDenied, match="only its collector or a supervisor"):
        promotion_service.create_account_issue(
            demo_db, actor_for(demo_db, "bchen"), account_id, "invoicing_requirements", on=ON
        )
    opened = promotion_service.create_account_issue(
        demo_db, me, account_id, "invoicing_requirements", pro_issue_ids=ids, on=ON
    )
    [parent_id] = opened.created
    parent = opened.item(parent_id)
    assert (
        parent is not None
        and parent.level == "account"
        and parent.root_cause == "requirements_not_set_up"
    )
    assert opened.touched == {parent_id, *ids}  # the pros' rows show their new parent
    assert all(row.parent_id == parent_id for row in opened.items if row.id in ids)
    assert {i.id for i in item_detail(demo_db, parent.id).linked_pros} == set(ids)
    version = item_detail(demo_db, parent.id).version
    promotion_service.unlink_pro_issues(demo_db, me, parent.id, version, [ids[2]], on=ON)
    version = item_detail(demo_db, parent.id).version
    offered = resolution_service.resolve(
        demo_db,
        me,
        parent.id,
        version,
        Resolution(code="agreement_fixed", root_cause_fixed=True, note="Agreement loaded"),
        on=ON,
    )
    assert offered.removed == {parent.id} and offered.items == ()
    assert offered.notice == "2 linked pro issue(s) are still open"
    # The linked pros can be resolved together from the pro list after a reopen of the parent.
    version = item_detail(demo_db, parent.id).version
    resolution_service.reopen(
        demo_db, me, parent.id, version, reason="resolve the pros with it", on=ON
    )
    version = item_detail(demo_db, parent.id).version
    together = resolution_service.resolve(
        demo_db,
        me,
        parent.id,
        version,
        Resolution(
            code="agreement_fixed", root_cause_fixed=True, with_linked=True, note="Agreement loaded"
        ),  # fmt: skip
        on=ON,
    )
    assert together.removed == {parent.id, *ids[:2]}
    assert together.notice == "2 linked pro issue(s) resolved with it"
    with demo_db.session() as s:
        codes = dict(
            s.execute(select(Issue.id, Issue.resolution_code).where(Issue.id.in_(ids))).all()
        )  # type: ignore[arg-type]
    assert codes == {ids[0]: "resolved_with_account", ids[1]: "resolved_with_account", ids[2]: None}


def test_promotion_proposal_is_accepted_as_a_promoted_account_issue(demo_db: Database) -> None:
    me, boss = actor_for(demo_db, "agarcia"), actor_for(demo_db, "kwright")
    set_setting(demo_db, boss, "promotion_window_days", "3650")
    account_id, ids = _three_unlinked_on_one_account(demo_db)
    for issue_id in ids:
        actions.set_root_cause(demo_db, me, issue_id, None, code="pod_missing", on=ON)
    proposals = [
        p
        for p in promotion_service.promotion_proposals(demo_db, login="agarcia", on=ON)
        if p.account_id == account_id
    ]
    [proposal] = [p for p in proposals if p.root_cause == "pod_missing"]
    assert set(ids) <= set(proposal.issue_ids)
    assert proposal.issue_type == "invoicing_requirements" and proposal.existing_issue_id is None
    assert "pros with 'POD missing or unsigned'" in proposal.summary
    created = promotion_service.accept_proposal(demo_db, me, proposal, on=ON)
    [created_id] = created.created
    with demo_db.session() as s:
        issue = s.get(Issue, created_id)
        assert issue is not None and issue.promoted and issue.level == "account"
        linked = s.scalars(select(Issue.id).where(Issue.parent_id == created_id)).all()
    assert sorted(linked) == sorted(proposal.issue_ids)
    assert not [
        p
        for p in promotion_service.promotion_proposals(demo_db, account_id=account_id, on=ON)
        if p.root_cause == "pod_missing"
    ]
