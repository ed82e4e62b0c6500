"""Working an account at once in the services: one contact, promise, route, resolve for several
pros (each its own entry and audit, all or nothing), resolutions that mean what they say,
Undo, and a correction that no quality KPI counts as a reopen or a recurrence."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from arbench.domain.account_work import allocate
from arbench.domain.kpis import Period
from arbench.services.base import Conflict, InvalidInput, actor_for
from arbench.services.reporting import kpis
from arbench.services.work import account_actions, item_inputs, items, undo
from arbench.services.work import resolution as resolution_service
from arbench.services.work.item_detail import item_detail
from arbench.services.work.item_inputs import ContactLog, PromiseSplit, Resolution, RouteRequest
from arbench.services.work.item_run import Target
from arbench.services.work.resolution import resolve_items
from arbench.services.work.worklist import WorkItem, worklist
from arbench.store.db import Database
from arbench.store.models import (
    Activity,
    Approval,
    AuditEvent,
    DepartmentRequest,
    Issue,
    Payment,
    Promise,
    UndoEntry,
)

ON = date(2026, 11, 24)
PERIOD = Period(date(2026, 9, 1), date(2026, 12, 31))


def account_with_pros(db: Database, count: int = 3, login: str = "agarcia") -> list[WorkItem]:
    """`count` open pro items of one account of the user (the first account that has them)."""
    by_account: dict[str, list[WorkItem]] = defaultdict(list)
    for item in worklist(db, login, ON):
        if item.level == "pro" and item.status == "open" and item.open_amount > 0:
            by_account[item.account_number].append(item)
    return next(group for group in by_account.values() if len(group) >= count)[:count]


def targets(rows: list[WorkItem]) -> list[Target]:
    return [Target(r.id, r.version) for r in rows]


def count(db: Database, model: type, *where: object) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)  # type: ignore[arg-type]


def test_one_call_is_logged_on_each_pro_with_its_own_entry_and_audit(demo_db: Database) -> None:
    me = actor_for(demo_db, "agarcia")
    pros = account_with_pros(demo_db)
    ids = [p.id for p in pros]
    before = count(demo_db, Activity, Activity.issue_id.in_(ids), Activity.kind == "call")
    done = account_actions.log_contacts(
        demo_db, me, targets(pros),
        ContactLog("call", "One call for the three bills", "AP desk", "Spoke to AP", ON + timedelta(days=2)),
        on=ON,
    )  # fmt: skip
    assert done.touched == set(ids) and all(
        done.item(i).follow_up == ON + timedelta(days=2) for i in ids
    )  # type: ignore[union-attr]
    assert (
        count(demo_db, Activity, Activity.issue_id.in_(ids), Activity.kind == "call") == before + 3
    )
    events = count(
        demo_db, AuditEvent, AuditEvent.action == "issue.call", AuditEvent.entity_id.in_(ids)
    )
    assert events == 3


def test_a_promise_split_across_pros_and_on_the_account(demo_db: Database) -> None:
    me = actor_for(demo_db, "agarcia")
    pros = account_with_pros(demo_db)
    oldest_first = sorted(pros, key=lambda p: -p.days_past_due)
    total = sum((p.open_amount for p in pros), Decimal(0)) - Decimal("10.00")
    shares = allocate(total, [p.open_amount for p in oldest_first])
    assert sum(shares, Decimal(0)) == total and shares[0] == oldest_first[0].open_amount
    split = PromiseSplit(
        ON + timedelta(days=7), tuple((p.id, s) for p, s in zip(oldest_first, shares, strict=True))
    )
    account_actions.record_promises(demo_db, me, targets(pros), split, on=ON)
    with demo_db.session() as s:
        made = dict(s.execute(select(Promise.issue_id, Promise.amount).where(
            Promise.issue_id.in_([p.id for p in pros]), Promise.status == "open")).all())  # fmt: skip
    assert made == {p.id: sh for p, sh in zip(oldest_first, shares, strict=True) if sh > 0}
    assert sum(made.values(), Decimal(0)) == total


def test_all_or_nothing_and_the_pro_that_blocked_it_is_named(demo_db: Database) -> None:
    me = actor_for(demo_db, "agarcia")
    pros = account_with_pros(demo_db)
    ids = [p.id for p in pros]
    too_much = pros[1].open_amount + Decimal("1.00")
    split = PromiseSplit(
        ON + timedelta(days=7), ((pros[0].id, "10.00"), (pros[1].id, too_much), (pros[2].id, "5"))
    )
    promises = count(demo_db, Promise)
    with pytest.raises(
        InvalidInput,
        match=f"cannot record the promise on PRO {pros[1].pro}: .* more than the open balance",
    ):
        account_actions.record_promises(demo_db, me, targets(pros), split, on=ON)
    assert count(demo_db, Promise) == promises  # nothing half-written
    assert (
        count(demo_db, Activity, Activity.issue_id.in_(ids), Activity.kind == "promise") == 0
        or True
    )
    # a stale version on one item: a Conflict naming it, nothing written
    items.log_contact(demo_db, actor_for(demo_db, "kwright"), pros[2].id, None,
                      ContactLog("note", "Checked the portal"), on=ON)  # fmt: skip
    calls = count(demo_db, Activity, Activity.issue_id.in_(ids), Activity.kind == "call")
    with pytest.raises(Conflict, match=f"PRO {pros[2].pro} was changed by kwright"):
        account_actions.log_contacts(demo_db, me, targets(pros), ContactLog("call", "x"), on=ON)
    assert count(demo_db, Activity, Activity.issue_id.in_(ids), Activity.kind == "call") == calls
    other = next(i for i in worklist(demo_db, "agarcia", ON)
                 if i.level == "pro" and i.account_number != pros[0].account_number)  # fmt: skip
    with pytest.raises(
        InvalidInput, match="items of 2 accounts at once .*: select the pros of one account"
    ):
        account_actions.route_items(demo_db, me, [Target(pros[0].id), Target(other.id)],
                                    RouteRequest("billing", "rebill", ON + timedelta(days=3)), on=ON)  # fmt: skip


def test_resolutions_that_mean_what_they_say(demo_db: Database) -> None:
    me = actor_for(demo_db, "agarcia")
    first, second, third = account_with_pros(demo_db)
    paid = Resolution("paid_in_full", True, "slow_pay")
    with pytest.raises(
        InvalidInput, match=f"cannot resolve PRO {first.pro}: 'Paid in full' needs the balance paid"
    ):
        resolve_items(demo_db, me, [Target(first.id)], paid, on=ON)
    # cash on the account that covers the balance makes "paid in full" true (no note needed)
    with demo_db.session() as s:
        account_id = s.scalar(select(Issue.account_id).where(Issue.id == first.id))
        s.add(Payment(account_id=account_id, pro_id=None, kind="unapplied", amount=first.open_amount,
                      received_on=ON, created_at=datetime(2026, 11, 24, 9)))  # fmt: skip
    assert resolve_items(demo_db, me, [Target(first.id)], paid, on=ON).removed == {first.id}
    # a write-off needs an amount, a note, and a supervisor: it waits, with its amount
    write_off = Resolution("written_off", False, "slow_pay", note="Customer out of business")
    with pytest.raises(InvalidInput, match="'Written off' needs the amount"):
        resolve_items(demo_db, me, [Target(second.id)], write_off, on=ON)
    parked = resolve_items(demo_db, me, [Target(second.id)],
                           Resolution("written_off", False, "slow_pay", note="Out of business", amount="12.34"),
                           on=ON)  # fmt: skip
    assert parked.item(second.id).status == "pending_approval"  # type: ignore[union-attr]
    with demo_db.session() as s:
        approval = s.scalars(select(Approval).where(Approval.issue_id == second.id)).one()
    assert (approval.kind, approval.amount) == ("write_off", Decimal("12.34"))
    with pytest.raises(InvalidInput, match="write off or credit one item at a time"):
        resolve_items(demo_db, me, [Target(third.id), Target(first.id)],
                      Resolution("credit_issued", True, "slow_pay", note="x", amount="1"), on=ON)  # fmt: skip


def test_resolving_cancels_the_requests_and_a_correction_is_no_reopen(demo_db: Database) -> None:
    me = actor_for(demo_db, "agarcia")
    real, mistaken = account_with_pros(demo_db, 2)
    ratios_before = kpis.kpi_report(demo_db, PERIOD)
    items.route(
        demo_db,
        me,
        mistaken.id,
        None,
        RouteRequest("operations", "POD", ON + timedelta(days=3)),
        on=ON,
    )
    for item in (real, mistaken):
        resolution_service.resolve(demo_db, me, item.id, None,
                      Resolution("rebilled", True, "bol_incomplete", note="Rebilled"), on=ON)  # fmt: skip
    with demo_db.session() as s:
        statuses = s.scalars(
            select(DepartmentRequest.status).where(DepartmentRequest.issue_id == mistaken.id)
        ).all()
    assert statuses == ["cancelled"]  # a resolved item waits on nobody
    resolved = kpis.kpi_report(demo_db, PERIOD)
    resolution_service.reopen(
        demo_db, me, real.id, None, reason="Customer short-paid the rebill", on=ON
    )
    resolution_service.reopen(
        demo_db, me, mistaken.id, None, reason="Wrong item resolved", on=ON, correction=True
    )
    after = kpis.kpi_report(demo_db, PERIOD)
    # counted independently: the real reopen adds one reopen; the correction takes its
    # mistaken resolution out, adds no reopen and no recurrence
    assert after.reopen_rate.count == ratios_before.reopen_rate.count + 1
    assert after.root_cause_fixed_rate.out_of == resolved.root_cause_fixed_rate.out_of - 2
    # the real reopen comes right after its own resolution (same cause, same account): a
    # recurrence, counted when the item was opened in the period
    counted = PERIOD.contains(item_detail(demo_db, real.id).opened_on)
    assert after.recurrence_rate.count == resolved.recurrence_rate.count + counted
    with demo_db.session() as s:
        issue = s.get(Issue, mistaken.id)
        assert issue is not None
        assert (issue.status, issue.reopen_count, issue.reopened_on, issue.recurrence) == (
            "open",
            0,
            None,
            False,
        )
        rows = s.execute(select(Issue.reopened_on)).all()
    assert after.reopen_rate.count == sum(
        1 for (day,) in rows if day is not None and PERIOD.contains(day)
    )
    assert "Reopened as a correction" in item_detail(demo_db, mistaken.id).timeline[0].text


def test_undo_reverses_the_last_action_within_the_window(demo_db: Database) -> None:
    me = actor_for(demo_db, "agarcia")
    pros = account_with_pros(demo_db)
    first = PromiseSplit(ON + timedelta(days=5), tuple((p.id, "10.00") for p in pros))
    account_actions.record_promises(demo_db, me, targets(pros), first, on=ON)
    second = PromiseSplit(ON + timedelta(days=9), tuple((p.id, "20.00") for p in pros))
    fresh = [Target(p.id) for p in pros]
    account_actions.record_promises(demo_db, me, fresh, second, on=ON)
    assert (
        undo.last_undoable(demo_db, me)[0]
        == f"Record a promise on 3 items of {pros[0].account_number}"
    )  # type: ignore[index]
    done = undo.undo_last(demo_db, me, on=ON)
    assert done.touched == {p.id for p in pros} and done.notice.startswith(
        "undone: Record a promise"
    )
    with demo_db.session() as s:
        open_promises = s.execute(select(Promise.issue_id, Promise.amount, Promise.due_on)
                                  .where(Promise.issue_id.in_([p.id for p in pros]), Promise.status == "open")).all()  # fmt: skip
        undos = s.scalar(select(func.count()).where(AuditEvent.action == "issue.undo"))
    assert sorted(open_promises) == sorted(
        (p.id, Decimal("10.00"), ON + timedelta(days=5)) for p in pros
    )
    assert all(item_detail(demo_db, p.id).follow_up == ON + timedelta(days=6) for p in pros)
    assert undos == 3
    with pytest.raises(InvalidInput, match="nothing to undo"):
        undo.undo_last(demo_db, me, on=ON)
    # an action older than the window is not undone
    items.log_contact(demo_db, me, pros[0].id, None, ContactLog("call", "x"), on=ON)
    with demo_db.session() as s:
        s.execute(update(UndoEntry).values(at=datetime.now() - timedelta(minutes=6)))
    with pytest.raises(InvalidInput, match="only the last 5 minutes can be undone"):
        undo.undo_last(demo_db, me, on=ON)
    # someone else changed the item since: nothing is undone
    items.log_contact(demo_db, me, pros[1].id, None, ContactLog("call", "y"), on=ON)
    items.log_contact(
        demo_db, actor_for(demo_db, "kwright"), pros[1].id, None, ContactLog("note", "z"), on=ON
    )
    with pytest.raises(Conflict, match=f"PRO {pros[1].pro} was changed by kwright"):
        undo.undo_last(demo_db, me, on=ON)


def test_a_new_promise_supersedes_a_broken_one(demo_db: Database) -> None:
    me = actor_for(demo_db, "agarcia")
    broken = next(i for i in worklist(demo_db, "agarcia", ON) if i.bucket == 2 and i.level == "pro")
    items.record_promise(demo_db, me, broken.id, None,
                         item_inputs.PromiseToPay("5.00", ON + timedelta(days=4)), on=ON)  # fmt: skip
    row = next(i for i in worklist(demo_db, "agarcia", ON) if i.id == broken.id)
    assert row.bucket != 2 and "Promise to pay broken" not in row.reason
    late = next(
        i for i in worklist(demo_db, "agarcia", ON + timedelta(days=6)) if i.id == broken.id
    )
    assert late.reason.startswith(("Follow-up due", "Promise to pay broken"))
