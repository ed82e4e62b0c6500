"""KPI arithmetic against a small hand-worked book (issue #5).

Every expected number below is worked out by hand in the comments; the code is only asked to
agree. The period is March 2024 (a leap year: February has 29 days), as of 2024-03-31.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arbench.domain.kpis import (
    AGING_BUCKETS,
    IssueRecord,
    Period,
    PromiseRecord,
    ReceivablesSnapshot,
    RequestRecord,
    add,
    aging,
    aging_bucket,
    aging_from_totals,
    best_possible_dso,
    cei,
    compute_report,
    dispute_cycle_days,
    dso_countback,
    dso_countback_detail,
    month_lengths_back,
    promise_kept_rate,
    promotions,
    recurrence_rate,
    reopen_rate,
    root_cause_fixed_rate,
    trend_periods,
    waiting_on_departments,
)

D = Decimal
MARCH = Period(date(2024, 3, 1), date(2024, 3, 31))
AS_OF = MARCH.end


def cents(value: Decimal | None) -> Decimal:
    assert value is not None
    return value.quantize(D("0.01"))


# ---------------------------------------------------------------------------- aging

# (due date, open amount) -> days past due on 2024-03-31 -> bucket
AGING_ITEMS = [
    (date(2024, 4, 10), D("1000.00")),  # not yet due                      -> current
    (date(2024, 3, 31), D("500.00")),  # due today, 0 days                -> current
    (date(2024, 3, 30), D("200.00")),  # 1 day                            -> 1-30
    (date(2024, 3, 1), D("300.00")),  # 30 days                           -> 1-30
    (date(2024, 2, 29), D("400.00")),  # 31 days (29 Feb -> 31 Mar)       -> 31-60
    (date(2024, 1, 31), D("250.00")),  # 29 + 31 = 60 days                -> 31-60
    (date(2024, 2, 15), D("-50.00")),  # credit memo, 14 + 31 = 45 days   -> 31-60
    (date(2024, 1, 30), D("150.00")),  # 61 days                          -> 61-90
    (date(2024, 1, 1), D("100.00")),  # 30 + 29 + 31 = 90 days            -> 61-90
    (date(2023, 12, 31), D("75.00")),  # 91 days                          -> 91+
]
# current 1000 + 500 = 1500; 1-30 200 + 300 = 500; 31-60 400 + 250 - 50 = 600;
# 61-90 150 + 100 = 250; 91+ 75. Total 2925.
EXPECTED_AGING = {
    "current": D("1500.00"),
    "1-30": D("500.00"),
    "31-60": D("600.00"),
    "61-90": D("250.00"),
    "91+": D("75.00"),
}


@pytest.mark.parametrize(
    ("due", "bucket"),
    [
        (date(2024, 4, 30), "current"),
        (date(2024, 3, 31), "current"),
        (date(2024, 3, 30), "1-30"),
        (date(2024, 3, 1), "1-30"),
        (date(2024, 2, 29), "31-60"),
        (date(2024, 1, 31), "31-60"),
        (date(2024, 1, 30), "61-90"),
        (date(2024, 1, 1), "61-90"),
        (date(2023, 12, 31), "91+"),
        (date(2020, 1, 1), "91+"),
    ],
)
def test_aging_bucket_boundaries(due: date, bucket: str) -> None:
    assert aging_bucket(due, AS_OF) == bucket


def test_aging_of_the_book_includes_credits() -> None:
    result = aging(AGING_ITEMS, AS_OF)
    assert result == EXPECTED_AGING
    assert list(result) == list(AGING_BUCKETS)


def test_aging_of_nothing_has_all_five_buckets_at_zero() -> None:
    assert aging([], AS_OF) == dict.fromkeys(AGING_BUCKETS, D(0))


def test_aging_from_sql_totals_adds_repeats_and_fills_missing_buckets() -> None:
    result = aging_from_totals([("1-30", D("10.00")), ("91+", D("5.00")), ("1-30", D("2.50"))])
    assert result == {"current": 0, "1-30": D("12.50"), "31-60": 0, "61-90": 0, "91+": D("5.00")}
    with pytest.raises(ValueError, match="unknown aging bucket '120\\+'"):
        aging_from_totals([("120+", D(1))])


money = st.decimals(min_value=-10_000, max_value=10_000, places=2)
due_dates = st.dates(min_value=date(2022, 1, 1), max_value=date(2025, 1, 1))


@given(st.lists(st.tuples(due_dates, money), max_size=40))
def test_aging_buckets_sum_to_the_open_total(items: list[tuple[date, Decimal]]) -> None:
    result = aging(items, AS_OF)
    assert sum(result.values()) == sum((amount for _, amount in items), D(0))
    for bucket in AGING_BUCKETS:
        in_bucket = [amount for due, amount in items if aging_bucket(due, AS_OF) == bucket]
        assert result[bucket] == sum(in_bucket, D(0))


# ---------------------------------------------------------------------------- DSO

# Newest first: March 2024 (31 days), February (29), January (31).
THREE_MONTHS = [(31, D("120000.00")), (29, D("100000.00")), (31, D("90000.00"))]


def test_dso_countback_over_three_months() -> None:
    # Receivable 250,000. March's 120,000 is consumed: 130,000 left, 31 days.
    # February's 100,000 is consumed: 30,000 left, 31 + 29 = 60 days.
    # January covers the rest: 31 x 30,000 / 90,000 = 10.333... days.
    # DSO = 60 + 10.333... = 70.333... = 211/3.
    result = dso_countback_detail(D("250000.00"), THREE_MONTHS)
    assert result.receivable_covered
    assert cents(result.days) == D("70.33")
    assert cents(result.days * 3) == D("211.00")


def test_dso_countback_exactly_covered_by_two_months_counts_them_in_full() -> None:
    # 220,000 = 120,000 + 100,000: 31 + 29 x 100,000 / 100,000 = 60 days.
    assert dso_countback(D("220000.00"), THREE_MONTHS) == D(60)


def test_dso_countback_inside_the_first_month_is_prorated() -> None:
    # 60,000 of March's 120,000: 31 x 0.5 = 15.5 days.
    assert dso_countback(D("60000.00"), THREE_MONTHS) == D("15.5")


def test_dso_receivable_beyond_all_sales_counts_every_day_and_says_so() -> None:
    # 400,000 > 310,000 of sales: 31 + 29 + 31 = 91 days, and the true DSO is higher.
    result = dso_countback_detail(D("400000.00"), THREE_MONTHS)
    assert result.days == D(91)
    assert not result.receivable_covered


def test_dso_month_without_sales_counts_in_full() -> None:
    # March had no sales: 31 days; February's 100,000 covers 50,000: 29 x 0.5 = 14.5.
    assert dso_countback(D("50000.00"), [(31, D(0)), (29, D("100000.00"))]) == D("45.5")


def test_dso_month_of_net_credits_covers_nothing() -> None:
    # March's net credits (-1,000) do not add to the receivable: 31 days, then February's
    # 100,000 covers the 50,000: 29 x 0.5 = 14.5. DSO 45.5.
    assert dso_countback(D("50000.00"), [(31, D("-1000.00")), (29, D("100000.00"))]) == D("45.5")


def test_dso_zero_or_credit_receivable_is_zero_days() -> None:
    assert dso_countback_detail(D(0), THREE_MONTHS).days == 0
    assert dso_countback_detail(D("-500.00"), THREE_MONTHS).receivable_covered
    assert dso_countback(D("-500.00"), THREE_MONTHS) == 0


def test_dso_with_no_months_given_is_not_covered() -> None:
    result = dso_countback_detail(D("100.00"), [])
    assert (result.days, result.receivable_covered) == (D(0), False)


def test_dso_rejects_an_impossible_month_length() -> None:
    with pytest.raises(ValueError, match="1 to 31 days, not 0"):
        dso_countback(D(1), [(0, D(1))])


months = st.lists(
    st.tuples(st.integers(28, 31), st.decimals(min_value=0, max_value=100_000, places=2)),
    max_size=13,
)


@given(st.decimals(min_value=0, max_value=500_000, places=2), months)
def test_dso_never_exceeds_the_days_given_and_covers_what_sales_cover(
    receivable: Decimal, sales: list[tuple[int, Decimal]]
) -> None:
    result = dso_countback_detail(receivable, sales)
    assert 0 <= result.days <= sum(days for days, _ in sales)
    assert result.receivable_covered == (receivable <= sum((s for _, s in sales), D(0)))


def test_month_lengths_back_walks_across_the_year_end() -> None:
    assert month_lengths_back(date(2024, 3, 31), 3) == [31, 29, 31]
    assert month_lengths_back(date(2024, 1, 15), 2) == [31, 31]


# ---------------------------------------------------------------------------- CEI, ADD


def test_cei_hand_worked() -> None:
    # (10,000 + 20,000 - 12,000) / (10,000 + 20,000 - 8,000) x 100 = 18,000 / 22,000 x 100
    # = 81.8181... %
    result = cei(D("10000"), D("20000"), D("12000"), D("8000"))
    assert cents(result) == D("81.82")


def test_cei_everything_collected_is_100() -> None:
    # Nothing past due at the end: ending total = ending current, so CEI = 100.
    assert cei(D("5000"), D("7000"), D("3000"), D("3000")) == 100


def test_cei_zero_denominator_is_none() -> None:
    # 0 + 5,000 - 5,000 = 0.
    assert cei(D(0), D("5000"), D("6000"), D("5000")) is None


@given(money, money, money, money)
def test_cei_is_at_most_100_when_current_is_part_of_total(
    beginning: Decimal, sales: Decimal, past_due: Decimal, current: Decimal
) -> None:
    ending_current = abs(current)
    ending_total = ending_current + abs(past_due)
    result = cei(beginning, sales, ending_total, ending_current)
    if beginning + sales - ending_current > 0:
        assert result is not None and result <= 100
    elif beginning + sales - ending_current == 0:
        assert result is None


def test_best_possible_dso_and_add() -> None:
    # Best possible DSO: 8,000 current / 20,000 credit sales x 31 days = 12.4 days.
    best = best_possible_dso(D("8000"), D("20000"), 31)
    assert best == D("12.4")
    # ADD with the countback DSO above: 70.333... - 12.4 = 57.933... days.
    assert cents(add(dso_countback(D("250000.00"), THREE_MONTHS), best)) == D("57.93")


def test_best_possible_dso_without_credit_sales_is_none() -> None:
    assert best_possible_dso(D("8000"), D(0), 31) is None
    assert best_possible_dso(D("8000"), D("-10"), 31) is None


# ---------------------------------------------------------------------------- promises

PROMISES = [
    PromiseRecord(date(2024, 2, 20), date(2024, 3, 5), D("100"), "kept"),  # counts: kept
    PromiseRecord(date(2024, 3, 1), date(2024, 3, 10), D("200"), "kept"),  # counts: kept
    PromiseRecord(date(2024, 3, 2), date(2024, 3, 20), D("300"), "broken"),  # counts: broken
    PromiseRecord(date(2024, 3, 3), date(2024, 3, 25), D("400"), "cancelled"),  # left out
    PromiseRecord(date(2024, 3, 4), date(2024, 3, 31), D("500"), "open"),  # left out
    PromiseRecord(date(2024, 2, 1), date(2024, 2, 28), D("600"), "broken"),  # due in February
    PromiseRecord(date(2024, 3, 30), date(2024, 4, 1), D("700"), "kept"),  # due in April
]


def test_promise_kept_rate_counts_promises_due_in_the_period() -> None:
    # Kept 2, broken 1: 2 / 3 = 66.666... %
    rate = promise_kept_rate(PROMISES, MARCH)
    assert (rate.count, rate.out_of) == (2, 3)
    assert cents(rate.percent) == D("66.67")


def test_promise_kept_rate_without_settled_promises_is_none() -> None:
    assert promise_kept_rate(PROMISES[3:5], MARCH).percent is None
    assert promise_kept_rate([], MARCH).percent is None


# ---------------------------------------------------------------------------- issues


def issue(id: int, opened: date, resolved: date | None = None, **fields: Any) -> IssueRecord:
    values: dict[str, Any] = {"level": "pro", "type": "pod_requested", "root_cause": None}
    values.update(fields)
    return IssueRecord(id=id, opened_on=opened, resolved_on=resolved, **values)


ISSUES = [
    # Disputes resolved in March, days opened -> resolved:
    issue(1, date(2024, 3, 1), date(2024, 3, 11), root_cause="pod_missing", dispute=True,
          root_cause_fixed=True),  # 10 days
    issue(2, date(2024, 2, 20), date(2024, 3, 4), root_cause="pod_missing", dispute=True,
          root_cause_fixed=False),  # 9 (to 29 Feb) + 4 = 13 days
    issue(3, date(2024, 3, 2), date(2024, 3, 9), root_cause="inspection_correction",
          dispute=True, root_cause_fixed=True),  # 7 days
    issue(5, date(2024, 3, 10), date(2024, 3, 30), dispute=True,
          root_cause_fixed=True),  # 20 days, no root cause recorded
    issue(9, date(2024, 3, 1), date(2024, 3, 25), root_cause="rate_keyed_wrong", dispute=True,
          root_cause_fixed=True, reopened_on=date(2024, 3, 20)),  # 24 days; reopened, resolved
    # A plain past-due resolved in March: not a dispute, fix never recorded.
    issue(4, date(2024, 3, 1), date(2024, 3, 15), type="past_due", root_cause="slow_pay"),
    # Resolved in February, reopened in March and still open.
    issue(6, date(2024, 1, 10), None, dispute=True, reopened_on=date(2024, 3, 12)),
    # A recurrence opened in March, still open.
    issue(7, date(2024, 3, 20), None, root_cause="pod_missing", dispute=True, recurrence=True),
    # Resolved in February: outside every March measure.
    issue(8, date(2024, 1, 5), date(2024, 2, 15), dispute=True, root_cause_fixed=True),
    # A recurrence opened in February: not March's.
    issue(10, date(2024, 2, 27), None, recurrence=True),
]  # fmt: skip


def test_dispute_cycle_days_by_root_cause() -> None:
    # Disputes resolved in March: 7, 10, 13, 20, 24 days (issue 4 is not a dispute).
    # Overall: mean (7 + 10 + 13 + 20 + 24) / 5 = 74 / 5 = 14.8, median 13.
    # pod_missing: 10 and 13, mean 11.5, median (10 + 13) / 2 = 11.5.
    result = dispute_cycle_days(ISSUES, MARCH)
    assert (result.overall.count, result.overall.mean_days) == (5, D("14.8"))
    assert result.overall.median_days == 13
    assert list(result.by_root_cause) == [
        "inspection_correction",
        "pod_missing",
        "rate_keyed_wrong",
        "unspecified",
    ]
    pod = result.by_root_cause["pod_missing"]
    assert (pod.count, pod.mean_days, pod.median_days) == (2, D("11.5"), D("11.5"))
    assert result.by_root_cause["unspecified"].mean_days == 20


def test_dispute_cycle_days_of_nothing() -> None:
    result = dispute_cycle_days([], MARCH)
    assert (result.overall.count, result.overall.mean_days, result.by_root_cause) == (0, None, {})


def test_root_cause_fixed_rate() -> None:
    # Resolved in March: 1, 2, 3, 4, 5, 9 (six). Fixed: 1, 3, 5, 9 (four; 4 never recorded).
    # 4 / 6 = 66.666... %
    rate = root_cause_fixed_rate(ISSUES, MARCH)
    assert (rate.count, rate.out_of, cents(rate.percent)) == (4, 6, D("66.67"))


def test_reopen_rate() -> None:
    # Reopened in March: 6 and 9 (two). Resolved or reopened in March: 1, 2, 3, 4, 5, 9 and 6
    # (seven, 9 once). 2 / 7 = 28.571... %
    rate = reopen_rate(ISSUES, MARCH)
    assert (rate.count, rate.out_of, cents(rate.percent)) == (2, 7, D("28.57"))


def test_recurrence_rate() -> None:
    # Recurrences opened in March: 7 (10 was opened in February). Resolved in March: six.
    # 1 / 6 = 16.666... %
    rate = recurrence_rate(ISSUES, MARCH)
    assert (rate.count, rate.out_of, cents(rate.percent)) == (1, 6, D("16.67"))


def test_issue_rates_of_an_empty_period_are_none() -> None:
    quiet = Period(date(2023, 6, 1), date(2023, 6, 30))
    for measure in (root_cause_fixed_rate, reopen_rate, recurrence_rate):
        assert measure(ISSUES, quiet).percent is None


def account_issue(id: int, opened: date, resolved: date | None, promoted: bool) -> IssueRecord:
    return issue(
        id,
        opened,
        resolved,
        level="account",
        type="pricing_agreement",
        promoted=promoted,
        account=f"ACC-{id}",
    )


PROMOTION_BOOK = [
    account_issue(20, date(2024, 3, 5), date(2024, 3, 25), promoted=True),
    issue(21, date(2024, 2, 1), date(2024, 3, 25), parent_id=20,
          resolution_code="resolved_with_account"),  # retired
    issue(22, date(2024, 2, 2), date(2024, 3, 25), parent_id=20,
          resolution_code="rebilled"),  # resolved the day 20 was: retired
    issue(23, date(2024, 2, 3), date(2024, 3, 6), parent_id=20,
          resolution_code="paid_in_full"),  # settled on its own before: linked only
    issue(24, date(2024, 2, 4), None, parent_id=20),  # still open: linked only
    account_issue(30, date(2024, 2, 20), None, promoted=True),  # promoted in February
    issue(31, date(2024, 2, 1), date(2024, 3, 3), parent_id=30,
          resolution_code="resolved_with_account"),
    account_issue(40, date(2024, 3, 10), None, promoted=False),  # raised by hand
    account_issue(50, date(2024, 3, 15), None, promoted=True),
    issue(51, date(2024, 3, 1), date(2024, 4, 2), parent_id=50,
          resolution_code="resolved_with_account"),  # retired in April, after the period
    issue(52, date(2024, 3, 2), date(2024, 3, 20), parent_id=50,
          resolution_code="resolved_with_account"),  # retired though 50 is still open
]  # fmt: skip


def test_promotions_and_the_pros_each_retired() -> None:
    # Promoted in March: 20 (4 linked, 21 and 22 retired) and 50 (2 linked, 52 retired by
    # 31 March; 51 only in April). 30 was promoted in February, 40 by hand.
    result = promotions(PROMOTION_BOOK, MARCH)
    assert [(p.issue_id, p.linked_pros, p.pros_retired) for p in result.items] == [
        (20, 4, 2),
        (50, 2, 1),
    ]
    assert (result.count, result.pros_retired) == (2, 3)
    assert promotions(PROMOTION_BOOK, Period(date(2024, 4, 1), date(2024, 4, 30))).count == 0


# ---------------------------------------------------------------------------- waiting

REQUESTS = [
    RequestRecord("operations", date(2024, 3, 1), date(2024, 3, 5)),  # 4 days
    RequestRecord("operations", date(2024, 2, 25), date(2024, 3, 2)),  # 4 + 2 = 6 days
    RequestRecord("operations", date(2024, 3, 20)),  # open: to 31 March, 11 days
    RequestRecord("pricing", date(2024, 3, 10), date(2024, 4, 5)),  # open at 31 March: 21 days
    RequestRecord("pricing", date(2024, 2, 1), date(2024, 2, 20)),  # answered before March
    RequestRecord("billing", date(2024, 3, 15), cancelled=True),  # cancelled
    RequestRecord("billing", date(2024, 4, 2)),  # created after March
    RequestRecord("legal", date(2024, 3, 30)),  # outside the catalogue: 1 day, open
]


def test_waiting_on_departments() -> None:
    # operations: 3 requests, 1 open, 4 + 6 + 11 = 21 days, mean 7.
    # pricing: 1 request open at the period end, 21 days. legal: 1, open, 1 day.
    result = waiting_on_departments(REQUESTS, MARCH)
    assert list(result) == ["operations", "pricing", "billing", "sales", "claims", "legal"]
    ops = result["operations"]
    assert (ops.requests, ops.still_open, ops.total_days, ops.mean_days) == (3, 1, 21, D(7))
    assert (result["pricing"].still_open, result["pricing"].total_days) == (1, 21)
    assert (result["billing"].requests, result["billing"].mean_days) == (0, None)
    assert result["legal"].total_days == 1


# ---------------------------------------------------------------------------- report

SNAPSHOT = ReceivablesSnapshot(
    aging=EXPECTED_AGING,
    beginning_receivables=D("2000.00"),
    credit_sales=D("3100.00"),
    monthly_sales=[(31, D("2000.00")), (29, D("1500.00")), (31, D("1000.00"))],
)


def test_report_json_is_the_cli_contract() -> None:
    report = compute_report(
        MARCH,
        user="jdoe",
        receivables=SNAPSHOT,
        promises=PROMISES,
        issues=ISSUES,
        requests=REQUESTS,
    )
    result = report.to_json_dict()
    json.dumps(result)  # JSON-ready throughout
    assert list(result) == [
        "aging",
        "dso",
        "cei",
        "add",
        "promise_kept_rate",
        "dispute_cycle_days",
        "root_cause_fixed_rate",
        "reopen_rate",
        "recurrence_rate",
        "promotions",
        "waiting_on_departments",
        "period",
        "user",
        "currency",
        "by_currency",
    ]
    money = {k: result[k] for k in ("aging", "dso", "cei", "add")}
    assert result["currency"] == "USD" and result["by_currency"] == {"USD": money}
    assert result["aging"] == {
        "current": 1500.0,
        "1-30": 500.0,
        "31-60": 600.0,
        "61-90": 250.0,
        "91+": 75.0,
    }
    # Ending total 2,925. DSO: March's 2,000 consumed (925 left, 31 days); February covers
    # it: 29 x 925 / 1,500 = 17.883... -> 48.883... days.
    assert result["dso"] == {"days": 48.88, "receivable_covered": True}
    # CEI: (2,000 + 3,100 - 2,925) / (2,000 + 3,100 - 1,500) x 100 = 2,175 / 3,600 x 100
    # = 60.4166... %
    assert result["cei"] == 60.42
    # Best possible DSO: 1,500 / 3,100 x 31 = 15 days; ADD = 48.883... - 15 = 33.883...
    assert result["add"] == {"days": 33.88, "best_possible_dso": 15.0}
    assert result["promise_kept_rate"] == {"percent": 66.67, "count": 2, "out_of": 3}
    assert result["dispute_cycle_days"]["overall"] == {
        "count": 5,
        "mean_days": 14.8,
        "median_days": 13.0,
    }
    assert result["root_cause_fixed_rate"] == {"percent": 66.67, "count": 4, "out_of": 6}
    assert result["reopen_rate"] == {"percent": 28.57, "count": 2, "out_of": 7}
    assert result["recurrence_rate"] == {"percent": 16.67, "count": 1, "out_of": 6}
    assert result["promotions"] == {"count": 0, "pros_retired": 0, "issues": []}
    assert result["waiting_on_departments"]["operations"] == {
        "requests": 3,
        "still_open": 1,
        "total_days": 21,
        "mean_days": 7.0,
    }
    assert result["period"] == {"from": "2024-03-01", "to": "2024-03-31"}
    assert result["user"] == "jdoe"


def test_team_report_of_an_empty_book() -> None:
    empty = ReceivablesSnapshot(
        aging={}, beginning_receivables=D(0), credit_sales=D(0), monthly_sales=[]
    )
    result = compute_report(MARCH, user=None, receivables=empty).to_json_dict()
    assert result["user"] is None
    assert result["aging"] == dict.fromkeys(AGING_BUCKETS, 0.0)
    assert result["dso"] == {"days": 0.0, "receivable_covered": True}
    assert (result["cei"], result["add"]) == (None, {"days": None, "best_possible_dso": None})
    assert result["promise_kept_rate"] == {"percent": None, "count": 0, "out_of": 0}
    assert result["dispute_cycle_days"] == {
        "overall": {"count": 0, "mean_days": None, "median_days": None},
        "by_root_cause": {},
    }


def test_report_lists_promotions_with_dates() -> None:
    report = compute_report(MARCH, user=None, receivables=SNAPSHOT, issues=PROMOTION_BOOK)
    result = report.to_json_dict()["promotions"]
    assert (result["count"], result["pros_retired"]) == (2, 3)
    assert result["issues"][0] == {
        "issue_id": 20,
        "account": "ACC-20",
        "type": "pricing_agreement",
        "opened_on": "2024-03-05",
        "resolved_on": "2024-03-25",
        "linked_pros": 4,
        "pros_retired": 2,
    }


def test_report_rounds_half_up_to_cents() -> None:
    snapshot = ReceivablesSnapshot({"91+": D("0.125")}, D(0), D(0), [])
    assert (
        compute_report(MARCH, user=None, receivables=snapshot).to_json_dict()["aging"]["91+"]
        == 0.13
    )


# ---------------------------------------------------------------------------- trend periods


def test_trend_periods_by_month_clip_the_ends() -> None:
    assert trend_periods(date(2024, 1, 15), date(2024, 3, 10)) == [
        (date(2024, 1, 15), date(2024, 1, 31)),
        (date(2024, 2, 1), date(2024, 2, 29)),
        (date(2024, 3, 1), date(2024, 3, 10)),
    ]
    assert trend_periods(date(2023, 12, 15), date(2024, 1, 10)) == [
        (date(2023, 12, 15), date(2023, 12, 31)),
        (date(2024, 1, 1), date(2024, 1, 10)),
    ]


def test_trend_periods_by_quarter_and_week() -> None:
    assert trend_periods(date(2023, 11, 1), date(2024, 4, 1), "quarter") == [
        (date(2023, 11, 1), date(2023, 12, 31)),
        (date(2024, 1, 1), date(2024, 3, 31)),
        (date(2024, 4, 1), date(2024, 4, 1)),
    ]
    # 6 March 2024 is a Wednesday; weeks run Monday to Sunday.
    assert trend_periods(date(2024, 3, 6), date(2024, 3, 19), "week") == [
        (date(2024, 3, 6), date(2024, 3, 10)),
        (date(2024, 3, 11), date(2024, 3, 17)),
        (date(2024, 3, 18), date(2024, 3, 19)),
    ]


def test_trend_periods_reject_bad_input() -> None:
    with pytest.raises(ValueError, match="unknown trend step 'day'"):
        trend_periods(date(2024, 1, 1), date(2024, 2, 1), "day")
    with pytest.raises(ValueError, match="ends .* before it starts"):
        trend_periods(date(2024, 2, 1), date(2024, 1, 1))


@given(
    st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 1, 1)),
    st.integers(0, 800),
    st.sampled_from(["week", "month", "quarter"]),
)
def test_trend_periods_tile_the_range(start: date, length: int, step: str) -> None:
    end = start + timedelta(days=length)
    periods = trend_periods(start, end, step)
    assert periods[0].start == start and periods[-1].end == end
    for earlier, later in zip(periods, periods[1:], strict=False):
        assert later.start == earlier.end + timedelta(days=1)
    assert all(period.start <= period.end for period in periods)
    assert sum(period.days for period in periods) == length + 1
