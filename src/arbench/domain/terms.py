"""Customer payment terms ("NET 30", "2/10 NET 30") and currencies: pure parsing, no I/O.

A register or an account record states terms as text. `parse_terms` reads the common forms:

- net terms: "NET30", "Net 30", "N30", "30 DAYS", "30" (days after the invoice date),
- a prompt-payment discount before them: "2/10 NET 30", "2% 10 NET 30", "1.5/15 N45",
  "2/10, N/30" (percent off if paid within the discount days),
- "DUE ON RECEIPT", "COD", "CIA", "CASH IN ADVANCE" (due the invoice day).

Anything else (a customer's own code such as "NAA8") is kept as text and read as unknown:
`Terms.net_days` is None and the account keeps its current net days.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

DEFAULT_CURRENCY = "USD"

_IMMEDIATE = frozenset({"DUE ON RECEIPT", "DUE UPON RECEIPT", "ON RECEIPT", "COD", "CIA",
                        "CASH IN ADVANCE", "CASH ON DELIVERY", "IMMEDIATE"})  # fmt: skip
_NET = re.compile(r"^(?:NET|N)\s*/?\s*(\d{1,3})(?:\s*DAYS?)?$|^(\d{1,3})\s*(?:DAYS?)?$")
_DISCOUNT = re.compile(
    r"^(\d{1,2}(?:\.\d{1,3})?)\s*%?\s*/?\s*(\d{1,3})\s*(?:DAYS?)?\s*[,;]?\s*(.*)$"
)
_CURRENCY = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class Terms:
    """Payment terms as read from text: net days and an optional prompt-payment discount."""

    text: str
    net_days: int | None
    discount_percent: Decimal | None = None
    discount_days: int | None = None

    @property
    def known(self) -> bool:
        return self.net_days is not None

    @property
    def has_discount(self) -> bool:
        return self.discount_percent is not None and self.discount_days is not None

    def due_date(self, invoice_date: date) -> date | None:
        """The net due date of an invoice under these terms (None when the terms are unknown)."""
        if self.net_days is None:
            return None
        return invoice_date + timedelta(days=self.net_days)

    def discount_deadline(self, invoice_date: date) -> date | None:
        """The last day a discount is earned (None when the terms carry no discount)."""
        if not self.has_discount:
            return None
        assert self.discount_days is not None
        return invoice_date + timedelta(days=self.discount_days)


def _normal(text: str) -> str:
    return " ".join(text.upper().replace("NET ", "NET").replace("NET/", "NET").split())


def _net_days(text: str) -> int | None:
    if not text:
        return None
    if text in _IMMEDIATE:
        return 0
    compact = text.replace(" ", "")
    for candidate in (text, compact):
        match = _NET.match(candidate)
        if match:
            return int(match.group(1) or match.group(2))
    return None


def parse_terms(text: str | None) -> Terms | None:
    """The terms a text states; None for empty text, `net_days=None` for an unknown code."""
    if text is None or not str(text).strip():
        return None
    raw = " ".join(str(text).split())
    normal = _normal(raw)
    net = _net_days(normal)
    if net is not None:
        return Terms(raw, net)
    match = _DISCOUNT.match(normal)
    if match:
        rest = _net_days(match.group(3).strip(" ,;"))
        try:
            percent = Decimal(match.group(1))
        except InvalidOperation:  # pragma: no cover - the pattern admits only digits
            return Terms(raw, None)
        days = int(match.group(2))
        if rest is not None and Decimal(0) < percent < Decimal(100) and days <= rest:
            return Terms(raw, rest, percent, days)
    return Terms(raw, None)


def discount_earned(invoice_date: date | None, paid_on: date, terms: Terms | None) -> bool:
    """Whether a discount taken on a payment made `paid_on` was earned under `terms`."""
    if terms is None or invoice_date is None:
        return False
    deadline = terms.discount_deadline(invoice_date)
    return deadline is not None and paid_on <= deadline


def discount_allowed(amount: Decimal, terms: Terms | None) -> Decimal:
    """The most discount the terms allow on `amount` (zero without a discount), to the cent."""
    if terms is None or not terms.has_discount:
        return Decimal("0.00")
    assert terms.discount_percent is not None
    return (amount * terms.discount_percent / Decimal(100)).quantize(Decimal("0.01"))


def normal_currency(code: str | None) -> str | None:
    """An ISO 4217 code in upper case ("usd " -> "USD"); None when it is not three letters."""
    if code is None:
        return None
    value = code.strip().upper()
    return value if _CURRENCY.match(value) else None
