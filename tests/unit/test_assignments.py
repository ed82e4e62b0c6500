"""Assignment, rebalance, handover and cover on the demo book: nothing is dropped, nothing is
left with an inactive owner, covers revert, and only supervisors may do any of it."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from arbench.domain.catalogue import OPEN_STATUSES
from arbench.services.base import Conflict, InvalidInput, PermissionDenied, actor_for
from arbench.services.organization import assignments as A
from arbench.services.organization import handover as handover_service
from arbench.services.organization import users as user_service
from arbench.services.organization.team import team_view
from arbench.store.db import Database
from arbench.store.models import (
    Account,
    Activity,
    Assignment,
    AuditEvent,
    DepartmentRequest,
    Issue,
    Promise,
    User,
)
from helpers import NIGHTLY

ON = date(2026, 11, 24)
OPEN = [s.value for s in OPEN_STATUSES]


def uid(db: Database, login: str) -> int:
    with db.session() as s:
        found = s.scalar(select(User.id).where(User.login == login))
        assert found is not None
        return found


def owned(db: Database, login: str) -> dict[str, int]:
    """What a user owns: accounts, open issues, follow-ups, open promises, open requests."""
    user = uid(db, login)
    mine = [Issue.owner_id == user, Issue.status.in_(OPEN)]
    with db.session() as s:
        return {
            "accounts": s.scalar(select(func.count()).where(Account.collector_id == user)) or 0,
            "issues": s.scalar(select(func.count()).select_from(Issue).where(*mine)) or 0,
            "follow_ups": s.scalar(select(func.count(Issue.follow_up)).where(*mine)) or 0,
            "promises": s.scalar(
                select(func.count()).select_from(Promise).join(Issue, Issue.id == Promise.issue_id)
                .where(Promise.status == "open", *mine)
            ) or 0,
            "requests": s.scalar(
                select(func.count()).select_from(DepartmentRequest)
                .join(Issue, Issue.id == DepartmentRequest.issue_id)
                .where(DepartmentRequest.status == "open", *mine)
            ) or 0,
        }  # fmt: skip


def test_handover_moves_everything_and_leaves_nothing_orphaned(demo_db: Database) -> None:
    sup = actor_for(demo_db, "kwright")
    before = owned(demo_db, "dokafor")
    assert before["follow_ups"] and before["promises"] and before["requests"]
    gains = {login: owned(demo_db, login) for login in ("agarcia", "bchen")}
    result = handover_service.handover(demo_db, sup, "dokafor", ["agarcia", "bchen"], on=ON)
    assert result.left_with_from == 0 and result.plan.carried.promises == before["promises"]
    assert owned(demo_db, "dokafor") == dict.fromkeys(before, 0)
    after = {login: owned(demo_db, login) for login in ("agarcia", "bchen")}
    for key in before:  # every follow-up, promise and request landed with the two collectors
        assert sum(after[x][key] - gains[x][key] for x in after) == before[key]
    assert all(after[x]["accounts"] > gains[x]["accounts"] for x in after)  # both got a share
    user_service.set_active(demo_db, sup, "dokafor", False)
    with demo_db.session() as s:
        inactive = select(User.id).where(User.active.is_(False))
        orphans = s.scalar(
            select(func.count()).select_from(Issue)
            .where(Issue.status.in_(OPEN), Issue.owner_id.in_(inactive))
        )  # fmt: skip
        assert orphans == 0
        assert s.scalar(select(func.count()).where(Account.collector_id.in_(inactive))) == 0


def test_handover_writes_history_summary_and_audit(demo_db: Database) -> None:
    sup = actor_for(demo_db, "kwright")
    plan = handover_service.handover_preview(demo_db, sup, "dokafor", ["agarcia", "bchen"], on=ON)
    handover_service.handover(demo_db, sup, "dokafor", ["agarcia", "bchen"], on=ON)
    with demo_db.session() as s:
        history = s.scalars(select(Assignment).where(Assignment.reason == "handover")).all()
        assert len(history) == len(plan.moves) == plan.before[0].accounts
        notes = s.scalars(select(Activity.text).where(Activity.kind == "handover")).all()
        assert len(notes) == len(plan.moves)
        assert all("Open items" in n and "Waiting on" in n and "Last contacts" in n for n in notes)
        assert s.scalar(select(func.count()).where(AuditEvent.action == "account.handover")) == len(
            plan.moves
        )


def test_preview_balances_and_predicts_the_result(demo_db: Database) -> None:
    sup = actor_for(demo_db, "kwright")
    plan = handover_service.handover_preview(
        demo_db, sup, "gsilva", ["agarcia", "bchen", "cpatel"], on=ON
    )
    given = {t: sum((m.open_balance for m in plan.moves if m.to_login == t), Decimal(0))
             for t in plan.to_logins}  # fmt: skip
    assert all(v > 0 for v in given.values())
    handover_service.handover(demo_db, sup, "gsilva", ["agarcia", "bchen", "cpatel"], on=ON)
    team = {m.login: m for m in team_view(demo_db, ON)}
    for load in plan.after:
        if load.login in team:
            assert team[load.login].open_balance == load.open_balance
            assert team[load.login].accounts == load.accounts


def test_cover_reverts_on_its_date(demo_db: Database) -> None:
    sup = actor_for(demo_db, "kwright")
    before = owned(demo_db, "ekowalski")
    until = ON + timedelta(days=10)
    result = handover_service.handover(demo_db, sup, "ekowalski", ["fnguyen"], until=until, on=ON)
    assert result.coverage_id is not None
    assert owned(demo_db, "ekowalski")["accounts"] == 0
    assert [c.absent_login for c in handover_service.active_covers(demo_db)] == ["ekowalski"]
    assert handover_service.end_due_covers(demo_db, NIGHTLY, until - timedelta(days=1)) == []
    reverted = handover_service.end_due_covers(demo_db, NIGHTLY, until)
    assert reverted[0].accounts == before["accounts"]
    assert owned(demo_db, "ekowalski") == before
    assert (
        handover_service.active_covers(demo_db) == []
        and handover_service.end_due_covers(demo_db, NIGHTLY, until) == []
    )


def test_assign_moves_the_account_and_its_open_items(demo_db: Database) -> None:
    sup = actor_for(demo_db, "lmartin")
    with demo_db.session() as s:
        number, account_id = s.execute(
            select(Account.number, Account.id).where(
                Account.collector_id == uid(demo_db, "hmuller")
            )
        ).first()  # type: ignore[misc]
    result = A.assign_accounts(demo_db, sup, [number], "jrossi")
    assert [m.account_number for m in result.moved] == [number]
    with demo_db.session() as s:
        owners = set(
            s.scalars(
                select(Issue.owner_id).where(Issue.account_id == account_id, Issue.status.in_(OPEN))
            )
        )
        assert owners == {uid(demo_db, "jrossi")}
        assert (
            s.scalar(
                select(func.count()).where(
                    Activity.account_id == account_id, Activity.kind == "assignment"
                )
            )
            == 1
        )
    assert A.assign_accounts(demo_db, sup, [number], "jrossi").unchanged == [number]  # fmt: skip


def test_assign_by_rule_and_rebalance(demo_db: Database) -> None:
    sup = actor_for(demo_db, "kwright")
    region = A.accounts(demo_db, ON)[0].region
    rule = A.AccountRule(region=region)
    picked = A.accounts(demo_db, ON, rule)
    A.assign_by_rule(demo_db, sup, rule, "ijohnson", on=ON)
    assert {a.collector for a in A.accounts(demo_db, ON, rule)} == {"ijohnson"} and picked
    plan = A.rebalance_preview(demo_db, sup, on=ON)
    spread = lambda loads: max(x.open_balance for x in loads) - min(x.open_balance for x in loads)  # noqa: E731
    assert plan.moves and spread(plan.after) < spread(plan.before)
    A.apply_rebalance(demo_db, sup, plan)
    with pytest.raises(Conflict, match="since the preview; preview the rebalance again"):
        A.apply_rebalance(demo_db, sup, plan)


@pytest.mark.parametrize("login", ["agarcia", "mlee"])
def test_collectors_and_trainees_are_refused(demo_db: Database, login: str) -> None:
    actor = actor_for(demo_db, login)
    refusals = [
        lambda: A.assign_accounts(demo_db, actor, ["C100001"], login),
        lambda: handover_service.handover(demo_db, actor, "dokafor", [login], on=ON),
        lambda: A.rebalance_preview(demo_db, actor, on=ON),
        lambda: user_service.set_active(demo_db, actor, "dokafor", False),
        lambda: user_service.add_user(demo_db, actor, "zz", "Zed", "collector"),
    ]
    for attempt in refusals:
        with pytest.raises(PermissionDenied, match=f"only a supervisor can .*; {login} is a"):
            attempt()
    assert owned(demo_db, "dokafor")["accounts"] > 0


def test_deactivating_a_user_who_holds_work_is_refused(demo_db: Database) -> None:
    sup = actor_for(demo_db, "kwright")
    with pytest.raises(InvalidInput, match="hand the book over first"):
        user_service.set_active(demo_db, sup, "dokafor", False)
    with pytest.raises(InvalidInput, match="deactivated"):
        user_service.add_user(demo_db, sup, "zed", "Zed", "collector")
        user_service.set_active(demo_db, sup, "zed", False)
        handover_service.handover(demo_db, sup, "dokafor", ["zed"], on=ON)
    with pytest.raises(InvalidInput, match="to dokafor"):
        handover_service.handover(demo_db, sup, "dokafor", ["dokafor"], on=ON)
