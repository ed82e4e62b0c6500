"""Open-item registers (xlsx, xls, csv) into typed `RegisterRow`s, all or nothing.

    table = read_raw_table(path)                   # cells as typed, by column (or read_table)
    mapping = guess_mapping(table.columns)         # {header: field}, adjustable, saved as a profile
    result = parse_register(table, mapping)        # RegisterRows: columns, errors, date formats
    result.raise_for_errors(path.name)             # FileRejected with every RowError

Rules: money is Decimal; negative amounts are credit memos or credits on account and are kept;
amounts with more than two decimals are rounded half-even to cents and counted; an empty open
balance means the whole amount is open; a filled paid date means the row is settled (its open
balance is zero); each date column is read in the one format detected for it; a PRO that
appears twice is an error on every later row; an account whose rows name two currencies is an
error on the rows that differ from its first; ids saved as floats ("1930438491.0") read as
the id; row numbers are the spreadsheet's (header row 1, first data row 2). `load_register`
does all four steps; `parse_guessed` also drops a guessed column whose values mostly fail.

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
from arbench.domain.terms import Terms as PaymentTerms
from arbench.domain.terms import parse_terms as parse_payment_terms
from arbench.io.cell_values import (
    detect_date_format,
    float_rounded_cents,
    identifier,
    parse_currency,
    parse_flag,
    parse_freight_class,
    parse_pieces,
    parse_terms,
    parse_weight,
    rounded_cents,
)
from arbench.io.column_reader import ColumnReader, Table, check_mapping, missing_columns
from arbench.io.errors import HEADER_ROW, FileRejected, RowError
from arbench.io.register_fields import (
    CANONICAL_FIELDS,
    DATE_FIELDS,
    FIELD_LABELS,
    GUESS_ALTERNATIVES,
    IGNORE,
    ONE_OF_DATES,
    REQUIRED_FIELDS,
    guess_mapping,
)
from arbench.io.remittance_tables import (
    REMITTANCE_FIELDS,
    guess_remittance_mapping,
    read_remittance_table,
)
from arbench.io.tables import RawTable, cell_text, read_raw_table, read_table

__all__ = [
    "CANONICAL_FIELDS",
    "IGNORE",
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
    "parse_guessed",
    "parse_register",
    "read_raw_table",
    "read_remittance_table",
    "read_table",
]

_TEXT_FIELDS = ("account_name", "shipper", "consignee", "origin", "destination")
_ID_FIELDS = ("bol", "invoice_number")  # ids: "1930438491.0" reads as "1930438491"


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
    paid_date: date | None = None  # settled on this day (the open balance is then zero)
    disputed: bool = False  # an empty cell means not disputed
    payment_terms: PaymentTerms | None = None  # the customer's terms as the row states them
    currency: str | None = None  # ISO 4217; None when the file has no currency column

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
    rounded_amounts: int = 0  # rows whose amounts had more than two decimals
    notes: list[str] = field(default_factory=list)  # how the mapping was read, in words
    rejected_guesses: list[dict[str, Any]] = field(default_factory=list)  # see parse_guessed

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
    mapping = {header: f for header, f in mapping.items() if f != IGNORE}
    errors = check_mapping(frame, mapping, CANONICAL_FIELDS, FIELD_LABELS)
    mapped = set(mapping.values())
    stand_ins = {"pro": "invoice_number", "amount": "open_balance"}  # when the first is absent
    required = [f for f in REQUIRED_FIELDS if not (f in stand_ins and stand_ins[f] in mapped)]
    errors += missing_columns(mapping, required, FIELD_LABELS)
    if not set(ONE_OF_DATES) & mapped:
        message = "required column missing: map a column to Invoice date or Due date"
        errors.append(RowError(HEADER_ROW, "Invoice date / Due date", "", message))
    if errors:
        return RegisterRows(RegisterColumns([], {n: [] for n in _ROW_FIELDS}), errors)
    reader = ColumnReader(frame, mapping)
    notes = []
    for wanted, stand_in in stand_ins.items():
        if wanted not in mapped:
            reader.header_of[wanted] = reader.header_of[stand_in]
            notes.append(f"no {FIELD_LABELS[wanted]} column: {FIELD_LABELS[wanted]} is taken "
                         f"from {reader.header_of[stand_in]!r} ({FIELD_LABELS[stand_in]})")  # fmt: skip
    columns, rounded = _read_columns(reader)
    _check_dates_present(reader)
    _check_duplicate_pros(reader, columns["pro"])
    _check_one_currency(reader, columns["account_number"], columns["currency"])
    table = RegisterColumns(reader.rows, {name: columns[name] for name in _ROW_FIELDS})
    failed = reader.failed_positions()
    table = table.without(failed)
    return RegisterRows(table, reader.sorted_errors(CANONICAL_FIELDS), reader.date_formats,
                        len(rounded - failed), notes)  # fmt: skip


# Fields a guess may be dropped from; a bad key, amount or date stays an error on its cells.
_OPTIONAL_GUESSES = frozenset(CANONICAL_FIELDS) - {
    "pro", "account_number", "amount", "open_balance", "invoice_date", "due_date",
}  # fmt: skip


def parse_guessed(
    frame: Table, mapping: dict[str, str], guessed: set[str]
) -> tuple[RegisterRows, dict[str, str]]:
    """`parse_register`, except that a guessed column (a header in `guessed`) of an optional
    field whose values fail in most of its filled rows is not kept: it is mapped to the field's alternative when that
    reads it (GUESS_ALTERNATIVES), else left unmapped, and said so in `rejected_guesses`.
    Returns the result and the mapping finally used."""
    result = parse_register(frame, mapping)
    optional = {h for h in guessed if mapping.get(h) in _OPTIONAL_GUESSES}
    failing = _mostly_failing(frame, result.errors, optional)
    if not failing:
        return result, mapping
    rejected: list[dict[str, Any]] = []
    for header in [h for h in frame.columns if h in failing]:  # in the file's column order
        failed, filled = failing[header]
        field_name = mapping.pop(header)
        alternative = GUESS_ALTERNATIVES.get(field_name)
        if alternative and alternative not in mapping.values():
            mapping[header] = alternative
        rejected.append({"column": header, "field": field_name, "failed": failed,
                         "rows": filled, "mapped_to": mapping.get(header)})  # fmt: skip
    result = parse_register(frame, mapping)
    result.rejected_guesses = rejected
    for item in rejected:
        mapped_to = item["mapped_to"]
        instead = f"read as {FIELD_LABELS[mapped_to]}" if mapped_to else "left unmapped"
        label = FIELD_LABELS[item["field"]]
        result.notes.append(f"column {item['column']!r} was guessed as {label}, but "
                            f"{item['failed']:,} of its {item['rows']:,} values are not "
                            f"a {label.lower()}: {instead}")  # fmt: skip
    return result, mapping


def _mostly_failing(
    frame: Table, errors: list[RowError], headers: set[str]
) -> dict[str, tuple[int, int]]:
    """Guessed headers whose errors cover more than half of their filled rows."""
    failed: dict[str, set[int]] = {}
    for error in errors:
        if error.column in headers and error.row != HEADER_ROW:
            failed.setdefault(error.column, set()).add(error.row)
    found = {}
    for header, rows in failed.items():
        cells = frame.column(header) if isinstance(frame, RawTable) else frame[header].tolist()
        filled = sum(1 for v in cells if (v.strip() if type(v) is str else cell_text(v)))
        if filled and len(rows) * 2 > filled:
            found[header] = (len(rows), filled)
    return found


def _money(reader: ColumnReader, name: str, required: str = "") -> tuple[list[Any], set[int]]:
    """A money column in cents, rounded half-even; and the positions that were rounded."""
    rounded: set[Any] = set()

    def text(value: str) -> int:
        cents, changed = rounded_cents(value)
        if changed:
            rounded.add(value)
        return cents

    def number(value: float) -> int:
        if abs(value) < 1e12:  # the common case inline: a number with whole cents
            hundredfold = value * 100
            cents = round(hundredfold)
            if abs(hundredfold - cents) <= 1e-4:
                return cents
        cents, changed = float_rounded_cents(value)
        if changed:
            rounded.add(value)
        return cents

    values = reader.parsed(name, text, required_label=required, fast=number)
    if not rounded:
        return values, set()
    cells = reader.cells(name)
    keys = (v if type(v) is float else (v.strip() if type(v) is str else cell_text(v))
            for v in cells)  # fmt: skip
    return values, {position for position, key in enumerate(keys) if key in rounded}


def _ids(reader: ColumnReader, values: list[str | None]) -> list[str | None]:
    """Ids as exports print them: a float's '.0' dropped ("1930438491.0" -> "1930438491")."""
    if "." not in "\n".join(filter(None, values)):  # one C-level scan for the usual column
        return values
    dotted = [i for i, v in enumerate(values) if v is not None and "." in v]
    for i in dotted:
        values[i] = identifier(values[i])  # type: ignore[arg-type]
    return values


