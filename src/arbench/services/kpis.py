"""KPIs from the database: the domain arithmetic (domain.kpis) fed by SQL aggregates.

`kpi_report` measures one collector's book (`login`) or the team's (None) for a period;
`kpi_trend` repeats it month by month for the charts; `aging_by_collector` splits the
receivable at a date by collector and bucket. Money is summed in SQL (kpi_queries), so the
cost grows with the number of dates measured, not with row loops in Python. What each
number is computed from is written in docs/supervisor-guide.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from arbench.domain.kpi_financial import CURRENT
from arbench.domain.kpis import (
    AGING_BUCKETS,
    KpiReport,
    Period,
    add,
    aging_from_totals,
    best_possible_dso,
    cei,
    dispute_cycle_days_from_durations,
    dso_countback_detail,
    promotions,
    trend_periods,
    waiting_on_departments,
)
from arbench.services import kpi_queries as q
from arbench.services.base import InvalidInput, NotFound
from arbench.store.db import Database
from arbench.store.models import User

ZERO = Decimal(0)


@dataclass(frozen=True)
class TrendPoint:
    """One month of the trend charts (percentages and days; None where undefined)."""

    period: Period
    receivable: Decimal
    dso: Decimal
    cei: Decimal | None
    add: Decimal | None
    promise_kept_rate: Decimal | None
    root_cause_fixed_rate: Decimal | None
    reopen_rate: Decimal | None
    recurrence_rate: Decimal | None
    dispute_cycle_median_days: Decimal | None


@dataclass(frozen=True)
class CollectorAging:
    """The receivable one collector holds at a date, by aging bucket."""

    login: str | None  # None: accounts nobody holds
    display_name: str
    buckets: dict[str, Decimal]

    @property
    def total(self) -> Decimal:
        return sum(self.buckets.values(), ZERO)


def default_period(end: date | None = None, start: date | None = None) -> Period:
    """The period the CLI and console use when none is given: the three calendar months
    ending on `end` (default today), i.e. from the first day of the month two months back."""
    end = end or date.today()
    if start is None:
        month = end.month - 2
        year = end.year + (month - 1) // 12
        start = date(year, (month - 1) % 12 + 1, 1)
    if start > end:
        raise InvalidInput(f"the period starts ({start}) after it ends ({end})")
    return Period(start, end)


def _scope(session: Session, login: str | None) -> q.Scope:
    if login is None:
        return q.Scope()
    uid = session.scalar(select(User.id).where(User.login == login))
    if uid is None:
        raise NotFound(f"unknown user '{login}'")
    return q.Scope(uid)


def _report(session: Session, period: Period, login: str | None) -> KpiReport:
    scope = _scope(session, login)
    buckets = aging_from_totals(q.aging_totals(session, period.end, scope))
    ending = sum(buckets.values(), ZERO)
    beginning = q.receivable_at(session, period.start - timedelta(days=1), scope)
    sales = q.sales_between(session, period.start, period.end, scope)
    dso = dso_countback_detail(ending, q.monthly_sales(session, period.end, scope))
    best = best_possible_dso(buckets[CURRENT], sales, period.days)
    ratios = q.issue_ratios(session, period, scope)
    return KpiReport(
        period=period,
        user=login,
        aging=buckets,
        dso=dso,
        cei=cei(beginning, sales, ending, buckets[CURRENT]),
        best_possible_dso=best,
        add=None if best is None else add(dso.days, best),
        promise_kept_rate=q.promise_counts(session, period, scope),
        dispute_cycle_days=dispute_cycle_days_from_durations(
            q.dispute_durations(session, period, scope)
        ),
        root_cause_fixed_rate=ratios["root_cause_fixed_rate"],
        reopen_rate=ratios["reopen_rate"],
        recurrence_rate=ratios["recurrence_rate"],
        promotions=promotions(q.promotion_records(session, period, scope), period),
        waiting_on_departments=waiting_on_departments(
            q.request_records(session, period, scope), period
        ),
    )


def kpi_report(db: Database, period: Period, login: str | None = None) -> KpiReport:
    """Every KPI of one collector's book (`login`) or the team's (None) for the period."""
    with db.session() as session:
        return _report(session, period, login)


def kpi_trend(
    db: Database, period: Period, login: str | None = None, step: str = "month"
) -> list[TrendPoint]:
    """The main KPIs for each month (or week, quarter) of the period, oldest first."""
    points = []
    with db.session() as session:
        for part in trend_periods(period.start, period.end, step):
            r = _report(session, part, login)
            points.append(
                TrendPoint(
                    part,
                    sum(r.aging.values(), ZERO),
                    r.dso.days,
                    r.cei,
                    r.add,
                    r.promise_kept_rate.percent,
                    r.root_cause_fixed_rate.percent,
                    r.reopen_rate.percent,
                    r.recurrence_rate.percent,
                    r.dispute_cycle_days.overall.median_days,
                )  # fmt: skip
            )
    return points


def aging_by_collector(db: Database, on: date) -> list[CollectorAging]:
    """The receivable at `on` by collector and aging bucket, by login (unheld accounts last)."""
    with db.session() as session:
        names = {uid: (login, name) for uid, login, name in session.execute(
            select(User.id, User.login, User.display_name))}  # fmt: skip
        rows = q.aging_totals(session, on, q.Scope(), by_collector=True)
    found: dict[int | None, dict[str, Decimal]] = {}
    for collector_id, bucket, amount in rows:
        found.setdefault(collector_id, {b: ZERO for b in AGING_BUCKETS})[bucket] += amount
    result = [
        CollectorAging(*names[uid], buckets) if uid is not None
        else CollectorAging(None, "(no collector)", buckets)
        for uid, buckets in found.items()
    ]  # fmt: skip
    return sorted(result, key=lambda c: (c.login is None, c.login or ""))
