"""The data behind the exports: aging by account and by collector, statements of account.

Read only. Aging uses the buckets of `domain.kpi_financial` (current, 1-30, 31-60, 61-90, 91+
days past due) over what each billed pro was owed at the end of the as-of day: its amount less
the payments and adjustments received by then (the history the KPIs read, so an aging of any
past day equals the KPIs' aging of that day, and today's equals the open balances). A pro
enters on its invoice date (its due date when it has none) and without a due date ages from
its invoice date. Credits (negative balances) count in their bucket, as on any aging report.
Each account is in its own currency; the collectors' totals are added per currency, never
across. The aging is summed in SQL, one row per account (a million pros stay in the database).
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
from arbench.services.reporting.kpi_queries import booked_by
from arbench.store.db import Database
from arbench.store.models import Account, Payment, Pro, User
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
    currency: str = "USD"

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


def _owed_on(on: date) -> Any:
    """Per billed pro in the book by `on`: account, due date, invoice date and what was owed at
    the end of `on` (its amount less what was received by then), as a subquery."""
    paid = (
        select(Payment.pro_id, func.sum(Payment.amount).label("paid"))
        .where(Payment.pro_id.is_not(None), Payment.received_on <= on)
        .group_by(Payment.pro_id)
        .subquery()
    )
    owed = Pro.amount - func.coalesce(paid.c.paid, 0)
    return (
        select(Pro.account_id, Pro.due_date, Pro.invoice_date, owed.label("owed"))
        .outerjoin(paid, paid.c.pro_id == Pro.id)
        .where(Pro.billing_status == "billed", booked_by(on))
        .subquery()
    )


def _bucket_sums(on: date, owed: Any) -> list[Any]:
    """SUM(owed) per aging bucket seen on `on`, as SQL (see the module docstring)."""
    due = func.coalesce(owed.c.due_date, owed.c.invoice_date, on)
    sums = []
    for _name, least, most in AGING_BUCKET_BOUNDS:
        days = [due <= on - timedelta(days=least)] if least is not None else []
        days += [due >= on - timedelta(days=most)] if most is not None else []
        sums.append(type_coerce(func.sum(case((and_(*days), owed.c.owed), else_=0)), Money))
    return sums


def aging_by_account(db: Database, on: date, login: str | None = None) -> list[AgingRow]:
    """What each account owed at the end of `on`, by bucket (one collector's accounts with
    `login`): accounts with at least one pro not settled then.

    Summed in SQL, one row per account: one pass over the pros and one over the payments."""
    owed = _owed_on(on)
    items = func.sum(case((owed.c.owed != 0, 1), else_=0))
    pros = select(owed.c.account_id, *_bucket_sums(on, owed), items.label("items"))
    if login:
        held = select(Account.id).join(User, User.id == Account.collector_id)
        pros = pros.where(owed.c.account_id.in_(held.where(User.login == login)))
    per_account = pros.group_by(owed.c.account_id).having(items > 0).subquery()
    query = (
        select(Account.number, Account.name, User.login, Account.currency,
               *list(per_account.c)[1:])
        .join(Account, Account.id == per_account.c.account_id)
        .outerjoin(User, User.id == Account.collector_id)
    )  # fmt: skip
    with db.session() as session:
        rows = session.execute(query).all()
    result = [
        AgingRow(number, name, collector or UNASSIGNED,
                 dict(zip(AGING_BUCKETS, (a or ZERO for a in amounts), strict=True)), count,
                 currency)
        for number, name, collector, currency, *amounts, count in rows
    ]  # fmt: skip
    result.sort(key=lambda row: row.key)
    return result


def aging_by_collector(
    db: Database, on: date, accounts: list[AgingRow] | None = None
) -> list[AgingRow]:
    """Owed at the end of `on` by collector, currency and bucket (added up from `accounts`
    when given: the whole book's aging_by_account at the same date)."""
    totals: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(empty_aging)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for row in aging_by_account(db, on) if accounts is None else accounts:
        key = (row.collector, row.currency)
        bucket_totals = totals[key]
        for bucket, amount in row.buckets.items():
            bucket_totals[bucket] += amount
        counts[key] += row.items
    names = _display_names(db)
    return [
        AgingRow(login, names.get(login, login), login, totals[(login, currency)],
                 counts[(login, currency)], currency)
        for login, currency in sorted(totals)
    ]  # fmt: skip


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
