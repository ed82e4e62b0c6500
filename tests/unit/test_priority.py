"""The worklist's buckets and explainable priority, against hand-worked examples."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from arbench.domain.priority import Bucket, ItemFacts, dispute_days_left, rank, score

ON = date(2026, 11, 24)


def facts(**changes: object) -> ItemFacts:
    base: dict[str, object] = dict(
        open_amount=Decimal("0"), days_past_due=0, dispute_days_left=None, risk_score=0,
        broken_promises=0, follow_up=None, is_dispute=False, opened_on=date(2026, 10, 1),
    )  # fmt: skip
    base.update(changes)
    return ItemFacts(**base)  # type: ignore[arg-type]


def test_score_points_worked_by_hand() -> None:
    # $9,999 open: 7 * log10(10,000) = 28 points; 60 days past due: 60/120 * 25 = 12.5;
    # 30 days left in the window: 20 * (60-30)/60 = 10; risk 50: 5; one broken promise: 5.
    parts = score(facts(open_amount=Decimal("9999"), days_past_due=60, dispute_days_left=30,
                        risk_score=50, broken_promises=1))  # fmt: skip
    points = {text: round(p, 2) for p, text in parts}
    assert points == {
        "$9,999.00 open": 28.0,
        "60 days past due": 12.5,
        "30 days left in the dispute window": 10.0,
        "customer risk 50/100": 5.0,
        "1 broken promise": 5.0,
    }
    assert rank(facts(open_amount=Decimal("9999"), days_past_due=60, dispute_days_left=30,
                      risk_score=50, broken_promises=1), ON).priority == 60.5  # fmt: skip


def test_caps_and_thresholds() -> None:
    parts = dict(
        (t, p)
        for p, t in score(
            facts(
                open_amount=Decimal("10000000"),
                days_past_due=400,
                dispute_days_left=-5,
                risk_score=39,
            )
        )
    )
    assert parts["$10,000,000.00 open"] == 35.0
    assert parts["400 days past due"] == 25.0
    assert parts["dispute window closed"] == 20.0
    assert not any("risk" in t for t in parts)  # below 40 the customer's risk adds nothing
    assert score(facts(dispute_days_left=61)) == []  # a far-off window adds nothing


def test_buckets_in_the_order_the_day_is_worked() -> None:
    assert rank(facts(follow_up=ON), ON).bucket == Bucket.FOLLOW_UP_DUE
    assert rank(facts(follow_up=date(2026, 11, 25)), ON).bucket == Bucket.PRIORITY
    assert rank(facts(broken_promises=1), ON).bucket == Bucket.BROKEN_PROMISE
    assert (
        rank(facts(is_dispute=True, opened_on=date(2026, 11, 22)), ON).bucket == Bucket.NEW_DISPUTE
    )
    assert rank(facts(is_dispute=True, opened_on=date(2026, 11, 10)), ON).bucket == Bucket.PRIORITY
    assert rank(facts(department_answered="operations"), ON).bucket == Bucket.DEPARTMENT
    assert rank(facts(department_overdue="pricing"), ON).bucket == Bucket.DEPARTMENT
    waiting = rank(facts(waiting_on="claims", waiting_since=date(2026, 11, 20)), ON)
    assert waiting.bucket == Bucket.WAITING
    assert waiting.reason.startswith("Waiting on claims since 2026-11-20")


def test_reason_explains_the_headline_and_the_biggest_factors_first() -> None:
    r = rank(facts(follow_up=date(2026, 11, 21), open_amount=Decimal("500"), days_past_due=100), ON)
    assert r.reason == "Follow-up due 3 days ago; 100 days past due, $500.00 open"


def test_dispute_window_counts_from_the_invoice_date() -> None:
    assert dispute_days_left(date(2026, 6, 1), ON, 180) == 180 - 176
    assert dispute_days_left(None, ON, 180) is None
