"""Discounts judged against an account's terms, and the reconciliation arithmetic (pure rules)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from arbench.domain.catalogue import PaymentKind
from arbench.domain.discounts import account_terms, judge_discount
from arbench.domain.reconciliation import Reconciliation, variance, variance_reason

INVOICED = date(2026, 11, 1)


def test_the_discount_columns_win_over_the_terms_text() -> None:
    terms = account_terms("NET 30", Decimal("1.5"), 15, 30)
    assert terms is not None and (terms.discount_percent, terms.discount_days) == (
        Decimal("1.5"),
        15,
    )
    assert account_terms("2/10 NET 30", None, None, 30).discount_days == 10  # type: ignore[union-attr]
    assert account_terms(None, None, None, 30) is None


@pytest.mark.parametrize(
    ("taken", "paid_day", "earned", "unearned"),
    [
        (Decimal("20.00"), 11, Decimal("20.00"), Decimal("0")),  # 2 % of 1,000 on day 10
        (Decimal("20.01"), 11, Decimal("20.01"), Decimal("0")),  # a cent of rounding forgiven
        (Decimal("25.00"), 11, Decimal("20.00"), Decimal("5.00")),  # more than 2 %
        (Decimal("20.00"), 12, Decimal("0"), Decimal("20.00")),  # a day late
    ],
)
def test_two_ten_net_thirty(
    taken: Decimal, paid_day: int, earned: Decimal, unearned: Decimal
) -> None:
    terms = account_terms("2/10 NET 30", None, None, 30)
    verdict = judge_discount(taken, Decimal("1000.00"), INVOICED, date(2026, 11, paid_day), terms)
    assert (verdict.earned, verdict.unearned) == (earned, unearned)
    assert bool(verdict.reason) == bool(unearned)


def test_no_terms_means_no_discount_is_earned() -> None:
    verdict = judge_discount(Decimal("5"), Decimal("100"), INVOICED, INVOICED, None)
    assert (verdict.earned, verdict.unearned) == (0, Decimal(5))
    assert verdict.reason == "the account's terms allow no discount"


def test_the_four_totals_add_up_per_account_and_in_all() -> None:
    recon = Reconciliation(bank_amount=Decimal("100.00"))
    for number, kind, amount in (("A", PaymentKind.PAYMENT, "120.00"), ("A", PaymentKind.DEDUCTION, "-30.00"),
                                 ("B", PaymentKind.UNAPPLIED, "15.00"), ("B", PaymentKind.ADDITION, "5.00"),
                                 ("B", PaymentKind.VARIANCE, "-10.00")):  # fmt: skip
        recon.record(number, kind, Decimal(amount))
    assert recon.balanced
    assert recon.totals.to_json() == {"applied": "120.00", "unapplied": "15.00",
                                      "adjustments": "-25.00", "variance": "-10.00"}  # fmt: skip
    assert recon.accounts["B"].total == Decimal("10.00")
    assert variance(Decimal("10000"), Decimal("5000"), Decimal(0)) == Decimal("5000")
    assert variance_reason(Decimal("66.55"), Decimal("88.60"), Decimal(0), "BPR02").endswith(
        "22.05 more on the lines than received"
    )
