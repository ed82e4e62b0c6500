"""Turn an invoice file (register xlsx/xls/csv, or X12 210) into typed rows ready to import.

A register is read with `io.registers` (mapping guessed, taken from a saved profile or given
column by column); a 210 is recognized by its content (it starts with an ISA header) whatever
its name, and each freight invoice becomes one row plus its charge lines. Nothing here writes:
the outcome is an `InvoiceFile` with rows, or with every `RowError` that rejects the file.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from arbench.io.errors import FILE_ROW, FileRejected, RowError
from arbench.io.registers import (
    IGNORE,
    RegisterColumns,
    RegisterRow,
    guess_mapping,
    parse_guessed,
    read_raw_table,
)
from arbench.io.x12 import Charge, FreightInvoice, read_210
from arbench.services.intake.aliases import PartyRef

FUEL_CODES = frozenset({"405", "FUE", "ENS", "FSC"})
LINEHAUL_CODES = frozenset({"400"})
# taxes are neither freight nor accessorials: GST, VAT, sales and excise taxes (X12 element 150)
TAX_CODES = frozenset({"GST", "750", "SST", "SSX", "CBX", "LLS", "PPT", "FAB", "AAT", "CGT", "REG"})
_TAX_WORDS = frozenset({"GST", "HST", "PST", "QST", "TPS", "TVQ", "TVH", "VAT", "TAX"})
SAMPLE_ROWS = 8


@dataclass(frozen=True, slots=True)
class ChargeRow:
    """One charge line of a freight bill (from an L1 segment)."""

    seq: int
    kind: str  # linehaul | fuel | accessorial | tax
    code: str | None
    description: str
    amount: Decimal


@dataclass(slots=True)
class InvoiceFile:
    """A file read for import: typed rows, or the errors that reject it."""

    name: str
    sha256: str
    kind: str  # invoices (a register) | 210
    columns: RegisterColumns = field(default_factory=lambda: RegisterColumns.from_rows([]))
    fields: frozenset[str] = frozenset()  # the canonical fields the file carries
    mapping: dict[str, str] = field(default_factory=dict)
    headers: list[str] = field(default_factory=list)
    date_formats: dict[str, str] = field(default_factory=dict)
    charges: dict[str, list[ChargeRow]] = field(default_factory=dict)  # by PRO (210 only)
    bill_to: dict[str, str] = field(default_factory=dict)  # by PRO (210 only)
    parties: dict[str, list[PartyRef]] = field(default_factory=dict)  # by PRO: N1*BT, N1*PR
    currencies: dict[str, tuple[str | None, int]] = field(default_factory=dict)  # PRO: C301, seg
    account_currencies: dict[str, str] = field(default_factory=dict)  # new account -> currency
    learned: list[tuple[str, PartyRef]] = field(default_factory=list)  # aliases to record
    lenient: bool = False
    warnings: list[RowError] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    sample: list[list[str]] = field(default_factory=list)  # the first rows, as text (registers)
    unused_columns: list[str] = field(default_factory=list)  # headers nothing was read from
    rounded_amounts: int = 0  # rows whose amounts were rounded half-even to cents
    notes: list[str] = field(default_factory=list)  # how the mapping was read, in words
    rejected_guesses: list[dict[str, object]] = field(default_factory=list)

    @property
    def rows(self) -> list[RegisterRow]:
        """The typed rows as objects (built on demand; the import itself uses `columns`)."""
        return self.columns.to_rows()

    @property
    def row_count(self) -> int:
        return len(self.columns)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for one import.

    An import allocates millions of short-lived containers; each full collection walks every
    object of the process (in the GUI: the worklist too) while holding the GIL, and those
    walks were the longest freezes of the window during an import. Reference counting still
    frees everything the import drops; the collector resumes afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def is_x12(path: Path) -> bool:
    """True when the file's first characters (after a BOM and blanks) are an ISA header."""
    try:
        with path.open("rb") as handle:
            head = handle.read(64)
    except OSError:
        return False
    return head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"ISA")


def read_invoice_file(
    path: Path,
    mapping: dict[str, str] | None = None,
    overrides: dict[str, str] | None = None,
    *,
    lenient: bool = False,
) -> InvoiceFile:
    """Read a register or 210 file; `mapping` replaces the guess, `overrides` adjust it.

    A 210's accounts are not known yet: `services.work.bill_to.resolve_bill_to` sets them.
    """
    path = Path(path)
    try:
        sha = file_sha256(path)
    except OSError as exc:
        error = RowError(FILE_ROW, "", str(path), f"cannot open the file: {exc.strerror}")
        return InvoiceFile(path.name, "", "invoices", errors=[error])
    with collector_paused():
        if is_x12(path):
            return _read_210(path, sha, lenient)
        return _read_register(path, sha, mapping, overrides or {})


def effective_mapping(
    headers: list[str], mapping: dict[str, str] | None, overrides: dict[str, str]
) -> dict[str, str]:
    """The mapping used: a given one as is, else the guess; `overrides` win over either
    (`COLUMN=ignore` keeps a column out; several columns may be ignored)."""
    result = dict(mapping) if mapping is not None else guess_mapping(headers)
    for source, target in overrides.items():
        result = {h: f for h, f in result.items()
                  if h != source and (f != target or target == IGNORE)}  # fmt: skip
        result[source] = target
    return {h: f for h, f in result.items() if f}


