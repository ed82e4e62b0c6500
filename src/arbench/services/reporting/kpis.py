"""KPIs from the database: the domain arithmetic (domain.kpis) fed by SQL aggregates.

`kpi_report` measures one collector's book (`login`) or the team's (None) for a period;
`kpi_trend` repeats it month by month for the charts; `aging_by_collector` splits the
receivable at a date by collector and bucket. A book with accounts in several currencies has
its money figures (aging, DSO, CEI, ADD) measured per currency, never added: the report's own
are those of the team's currency (setting company_currency) and `by_currency` has each. Money is summed in SQL per (invoice date, due
date) at every date the report needs (kpi_queries.dated_sums: one pass over the pros, one
over the payments, even for a trend) and folded in domain.kpi_receivables; no row loops over
pros in Python. What each number is computed from is written in docs/supervisor-guide.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from arbench.domain.kpi_receivables import DatedSums, cutoffs_for, receivable_at, snapshot
from arbench.domain.kpis import (
    KpiReport,
    MoneyFigures,
    Period,
    dispute_cycle_days_from_durations,
    money_figures,
    promotions,
    trend_periods,
    waiting_on_departments,
)
from arbench.io.pacing import Pacer
from arbench.services.base import Actor, InvalidInput, NotFound
from arbench.services.permissions import ANYONE, service
from arbench.services.reporting import kpi_queries as q
from arbench.services.settings import read_settings
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
    currency: str = "USD"

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


def _scope(session: Session, login: str | None, currency: str | None = None) -> q.Scope:
    if login is None:
        return q.Scope(currency=currency)
    uid = session.scalar(select(User.id).where(User.login == login))
    if uid is None:
        raise NotFound(f"unknown user '{login}'")
    return q.Scope(uid, currency)


def _currencies(session: Session) -> tuple[str, list[str]]:
    """The team's currency (the one the report leads with) and the book's currencies; a book
    in one currency needs no filter by currency."""
    found = q.currencies(session)
    home = read_settings(session).company_currency
    main = home if home in found or not found else found[0]
    return main, found


def _report(
    session: Session, period: Period, login: str | None, sums: DatedSums | None = None
) -> KpiReport:
    """The report of one period; `sums` (from q.dated_sums, of the scope's one currency or of
    the team's currency) may cover several periods.

    Off the GUI thread, `Pacer` lets the window run between the queries (their first
    compilation in a process is ~60 ms of pure Python that otherwise froze the window)."""
    pace = Pacer().pause
    main, found = _currencies(session)
    several = len(found) > 1
    figures = []
    for currency in found if several else [main]:
        scope = _scope(session, login, currency if several else None)
        given = sums if currency == main else None
        figures.append(_money(session, period, scope, currency, given))
        pace()
    money = next(f for f in figures if f.currency == main)
    scope = _scope(session, login)
    ratios = q.issue_ratios(session, period, scope)
    pace()
    kept = q.promise_counts(session, period, scope)
    pace()
    disputes = dispute_cycle_days_from_durations(q.dispute_durations(session, period, scope))
    pace()
    promoted = promotions(q.promotion_records(session, period, scope), period)
    pace()
    waits = waiting_on_departments(q.request_records(session, period, scope), period)
    return KpiReport(
        period=period,
        user=login,
        aging=money.aging,
        dso=money.dso,
        cei=money.cei,
        best_possible_dso=money.best_possible_dso,
        add=money.add,
        promise_kept_rate=kept,
        dispute_cycle_days=disputes,
        root_cause_fixed_rate=ratios["root_cause_fixed_rate"],
        reopen_rate=ratios["reopen_rate"],
        recurrence_rate=ratios["recurrence_rate"],
        promotions=promoted,
        waiting_on_departments=waits,
        currency=main,
        by_currency=tuple(figures) if several else (),
    )


def _money(
    session: Session, period: Period, scope: q.Scope, currency: str, sums: DatedSums | None
) -> MoneyFigures:
    """The money figures of the scope's receivable (kept in `currency`)."""
    if sums is None:
        sums = q.dated_sums(session, cutoffs_for([period]), scope)
    return money_figures(currency, snapshot(sums, period), period)


@service(ANYONE, "see the KPIs", writes=False)
def kpi_report(
    db: Database, period: Period, login: str | None = None, *, actor: Actor | None = None
) -> KpiReport:
    """Every KPI of one collector's book (`login`) or the team's (None) for the period."""
    with db.session() as session:
        return _report(session, period, login)


def kpi_trend(
    db: Database, period: Period, login: str | None = None, step: str = "month"
) -> list[TrendPoint]:
    """The main KPIs for each month (or week, quarter) of the period, oldest first."""
    points = []
    parts = trend_periods(period.start, period.end, step)
    with db.session() as session:
        main, found = _currencies(session)
        scope = _scope(session, login, main if len(found) > 1 else None)
        sums = q.dated_sums(session, cutoffs_for(parts), scope)
        for part in parts:
            r = _report(session, part, login, sums)
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
    """The receivable at `on` by collector, currency and aging bucket, by login (unheld
    accounts last)."""
    with db.session() as session:
        names = {uid: (login, name) for uid, login, name in session.execute(
            select(User.id, User.login, User.display_name))}  # fmt: skip
        sums = q.dated_sums_by_collector(session, on)
    result = [
        CollectorAging(*names[uid], receivable_at(s, on), currency) if uid is not None
        else CollectorAging(None, "(no collector)", receivable_at(s, on), currency)
        for (uid, currency), s in sums.items()
    ]  # fmt: skip
    return sorted(result, key=lambda c: (c.login is None, c.login or "", c.currency))
