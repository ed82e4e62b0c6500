"""The demo book: deterministic, internally consistent, realistic in shape."""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from arbench.domain.catalogue import OPEN_STATUSES
from arbench.services.admin.demo import create_demo
from arbench.services.base import InvalidInput
from arbench.store.db import Database, open_database
from arbench.store.models import Account, Issue, Payment, Pro, User

AS_OF = date(2026, 11, 24)
OPEN = [s.value for s in OPEN_STATUSES]


def _fingerprint(db: Database) -> str:
    digest = hashlib.sha256()
    with db.engine.connect() as conn:
        for table in ("users", "accounts", "contacts", "pros", "charge_lines", "payments", "issues",
                      "promises", "department_requests", "activities"):  # fmt: skip
            for row in conn.execute(text(f"SELECT * FROM {table} ORDER BY id")):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def _book(tmp_path: Path, name: str, seed: int) -> Database:
    db = open_database(str(tmp_path / name), create=True)
    create_demo(db, accounts=60, pros=900, seed=seed, as_of=AS_OF)
    return db


def test_same_seed_same_book_other_seed_other_book(tmp_path: Path) -> None:
    a, b, c = _book(tmp_path, "a.db", 5), _book(tmp_path, "b.db", 5), _book(tmp_path, "c.db", 6)
    assert _fingerprint(a) == _fingerprint(b)
    assert _fingerprint(a) != _fingerprint(c)


def test_counts_and_team(demo_db: Database) -> None:
    with demo_db.session() as s:
        assert s.scalar(select(func.count()).select_from(Account)) == 120
        assert s.scalar(select(func.count()).select_from(Pro)) == 2400
        roles = Counter(s.scalars(select(User.role)))
    assert roles == {"collector": 10, "supervisor": 2, "trainee": 2, "department": 4}


def test_open_balance_is_amount_minus_payments(demo_db: Database) -> None:
    with demo_db.session() as s:
        paid = dict(
            s.execute(
                select(Payment.pro_id, func.sum(Payment.amount))
                .where(Payment.pro_id.is_not(None))
                .group_by(Payment.pro_id)
            ).all()
        )
        checked = 0
        for pro in s.scalars(select(Pro).where(Pro.status == "open")):
            assert pro.open_balance == pro.amount - paid.get(pro.id, Decimal(0)), pro.pro
            checked += 1
        for pro in s.scalars(select(Pro).where(Pro.status == "closed")):
            assert paid.get(pro.id) == pro.amount and pro.open_balance == 0
    assert checked > 1000


def test_every_open_item_has_an_active_owner_and_both_levels_exist(demo_db: Database) -> None:
    with demo_db.session() as s:
        rows = s.execute(
            select(Issue.level, Issue.owner_id, User.active, User.role)
            .outerjoin(User, User.id == Issue.owner_id)
            .where(Issue.status.in_(OPEN))
        ).all()
        open_pros_with_balance = s.scalar(
            select(func.count()).select_from(Pro).where(Pro.status == "open", Pro.open_balance > 0)
        )
        pro_issue_count = s.scalar(
            select(func.count())
            .select_from(Issue)
            .where(Issue.level == "pro", Issue.status.in_(OPEN))
        )
    assert rows and all(r.owner_id is not None and r.active for r in rows)
    assert {r.role for r in rows} <= {"collector", "trainee"}
    levels = Counter(r.level for r in rows)
    assert levels["pro"] > 1000 and levels["account"] >= 3
    assert pro_issue_count == open_pros_with_balance  # one open item per open pro


def test_recurring_problems_share_an_account_level_cause(demo_db: Database) -> None:
    """Some accounts already have a promoted account-level issue with pros linked to it."""
    with demo_db.session() as s:
        promoted = s.scalars(select(Issue).where(Issue.promoted.is_(True))).all()
        assert promoted
        for parent in promoted:
            children = s.scalars(select(Issue).where(Issue.parent_id == parent.id)).all()
            assert len(children) >= 2
            assert {c.account_id for c in children} == {parent.account_id}
            assert len({c.root_cause for c in children}) <= 2


def test_balances_age_from_zero_to_two_hundred_days(demo_db: Database) -> None:
    with demo_db.session() as s:
        dates = s.scalars(select(Pro.invoice_date).where(Pro.status == "open")).all()
    ages = [(AS_OF - d).days for d in dates]
    assert min(ages) <= 3 and 190 <= max(ages) <= 200


def test_issue_mix_is_plausible(demo_db: Database) -> None:
    with demo_db.session() as s:
        mix = Counter(
            s.scalars(select(Issue.type).where(Issue.level == "pro", Issue.status.in_(OPEN)))
        )
    total = sum(mix.values())
    assert 0.4 < mix["past_due"] / total < 0.7  # most open items are plain past-dues
    assert len(mix) >= 8  # and the disputes are spread over the catalogue


def test_demo_refuses_a_database_that_has_a_book(demo_db: Database) -> None:
    with pytest.raises(InvalidInput, match="already holds a book"):
        create_demo(demo_db, accounts=2, pros=4, as_of=AS_OF)


def test_every_collector_and_trainee_has_a_book(tmp_path: Path) -> None:
    db = open_database(str(tmp_path / "team.db"), create=True)
    create_demo(db, accounts=200, pros=1000, seed=2, as_of=AS_OF)
    with db.session() as s:
        owners = set(s.scalars(select(User.login).join(Account, Account.collector_id == User.id)))
        team = set(s.scalars(select(User.login).where(User.role.in_(("collector", "trainee")))))
    assert owners == team


def test_past_promises_are_kept_partly_kept_or_broken_as_the_payments_say(
    demo_db: Database,
) -> None:
    """Every settled promise's status is what its pro's payments make it (the rule the daily
    promise check applies), and the mix is a working team's: mostly kept, some partly kept,
    some broken; the KPI reads a believable rate."""
    from collections import defaultdict

    from arbench.domain.kpis import Period
    from arbench.domain.rules import evaluate_promise
    from arbench.services.reporting.kpis import kpi_report
    from arbench.store.models import Promise

    with demo_db.session() as s:
        promises = s.execute(
            select(Promise.amount, Promise.made_on, Promise.due_on, Promise.status, Issue.pro_id)
            .join(Issue, Issue.id == Promise.issue_id)
            .where(Promise.status.in_(("kept", "broken")))
        ).all()
        paid: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
        for pro_id, day, amount in s.execute(
            select(Payment.pro_id, Payment.received_on, Payment.amount).where(
                Payment.kind == "payment", Payment.pro_id.is_not(None)
            )
        ):
            paid[pro_id].append((day, amount))
    mix: Counter[str] = Counter()
    for amount, made, due, status, pro_id in promises:
        verdict = evaluate_promise(amount, made, due, paid[pro_id], AS_OF)
        assert verdict.status == status, (pro_id, status, verdict)
        mix["kept" if status == "kept" else "partly kept" if verdict.received else "broken"] += 1
    total = sum(mix.values())
    assert total > 200
    assert 0.50 < mix["kept"] / total < 0.75
    assert 0.04 < mix["partly kept"] / total < 0.20
    assert 0.15 < mix["broken"] / total < 0.45
    rate = kpi_report(demo_db, Period(date(2026, 9, 1), AS_OF)).promise_kept_rate.percent
    assert rate is not None and 45 < rate < 75
