"""Where every cent of a remittance went: the four signed totals that add up to the bank amount.

    bank_amount = applied + unapplied + adjustments + variance      (to the cent)

- applied: cash credited to pros (the amounts paid on lines that matched a pro; a credit memo
  line is negative);
- unapplied: cash parked on an account (lines that matched no pro);
- adjustments: the payment's own adjustments (an 820's group-level ADX, as the file signs them:
  deductions negative, additions positive). An ADX inside an RMR loop explains that line's
  amount paid and is already in it: it becomes an item, not a second amount here;
- variance: what the lines and adjustments do not explain (bank amount less all of the above),
  kept on the payer's account with an item that says why.

Each total is kept for the whole file and per account. Pure arithmetic, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from arbench.domain.catalogue import PaymentKind

ZERO = Decimal("0.00")
BUCKETS = ("applied", "unapplied", "adjustments", "variance")
BUCKET_OF: dict[str, str] = {
    PaymentKind.PAYMENT: "applied",
    PaymentKind.UNAPPLIED: "unapplied",
    PaymentKind.DEDUCTION: "adjustments",
    PaymentKind.ADDITION: "adjustments",
    PaymentKind.VARIANCE: "variance",
}


@dataclass
class CashTotals:
    """The four signed totals of some cash."""

    applied: Decimal = ZERO
    unapplied: Decimal = ZERO
    adjustments: Decimal = ZERO
    variance: Decimal = ZERO

    def add(self, kind: str, amount: Decimal) -> None:
        """Count a payments-table row of a cash kind in its total."""
        bucket = BUCKET_OF[kind]
        setattr(self, bucket, getattr(self, bucket) + amount)

    @property
    def total(self) -> Decimal:
        return self.applied + self.unapplied + self.adjustments + self.variance

    def to_json(self) -> dict[str, str]:
        return {name: _cents(getattr(self, name)) for name in BUCKETS}


@dataclass
class Reconciliation:
    """The bank amount of a remittance file and where each cent of it went."""

    bank_amount: Decimal = ZERO
    currency: str | None = None
    totals: CashTotals = field(default_factory=CashTotals)
    accounts: dict[str, CashTotals] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # account number -> name

    def record(self, account_number: str, kind: str, amount: Decimal) -> None:
        self.totals.add(kind, amount)
        self.accounts.setdefault(account_number, CashTotals()).add(kind, amount)

    @property
    def balanced(self) -> bool:
        return self.totals.total == self.bank_amount


def variance(bank_amount: Decimal, lines: Decimal, adjustments: Decimal) -> Decimal:
    """The part of the bank amount that the lines and the payment's adjustments do not explain."""
    return bank_amount - lines - adjustments


def variance_reason(bank_amount: Decimal, lines: Decimal, adjustments: Decimal, source: str) -> str:
    """Why a variance exists, in words a collector can act on."""
    gap = variance(bank_amount, lines, adjustments)
    side = "received with no remittance line" if gap > 0 else "more on the lines than received"
    return (f"{source} says {bank_amount:,.2f}; the lines pay {lines:,.2f} and the adjustments "
            f"{adjustments:,.2f}: {abs(gap):,.2f} {side}")  # fmt: skip


def _cents(amount: Decimal) -> str:
    return str(amount.quantize(Decimal("0.01")))
