"""The SQL behind the KPIs: every money figure and every count is summed in the database.

A receivable at a date D is rebuilt from history, so past periods can be measured: each
billed pro invoiced on or before D (due on or before D when the register gave no invoice
date), less the payments, adjustments and credit memos applied to it with `received_on` on or
before D. Cash on account (no pro) is not in the receivable. Every change of a pro's balance is
such a dated row (imports and remittances write them), so at any D this is what the open
balances were: `reports.aging_by_account` reads the same rows.
The database sums amounts and payments per (invoice date, due date) at every date a report
needs (`dated_sums`: one pass over a narrow index of the pros, one over the payments); the
aging buckets, monthly sales and totals are folded from those sums in domain.kpi_receivables.

A scope is a collector (accounts they hold, issues they own) or the whole team (None), and
for money a currency (the accounts kept in it; None: every account, for a one-currency book).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from arbench.domain.catalogue import ISSUE_TYPES, Level
from arbench.domain.kpi_receivables import DatedSums
from arbench.domain.kpis import IssueRecord, Period, Ratio, RequestRecord
from arbench.store.models import Account, DepartmentRequest, Issue, Payment, Pro, Promise
from arbench.store.types import Money

ZERO = Decimal(0)
DISPUTE_TYPES = [code for code, t in ISSUE_TYPES.items() if t.dispute]


def booked_by(day: date) -> ColumnElement[bool]:
    """The pro is in the receivable by `day`: invoiced by then, or (a register gave no invoice
    date) due by then. Written so SQLite still walks ix_pros_billed_dates in (invoice date,
    due date) order: the GROUP BY needs no sort."""
    return or_(Pro.invoice_date <= day, and_(Pro.invoice_date.is_(None), Pro.due_date <= day))


def _booked_rows(
    rows: Sequence[Any],
) -> list[tuple[date, date | None, Any]]:
    """(invoice date or, without one, due date; due date; the rest) of grouped rows."""
    return [(day or due, due, rest) for day, due, *rest in rows if (day or due) is not None]


@dataclass(frozen=True)
class Scope:
    """Whose numbers: one collector (user id) or the team (None); money in one currency (None:
    no filter, for a book kept in one currency)."""

    user_id: int | None = None
    currency: str | None = None

    def pros(self) -> list[ColumnElement[bool]]:
        """The scope's pros: those of the accounts the collector holds (every pro for the team:
        pros.account_id is a non-null foreign key, so no join is needed), in the currency."""
        held = select(Account.id)
        if self.user_id is not None:
            held = held.where(Account.collector_id == self.user_id)
        if self.currency is not None:
            held = held.where(Account.currency == self.currency)
        if self.user_id is None and self.currency is None:
            return []
        return [Pro.account_id.in_(held)]

    def issues(self) -> list[ColumnElement[bool]]:
        return [] if self.user_id is None else [Issue.owner_id == self.user_id]

    def issues_of(self, issue_id: Any) -> list[ColumnElement[bool]]:
        """Rows (promises, requests) whose non-null `issue_id` is one of the scope's issues;
        nothing to check for the team, so no join."""
        if self.user_id is None:
            return []
        return [issue_id.in_(select(Issue.id).where(Issue.owner_id == self.user_id))]


# The whole team's payments drive the join and find their pro by primary key: `+ 0` keeps
# SQLite from walking every billed pro to probe payments by pro_id (1.4 s instead of 0.6 s at
# 1M pros). A collector's few pros are better walked first (by account), the plain join.
TEAM_PAYMENT_TO_PRO = Pro.id == Payment.pro_id + 0


def dated_sums(session: Session, cutoffs: Sequence[date], scope: Scope) -> DatedSums:
    """Billed pros' amounts per (invoice date, due date), and the payments applied to them
    received by each cut-off date, per the same keys: the input of domain.kpi_receivables.

    Two grouped passes over narrow covering indexes (ix_pros_billed_dates over the pros,
    ix_payments_received over the payments), whatever the number of dates measured."""
    cutoffs = sorted(cutoffs)
    billed = (Pro.billing_status == "billed", booked_by(cutoffs[-1]), *scope.pros())
    keys = (Pro.invoice_date, Pro.due_date)
    invoiced = session.execute(
        select(*keys, type_coerce(func.sum(Pro.amount), Money)).where(*billed).group_by(*keys)
    ).all()
    paid_by = [
        _sum(case((Payment.received_on <= day, Payment.amount), else_=0)) for day in cutoffs[:-1]
    ]
    to_pro = TEAM_PAYMENT_TO_PRO if scope.user_id is None else Pro.id == Payment.pro_id
    paid = session.execute(
        select(*keys, *paid_by, _sum(Payment.amount))
        .select_from(Payment)
        .join(Pro, to_pro)
        .where(Payment.received_on <= cutoffs[-1], *billed)
        .group_by(*keys)
    ).all()  # fmt: skip
    return DatedSums(
        cutoffs,
        [(day, due, rest[0] or ZERO) for day, due, rest in _booked_rows(invoiced)],
        [(day, due, [amount or ZERO for amount in rest]) for day, due, rest in _booked_rows(paid)],
    )


def currencies(session: Session) -> list[str]:
    """The currencies the book's accounts are kept in, sorted."""
    return sorted(session.scalars(select(Account.currency).distinct()))


