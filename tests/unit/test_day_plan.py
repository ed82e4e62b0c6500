"""Today's plan: the rules (pure), the SQL-side counts against the worklist's own rows, the
capacity, "later", carry-over to tomorrow, and `arbench today` / `arbench capacity`."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from arbench.domain.catalogue import ISSUE_TYPES, OPEN_STATUSES
from arbench.domain.day_plan import (
    BALANCE,
    CARRIED,
    FOLLOW_UP,
    AccountFacts,
    facts_from_items,
    plan_day,
)
from arbench.services.base import PermissionDenied, actor_for
from arbench.services.work import day_plan
from arbench.services.work.day_plan_query import account_facts
from arbench.services.work.item_inputs import ContactLog
from arbench.services.work.items import log_contact
from arbench.services.work.worklist import items_for
from arbench.store.db import Database
from arbench.store.models import AuditEvent, DayPlan, Issue, Pro, User
from helpers import run_cli

ON = date(2026, 11, 24)
OPEN = [s.value for s in OPEN_STATUSES]
KEYS = ["level", "id", "pro", "account_number", "account_name", "type", "root_cause",
        "open_amount", "days_past_due", "follow_up", "status", "priority", "reason"]  # fmt: skip


def facts(account_id: int, amount: str = "100", days: int = 10, **counts: int) -> AccountFacts:
    return AccountFacts(account_id, f"C{account_id}", f"Customer {account_id}", Decimal(amount),
                        3, days, **counts)  # fmt: skip


# ----- the rules ------------------------------------------------------------------------------------
def test_the_plan_orders_by_reason_keeps_the_capacity_and_lists_the_rest_later() -> None:
    book = [
        facts(1, windows_closing=1),
        facts(2, "90000", broken_promises=1),
        facts(3, follow_ups_due=2),
        facts(4, "500000", 300),  # nothing due: the largest and oldest balance
        facts(5, new_disputes=1),
        facts(6, department_answers=1),
        facts(7, "10", follow_ups_due=1),
    ]
    plan = plan_day(book, 4, ON)
    assert [p.facts.account_id for p in plan.today] == [3, 7, 2, 5]
    assert [p.rank for p in plan.today] == [1, 2, 3, 4]
    assert [p.facts.account_id for p in plan.later] == [6, 1] and plan.later[0].rank == 5
    assert plan.today[0].reasons == ("2 follow-ups due",) and plan.today[0].tier == FOLLOW_UP
    # room left: the largest and oldest balances fill the day, nothing due is "later"
    roomy = plan_day(book, 10, ON)
    assert roomy.later == () and roomy.today[-1].facts.account_id == 4
    assert roomy.today[-1].tier == BALANCE and roomy.today[-1].reasons == (
        "largest and oldest balance",
    )


def test_what_an_earlier_day_left_comes_first() -> None:
    book = [facts(1, follow_ups_due=3), facts(2, windows_closing=1), facts(3, broken_promises=1)]
    plan = plan_day(book, 2, ON, carried={2: ON - timedelta(days=1), 9: ON})  # 9: nothing open
    assert [p.facts.account_id for p in plan.today] == [2, 1]
    assert plan.today[0].tier == CARRIED and plan.today[0].reasons[0] == "left from 2026-11-23"
    assert [p.facts.account_id for p in plan.later] == [3]
    # several left: in the order of the day that left them
    both = plan_day(book, 3, ON, carried={2: ON, 3: ON}, left_rank={3: 1, 2: 7})
    assert [p.facts.account_id for p in both.today] == [3, 2, 1]


# ----- the facts: SQL sums against the worklist's rows ---------------------------------------------
@pytest.mark.parametrize("login", ["agarcia", "bchen", "mlee"])
def test_sql_counts_equal_the_counts_of_the_worklist_rows(demo_db: Database, login: str) -> None:
    with demo_db.session() as s:
        uid = s.scalar(select(User.id).where(User.login == login))
        assert uid is not None
        summed = account_facts(s, uid, ON)
        rows = items_for(s, [Issue.owner_id == uid], ON)
        account_of = dict(
            s.execute(select(Issue.id, Issue.account_id).where(Issue.owner_id == uid)).all()
        )
    ids = {i.account_number: account_of[i.id] for i in rows}
    by_account = defaultdict(list)
    for item in rows:
        by_account[item.account_number].append(item)
    assert len(summed) == len(by_account) > 0
    for number, items in by_account.items():
        counted = facts_from_items(ids[number], number, items[0].account_name, items)
        got = summed[ids[number]]
        assert (got.counts(), got.open_amount) == (counted.counts(), counted.open_amount), number


def _due_accounts(db: Database, login: str) -> set[str]:
    """Accounts with something due today, from the worklist rows (buckets 1-4, or a dispute
    whose window closes within 30 days): a plain rule over the rows."""
    with db.session() as s:
        uid = s.scalar(select(User.id).where(User.login == login))
        rows = items_for(s, [Issue.owner_id == uid], ON)
    return {
        i.account_number for i in rows
        if i.bucket <= 4 or (i.level == "pro" and ISSUE_TYPES[i.type].dispute
                             and i.dispute_days_left is not None and 0 <= i.dispute_days_left <= 30)
    }  # fmt: skip


def test_today_fits_the_capacity_and_loses_nothing(demo_db: Database) -> None:
    boss = actor_for(demo_db, "kwright")
    day_plan.set_capacity(demo_db, boss, "agarcia", 4)
    plan = day_plan.today(demo_db, "agarcia", ON)
    assert len(plan.accounts) == 4 and plan.capacity == 4 and not plan.stored
    listed = {a.account_number for a in plan.accounts} | {a.account_number for a in plan.later}
    assert listed >= _due_accounts(demo_db, "agarcia")
    assert [a.rank for a in (*plan.accounts, *plan.later)] == list(range(1, len(listed) + 1))
    with demo_db.session() as s:
        uid = s.scalar(select(User.id).where(User.login == "agarcia"))
        for account in plan.accounts:
            # the open items behind it, and its open amount: the pros' balances, summed here
            ids, total = s.execute(
                select(func.count(), func.sum(Pro.open_balance))
                .select_from(Issue).outerjoin(Pro, Pro.id == Issue.pro_id)
                .where(Issue.owner_id == uid, Issue.status.in_(OPEN),
                       Issue.account_id == account.account_id)
            ).one()  # fmt: skip
            assert len(account.pros) == account.items == ids
            assert account.open_amount == total
            assert account.reasons and all(
                p.account_number == account.account_number for p in account.pros
            )


def test_the_day_is_planned_once_and_tomorrow_starts_with_what_today_left(
    demo_db: Database,
) -> None:
    me = actor_for(demo_db, "agarcia")
    day_plan.set_capacity(demo_db, actor_for(demo_db, "kwright"), "agarcia", 5)
    built = day_plan.build_plan(demo_db, me, on=ON)
    assert built.notice == "today's plan: 5 accounts"
    assert day_plan.build_plan(demo_db, me, on=ON).notice == ""  # once: nothing changes
    with demo_db.session() as s:
        assert s.scalar(select(func.count()).select_from(DayPlan)) == 1
    plan = day_plan.today(demo_db, "agarcia", ON)
    assert plan.stored and [a.rank for a in plan.accounts] == [1, 2, 3, 4, 5]
    worked = plan.accounts[:2]
    for account in worked:  # one call on each of two accounts
        log_contact(demo_db, me, account.pros[0].id, None, ContactLog("call", "Spoke to AP"), on=ON)
    again = day_plan.today(demo_db, "agarcia", ON)
    assert [a.account_number for a in again.accounts] == [a.account_number for a in plan.accounts]
    assert [a.worked for a in again.accounts] == [True, True, False, False, False]

    tomorrow = day_plan.today(demo_db, "agarcia", ON + timedelta(days=1))
    left = [a.account_number for a in plan.accounts[2:]]
    assert [a.account_number for a in tomorrow.accounts[:3]] == left
    assert all(
        a.carried_from == ON and a.reasons[0] == f"left from {ON}" for a in tomorrow.accounts[:3]
    )
    assert not {a.account_number for a in worked} & {
        a.account_number for a in tomorrow.accounts if a.carried_from
    }


def test_a_collector_plans_only_their_own_day(demo_db: Database) -> None:
    with pytest.raises(PermissionDenied, match="cannot plan agarcia's day"):
        day_plan.build_plan(demo_db, actor_for(demo_db, "bchen"), "agarcia", ON)
    with pytest.raises(PermissionDenied, match="set a collector's daily capacity"):
        day_plan.set_capacity(demo_db, actor_for(demo_db, "agarcia"), "agarcia", 100)


# ----- the command line -----------------------------------------------------------------------------
def test_cli_today_prints_the_plan_with_the_worklist_keys(
    demo_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(capsys, "--db", demo_db.url, "today", "--user", "agarcia",
                             "--on", "2026-11-24", "--format", "json")  # fmt: skip
    assert code == 0 and err == ""
    plan = json.loads(out)
    assert plan and {"account_number", "account_name", "open_amount", "reasons", "pros"} <= set(
        plan[0]
    )
    assert all(list(p) == KEYS for a in plan for p in a["pros"])
    expected = day_plan.today(demo_db, "agarcia", ON)
    assert [a["account_number"] for a in plan] == [a.account_number for a in expected.accounts]
    code, out, _ = run_cli(
        capsys, "--db", demo_db.url, "today", "--user", "agarcia", "--on", "2026-11-24"
    )
    assert code == 0 and out.startswith("agarcia on 2026-11-24:") and "REASONS" in out


def test_cli_capacity_is_a_supervisors_audited_setting(
    demo_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli(
        capsys, "--db", demo_db.url, "--as", "agarcia", "capacity", "agarcia", "90"
    )
    assert code == 2 and err.strip() == (
        "arbench: error: only a supervisor can set a collector's daily capacity; agarcia is a collector"
    )
    code, _, err = run_cli(
        capsys, "--db", demo_db.url, "--as", "kwright", "capacity", "agarcia", "x"
    )
    assert code == 2 and "N must be a whole number" in err
    code, out, _ = run_cli(
        capsys, "--db", demo_db.url, "--as", "kwright", "capacity", "agarcia", "7"
    )
    assert code == 0 and "agarcia contacts 7 accounts per day" in out
    assert len(day_plan.today(demo_db, "agarcia", ON).accounts) <= 7
    with demo_db.session() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "user.capacity")).one()
    assert event.user_login == "kwright" and event.after == {
        "login": "agarcia",
        "daily_capacity": 7,
    }
    assert event.before == {"daily_capacity": 40}
