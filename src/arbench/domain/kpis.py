"""The KPI report of one collector's book, or the team's, for one period (issue #5).

`compute_report` bundles the financial measures (kpi_financial: aging, DSO by countback,
CEI, ADD) and the resolution-quality measures (kpi_quality) into a `KpiReport`, whose
`to_json_dict` is the contract of the `arbench kpis` command. The measures themselves are
re-exported here, so `arbench.domain.kpis` is the one module callers import.

The services layer feeds this module plain records and pre-summed money: the aging of up to
a million pros arrives as five bucket totals (see `aging_from_totals`), monthly sales as one
total per month. Nothing is rounded until `to_json_dict`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from arbench.domain.kpi_financial import (
    AGING_BUCKET_BOUNDS,
    AGING_BUCKETS,
    CURRENT,
    Countback,
    Period,
    add,
    aging,
    aging_bucket,
    aging_from_totals,
    best_possible_dso,
    cei,
    dso_countback,
    dso_countback_detail,
    month_lengths_back,
    trend_periods,
)
from arbench.domain.kpi_quality import (
    CycleStats,
    DepartmentWait,
    DisputeCycleTimes,
    IssueRecord,
    PromiseRecord,
    Promotion,
    Promotions,
    Ratio,
    RequestRecord,
    dispute_cycle_days,
    dispute_cycle_days_from_durations,
    promise_kept_rate,
    promotions,
    recurrence_rate,
    reopen_rate,
    root_cause_fixed_rate,
    waiting_on_departments,
)

__all__ = [
    "AGING_BUCKETS",
    "AGING_BUCKET_BOUNDS",
    "Countback",
    "CycleStats",
    "DepartmentWait",
    "DisputeCycleTimes",
    "IssueRecord",
    "KpiReport",
    "MoneyFigures",
    "Period",
    "PromiseRecord",
    "Promotion",
    "Promotions",
    "Ratio",
    "ReceivablesSnapshot",
    "RequestRecord",
    "add",
    "aging",
    "aging_bucket",
    "aging_from_totals",
    "best_possible_dso",
    "cei",
    "compute_report",
    "dispute_cycle_days",
    "dispute_cycle_days_from_durations",
    "dso_countback",
    "dso_countback_detail",
    "money_figures",
    "month_lengths_back",
    "promise_kept_rate",
    "promotions",
    "recurrence_rate",
    "reopen_rate",
    "root_cause_fixed_rate",
    "trend_periods",
    "waiting_on_departments",
]

CENT = Decimal("0.01")


@dataclass(frozen=True)
class ReceivablesSnapshot:
    """The money side of one book for one period, already summed by the caller.

    aging: the receivable at the end of the period by bucket (any subset of AGING_BUCKETS;
    missing buckets are zero); its sum is the ending total receivable and its "current"
    bucket the ending current receivable. beginning_receivables: the total receivable at the
    start of the period. credit_sales: credit sales invoiced in the period. monthly_sales:
    (days in month, credit sales) newest first, starting with the period's last month, for
    DSO countback; pass enough months to cover the receivable (a year is usually plenty).
    """

    aging: Mapping[str, Decimal]
    beginning_receivables: Decimal
    credit_sales: Decimal
    monthly_sales: Sequence[tuple[int, Decimal]]


@dataclass(frozen=True)
class MoneyFigures:
    """The money measures of one currency's receivable (a book never adds two currencies)."""

    currency: str
    aging: dict[str, Decimal]
    dso: Countback
    cei: Decimal | None
    best_possible_dso: Decimal | None
    add: Decimal | None

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "aging": {bucket: _number(amount) for bucket, amount in self.aging.items()},
            "dso": {
                "days": _number(self.dso.days),
                "receivable_covered": self.dso.receivable_covered,
            },
            "cei": _number(self.cei),
            "add": {
                "days": _number(self.add),
                "best_possible_dso": _number(self.best_possible_dso),
            },
        }


def money_figures(currency: str, receivables: ReceivablesSnapshot, period: Period) -> MoneyFigures:
    """Aging, countback DSO, CEI and ADD of one receivable for one period.

    Best possible DSO uses the period's credit sales over the period's days (both dates
    counted); ADD is the countback DSO minus it, None when there were no credit sales."""
    buckets = aging_from_totals(receivables.aging.items())
    ending_total = sum(buckets.values(), Decimal(0))
    dso = dso_countback_detail(ending_total, receivables.monthly_sales)
    best = best_possible_dso(buckets[CURRENT], receivables.credit_sales, period.days)
    return MoneyFigures(
        currency=currency,
        aging=buckets,
        dso=dso,
        cei=cei(receivables.beginning_receivables, receivables.credit_sales, ending_total,
                buckets[CURRENT]),
        best_possible_dso=best,
        add=None if best is None else add(dso.days, best),
    )  # fmt: skip


