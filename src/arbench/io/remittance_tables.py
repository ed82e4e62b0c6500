"""Remittances sent as CSV or xlsx into `RemittanceLine`s, all or nothing.

Columns: reference (PRO or invoice number) and paid are required; invoice amount, discount,
reason code (X12 426, e.g. 22 weight error), payer reference (check or trace number), payment
date and account number are optional. The mapping is guessed from the headers unless given.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from arbench.io.cell_values import parse_money
from arbench.io.column_reader import ColumnReader, check_mapping, missing_columns
from arbench.io.errors import FileRejected
from arbench.io.register_fields import guess_columns
from arbench.io.remittance import RemittanceLine
from arbench.io.tables import read_table

REMITTANCE_FIELDS: tuple[str, ...] = (
    "reference",
    "paid",
    "invoice_amount",
    "discount",
    "reason_code",
    "payer_reference",
    "payment_date",
    "account_number",
)
REMITTANCE_REQUIRED: tuple[str, ...] = ("reference", "paid")
REMITTANCE_LABELS: dict[str, str] = {
    "reference": "PRO / invoice",
    "paid": "Paid amount",
    "invoice_amount": "Invoice amount",
    "discount": "Discount",
    "reason_code": "Reason code",
    "payer_reference": "Payment reference",
    "payment_date": "Payment date",
    "account_number": "Account number",
}

_PHRASES: dict[str, str] = {
    phrase: name
    for name, phrases in {
        "reference": ("pro", "pro number", "invoice", "invoice number", "reference",
                      "freight bill", "freight bill number", "document number", "bill number"),
        "paid": ("paid", "amount paid", "paid amount", "payment", "payment amount", "net paid",
                 "net amount", "amount", "net amount paid"),
        "invoice_amount": ("invoice amount", "billed amount", "gross amount", "original amount",
                           "origin amount", "invoice total", "amount billed", "billed"),
        "discount": ("discount", "discount amount", "discount taken", "cash discount"),
        "reason_code": ("reason", "reason code", "adjustment reason", "short pay reason",
                        "adjustment code", "deduction code", "adjustment reason code"),
        "payer_reference": ("check", "check number", "trace", "trace number", "payment reference",
                            "ach trace", "remittance number", "remark", "memo", "note"),
        "payment_date": ("date", "payment date", "paid date", "check date", "deposit date",
                         "value date", "effective date"),
        "account_number": ("account", "account number", "customer number", "customer code"),
    }.items()
    for phrase in phrases
}  # fmt: skip

_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("reference", ("pro",)),
    ("reference", ("invoice", "number")),
    ("reason_code", ("reason",)),
    ("discount", ("discount",)),
    ("invoice_amount", ("invoice", "amount")),
    ("paid", ("paid",)),
    ("payer_reference", ("check",)),
    ("payer_reference", ("trace",)),
    ("payment_date", ("date",)),
    ("account_number", ("account",)),
    ("account_number", ("customer", "number")),
)


def guess_remittance_mapping(headers: Iterable[object]) -> dict[str, str]:
    """Propose {source header: remittance field} from a remittance file's headers."""
    return guess_columns(headers, _PHRASES, _RULES)


def read_remittance_table(
    path: str | Path, mapping: dict[str, str] | None = None
) -> list[RemittanceLine]:
    """Read a CSV/xlsx remittance; raise `FileRejected` with every bad cell."""
    frame = read_table(path)
    if mapping is None:
        mapping = guess_remittance_mapping(frame.columns)
    errors = check_mapping(frame, mapping, REMITTANCE_FIELDS, REMITTANCE_LABELS)
    errors += missing_columns(mapping, REMITTANCE_REQUIRED, REMITTANCE_LABELS)
    if errors:
        raise FileRejected(Path(path).name, errors)
    reader = ColumnReader(frame, mapping)
    references = reader.required_text("reference", "PRO / invoice")
    paid = reader.parsed("paid", parse_money, required_label="Paid amount")
    invoice_amounts = reader.parsed("invoice_amount", parse_money)
    discounts = reader.parsed("discount", parse_money)
    reasons = reader.text("reason_code")
    payer_references = reader.text("payer_reference")
    dates = reader.dates("payment_date")
    accounts = reader.text("account_number")
    if reader.errors:
        raise FileRejected(Path(path).name, reader.sorted_errors(REMITTANCE_FIELDS))
    return [
        RemittanceLine(
            reference=str(references[i]),
            paid=paid[i],
            invoice_amount=invoice_amounts[i],
            discount=discounts[i],
            reason_code=reasons[i],
            payer_reference=payer_references[i],
            payment_date=dates[i],
            account_number=accounts[i],
            source_row=row,
        )
        for i, row in enumerate(reader.rows)
    ]
