"""Read a remittance file (CSV, xlsx or X12 820) into payments ready to apply, or its errors.

Each 820 transaction set is one `IncomingPayment`: its bank amount (BPR02, negative for a debit),
currency (CUR02), date, method, trace, payer (N1*PR), lines (RMR) and group-level adjustments
(ENT-level ADX). A spreadsheet is one payment whose bank amount the file states as
`io.remittance_tables` describes (a total row, a payment total column, else the sum of the
paid amounts); its rows may name their account. Nothing here touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from arbench.io.errors import FILE_ROW, FileRejected, RowError
from arbench.io.remittance import Adjustment, RemittanceLine
from arbench.io.remittance_tables import read_remittance_table
from arbench.io.x12 import Remittance, read_820
from arbench.services.intake.aliases import PartyRef
from arbench.services.intake.import_read import file_sha256, is_x12

ZERO = Decimal(0)


@dataclass(frozen=True)
class IncomingPayment:
    """One payment of a remittance file: the money, who sent it and what it pays."""

    bank_amount: Decimal
    bank_source: str  # "BPR02 at segment 4", "total row 12", ...
    lines: list[RemittanceLine]
    adjustments: list[Adjustment] = field(default_factory=list)  # group-level: change the cash
    payer: PartyRef | None = None
    currency: str | None = None
    currency_where: str = ""  # "CUR02 at segment 6"
    payment_date: date | None = None
    method: str | None = None
    trace: str | None = None

    @property
    def lines_total(self) -> Decimal:
        return sum((line.paid for line in self.lines), ZERO)

    @property
    def adjustments_total(self) -> Decimal:
        return sum((a.amount for a in self.adjustments), ZERO)


@dataclass(frozen=True)
class RemittanceFile:
    """A remittance file read: its payments and warnings, or the errors that reject it."""

    name: str
    sha256: str
    kind: str  # remittance (csv/xlsx) | 820
    payments: list[IncomingPayment] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)

    @property
    def bank_amount(self) -> Decimal:
        return sum((p.bank_amount for p in self.payments), ZERO)

    @property
    def line_count(self) -> int:
        return sum(len(p.lines) for p in self.payments)


def read_remittance(path: Path, *, lenient: bool = False) -> RemittanceFile:
    """Read a CSV/xlsx remittance or an 820 file, or the errors that reject it."""
    path = Path(path)
    try:
        sha = file_sha256(path)
    except OSError as exc:
        error = RowError(FILE_ROW, "", str(path), f"cannot open the file: {exc.strerror}")
        return RemittanceFile(path.name, "", "remittance", errors=[error])
    kind = "820" if is_x12(path) else "remittance"
    try:
        if kind == "remittance":
            table = read_remittance_table(path)
            payment = IncomingPayment(table.bank_amount, table.bank_source, table.lines)
            return RemittanceFile(path.name, sha, kind, [payment])
        read = read_820(path, lenient=lenient)
        payments = [_from_820(remittance) for remittance in read.items]
        return RemittanceFile(path.name, sha, kind, payments, warnings=read.warnings)
    except FileRejected as exc:
        return RemittanceFile(path.name, sha, kind, errors=exc.errors)


def _from_820(remittance: Remittance) -> IncomingPayment:
    payer = None
    if remittance.payer or remittance.payer_id:
        payer = PartyRef("N1*PR", remittance.payer, remittance.payer_qualifier,
                         remittance.payer_id, remittance.payer_segment)  # fmt: skip
    bpr = remittance.segment_number + 1
    return IncomingPayment(
        bank_amount=remittance.bank_amount,
        bank_source=f"BPR02 at segment {bpr}",
        lines=remittance.lines,
        adjustments=remittance.group_adjustments,
        payer=payer,
        currency=remittance.currency,
        currency_where="CUR02",
        payment_date=remittance.payment_date,
        method=remittance.method or None,
        trace=remittance.trace_number,
    )
