"""The collector's rules against hand-worked examples: promises, promotion, recurrence, clock."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from arbench.domain.rules import (
    ProIssueFact,
    ResolvedFact,
    dispute_days_left,
    evaluate_promise,
    promise_problem,
    promotion_proposals,
    recurrence_of,
)

D = Decimal
MADE, DUE = date(2026, 11, 2), date(2026, 11, 10)


# ----- promises ------------------------------------------------------------------------------
def test_promise_kept_on_the_day_the_payments_add_up() -> None:
    # $400 on the 5th + $600 on the 9th = $1,000 promised: kept on the 9th.
    payments = [(date(2026, 11, 9), D("600.00")), (date(2026, 11, 5), D("400.00"))]
    verdict = evaluate_promise(D("1000.00"), MADE, DUE, payments, date(2026, 11, 24))
    assert (verdict.status, verdict.settled_on, verdict.received) == (
        "kept",
        date(2026, 11, 9),
        D("1000.00"),
    )


def test_promise_kept_on_its_due_date_counts() -> None:
    verdict = evaluate_promise(D("500"), MADE, DUE, [(DUE, D("500"))], DUE)
    assert verdict.status == "kept" and verdict.settled_on == DUE


def test_promise_short_paid_is_broken_the_day_after_it_was_due() -> None:
    # $999.99 of $1,000 by the 10th: broken on the 11th, with what came in.
    verdict = evaluate_promise(
        D("1000"), MADE, DUE, [(date(2026, 11, 6), D("999.99"))], date(2026, 11, 11)
    )
    assert (verdict.status, verdict.settled_on, verdict.received) == (
        "broken",
        date(2026, 11, 11),
        D("999.99"),
    )


def test_payments_before_the_promise_or_after_its_date_do_not_count() -> None:
    payments = [(date(2026, 11, 1), D("1000")), (date(2026, 11, 12), D("1000"))]
    verdict = evaluate_promise(D("1000"), MADE, DUE, payments, date(2026, 11, 20))
    assert verdict.status == "broken" and verdict.received == D("0")


def test_promise_still_open_until_its_date_passes() -> None:
    # On the due date itself, with $200 of $1,000 in: still open (money may arrive today).
    verdict = evaluate_promise(D("1000"), MADE, DUE, [(date(2026, 11, 3), D("200"))], DUE)
    assert verdict.status == "open" and verdict.settled_on is None and verdict.received == D("200")


def test_payment_after_the_evaluation_day_is_not_known_yet() -> None:
    verdict = evaluate_promise(
        D("100"), MADE, DUE, [(date(2026, 11, 8), D("100"))], date(2026, 11, 7)
    )
    assert verdict.status == "open"


def test_promise_problems_are_named() -> None:
    on = date(2026, 11, 24)
    assert (
        promise_problem(D("0"), on, D("100"), on)
        == "the promised amount must be more than $0.00, not $0.00"
    )
    assert "more than the open balance $100.00" in (
        promise_problem(D("100.01"), on, D("100"), on) or ""
    )
    assert "before today" in (promise_problem(D("50"), date(2026, 11, 23), D("100"), on) or "")
    assert promise_problem(D("100"), on, D("100"), on) is None


# ----- promotion -----------------------------------------------------------------------------
ON = date(2026, 11, 24)


def _pro(
    id_: int, account: int, cause: str | None, opened: date, parent: int | None = None
) -> ProIssueFact:
    return ProIssueFact(id_, account, cause, opened, parent)


def test_three_pod_issues_on_one_account_within_30_days_propose_invoicing_requirements() -> None:
    issues = [
        _pro(1, 7, "pod_missing", date(2026, 11, 20)),
        _pro(2, 7, "pod_missing", date(2026, 11, 1)),
        _pro(3, 7, "pod_missing", date(2026, 10, 25)),  # exactly 30 days before: inside
        _pro(4, 7, "pod_missing", date(2026, 10, 24)),  # 31 days: outside the window
        _pro(5, 8, "pod_missing", date(2026, 11, 20)),  # another account
        _pro(6, 7, "rate_keyed_wrong", date(2026, 11, 20)),  # another cause
    ]
    [proposal] = promotion_proposals(issues, ON, threshold=3, window_days=30)
    assert proposal.account_id == 7
    assert proposal.issue_type == "invoicing_requirements"
    assert proposal.root_cause == "pod_missing"
    assert proposal.account_root_cause == "requirements_not_set_up"
    assert proposal.issue_ids == (1, 2, 3)


def test_below_threshold_linked_or_non_promoting_causes_propose_nothing() -> None:
    issues = [
        _pro(1, 7, "pod_missing", ON),
        _pro(2, 7, "pod_missing", ON),
        _pro(3, 7, "pod_missing", ON, parent=99),  # already linked to an account issue
        _pro(4, 7, "stale_bill", ON),  # no account-level cause behind it
        _pro(5, 7, "stale_bill", ON),
        _pro(6, 7, "stale_bill", ON),
        _pro(7, 7, None, ON),
        _pro(8, 7, None, ON),
        _pro(9, 7, None, ON),
    ]
    assert promotion_proposals(issues, ON, threshold=3, window_days=30) == []
    assert len(promotion_proposals(issues, ON, threshold=2, window_days=30)) == 1


def test_proposals_largest_group_first() -> None:
    issues = [_pro(i, 1, "rate_keyed_wrong", ON) for i in range(1, 4)]
    issues += [_pro(i, 2, "paid_twice", ON) for i in range(10, 14)]
    proposals = promotion_proposals(issues, ON, threshold=3, window_days=30)
    assert [(p.account_id, p.issue_type, len(p.issue_ids)) for p in proposals] == [
        (2, "remittance_mismatch", 4),
        (1, "pricing_agreement", 3),
    ]


# ----- recurrence ----------------------------------------------------------------------------
def test_same_cause_resolved_within_90_days_is_a_recurrence() -> None:
    history = [
        ResolvedFact(1, "pod_missing", date(2026, 8, 26)),  # 90 days before: inside
        ResolvedFact(2, "pod_missing", date(2026, 6, 1)),
        ResolvedFact(3, "rate_keyed_wrong", date(2026, 11, 20)),
    ]
    found = recurrence_of("pod_missing", history, ON, 90)
    assert found is not None and found.issue_id == 1


def test_cause_resolved_91_days_ago_or_another_cause_is_not() -> None:
    history = [ResolvedFact(1, "pod_missing", date(2026, 8, 25)), ResolvedFact(3, "slow_pay", ON)]
    assert recurrence_of("pod_missing", history, ON, 90) is None
    assert recurrence_of(None, history, ON, 90) is None


def test_latest_matching_resolution_is_named() -> None:
    history = [
        ResolvedFact(1, "slow_pay", date(2026, 10, 1)),
        ResolvedFact(2, "slow_pay", date(2026, 11, 1)),
    ]
    found = recurrence_of("slow_pay", history, ON, 90)
    assert found is not None and found.resolved_on == date(2026, 11, 1)


# ----- dispute-window clock --------------------------------------------------------------------
def test_dispute_window_clock() -> None:
    # Invoiced 2026-06-01; 180-day window closes 2026-11-28: 4 days left on 2026-11-24.
    assert dispute_days_left(date(2026, 6, 1), ON, 180) == 4
    assert dispute_days_left(date(2026, 5, 28), ON, 180) == 0
    assert dispute_days_left(date(2026, 5, 1), ON, 180) == -27
    assert dispute_days_left(date(2026, 6, 1), ON, 120) == -56
    assert dispute_days_left(None, ON, 180) is None
