"""The SQL behind the KPIs: every money figure and every count is summed in the database.

A receivable at a date D is rebuilt from history, so past periods can be measured: each
billed pro invoiced on or before D, less the payments, adjustments and credit memos applied
to it with `received_on` on or before D. Cash on account (no pro) is not in the receivable.
The aging bucket is picked in SQL with date comparisons (dialect-neutral) and summed with
GROUP BY: one pass over the pros per date, whatever the size of the book.

A scope is a collector (accounts they hold, issues they own) or the whole team (None).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, case, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from arbench.domain.catalogue import ISSUE_TYPES, Level
from arbench.domain.kpis import AGING_BUCKET_BOUNDS, IssueRecord, Period, Ratio, RequestRecord
from arbench.store.models import Account, DepartmentRequest, Issue, Payment, Pro, Promise
from arbench.store.types import Money

ZERO = Decimal(0)
DISPUTE_TYPES = [code for code, t in ISSUE_TYPES.items() if t.dispute]
SALES_MONTHS = 24  # months of sales walked back for DSO countback


@dataclass(frozen=True)
class Scope:
    """Whose numbers: one collector (user id) or the team (None)."""

    user_id: int | None = None

    def accounts(self) -> list[ColumnElement[bool]]:
        return [] if self.user_id is None else [Account.collector_id == self.user_id]

    def issues(self) -> list[ColumnElement[bool]]:
        return [] if self.user_id is None else [Issue.owner_id == self.user_id]


def _bucket(due: Any, on: date) -> Any:
    """CASE expression: the aging bucket name of an item due on `due`, seen on `on`."""
    whens = []
    for name, _, most in AGING_BUCKET_BOUNDS:
        if most is not None:
            whens.append((due >= on - timedelta(days=most), name))
    return case(*whens, else_=AGING_BUCKET_BOUNDS[-1][0])


def _open_at(on: date) -> tuple[Any, Any]:
    """(open amount expression, payments subquery) for pros at the end of day `on`."""
    paid = (
        select(Payment.pro_id.label("pro_id"), func.sum(Payment.amount).label("paid"))
        .where(Payment.pro_id.is_not(None), Payment.received_on <= on)
        .group_by(Payment.pro_id)
        .subquery()
    )
    return Pro.amount - func.coalesce(paid.c.paid, 0), paid


def aging_totals(
    session: Session, on: date, scope: Scope, by_collector: bool = False
) -> list[tuple[Any, ...]]:
    """(bucket, open amount) pairs at `on`; with by_collector, (collector id, bucket, amount)."""
    open_amount, paid = _open_at(on)
    bucket = _bucket(func.coalesce(Pro.due_date, Pro.invoice_date), on).label("bucket")
    keys: list[Any] = [Account.collector_id, bucket] if by_collector else [bucket]
    rows = session.execute(
        select(*keys, type_coerce(func.sum(open_amount), Money))
        .select_from(Pro)
        .join(Account, Account.id == Pro.account_id)
        .outerjoin(paid, paid.c.pro_id == Pro.id)
        .where(Pro.billing_status == "billed", Pro.invoice_date <= on, *scope.accounts())
        .group_by(*keys)
    ).all()
    return [(*row[:-1], row[-1] or ZERO) for row in rows]


def receivable_at(session: Session, on: date, scope: Scope) -> Decimal:
    """The total receivable at the end of day `on`."""
    return sum((amount for _, amount in aging_totals(session, on, scope)), ZERO)


def sales_between(session: Session, start: date, end: date, scope: Scope) -> Decimal:
    """Credit sales: amounts of billed pros invoiced from `start` to `end` (both included)."""
    total = session.scalar(
        select(type_coerce(func.sum(Pro.amount), Money))
        .join(Account, Account.id == Pro.account_id)
        .where(Pro.billing_status == "billed", Pro.invoice_date.between(start, end))
        .where(*scope.accounts())
    )
    return total or ZERO


def monthly_sales(session: Session, end: date, scope: Scope) -> list[tuple[int, Decimal]]:
    """(days, credit sales) per calendar month, newest first, starting with `end`'s month
    up to `end` (so that month counts `end.day` days); one query, one SUM per month."""
    windows: list[tuple[date, date]] = []
    last = end
    for _ in range(SALES_MONTHS):
        first = last.replace(day=1)
        windows.append((first, last))
        last = first - timedelta(days=1)
    sums = [
        type_coerce(func.sum(case((Pro.invoice_date.between(a, b), Pro.amount), else_=0)), Money)
        for a, b in windows
    ]
    row = session.execute(
        select(*sums)
        .join(Account, Account.id == Pro.account_id)
        .where(Pro.billing_status == "billed", Pro.invoice_date.between(windows[-1][0], end))
        .where(*scope.accounts())
    ).one()
    return [((b - a).days + 1, amount or ZERO) for (a, b), amount in zip(windows, row, strict=True)]


def _in(column: Any, period: Period) -> ColumnElement[bool]:
    return column.between(period.start, period.end)  # type: ignore[no-any-return]


def _count(session: Session, *where: ColumnElement[bool]) -> int:
    return int(session.scalar(select(func.count()).select_from(Issue).where(*where)) or 0)


def promise_counts(session: Session, period: Period, scope: Scope) -> Ratio:
    """Promises kept, out of kept or broken, among those due in the period."""
    kept, settled = session.execute(
        select(
            func.sum(case((Promise.status == "kept", 1), else_=0)),
            func.sum(case((Promise.status.in_(("kept", "broken")), 1), else_=0)),
        )
        .select_from(Promise)
        .join(Issue, Issue.id == Promise.issue_id)
        .where(_in(Promise.due_on, period), *scope.issues())
    ).one()
    return Ratio(int(kept or 0), int(settled or 0))


def issue_ratios(session: Session, period: Period, scope: Scope) -> dict[str, Ratio]:
    """Root-cause-fixed, reopen and recurrence rates, counted in SQL (see domain.kpi_quality)."""
    own = scope.issues()
    resolved = _in(Issue.resolved_on, period)
    reopened = _in(Issue.reopened_on, period)
    n_resolved = _count(session, resolved, *own)
    return {
        "root_cause_fixed_rate": Ratio(
            _count(session, resolved, Issue.root_cause_fixed.is_(True), *own), n_resolved
        ),
        "reopen_rate": Ratio(_count(session, reopened, *own), _count(session, or_(resolved, reopened), *own)),
        "recurrence_rate": Ratio(
            _count(session, Issue.recurrence.is_(True), _in(Issue.opened_on, period), *own),
            n_resolved,
        ),
    }  # fmt: skip


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


def _record(issue: Issue, number: str | None) -> IssueRecord:
    return IssueRecord(
        id=issue.id, level=issue.level, type=issue.type, root_cause=issue.root_cause,
        opened_on=issue.opened_on, resolved_on=issue.resolved_on,
        reopened_on=issue.reopened_on, recurrence=issue.recurrence,
        root_cause_fixed=issue.root_cause_fixed,
        dispute=bool(issue.type in ISSUE_TYPES and ISSUE_TYPES[issue.type].dispute),
        parent_id=issue.parent_id, promoted=issue.promoted,
        resolution_code=issue.resolution_code, account=number,
    )  # fmt: skip


def promotion_records(session: Session, period: Period, scope: Scope) -> list[IssueRecord]:
    """Account-level issues promoted in the period, and the pro issues linked to them."""
    parents = session.execute(
        select(Issue, Account.number)
        .join(Account, Account.id == Issue.account_id)
        .where(Issue.promoted.is_(True), Issue.level == Level.ACCOUNT.value)
        .where(_in(Issue.opened_on, period), *scope.issues())
    ).all()
    records = [_record(issue, number) for issue, number in parents]
    ids = [r.id for r in records]
    for start in range(0, len(ids), 900):
        children = session.scalars(
            select(Issue).where(Issue.parent_id.in_(ids[start : start + 900]))
        )
        records.extend(_record(child, None) for child in children)
    return records


def request_records(session: Session, period: Period, scope: Scope) -> list[RequestRecord]:
    """Department requests that were waiting during the period (not cancelled)."""
    rows = session.execute(
        select(DepartmentRequest.department, DepartmentRequest.created_on, DepartmentRequest.answered_on)
        .select_from(DepartmentRequest)
        .join(Issue, Issue.id == DepartmentRequest.issue_id)
        .where(DepartmentRequest.status != "cancelled", DepartmentRequest.created_on <= period.end)
        .where(or_(DepartmentRequest.answered_on.is_(None), DepartmentRequest.answered_on >= period.start))
        .where(*scope.issues())
    )  # fmt: skip
    return [RequestRecord(dept, created, answered) for dept, created, answered in rows]
