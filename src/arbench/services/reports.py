"""The data behind the exports: aging by account and by collector, statements of account.

Read only. Aging uses `domain.kpi_financial.aging_bucket` (current, 1-30, 31-60, 61-90, 91+
days past due) over open pros; a pro without a due date ages from its invoice date. Credits
(negative balances) count in their bucket, as on any aging report.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from arbench.domain.kpi_financial import AGING_BUCKETS, aging_bucket, empty_aging
from arbench.services.base import NotFound
from arbench.store.db import Database
from arbench.store.models import Account, Pro, User

UNASSIGNED = "(unassigned)"


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
    lines: list[StatementLine] = field(default_factory=list)
    aging: dict[str, Decimal] = field(default_factory=empty_aging)

    @property
    def total(self) -> Decimal:
        return sum((line.open_balance for line in self.lines), Decimal(0))


def _open_pros(
    db: Database, login: str | None
) -> Iterator[tuple[str, str, str, date | None, Decimal]]:
    query = (
        select(Account.number, Account.name, User.login, Pro.due_date, Pro.invoice_date,
               Pro.open_balance)
        .join(Account, Account.id == Pro.account_id)
        .outerjoin(User, User.id == Account.collector_id)
        .where(Pro.status == "open")
    )  # fmt: skip
    if login:
        query = query.where(User.login == login)
    with db.session() as session:
        for number, name, collector, due, invoiced, balance in session.execute(query):
            yield number, name, collector or UNASSIGNED, due or invoiced, balance


def aging_by_account(db: Database, on: date, login: str | None = None) -> list[AgingRow]:
    """Open balances by account and bucket (one collector's accounts with `login`)."""
    rows: dict[str, tuple[str, str, dict[str, Decimal], list[int]]] = {}
    for number, name, collector, due, balance in _open_pros(db, login):
        entry = rows.setdefault(number, (name, collector, empty_aging(), [0]))
        entry[2][aging_bucket(due or on, on)] += balance
        entry[3][0] += 1
    return [
        AgingRow(number, name, collector, buckets, count[0])
        for number, (name, collector, buckets, count) in sorted(rows.items())
    ]


def aging_by_collector(db: Database, on: date) -> list[AgingRow]:
    """Open balances by collector and bucket."""
    totals: dict[str, dict[str, Decimal]] = defaultdict(empty_aging)
    counts: dict[str, int] = defaultdict(int)
    for _, _, collector, due, balance in _open_pros(db, None):
        totals[collector][aging_bucket(due or on, on)] += balance
        counts[collector] += 1
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


def statement(db: Database, account_number: str, on: date) -> Statement:
    """The open items of one account, oldest first, with its aging."""
    with db.session() as session:
        account = session.scalar(select(Account).where(Account.number == account_number))
        if account is None:
            raise NotFound(f"no account with number '{account_number}'")
        pros = session.scalars(
            select(Pro).where(Pro.account_id == account.id, Pro.status == "open")
            .order_by(Pro.due_date, Pro.pro)
        ).all()  # fmt: skip
        place = " ".join(p for p in (account.city, account.state, account.postal_code) if p)
        address = ", ".join(p for p in (account.address, place) if p)
        result = Statement(account.number, account.name, address, on)
        for pro in pros:
            due = pro.due_date or pro.invoice_date or on
            result.lines.append(StatementLine(
                pro.pro, pro.invoice_number, pro.bol, pro.invoice_date, pro.due_date,
                pro.amount, pro.open_balance, max(0, (on - due).days),
            ))  # fmt: skip
            result.aging[aging_bucket(due, on)] += pro.open_balance
    return result


__all__ = ["AGING_BUCKETS", "AgingRow", "Statement", "StatementLine", "aging_by_account",
           "aging_by_collector", "statement"]  # fmt: skip
