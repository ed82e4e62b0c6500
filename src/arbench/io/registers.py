"""Open-item registers (xlsx, xls, csv) into typed `RegisterRow`s, all or nothing.

    table = read_raw_table(path)                   # cells as typed, by column (or read_table)
    mapping = guess_mapping(table.columns)         # {header: field}, adjustable, saved as a profile
    result = parse_register(table, mapping)        # RegisterRows: columns, errors, date formats
    result.raise_for_errors(path.name)             # FileRejected with every RowError

Rules: money is Decimal; negative amounts are credit memos or credits on account and are kept;
an empty open balance means the whole amount is open; each date column is read in the one
format detected for it; a PRO that appears twice is an error on every later row; row numbers
are the spreadsheet's (header row 1, first data row 2). `load_register` does all four steps.

The result is columnar (`RegisterColumns`: one list per field, money in integer cents, the way
the book stores it) so a 100,000-row register is never turned into 100,000 objects on its way
into the database; `RegisterRows.rows` builds the `RegisterRow`s when someone asks for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from arbench.domain.catalogue import Terms
from arbench.io.cell_values import (
    detect_date_format,
    float_cents,
    money_cents,
    parse_flag,
    parse_freight_class,
    parse_pieces,
    parse_terms,
    parse_weight,
)
from arbench.io.column_reader import ColumnReader, Table, check_mapping, missing_columns
from arbench.io.errors import HEADER_ROW, FileRejected, RowError
from arbench.io.register_fields import (
    CANONICAL_FIELDS,
    DATE_FIELDS,
    FIELD_LABELS,
    ONE_OF_DATES,
    REQUIRED_FIELDS,
    guess_mapping,
)
from arbench.io.remittance_tables import (
    REMITTANCE_FIELDS,
    guess_remittance_mapping,
    read_remittance_table,
)
from arbench.io.tables import read_raw_table, read_table

__all__ = [
    "CANONICAL_FIELDS",
    "MONEY_FIELDS",
    "REMITTANCE_FIELDS",
    "REQUIRED_FIELDS",
    "RegisterColumns",
    "RegisterRow",
    "RegisterRows",
    "detect_date_format",
    "guess_mapping",
    "guess_remittance_mapping",
    "load_register",
    "parse_register",
    "read_raw_table",
    "read_remittance_table",
    "read_table",
]

_TEXT_FIELDS = ("account_name", "bol", "invoice_number", "shipper", "consignee", "origin",
                "destination")  # fmt: skip


@dataclass(frozen=True, slots=True)
class RegisterRow:
    """One open item of a register, typed."""

    row: int  # the spreadsheet row it came from
    pro: str
    account_number: str
    amount: Decimal  # negative for a credit memo or credit on account
    open_balance: Decimal  # = amount when the file has none
    invoice_date: date | None = None
    due_date: date | None = None
    account_name: str | None = None
    bol: str | None = None
    invoice_number: str | None = None
    ship_date: date | None = None
    delivery_date: date | None = None
    shipper: str | None = None
    consignee: str | None = None
    origin: str | None = None
    destination: str | None = None
    weight: Decimal | None = None
    freight_class: str | None = None  # one of domain.catalogue.NMFC_CLASSES
    pieces: int | None = None
    terms: Terms | None = None
    pod_on_file: bool = False  # an empty cell means no POD on file

    @property
    def is_credit(self) -> bool:
        return self.amount < 0


_ROW_FIELDS = tuple(f.name for f in fields(RegisterRow))[1:]  # after `row`, in class order
MONEY_FIELDS = ("amount", "open_balance")


def cents_to_decimal(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


@dataclass(slots=True)
class RegisterColumns:
    """A register as typed columns: one list per RegisterRow field, money in integer cents."""

    rows: list[int]  # the spreadsheet row of each position
    values: dict[str, list[Any]]  # field -> values, every field of RegisterRow

    def __len__(self) -> int:
        return len(self.rows)

    def row(self, position: int) -> RegisterRow:
        values: list[Any] = [
            cents_to_decimal(self.values[name][position])
            if name in MONEY_FIELDS
            else self.values[name][position]
            for name in _ROW_FIELDS
        ]
        return RegisterRow(self.rows[position], *values)

    def to_rows(self) -> list[RegisterRow]:
        return [self.row(position) for position in range(len(self.rows))]

    def without(self, positions: set[int]) -> RegisterColumns:
        """The columns less the rows at `positions` (rows that failed)."""
        if not positions:
            return self
        keep = [i for i in range(len(self.rows)) if i not in positions]
        return RegisterColumns(
            [self.rows[i] for i in keep],
            {name: [column[i] for i in keep] for name, column in self.values.items()},
        )

    @classmethod
    def from_rows(cls, rows: Sequence[RegisterRow]) -> RegisterColumns:
        values: dict[str, list[Any]] = {n: [getattr(r, n) for r in rows] for n in _ROW_FIELDS}
        for name in MONEY_FIELDS:
            values[name] = [int(v.scaleb(2)) for v in values[name]]
        return cls([r.row for r in rows], values)


@dataclass(slots=True)
class RegisterRows:
    """The outcome of reading a register: typed columns, or the errors that reject it."""

    columns: RegisterColumns
    errors: list[RowError]
    date_formats: dict[str, str] = field(default_factory=dict)  # field -> detected format

    @property
    def rows(self) -> list[RegisterRow]:
        """The rows that read without error, as RegisterRow objects (built on demand)."""
        return self.columns.to_rows()

    @property
    def ok(self) -> bool:
        return not self.errors

    def raise_for_errors(self, source: str) -> None:
        """Raise `FileRejected` naming `source` when any row failed (all or nothing)."""
        if self.errors:
            raise FileRejected(source, self.errors)


def parse_register(frame: Table, mapping: dict[str, str]) -> RegisterRows:
    """Read every mapped column of a register table; each row is typed or has errors."""
    errors = check_mapping(frame, mapping, CANONICAL_FIELDS, FIELD_LABELS)
    errors += missing_columns(mapping, REQUIRED_FIELDS, FIELD_LABELS)
    if not set(ONE_OF_DATES) & set(mapping.values()):
        message = "required column missing: map a column to Invoice date or Due date"
        errors.append(RowError(HEADER_ROW, "Invoice date / Due date", "", message))
    if errors:
        return RegisterRows(RegisterColumns([], {n: [] for n in _ROW_FIELDS}), errors)
    reader = ColumnReader(frame, mapping)
    columns = _read_columns(reader)
    _check_dates_present(reader)
    _check_duplicate_pros(reader, columns["pro"])
    table = RegisterColumns(reader.rows, {name: columns[name] for name in _ROW_FIELDS})
    table = table.without(reader.failed_positions())
    return RegisterRows(table, reader.sorted_errors(CANONICAL_FIELDS), reader.date_formats)


def _read_columns(reader: ColumnReader) -> dict[str, list]:  # type: ignore[type-arg]
    columns: dict[str, list] = {  # type: ignore[type-arg]
        "pro": reader.required_text("pro", "PRO"),
        "account_number": reader.required_text("account_number", "Account number"),
        "amount": reader.parsed("amount", money_cents, required_label="Amount", fast=float_cents),
        "open_balance": reader.parsed("open_balance", money_cents, fast=float_cents),
        "weight": reader.parsed("weight", parse_weight),
        "freight_class": reader.parsed("freight_class", parse_freight_class),
        "pieces": reader.parsed("pieces", parse_pieces),
        "terms": reader.parsed("terms", parse_terms),
        "pod_on_file": [v is True for v in reader.parsed("pod_on_file", parse_flag)],
    }
    for name in _TEXT_FIELDS:
        columns[name] = reader.text(name)
    for name in DATE_FIELDS:
        columns[name] = reader.dates(name)
    columns["open_balance"] = [
        amount if balance is None else balance
        for amount, balance in zip(columns["amount"], columns["open_balance"], strict=True)
    ]
    return columns


def _check_dates_present(reader: ColumnReader) -> None:
    invoice_filled, due_filled = reader.filled("invoice_date"), reader.filled("due_date")
    field_name = "invoice_date" if "invoice_date" in reader.header_of else "due_date"
    if all(invoice_filled) or all(due_filled):
        return
    for position, (invoice, due) in enumerate(zip(invoice_filled, due_filled, strict=True)):
        if not invoice and not due:
            reader.fail(position, field_name, "a date is required: invoice date or due date")


def _check_duplicate_pros(reader: ColumnReader, pros: list[str | None]) -> None:
    first_row: dict[str, int] = {}
    for position, pro in enumerate(pros):
        if pro is None:
            continue
        key = pro.upper()
        if key in first_row:
            reader.fail(position, "pro", f"duplicate PRO: also on row {first_row[key]}")
        else:
            first_row[key] = reader.rows[position]


def load_register(path: str | Path, mapping: dict[str, str] | None = None) -> list[RegisterRow]:
    """Read, map and parse a register file; raise `FileRejected` with every error found."""
    table = read_raw_table(path)
    result = parse_register(table, mapping if mapping is not None else guess_mapping(table.columns))
    result.raise_for_errors(Path(path).name)
    return result.rows
