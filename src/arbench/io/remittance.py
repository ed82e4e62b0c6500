"""What a remittance says about one freight bill, whatever file it came in.

An 820 RMR line and a row of a CSV or xlsx remittance become the same `RemittanceLine`, so
cash application matches both the same way. Amounts are Decimal and keep the payer's sign:
a negative adjustment is money the payer kept, a negative line (a credit memo) lowers the
payment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from arbench.io.codes import adjustment_reason_name

LINE, GROUP = "line", "group"  # where an adjustment sits: inside an RMR, or in its ENT group


@dataclass(frozen=True, slots=True)
class Adjustment:
    """Why a payer paid a different amount (ADX, or RMR07/RMR08, or a reason column).

    A `line` adjustment explains the difference between one line's invoice amount and what it
    paid (it is already inside that line's paid amount); a `group` adjustment (an ADX of an ENT
    group, before its RMR lines) changes the payment itself.
    """

    amount: Decimal  # signed as the payer sent it; negative is a deduction
    reason_code: str  # X12 element 426, e.g. 22 weight error
    reference_qualifier: str = ""
    reference: str = ""
    references: tuple[str, ...] = ()  # every reference: "CM CM-1188", then its REF segments
    level: str = LINE
    segment_number: int = 0

    @property
    def reason(self) -> str:
        return adjustment_reason_name(self.reason_code)

    @property
    def reference_values(self) -> tuple[str, ...]:
        """The reference numbers alone (without qualifiers), to look pros up by."""
        return tuple(r.split(" ", 1)[-1] for r in self.references)


@dataclass(frozen=True, slots=True)
class RemittanceLine:
    """One freight bill named in a remittance, and what was paid against it."""

    reference: str  # the PRO or invoice number the payer quotes
    paid: Decimal
    invoice_amount: Decimal | None = None
    discount: Decimal | None = None
    reason_code: str | None = None  # X12 426 code for a short or over pay
    adjustments: tuple[Adjustment, ...] = ()
    reference_qualifier: str = ""  # RMR01 in an 820 (IV = invoice, CM = credit memo ...)
    payer_reference: str | None = None  # check, trace or payer's own note
    payment_date: date | None = None
    account_number: str | None = None
    entity: str | None = None  # 820 ENT group this line sits in
    source_row: int = 0  # spreadsheet row, or the RMR segment number in an 820
    references: tuple[str, ...] = ()  # the REF segments of an 820 line ("PO 4500012")

    @property
    def reason(self) -> str:
        return adjustment_reason_name(self.reason_code)

    @property
    def short_paid(self) -> Decimal | None:
        """Invoice amount less paid and discount; positive when the payer kept money back."""
        if self.invoice_amount is None:
            return None
        return self.invoice_amount - self.paid - (self.discount or Decimal(0))