@dataclass(frozen=True)
class KpiReport:
    """Every measure for one collector (`user` is the login) or the team (`user` None)."""

    period: Period
    user: str | None
    aging: dict[str, Decimal]
    dso: Countback
    cei: Decimal | None
    best_possible_dso: Decimal | None
    add: Decimal | None
    promise_kept_rate: Ratio
    dispute_cycle_days: DisputeCycleTimes
    root_cause_fixed_rate: Ratio
    reopen_rate: Ratio
    recurrence_rate: Ratio
    promotions: Promotions
    waiting_on_departments: dict[str, DepartmentWait]
    currency: str = "USD"  # the currency of the money figures above
    by_currency: tuple[MoneyFigures, ...] = ()  # every currency's, when the book has several

    def to_json_dict(self) -> dict[str, Any]:
        """JSON-ready values: Decimal to float rounded to 2 places (half up), dates to ISO.

        Top-level keys, in this order: aging, dso, cei, add, promise_kept_rate,
        dispute_cycle_days, root_cause_fixed_rate, reopen_rate, recurrence_rate, promotions,
        waiting_on_departments, period, user, currency, by_currency. Rates are percentages
        with their counts. The money keys (aging, dso, cei, add) are those of `currency`;
        `by_currency` has them for every currency of the book (never added together).
        """
        own = MoneyFigures(self.currency, self.aging, self.dso, self.cei,
                           self.best_possible_dso, self.add)  # fmt: skip
        figures = self.by_currency or (own,)
        return {
            "aging": {bucket: _number(amount) for bucket, amount in self.aging.items()},
            "dso": {
                "days": _number(self.dso.days),
                "receivable_covered": self.dso.receivable_covered,
            },
            "cei": _number(self.cei),
            "add": {
                "days": _number(self.add),
                "best_possible_dso": _number(self.best_possible_dso),
            },
            "promise_kept_rate": _ratio(self.promise_kept_rate),
            "dispute_cycle_days": {
                "overall": _cycle(self.dispute_cycle_days.overall),
                "by_root_cause": {
                    cause: _cycle(stats)
                    for cause, stats in self.dispute_cycle_days.by_root_cause.items()
                },
            },
            "root_cause_fixed_rate": _ratio(self.root_cause_fixed_rate),
            "reopen_rate": _ratio(self.reopen_rate),
            "recurrence_rate": _ratio(self.recurrence_rate),
            "promotions": _promotions(self.promotions),
            "waiting_on_departments": {
                department: _wait(wait) for department, wait in self.waiting_on_departments.items()
            },
            "period": {"from": self.period.start.isoformat(), "to": self.period.end.isoformat()},
            "user": self.user,
            "currency": self.currency,
            "by_currency": {f.currency: f.to_json_dict() for f in figures},
        }


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value.quantize(CENT, rounding=ROUND_HALF_UP))


def _date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _ratio(ratio: Ratio) -> dict[str, Any]:
    return {"percent": _number(ratio.percent), "count": ratio.count, "out_of": ratio.out_of}


def _cycle(stats: CycleStats) -> dict[str, Any]:
    return {
        "count": stats.count,
        "mean_days": _number(stats.mean_days),
        "median_days": _number(stats.median_days),
    }


def _promotions(found: Promotions) -> dict[str, Any]:
    return {
        "count": found.count,
        "pros_retired": found.pros_retired,
        "issues": [
            {
                "issue_id": item.issue_id,
                "account": item.account,
                "type": item.type,
                "opened_on": _date(item.opened_on),
                "resolved_on": _date(item.resolved_on),
                "linked_pros": item.linked_pros,
                "pros_retired": item.pros_retired,
            }
            for item in found.items
        ],
    }


def _wait(wait: DepartmentWait) -> dict[str, Any]:
    return {
        "requests": wait.requests,
        "still_open": wait.still_open,
        "total_days": wait.total_days,
        "mean_days": _number(wait.mean_days),
    }


def compute_report(
    period: Period,
    *,
    user: str | None,
    receivables: ReceivablesSnapshot,
    promises: Sequence[PromiseRecord] = (),
    issues: Sequence[IssueRecord] = (),
    requests: Sequence[RequestRecord] = (),
) -> KpiReport:
    """Every KPI of one book for one period, from plain records and pre-summed money.

    Best possible DSO uses the period's credit sales over the period's days (both dates
    counted); ADD is the countback DSO minus it, None when there were no credit sales. When
    the monthly sales did not cover the receivable, DSO and ADD are lower bounds and
    `dso.receivable_covered` is False.
    """
    money = money_figures("USD", receivables, period)
    return KpiReport(
        period=period,
        user=user,
        aging=money.aging,
        dso=money.dso,
        cei=money.cei,
        best_possible_dso=money.best_possible_dso,
        add=money.add,
        promise_kept_rate=promise_kept_rate(promises, period),
        dispute_cycle_days=dispute_cycle_days(issues, period),
        root_cause_fixed_rate=root_cause_fixed_rate(issues, period),
        reopen_rate=reopen_rate(issues, period),
        recurrence_rate=recurrence_rate(issues, period),
        promotions=promotions(issues, period),
        waiting_on_departments=waiting_on_departments(requests, period),
    )