def _read_columns(reader: ColumnReader) -> tuple[dict[str, list], set[int]]:  # type: ignore[type-arg]
    amount, rounded = _money(reader, "amount", "Amount")
    balance, rounded_balance = _money(reader, "open_balance")
    columns: dict[str, list] = {  # type: ignore[type-arg]
        "pro": _ids(reader, reader.required_text("pro", "PRO")),
        "account_number": _ids(reader, reader.required_text("account_number", "Account number")),
        "amount": amount,
        "weight": reader.parsed("weight", parse_weight),
        "freight_class": reader.parsed("freight_class", parse_freight_class),
        "pieces": reader.parsed("pieces", parse_pieces),
        "terms": reader.parsed("terms", parse_terms),
        "pod_on_file": [v is True for v in reader.parsed("pod_on_file", parse_flag)],
        "disputed": [v is True for v in reader.parsed("disputed", parse_flag)],
        "payment_terms": reader.parsed("payment_terms", parse_payment_terms),
        "currency": reader.parsed("currency", parse_currency),
    }
    for name in _TEXT_FIELDS:
        columns[name] = reader.text(name)
    for name in _ID_FIELDS:
        columns[name] = _ids(reader, reader.text(name))
    for name in DATE_FIELDS:
        columns[name] = reader.dates(name)
    columns["open_balance"] = [
        0 if paid is not None else amount if balance is None else balance
        for amount, balance, paid in zip(columns["amount"], balance, columns["paid_date"],
                                         strict=True)
    ]  # fmt: skip
    return columns, rounded | rounded_balance


def _check_one_currency(
    reader: ColumnReader, accounts: list[str | None], currencies: list[str | None]
) -> None:
    """One currency per account: rows naming another currency than the account's first row
    are errors (totals never add two currencies)."""
    if "currency" not in reader.header_of:
        return
    first: dict[str, tuple[str, int]] = {}
    for position, (account, currency) in enumerate(zip(accounts, currencies, strict=True)):
        if account is None or currency is None:
            continue
        seen = first.setdefault(account, (currency, reader.rows[position]))
        if seen[0] != currency:
            reader.fail(position, "currency", f"account {account} is in {seen[0]} on row "
                        f"{seen[1]}: one currency per account")  # fmt: skip


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