def _read_register(
    path: Path, sha: str, mapping: dict[str, str] | None, overrides: dict[str, str]
) -> InvoiceFile:
    result = InvoiceFile(path.name, sha, "invoices")
    try:
        table = read_raw_table(path)
    except FileRejected as exc:
        result.errors = exc.errors
        return result
    result.headers = list(table.headers)
    result.sample = table.text_rows(SAMPLE_ROWS)
    chosen = effective_mapping(result.headers, mapping, overrides)
    guessed = set() if mapping is not None else set(chosen) - set(overrides)
    parsed, result.mapping = parse_guessed(table, chosen, guessed)
    result.errors = parsed.errors
    result.date_formats = parsed.date_formats
    result.notes, result.rejected_guesses = parsed.notes, parsed.rejected_guesses
    used = {h for h, f in result.mapping.items() if f != IGNORE and h in table.headers}
    result.unused_columns = [h for h in result.headers if h not in used]
    if not parsed.errors:
        result.columns = parsed.columns
        result.rounded_amounts = parsed.rounded_amounts
        result.fields = frozenset(f for f in result.mapping.values() if f != IGNORE)
        result.fields |= _stand_ins(result.fields)
    return result


def _stand_ins(fields: frozenset[str]) -> frozenset[str]:
    """Fields read from another field's column (no PRO column: the invoice number; no amount
    column: the open balance), so the import compares and writes them too."""
    extra = set()
    if "pro" not in fields and "invoice_number" in fields:
        extra.add("pro")
    if "amount" not in fields and "open_balance" in fields:
        extra.add("amount")
    return frozenset(extra)


_FIELDS_210 = frozenset(
    {"pro", "account_number", "account_name", "bol", "invoice_number", "invoice_date", "amount",
     "open_balance", "ship_date", "delivery_date", "shipper", "consignee", "origin",
     "destination", "weight", "freight_class", "pieces", "terms"}
)  # fmt: skip


def _read_210(path: Path, sha: str, lenient: bool) -> InvoiceFile:
    result = InvoiceFile(path.name, sha, "210", lenient=lenient)
    try:
        read = read_210(path, lenient=lenient, collect=True)
    except FileRejected as exc:
        result.errors = exc.errors
        return result
    result.warnings, result.errors = read.warnings, list(read.errors)
    seen: dict[str, int] = {}
    rows: list[RegisterRow] = []
    for invoice in read.items:
        row = _row_210(invoice)
        if row.pro.upper() in seen:
            message = f"duplicate PRO: also in the set at segment {seen[row.pro.upper()]}"
            result.errors.append(
                RowError(invoice.segment_number, "B3", row.pro, message, unit="segment")
            )
            continue
        seen[row.pro.upper()] = invoice.segment_number
        rows.append(row)
        result.charges[row.pro] = _charges(invoice.charges)
        result.parties[row.pro] = _parties(invoice)
        result.currencies[row.pro] = (invoice.currency, invoice.currency_segment)
        party = invoice.bill_to or invoice.party("PR")
        if party is not None:
            result.bill_to[row.pro] = party.name
    # rows are kept even with errors: resolving the bill-tos adds its own problems to the same
    # rejection (services.work.bill_to), then a file with errors keeps no rows
    result.columns = RegisterColumns.from_rows(rows)
    result.fields = _FIELDS_210
    return result


def _parties(invoice: FreightInvoice) -> list[PartyRef]:
    """The bill-to (N1*BT) and the payer (N1*PR) of a 210, as identifiers to resolve."""
    return [
        PartyRef(f"N1*{p.role}", p.name or None, p.id_qualifier if p.id else "", p.id or None,
                 p.segment_number)
        for role in ("BT", "PR")
        if (p := invoice.party(role)) is not None
    ]  # fmt: skip


def _place(city: str, state: str) -> str | None:
    return ", ".join(p for p in (city, state) if p) or None


def _row_210(invoice: FreightInvoice) -> RegisterRow:
    """The invoice as a register row; its account number is set once the bill-to resolves."""
    payer = invoice.bill_to or invoice.party("PR")
    shipper, consignee = invoice.shipper, invoice.consignee
    weight = invoice.total_weight
    if weight is None:
        weights = [line.weight for line in invoice.lines if line.weight is not None]
        weight = sum(weights, Decimal(0)) if weights else None
    pieces = [line.pieces for line in invoice.lines if line.pieces is not None]
    classes = [line.freight_class for line in invoice.lines if line.freight_class]
    return RegisterRow(
        row=invoice.segment_number,
        pro=invoice.pro,
        account_number="",
        amount=invoice.net_amount,
        open_balance=invoice.net_amount,
        invoice_date=invoice.invoice_date,
        account_name=payer.name if payer else None,
        bol=invoice.bol,
        invoice_number=invoice.invoice_number,
        ship_date=invoice.ship_date,
        delivery_date=invoice.delivery_date,
        shipper=shipper.name if shipper else None,
        consignee=consignee.name if consignee else None,
        origin=_place(shipper.city, shipper.state) if shipper else None,
        destination=_place(consignee.city, consignee.state) if consignee else None,
        weight=weight,
        freight_class=classes[0] if classes else None,
        pieces=sum(pieces) if pieces else None,
        terms=invoice.terms,
    )


def charge_kind(code: str | None, description: str = "") -> str:
    """linehaul, fuel, tax (GST, HST, VAT, sales taxes) or accessorial, from an L1's code."""
    if code is None or code in LINEHAUL_CODES:
        return "linehaul"
    if code in FUEL_CODES:
        return "fuel"
    words = set(description.upper().replace("/", " ").split())
    if code in TAX_CODES or code.upper() in _TAX_WORDS or words & _TAX_WORDS:
        return "tax"
    return "accessorial"


def _charges(charges: list[Charge]) -> list[ChargeRow]:
    rows = []
    for seq, charge in enumerate(charges, start=1):
        code = charge.code
        kind = charge_kind(code, charge.description)
        name = (charge.name or charge.description or kind)[:120]
        rows.append(ChargeRow(seq, kind, code, name, charge.amount or Decimal(0)))
    return rows
