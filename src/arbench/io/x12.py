"""X12 EDI for freight AR: read 210 freight invoices and 820 remittances.

arbench has its own small, strict reader (`x12_reader`) rather than a third-party parser: the
trade's files come with BOMs, CRLF, indentation and odd terminators, and what matters most is
that malformed input is refused with every problem's segment number and element before anything
is written. Usage::

    invoices = parse_210(Path("in.210"))                      # list[FreightInvoice]
    read = read_820(raw_bytes, source="ach-0612.820", lenient=True)
    read.items, read.warnings                                 # list[Remittance], list[RowError]

Every rejection is an `X12Error` (a `FileRejected`) listing every problem found, each with its
segment number, segment id and message. In lenient mode the deviations real senders make
(six-digit dates, envelope counts and control numbers that disagree, ...) are read and listed
as warnings instead (see `x12_findings`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from arbench.io.codes import ADJUSTMENT_REASONS, PAYMENT_METHODS, SPECIAL_CHARGES
from arbench.io.errors import RowError
from arbench.io.remittance import Adjustment, RemittanceLine
from arbench.io.x12_210 import Charge, FreightInvoice, FreightLine, Party, Reference
from arbench.io.x12_210 import freight_invoices as _freight_invoices
from arbench.io.x12_820 import Remittance, RemittanceGroup
from arbench.io.x12_820 import remittances as _remittances
from arbench.io.x12_findings import Findings
from arbench.io.x12_reader import (
    Delimiters,
    Segment,
    TransactionSet,
    X12Error,
    read_interchange,
    read_sets,
)

X12Source = str | bytes | Path
T = TypeVar("T")

__all__ = [
    "ADJUSTMENT_REASONS",
    "PAYMENT_METHODS",
    "SPECIAL_CHARGES",
    "Adjustment",
    "Charge",
    "Delimiters",
    "FreightInvoice",
    "FreightLine",
    "Party",
    "Reference",
    "Remittance",
    "RemittanceGroup",
    "RemittanceLine",
    "Segment",
    "TransactionSet",
    "X12Error",
    "X12Read",
    "X12Source",
    "parse_210",
    "parse_820",
    "read_210",
    "read_820",
    "read_interchange",
    "read_x12_file",
]


@dataclass(frozen=True)
class X12Read(Generic[T]):
    """What a file held, and the warnings (sender deviations accepted, notes) met reading it;
    with `collect=True` also its errors, the items then being only as good as the errors allow."""

    items: list[T]
    warnings: list[RowError]
    errors: list[RowError] = field(default_factory=list)


def read_x12_file(path: Path, *, lenient: bool = False) -> list[TransactionSet]:
    """Read an X12 file from disk, naming it in every error."""
    return read_interchange(_bytes(Path(path)), source=Path(path).name, lenient=lenient)


def read_210(
    data: X12Source, *, source: str | None = None, lenient: bool = False, collect: bool = False
) -> X12Read[FreightInvoice]:
    """Read 210 freight invoices; raise `X12Error` with every problem found (with `collect`,
    return them in `errors` beside what could be read, for a caller that checks more)."""
    return _read(data, source, lenient, _freight_invoices, collect)


def read_820(
    data: X12Source, *, source: str | None = None, lenient: bool = False
) -> X12Read[Remittance]:
    """Read 820 remittances; raise `X12Error` with every problem found."""
    return _read(data, source, lenient, _remittances, False)


def parse_210(
    data: X12Source, *, source: str | None = None, lenient: bool = False
) -> list[FreightInvoice]:
    """Read 210 freight invoices from a path or raw text/bytes."""
    return read_210(data, source=source, lenient=lenient).items


def parse_820(
    data: X12Source, *, source: str | None = None, lenient: bool = False
) -> list[Remittance]:
    """Read 820 remittances from a path or raw text/bytes."""
    return read_820(data, source=source, lenient=lenient).items


def _read(
    data: X12Source,
    source: str | None,
    lenient: bool,
    reader: Callable[[list[TransactionSet]], list[T]],
    collect: bool,
) -> X12Read[T]:
    if isinstance(data, Path):
        source, data = source or data.name, _bytes(data)
    findings = Findings(source or "X12 input", lenient=lenient)
    items = reader(read_sets(data, findings))
    if not collect:
        findings.check()
    by_row = sorted(findings.warnings, key=lambda w: w.row)
    return X12Read(items, by_row, sorted(findings.errors, key=lambda e: e.row))


def _bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise X12Error(0, "", f"cannot read the file: {exc.strerror}", source=path.name) from exc
