"""What each account and each collector's book holds: accounts, open items, open balance, due
follow-ups. Summed in SQL (GROUP BY), so it stays fast on a book of a million pros.

Used by assignments (rebalance and handover previews) and by the team view.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from sqlalchemy import case, func, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import Subquery

from arbench.domain.catalogue import OPEN_STATUSES
from arbench.store.models import Account, Issue, Pro, User
from arbench.store.types import Money

OPEN = [s.value for s in OPEN_STATUSES]
ZERO = Decimal(0)


@dataclass(frozen=True)
class AccountLoad:
    """One account and the work it carries."""

    account_id: int
    number: str
    name: str
    region: str | None
    collector_id: int | None
    collector: str | None  # the collector's login
    open_items: int
    open_balance: Decimal
    due_follow_ups: int


@dataclass(frozen=True)
class CollectorLoad:
    """One collector's book: accounts, open items, open balance and follow-ups due."""

    login: str
    display_name: str
    accounts: int = 0
    open_items: int = 0
    open_balance: Decimal = ZERO
    due_follow_ups: int = 0

    def plus(self, account: AccountLoad, sign: int = 1) -> CollectorLoad:
        """This load with an account added (sign 1) or taken away (sign -1)."""
        return replace(
            self,
            accounts=self.accounts + sign,
            open_items=self.open_items + sign * account.open_items,
            open_balance=self.open_balance + sign * account.open_balance,
            due_follow_ups=self.due_follow_ups + sign * account.due_follow_ups,
        )


def open_balances() -> Subquery:
    """Subquery: open balance of billed, open pros per account."""
    return (
        select(
            Pro.account_id.label("account_id"),
            type_coerce(func.sum(Pro.open_balance), Money).label("balance"),
        )
        .where(Pro.status == "open", Pro.billing_status == "billed")
        .group_by(Pro.account_id)
        .subquery()
    )


def open_items(on: date) -> Subquery:
    """Subquery: open issues and follow-ups due by `on` per account."""
    return (
        select(
            Issue.account_id.label("account_id"),
            func.count().label("n_items"),
            func.sum(case((Issue.follow_up <= on, 1), else_=0)).label("due"),
        )
        .where(Issue.status.in_(OPEN))
        .group_by(Issue.account_id)
        .subquery()
    )


def account_loads(session: Session, on: date, where: Sequence[object] = ()) -> list[AccountLoad]:
    """Every account matching `where` (conditions on Account) with its load, by number."""
    balances, items = open_balances(), open_items(on)
    rows = session.execute(
        select(
            Account.id,
            Account.number,
            Account.name,
            Account.region,
            Account.collector_id,
            User.login,
            func.coalesce(items.c.n_items, 0),
            balances.c.balance,
            func.coalesce(items.c.due, 0),
        )
        .outerjoin(User, User.id == Account.collector_id)
        .outerjoin(balances, balances.c.account_id == Account.id)
        .outerjoin(items, items.c.account_id == Account.id)
        .where(*where)  # type: ignore[arg-type]
        .order_by(Account.number)
    ).all()
    return [
        AccountLoad(r[0], r[1], r[2], r[3], r[4], r[5], int(r[6]), r[7] or ZERO, int(r[8] or 0))
        for r in rows
    ]


def collector_loads(
    session: Session, on: date, user_ids: Iterable[int] | None = None
) -> dict[int, CollectorLoad]:
    """The load of each active user's book (or of the given users), keyed by user id.

    Summed in SQL per collector: one query over the accounts, grouped by collector.
    """
    balances, items = open_balances(), open_items(on)
    query = select(User.id, User.login, User.display_name).order_by(User.login)
    if user_ids is None:
        query = query.where(User.active.is_(True))
    else:
        query = query.where(User.id.in_(list(user_ids)))
    loads = {uid: CollectorLoad(login, name) for uid, login, name in session.execute(query)}
    totals = session.execute(
        select(
            Account.collector_id,
            func.count(Account.id),
            func.coalesce(func.sum(items.c.n_items), 0),
            type_coerce(func.sum(balances.c.balance), Money),
            func.coalesce(func.sum(items.c.due), 0),
        )
        .outerjoin(balances, balances.c.account_id == Account.id)
        .outerjoin(items, items.c.account_id == Account.id)
        .where(Account.collector_id.in_(list(loads)))
        .group_by(Account.collector_id)
    )
    for uid, accounts, n_items, balance, due in totals:
        loads[uid] = replace(
            loads[uid],
            accounts=int(accounts),
            open_items=int(n_items),
            open_balance=balance or ZERO,
            due_follow_ups=int(due),
        )
    return loads
