"""Account assignment (supervisors only): assign one or many accounts, assign by rule,
rebalance the team's books with a before/after preview, and hand over a collector's book.

Every move goes through `account_moves.move_account`: history row, open issues moved with
the account, audit event and timeline entry, all in one transaction per call. Handover and
temporary cover live in services/organization/handover.py (callers import it directly).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from arbench.domain.book_balance import Parcel, rebalance
from arbench.services.base import Actor, Conflict, InvalidInput, require_supervisor
from arbench.services.permissions import SUPERVISORS, service
from arbench.services.reporting.book_stats import (
    AccountLoad,
    CollectorLoad,
    account_loads,
    collector_loads,
)
from arbench.services.work.account_moves import Move, find_accounts, find_user, move_account
from arbench.store.db import Database
from arbench.store.models import Account, User


@dataclass(frozen=True)
class AccountRule:
    """Which accounts a rule picks: customer number range, region, open-balance tier.

    Every field left None matches everything; number bounds are inclusive and compared as
    text (customer numbers are fixed-width codes); balance bounds are inclusive.
    """

    number_from: str | None = None
    number_to: str | None = None
    region: str | None = None
    min_balance: Decimal | None = None
    max_balance: Decimal | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        where: list[ColumnElement[bool]] = []
        if self.number_from:
            where.append(Account.number >= self.number_from)
        if self.number_to:
            where.append(Account.number <= self.number_to)
        if self.region:
            where.append(Account.region == self.region)
        return where

    def matches_balance(self, balance: Decimal) -> bool:
        low_ok = self.min_balance is None or balance >= self.min_balance
        return low_ok and (self.max_balance is None or balance <= self.max_balance)


@dataclass(frozen=True)
class AssignResult:
    moved: list[Move]
    unchanged: list[str]  # account numbers that already had that collector


@dataclass(frozen=True)
class RebalancePlan:
    """Per collector before and after (same order), and the moves that get there."""

    on: date
    before: list[CollectorLoad]
    after: list[CollectorLoad]
    moves: list[Move]


def accounts(db: Database, on: date, rule: AccountRule | None = None) -> list[AccountLoad]:
    """Accounts (all, or those a rule picks) with their collector and load, by number."""
    rule = rule or AccountRule()
    with db.session() as session:
        loads = account_loads(session, on, rule.conditions())
    return [a for a in loads if rule.matches_balance(a.open_balance)]


def _move_all(
    db: Database, actor: Actor, numbers: Sequence[str], to_login: str, reason: str
) -> AssignResult:
    moved: list[Move] = []
    unchanged: list[str] = []
    with db.exclusive("assignments") as session:
        where = [Account.number.in_(list(numbers))]
        loads = {a.number: a for a in account_loads(session, date.today(), where)}
        target = find_user(session, to_login)
        for account in find_accounts(session, numbers):
            before = loads[account.number]
            if move_account(session, actor, account, target, reason) is None:
                unchanged.append(account.number)
            else:
                moved.append(_move(before, target.login))
    return AssignResult(moved, unchanged)


def _move(load: AccountLoad, to_login: str) -> Move:
    return Move(
        load.number, load.name, load.collector, to_login, load.open_items, load.open_balance
    )


@service(SUPERVISORS, "assign accounts")
def assign_accounts(
    db: Database, actor: Actor, numbers: Sequence[str], to_login: str
) -> AssignResult:
    """Give the accounts (by customer number) to one collector, with their open items.

    Supervisors only. All or nothing: an unknown account or user writes nothing.
    """
    require_supervisor(actor, "assign accounts")
    return _move_all(db, actor, numbers, to_login, "assign")


@service(SUPERVISORS, "assign accounts")
def assign_by_rule(
    db: Database, actor: Actor, rule: AccountRule, to_login: str, on: date | None = None
) -> AssignResult:
    """Give every account the rule picks to one collector (supervisors only)."""
    require_supervisor(actor, "assign accounts")
    picked = [a.number for a in accounts(db, on or date.today(), rule)]
    if not picked:
        raise InvalidInput("the rule picks no account")
    return _move_all(db, actor, picked, to_login, "rule")


@service(SUPERVISORS, "rebalance books", writes=False)
def rebalance_preview(
    db: Database, actor: Actor, logins: Sequence[str] | None = None, on: date | None = None
) -> RebalancePlan:
    """What a rebalance of these collectors' books (default: every active collector) would
    move, and each book before and after. Nothing is written."""
    require_supervisor(actor, "rebalance books")
    on = on or date.today()
    with db.session() as session:
        users = _collectors(session, logins)
        before = collector_loads(session, on, [u.id for u in users])
        held = account_loads(session, on, [Account.collector_id.in_([u.id for u in users])])
    by_holder: dict[int, list[Parcel]] = defaultdict(list)
    for u in users:
        by_holder[u.id] = []
    index = {a.account_id: a for a in held}
    for a in held:
        assert a.collector_id is not None
        by_holder[a.collector_id].append(Parcel(a.account_id, a.open_balance, a.open_items))
    login = {u.id: u.login for u in users}
    after = dict(before)
    moves = []
    for key, source, target in rebalance(by_holder):
        after[source] = after[source].plus(index[key], -1)
        after[target] = after[target].plus(index[key])
        moves.append(_move(index[key], login[target]))
    ids = [u.id for u in users]
    return RebalancePlan(on, [before[i] for i in ids], [after[i] for i in ids], moves)


def _collectors(session: Session, logins: Sequence[str] | None) -> list[User]:
    if logins:
        return [find_user(session, login) for login in logins]
    query = select(User).where(User.active.is_(True), User.role == "collector")
    users = list(session.scalars(query.order_by(User.login)))
    if len(users) < 2:
        raise InvalidInput("a rebalance needs at least two active collectors")
    return users


@service(SUPERVISORS, "rebalance books")
def apply_rebalance(db: Database, actor: Actor, plan: RebalancePlan) -> AssignResult:
    """Carry out a previewed rebalance, all or nothing.

    Refused with a Conflict when an account in the plan changed collector since the preview
    (so the same plan applied twice, even at once, moves the accounts once).
    """
    require_supervisor(actor, "rebalance books")
    moved: list[Move] = []
    if not plan.moves:  # the books were already even when previewed: nothing to write
        return AssignResult([], [])
    with db.exclusive("assignments") as session:
        accounts_ = find_accounts(session, [m.account_number for m in plan.moves])
        for move, account in zip(plan.moves, accounts_, strict=True):
            holder = session.get(User, account.collector_id) if account.collector_id else None
            current = holder.login if holder else None
            if current != move.from_login:
                raise Conflict(
                    f"account {move.account_number} moved from {move.from_login} to {current} "
                    "since the preview; preview the rebalance again",
                    {"collector": (move.from_login, current)},
                )
            move_account(session, actor, account, find_user(session, move.to_login), "rebalance")
            moved.append(move)
    return AssignResult(moved, [])
