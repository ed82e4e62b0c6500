"""Remittances sent as CSV or xlsx into `RemittanceLine`s and the bank amount, all or nothing.

Columns: reference (PRO or invoice number) and paid are required; invoice amount, discount,
reason code (X12 426, e.g. 22 weight error), payer reference (check or trace number), payment
date, account number and payment total are optional. The mapping is guessed from the headers
unless given.

How a spreadsheet states the money it stands for (its bank amount), in this order:
1. a **total row**: a row whose PRO / invoice cell says TOTAL (or TOTALS, GRAND TOTAL, TOTAL
   PAID, PAYMENT TOTAL, CHECK TOTAL), whose paid cell is the amount received; it is not a line;
2. a **payment total column** ("Check Amount", "Payment Total", "Deposit Amount" ...): the
   amount of the payment each row belongs to, the same on every row of one payment (rows are
   grouped by payment reference, the check or trace number, when the file has one); the bank
   amount is the sum over the payments;
3. otherwise the **sum of the paid amounts** (nothing can then be unexplained).
When a file has both a total row and a payment total column, they must agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd

from arbench.io.cell_values import CellError, parse_money
from arbench.io.column_reader import ColumnReader, check_mapping, missing_columns
from arbench.io.errors import FileRejected, RowError
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
    "payment_total",
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
    "payment_total": "Payment total",
}
TOTAL_WORDS = frozenset({"TOTAL", "TOTALS", "GRAND TOTAL", "TOTAL PAID", "PAYMENT TOTAL",
                         "CHECK TOTAL", "TOTAL PAYMENT"})  # fmt: skip
SUM_OF_PAID = "the sum of the paid amounts"

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
        "payment_total": ("check amount", "check total", "payment total", "total payment",
                          "deposit amount", "remittance total", "total remitted", "bank amount",
                          "payment total amount", "ach amount"),
    }.items()
    for phrase in phrases
}  # fmt: skip

_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("reference", ("pro",)),
    ("reference", ("invoice", "number")),
    ("payment_total", ("check", "amount")),
    ("payment_total", ("deposit",)),
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


@dataclass(frozen=True)
class RemittanceTable:
    """The lines of a spreadsheet remittance and the bank amount it states (and how)."""

    lines: list[RemittanceLine]
    bank_amount: Decimal
    bank_source: str  # "total row 12", "the payment total column", SUM_OF_PAID


def read_remittance_table(
    path: str | Path, mapping: dict[str, str] | None = None
) -> RemittanceTable:
    """Read a CSV/xlsx remittance; raise `FileRejected` with every bad cell."""
    frame = read_table(path)
    if mapping is None:
        mapping = guess_remittance_mapping(frame.columns)
    errors = check_mapping(frame, mapping, REMITTANCE_FIELDS, REMITTANCE_LABELS)
    errors += missing_columns(mapping, REMITTANCE_REQUIRED, REMITTANCE_LABELS)
    if errors:
        raise FileRejected(Path(path).name, errors)
    header = {field: column for column, field in mapping.items()}
    frame, total = _total_row(frame, header, errors)
    reader = ColumnReader(frame, mapping)
    references = reader.required_text("reference", "PRO / invoice")
    paid = reader.parsed("paid", parse_money, required_label="Paid amount")
    invoice_amounts = reader.parsed("invoice_amount", parse_money)
    discounts = reader.parsed("discount", parse_money)
    reasons = reader.text("reason_code")
    payer_references = reader.text("payer_reference")
    dates = reader.dates("payment_date")
    accounts = reader.text("account_number")
    totals = reader.parsed("payment_total", parse_money)
    errors += reader.errors
    if errors:
        raise FileRejected(Path(path).name, sorted(errors, key=lambda e: e.row))
    lines = [
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
    bank, source = _bank_amount(lines, totals, total, "payment_total" in header, errors)
    if errors:
        raise FileRejected(Path(path).name, errors)
    return RemittanceTable(lines, bank, source)


def _total_row(
    frame: pd.DataFrame, header: dict[str, str], errors: list[RowError]
) -> tuple[pd.DataFrame, tuple[int, Decimal] | None]:
    """Take the total row out of the lines: (the other rows, (its row, its amount) or None)."""
    words = frame[header["reference"]].map(lambda v: " ".join(str(v).upper().rstrip(":").split()))
    rows = [row for row, word in zip(frame.index, words, strict=True) if word in TOTAL_WORDS]
    if not rows:
        return frame, None
    if len(rows) > 1:
        message = f"one total row expected; rows {', '.join(map(str, rows))} all say total"
        errors.append(RowError(int(rows[1]), header["reference"], "", message))
    cell = str(frame.loc[rows[0], header["paid"]]).strip()
    try:
        amount = parse_money(cell)
    except CellError as exc:
        errors.append(RowError(int(rows[0]), header["paid"], cell, f"total row: {exc}"))
        amount = Decimal(0)
    return frame.drop(index=rows), (int(rows[0]), amount)


def _bank_amount(
    lines: list[RemittanceLine],
    totals: list[Decimal | None],
    total_row: tuple[int, Decimal] | None,
    has_column: bool,
    errors: list[RowError],
) -> tuple[Decimal, str]:
    """The amount the file says was received (see the module docstring), and how it says it."""
    column = _column_total(lines, totals, errors) if has_column else None
    if total_row is not None:
        row, amount = total_row
        if column is not None and column != amount:
            message = f"the total row says {amount} but the payment total column adds to {column}"
            errors.append(RowError(row, "total", str(amount), message))
        return amount, f"total row {row}"
    if column is not None:
        return column, "the payment total column"
    return sum((line.paid for line in lines), Decimal(0)), SUM_OF_PAID


def _column_total(
    lines: list[RemittanceLine], totals: list[Decimal | None], errors: list[RowError]
) -> Decimal | None:
    """The sum over payments of the payment total column (one value per payment reference)."""
    per_payment: dict[str, tuple[int, Decimal]] = {}
    for line, total in zip(lines, totals, strict=True):
        if total is None:
            continue
        key = line.payer_reference or ""
        first = per_payment.setdefault(key, (line.source_row, total))
        if first[1] != total:
            name = f"payment {key!r}" if key else "the file"
            message = f"the payment total of {name} is {first[1]} on row {first[0]}"
            errors.append(RowError(line.source_row, "Payment total", str(total), message))
    if not per_payment:
        return None
    return sum((amount for _, amount in per_payment.values()), Decimal(0))
