"""The data behind the exports: aging by account and by collector, statements of account.

Read only. Aging uses the buckets of `domain.kpi_financial` (current, 1-30, 31-60, 61-90, 91+
days past due) over open pros' open balances; a pro without a due date ages from its invoice
date. Credits (negative balances) count in their bucket, as on any aging report. The aging is
summed in SQL, one row per account (a million pros stay in the database); the collectors'
totals are added up from the accounts'.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, func, select, type_coerce

from arbench.domain.kpi_financial import (
    AGING_BUCKET_BOUNDS,
    AGING_BUCKETS,
    aging_bucket,
    empty_aging,
)
from arbench.services.base import NotFound
from arbench.store.db import Database
from arbench.store.models import Account, Pro, User
from arbench.store.types import Money

UNASSIGNED = "(unassigned)"
ZERO = Decimal(0)


@dataclass(frozen=True)
class AgingRow:
    key: str  # account number or collector login
    name: str
    collector: str
    buckets: dict[str, Decimal]
    items: int

    @property
    def total(self) -> Decimal:
        return sum(self.buckets.values(), Decimal(0))


@dataclass(frozen=True)
class StatementLine:
    pro: str
    invoice_number: str | None
    bol: str | None
    invoice_date: date | None
    due_date: date | None
    amount: Decimal
    open_balance: Decimal
    days_past_due: int


@dataclass(frozen=True)
class Statement:
    account_number: str
    account_name: str
    address: str
    on: date
    bill_to: tuple[str, ...] = ()  # the customer's address as lines
    lines: list[StatementLine] = field(default_factory=list)
    aging: dict[str, Decimal] = field(default_factory=empty_aging)

    @property
    def total(self) -> Decimal:
        return sum((line.open_balance for line in self.lines), Decimal(0))


def _bucket_sums(on: date) -> list[Any]:
    """SUM(open balance) per aging bucket seen on `on`, as SQL (see the module docstring)."""
    due = func.coalesce(Pro.due_date, Pro.invoice_date, on)
    sums = []
    for _name, least, most in AGING_BUCKET_BOUNDS:
        days = [due <= on - timedelta(days=least)] if least is not None else []
        days += [due >= on - timedelta(days=most)] if most is not None else []
        sums.append(type_coerce(func.sum(case((and_(*days), Pro.open_balance), else_=0)), Money))
    return sums


def aging_by_account(db: Database, on: date, login: str | None = None) -> list[AgingRow]:
    """Open balances by account and bucket (one collector's accounts with `login`).

    Summed in SQL, one row per account: one pass over the open pros, no Python loop over them."""
    pros = select(Pro.account_id, *_bucket_sums(on), func.count()).where(Pro.status == "open")
    if login:
        held = select(Account.id).join(User, User.id == Account.collector_id)
        pros = pros.where(Pro.account_id.in_(held.where(User.login == login)))
    per_account = pros.group_by(Pro.account_id).subquery()
    query = (
        select(Account.number, Account.name, User.login, *list(per_account.c)[1:])
        .join(Account, Account.id == per_account.c.account_id)
        .outerjoin(User, User.id == Account.collector_id)
    )
    with db.session() as session:
        rows = session.execute(query).all()
    result = [
        AgingRow(number, name, collector or UNASSIGNED,
                 dict(zip(AGING_BUCKETS, (a or ZERO for a in amounts), strict=True)), count)
        for number, name, collector, *amounts, count in rows
    ]  # fmt: skip
    result.sort(key=lambda row: row.key)
    return result


def aging_by_collector(
    db: Database, on: date, accounts: list[AgingRow] | None = None
) -> list[AgingRow]:
    """Open balances by collector and bucket (added up from `accounts` when given: the
    whole book's aging_by_account at the same date)."""
    totals: dict[str, dict[str, Decimal]] = defaultdict(empty_aging)
    counts: dict[str, int] = defaultdict(int)
    for row in aging_by_account(db, on) if accounts is None else accounts:
        bucket_totals = totals[row.collector]
        for bucket, amount in row.buckets.items():
            bucket_totals[bucket] += amount
        counts[row.collector] += row.items
    names = _display_names(db)
    return [
        AgingRow(login, names.get(login, login), login, totals[login], counts[login])
        for login in sorted(totals)
    ]


def _display_names(db: Database) -> dict[str, str]:
    with db.session() as session:
        return {
            login: name for login, name in session.execute(select(User.login, User.display_name))
        }


def statement(
    db: Database, account_number: str, on: date, pros: Sequence[str] | None = None
) -> Statement:
    """The open items of one account (or only the given PROs of it), oldest first, with aging."""
    with db.session() as session:
        account = session.scalar(select(Account).where(Account.number == account_number))
        if account is None:
            raise NotFound(f"no account with number '{account_number}'")
        query = select(Pro).where(Pro.account_id == account.id, Pro.status == "open")
        if pros is not None:
            query = query.where(Pro.pro.in_(list(pros)))
            found = set(
                session.scalars(
                    select(Pro.pro).where(Pro.account_id == account.id, Pro.pro.in_(list(pros)))
                )
            )
            missing = [p for p in pros if p not in found]
            if missing:
                raise NotFound(f"account {account_number} has no PRO {', '.join(missing)}")
        rows = session.scalars(query.order_by(Pro.due_date, Pro.pro)).all()
        place = " ".join(p for p in (account.city, account.state, account.postal_code) if p)
        address = ", ".join(p for p in (account.address, place) if p)
        bill_to = tuple(p for p in (account.address, place) if p)
        result = Statement(account.number, account.name, address, on, bill_to)
        for pro in rows:
            due = pro.due_date or pro.invoice_date or on
            result.lines.append(StatementLine(
                pro.pro, pro.invoice_number, pro.bol, pro.invoice_date, pro.due_date,
                pro.amount, pro.open_balance, max(0, (on - due).days),
            ))  # fmt: skip
            result.aging[aging_bucket(due, on)] += pro.open_balance
    return result


__all__ = ["AGING_BUCKETS", "AgingRow", "Statement", "StatementLine", "aging_by_account",
           "aging_by_collector", "statement"]  # fmt: skip
