"""Prompt-payment discounts judged against the account's own terms: pure rules, no I/O.

An account states its terms as text ("2/10 NET 30") and, once read, as discount percent and
days. A discount a payer takes is earned when paid within the discount days of the invoice date
and no larger than the percent allows (one cent of rounding is forgiven); the rest is unearned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from arbench.domain.terms import Terms, discount_allowed, discount_earned, parse_terms

ZERO = Decimal("0.00")
ROUNDING = Decimal("0.01")  # a payer's rounding of the discount is forgiven up to a cent


def account_terms(
    text: str | None,
    discount_percent: Decimal | None,
    discount_days: int | None,
    net_days: int | None,
) -> Terms | None:
    """The account's terms: its discount columns when both are set, else its text parsed."""
    if discount_percent is not None and discount_days is not None:
        label = text or f"{discount_percent.normalize()}/{discount_days} NET {net_days}"
        return Terms(label, net_days, discount_percent, discount_days)
    return parse_terms(text)


@dataclass(frozen=True)
class DiscountVerdict:
    """How much of a discount taken was earned, and why the rest was not."""

    earned: Decimal
    unearned: Decimal
    reason: str = ""


def judge_discount(
    taken: Decimal,
    base: Decimal,
    invoice_date: date | None,
    paid_on: date,
    terms: Terms | None,
) -> DiscountVerdict:
    """Split a discount `taken` on an invoice of `base` paid `paid_on` into earned and unearned."""
    if taken <= 0:
        return DiscountVerdict(ZERO, ZERO)
    if terms is None or not terms.has_discount:
        return DiscountVerdict(ZERO, taken, "the account's terms allow no discount")
    if not discount_earned(invoice_date, paid_on, terms):
        deadline = terms.discount_deadline(invoice_date) if invoice_date else None
        when = f" (by {deadline.isoformat()})" if deadline else ""
        return DiscountVerdict(ZERO, taken, f"paid after the discount days of {terms.text}{when}")
    allowed = discount_allowed(base, terms)
    if taken <= allowed + ROUNDING:
        return DiscountVerdict(taken, ZERO)
    return DiscountVerdict(allowed, taken - allowed, f"{terms.text} allows {allowed} on {base}")
