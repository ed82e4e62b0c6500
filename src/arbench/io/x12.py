"""X12 EDI for freight AR: read 210 freight invoices and 820 remittances.

arbench has its own small, strict reader (`x12_reader`) rather than a third-party parser: the
trade's files come with BOMs, CRLF, indentation and odd terminators, and what matters most is
that malformed input is refused with the segment number and the reason before anything is
written. Usage::

    invoices = parse_210(Path("in.210"))           # list[FreightInvoice]
    payments = parse_820(raw_bytes, source="ach-0612.820")  # list[Remittance]

Every failure is an `X12Error` (a `FileRejected`), with `segment_number`, `segment_id` and
`message`.
"""

from __future__ import annotations

from pathlib import Path

from arbench.io.codes import ADJUSTMENT_REASONS, PAYMENT_METHODS, SPECIAL_CHARGES
from arbench.io.remittance import Adjustment, RemittanceLine
from arbench.io.x12_210 import Charge, FreightInvoice, FreightLine, Party, Reference
from arbench.io.x12_210 import freight_invoices as _freight_invoices
from arbench.io.x12_820 import Remittance, RemittanceGroup
from arbench.io.x12_820 import remittances as _remittances
from arbench.io.x12_reader import (
    Delimiters,
    Segment,
    TransactionSet,
    X12Error,
    read_interchange,
)

X12Source = str | bytes | Path | list[TransactionSet]

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
    "X12Source",
    "parse_210",
    "parse_820",
    "read_interchange",
    "read_x12_file",
]


def read_x12_file(path: Path) -> list[TransactionSet]:
    """Read an X12 file from disk, naming it in every error."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise X12Error(
            0, "", f"cannot read the file: {exc.strerror}", source=Path(path).name
        ) from exc
    return read_interchange(data, source=Path(path).name)


def parse_210(data: X12Source, *, source: str | None = None) -> list[FreightInvoice]:
    """Read 210 freight invoices from a path, raw text/bytes or already-read sets."""
    return _freight_invoices(_transaction_sets(data, source))


def parse_820(data: X12Source, *, source: str | None = None) -> list[Remittance]:
    """Read 820 remittances from a path, raw text/bytes or already-read sets."""
    return _remittances(_transaction_sets(data, source))


def _transaction_sets(data: X12Source, source: str | None) -> list[TransactionSet]:
    if isinstance(data, list):
        return data
    if isinstance(data, Path):
        return read_x12_file(data)
    return read_interchange(data, source=source or "X12 input")