def dated_sums_by_collector(session: Session, on: date) -> dict[tuple[int | None, str], DatedSums]:
    """`dated_sums` at one date for each collector (None: accounts nobody holds) and currency."""
    keys = (Account.collector_id, Account.currency, Pro.invoice_date, Pro.due_date)
    billed = (Pro.billing_status == "billed", booked_by(on))
    invoiced = session.execute(
        select(*keys, type_coerce(func.sum(Pro.amount), Money))
        .join(Account, Account.id == Pro.account_id)
        .where(*billed)
        .group_by(*keys)
    ).all()
    paid = session.execute(
        select(*keys, _sum(Payment.amount))
        .select_from(Payment)
        .join(Pro, TEAM_PAYMENT_TO_PRO)
        .join(Account, Account.id == Pro.account_id)
        .where(Payment.received_on <= on, *billed)
        .group_by(*keys)
    ).all()
    Key = tuple[int | None, str]
    invoiced_by: dict[Key, list[tuple[date, date | None, Decimal]]] = defaultdict(list)
    paid_by: dict[Key, list[tuple[date, date | None, Sequence[Decimal]]]] = defaultdict(list)
    for collector, currency, day, due, amount in invoiced:
        if (booked := day or due) is not None:  # always: booked by `on`
            invoiced_by[(collector, currency)].append((booked, due, amount or ZERO))
    for collector, currency, day, due, amount in paid:
        if (booked := day or due) is not None:
            paid_by[(collector, currency)].append((booked, due, [amount or ZERO]))
    return {
        key: DatedSums([on], invoiced_by.get(key, []), paid_by.get(key, []))
        for key in invoiced_by.keys() | paid_by.keys()
    }


def _sum(value: Any) -> Any:
    return type_coerce(func.sum(value), Money)


def _in(column: Any, period: Period) -> ColumnElement[bool]:
    return column.between(period.start, period.end)  # type: ignore[no-any-return]


