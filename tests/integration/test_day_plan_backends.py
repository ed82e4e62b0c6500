"""The collector's day on both backends: the plan's SQL counts equal the worklist's rows, the
day is planned once even when two processes plan it at the same moment, and Undo puts money,
dates and statuses back exactly (SQLite and PostgreSQL)."""

from __future__ import annotations

import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from arbench.domain.day_plan import facts_from_items
from arbench.services.base import actor_for
from arbench.services.work import account_actions, day_plan, undo
from arbench.services.work.day_plan_query import account_facts
from arbench.services.work.item_inputs import PromiseSplit
from arbench.services.work.item_run import Target
from arbench.services.work.worklist import items_for
from arbench.store.db import Database
from arbench.store.models import DayPlan, DayPlanAccount, Issue, Promise, User

ON = date(2026, 11, 24)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def book(request: pytest.FixtureRequest) -> Iterator[Database]:
    fixture = "demo_db" if request.param == "sqlite" else "pg_demo_db"
    yield request.getfixturevalue(fixture)


def test_the_plans_sql_counts_equal_the_worklist_rows(book: Database) -> None:
    with book.session() as s:
        uid = s.scalar(select(User.id).where(User.login == "agarcia"))
        assert uid is not None
        summed = account_facts(s, uid, ON)
        rows = items_for(s, [Issue.owner_id == uid], ON)
        account_of = dict(
            s.execute(select(Issue.id, Issue.account_id).where(Issue.owner_id == uid)).all()
        )
    grouped = defaultdict(list)
    for item in rows:
        grouped[account_of[item.id]].append(item)
    assert set(summed) == set(grouped)
    for account_id, items in grouped.items():
        counted = facts_from_items(
            account_id, items[0].account_number, items[0].account_name, items
        )
        assert (summed[account_id].counts(), summed[account_id].open_amount) == (
            counted.counts(), counted.open_amount)  # fmt: skip


def test_two_processes_plan_the_day_once(book: Database) -> None:
    code = ("import sys; from datetime import date; from arbench.store.db import open_database; "
            "from arbench.services.work import day_plan; from arbench.services.base import actor_for; "
            "db = open_database(sys.argv[1]); "
            "print(day_plan.build_plan(db, actor_for(db, 'agarcia'), on=date(2026, 11, 24)).notice)")  # fmt: skip
    procs = [subprocess.Popen([sys.executable, "-c", code, book.url], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]  # fmt: skip
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    assert sorted(out.strip() for out, _ in outs)[0] == ""  # the second found the plan made
    with book.session() as s:
        plans = s.scalar(select(func.count()).select_from(DayPlan))
        accounts = s.scalar(select(func.count()).select_from(DayPlanAccount))
    plan = day_plan.today(book, "agarcia", ON)
    assert plans == 1 and accounts == len(plan.accounts) and plan.stored


def test_undo_puts_amounts_dates_and_statuses_back(book: Database) -> None:
    me = actor_for(book, "agarcia")
    rows = [i for i in day_plan.today(book, "agarcia", ON).accounts[0].pros if i.level == "pro"][:2]
    split = PromiseSplit(ON + timedelta(days=3), tuple((r.id, "12.34") for r in rows))
    account_actions.record_promises(book, me, [Target(r.id, r.version) for r in rows], split, on=ON)
    again = PromiseSplit(ON + timedelta(days=8), tuple((r.id, "56.78") for r in rows))
    account_actions.record_promises(book, me, [Target(r.id) for r in rows], again, on=ON)
    undo.undo_last(book, me, on=ON)
    with book.session() as s:
        left = s.execute(select(Promise.amount, Promise.due_on, Promise.status, Promise.settled_on)
                         .where(Promise.issue_id.in_([r.id for r in rows]),
                                Promise.amount.in_((Decimal("12.34"), Decimal("56.78"))))).all()  # fmt: skip
        follow_ups = s.scalars(
            select(Issue.follow_up).where(Issue.id.in_([r.id for r in rows]))
        ).all()
    assert sorted(left) == [(Decimal("12.34"), ON + timedelta(days=3), "open", None)] * 2
    assert follow_ups == [ON + timedelta(days=4)] * 2