def _how_many(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def promise_counts(session: Session, period: Period, scope: Scope) -> Ratio:
    """Promises kept, out of kept or broken, among those due in the period."""
    kept, settled = session.execute(
        select(
            func.sum(case((Promise.status == "kept", 1), else_=0)),
            func.sum(case((Promise.status.in_(("kept", "broken")), 1), else_=0)),
        )
        .select_from(Promise)
        .where(_in(Promise.due_on, period), *scope.issues_of(Promise.issue_id))
    ).one()
    return Ratio(int(kept or 0), int(settled or 0))


def issue_ratios(session: Session, period: Period, scope: Scope) -> dict[str, Ratio]:
    """Root-cause-fixed, reopen and recurrence rates, counted in SQL (see domain.kpi_quality):
    five counts in one pass over the issues resolved, reopened or opened in the period."""
    resolved = _in(Issue.resolved_on, period)
    reopened = _in(Issue.reopened_on, period)
    opened = _in(Issue.opened_on, period)
    n_resolved, fixed, n_reopened, resolved_or_reopened, recurrences = session.execute(
        select(
            _how_many(resolved),
            _how_many(and_(resolved, Issue.root_cause_fixed.is_(True))),
            _how_many(reopened),
            _how_many(or_(resolved, reopened)),
            _how_many(and_(Issue.recurrence.is_(True), opened)),
        ).where(or_(resolved, reopened, opened), *scope.issues())
    ).one()
    return {
        "root_cause_fixed_rate": Ratio(int(fixed), int(n_resolved)),
        "reopen_rate": Ratio(int(n_reopened), int(resolved_or_reopened)),
        "recurrence_rate": Ratio(int(recurrences), int(n_resolved)),
    }


def dispute_durations(
    session: Session, period: Period, scope: Scope
) -> list[tuple[str | None, int]]:
    """(root cause, days opened to resolved) of disputes resolved in the period."""
    rows = session.execute(
        select(Issue.root_cause, Issue.opened_on, Issue.resolved_on).where(
            Issue.type.in_(DISPUTE_TYPES), _in(Issue.resolved_on, period), *scope.issues()
        )
    )
    return [(cause, (resolved - opened).days) for cause, opened, resolved in rows if resolved]


def _record(issue: Any, number: str | None) -> IssueRecord:
    """The record of an issue: an ORM Issue or a row of ISSUE_COLUMNS."""
    return IssueRecord(
        id=issue.id, level=issue.level, type=issue.type, root_cause=issue.root_cause,
        opened_on=issue.opened_on, resolved_on=issue.resolved_on,
        reopened_on=issue.reopened_on, recurrence=issue.recurrence,
        root_cause_fixed=issue.root_cause_fixed,
        dispute=bool(issue.type in ISSUE_TYPES and ISSUE_TYPES[issue.type].dispute),
        parent_id=issue.parent_id, promoted=issue.promoted,
        resolution_code=issue.resolution_code, account=number,
    )  # fmt: skip


ISSUE_COLUMNS = (
    Issue.id, Issue.level, Issue.type, Issue.root_cause, Issue.opened_on, Issue.resolved_on,
    Issue.reopened_on, Issue.recurrence, Issue.root_cause_fixed, Issue.parent_id, Issue.promoted,
    Issue.resolution_code,
)  # fmt: skip


def promotion_records(session: Session, period: Period, scope: Scope) -> list[IssueRecord]:
    """Account-level issues promoted in the period, and the pro issues linked to them (plain
    rows, no ORM objects: a year at 1M pros links thousands of pros)."""
    parents = session.execute(
        select(*ISSUE_COLUMNS, Account.number)
        .join(Account, Account.id == Issue.account_id)
        .where(Issue.promoted.is_(True), Issue.level == Level.ACCOUNT.value)
        .where(_in(Issue.opened_on, period), *scope.issues())
    ).all()
    records = [_record(row, row.number) for row in parents]
    ids = [r.id for r in records]
    for start in range(0, len(ids), 900):
        children = session.execute(
            select(*ISSUE_COLUMNS).where(Issue.parent_id.in_(ids[start : start + 900]))
        )
        records.extend(_record(child, None) for child in children)
    return records


def request_records(session: Session, period: Period, scope: Scope) -> list[RequestRecord]:
    """Department requests that were waiting during the period (not cancelled)."""
    rows = session.execute(
        select(DepartmentRequest.department, DepartmentRequest.created_on, DepartmentRequest.answered_on)
        .select_from(DepartmentRequest)
        .where(DepartmentRequest.status != "cancelled", DepartmentRequest.created_on <= period.end)
        .where(or_(DepartmentRequest.answered_on.is_(None), DepartmentRequest.answered_on >= period.start))
        .where(*scope.issues_of(DepartmentRequest.issue_id))
    )  # fmt: skip
    return [RequestRecord(dept, created, answered) for dept, created, answered in rows]
