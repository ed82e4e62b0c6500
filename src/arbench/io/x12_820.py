"""X12 820 (payment order / remittance advice) into `Remittance` records.

Read per transaction set: BPR (handling code, amount, credit/debit, payment method, effective
date in BPR16), TRN trace number, CUR currency, DTM dates, N1 payer (PR) and payee (PE), and
the ENT groups with their RMR lines (reference qualifier and number, amount paid, invoice
amount, discount, RMR07/RMR08 adjustment) and ADX adjustments (signed amount, X12 426 reason,
reference). An ADX right after an RMR belongs to that RMR; an ADX before any RMR of its ENT
group belongs to the group. Placeholder words where amounts or dates belong are rejected.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from arbench.io.codes import PAYMENT_METHODS
from arbench.io.remittance import Adjustment, RemittanceLine
from arbench.io.x12_reader import (
    Segment,
    TransactionSet,
    date_element,
    decimal_element,
    require_code,
    text_element,
)


@dataclass(slots=True)
class RemittanceGroup:
    """One ENT group: the lines a payer grouped under one of its entities."""

    number: str  # ENT01
    entity_code: str = ""  # ENT02
    id_qualifier: str = ""  # ENT03
    entity_id: str = ""  # ENT04
    lines: list[RemittanceLine] = field(default_factory=list)
    adjustments: list[Adjustment] = field(default_factory=list)  # not tied to one invoice


@dataclass(slots=True)
class Remittance:
    """One 820: a payment and the freight bills it pays."""

    amount: Decimal  # BPR02
    handling_code: str  # BPR01: I remittance with payment, C payment with remittance ...
    credit_debit: str = ""  # BPR03
    method: str = ""  # BPR04: ACH, CHK, FWT ...
    payment_date: date | None = None  # BPR16, else the first heading DTM
    trace_number: str | None = None  # TRN02: check or ACH trace
    currency: str | None = None
    payer: str | None = None
    payer_id: str | None = None
    payee: str | None = None
    groups: list[RemittanceGroup] = field(default_factory=list)
    control_number: str = ""
    segment_number: int = 0

    @property
    def method_name(self) -> str:
        return PAYMENT_METHODS.get(self.method, self.method)

    @property
    def lines(self) -> list[RemittanceLine]:
        return [line for group in self.groups for line in group.lines]

    @property
    def lines_total(self) -> Decimal:
        """Paid on the lines plus the group-level adjustments."""
        paid = sum((line.paid for line in self.lines), Decimal(0))
        adjusted = sum((a.amount for g in self.groups for a in g.adjustments), Decimal(0))
        return paid + adjusted


def remittances(transaction_sets: list[TransactionSet]) -> list[Remittance]:
    """Turn 820 transaction sets into remittances, or raise `X12Error`."""
    result = []
    for tset in transaction_sets:
        require_code(tset, "820", "a remittance advice")
        result.append(_Remittance820(tset).read())
    return result


class _Remittance820:
    def __init__(self, tset: TransactionSet) -> None:
        self.tset = tset
        self.remittance: Remittance | None = None
        self.group: RemittanceGroup | None = None
        self.line: RemittanceLine | None = None

    def read(self) -> Remittance:
        for segment in self.tset.body:
            if segment.id == "BPR":
                self.begin(segment)
            elif self.remittance is None:
                raise self.tset.error(segment, "BPR must be the first segment of an 820")
            else:
                handler = getattr(self, f"on_{segment.id.lower()}", None)
                if handler is not None:
                    handler(segment)
        if self.remittance is None:
            raise self.tset.error(self.tset.segments[0], "an 820 needs a BPR segment")
        self.close_line()
        return self.remittance

    def begin(self, bpr: Segment) -> None:
        t = self.tset
        if self.remittance is not None:
            raise t.error(bpr, "a second BPR in one 820")
        amount = decimal_element(t, bpr, 2, "payment amount", required=True)
        assert amount is not None
        self.remittance = Remittance(
            amount=amount,
            handling_code=text_element(t, bpr, 1, "transaction handling code"),
            credit_debit=bpr.element(3).strip(),
            method=bpr.element(4).strip(),
            payment_date=date_element(t, bpr, 16, "effective date"),
            control_number=t.control_number,
            segment_number=t.segments[0].number,
        )

    @property
    def current(self) -> Remittance:
        assert self.remittance is not None
        return self.remittance

    # -- heading ---------------------------------------------------------------------------
    def on_trn(self, segment: Segment) -> None:
        self.current.trace_number = segment.element(2).strip() or None

    def on_cur(self, segment: Segment) -> None:
        self.current.currency = segment.element(2).strip() or None

    def on_dtm(self, segment: Segment) -> None:
        when = date_element(self.tset, segment, 2, "date")
        if self.group is None and self.current.payment_date is None:
            self.current.payment_date = when

    def on_n1(self, segment: Segment) -> None:
        role, name = segment.element(1).strip(), segment.element(2).strip() or None
        if role == "PR":
            self.current.payer, self.current.payer_id = name, segment.element(4).strip() or None
        elif role == "PE":
            self.current.payee = name

    # -- detail ----------------------------------------------------------------------------
    def on_ent(self, segment: Segment) -> None:
        self.close_line()
        self.group = RemittanceGroup(
            number=segment.element(1).strip(),
            entity_code=segment.element(2).strip(),
            id_qualifier=segment.element(3).strip(),
            entity_id=segment.element(4).strip(),
        )
        self.current.groups.append(self.group)

    def on_rmr(self, rmr: Segment) -> None:
        self.close_line()
        t = self.tset
        paid = decimal_element(t, rmr, 4, "amount paid", required=True)
        assert paid is not None
        reason = rmr.element(7).strip() or None
        adjustment_amount = decimal_element(t, rmr, 8, "adjustment amount")
        adjustments: tuple[Adjustment, ...] = ()
        if reason and adjustment_amount:
            adjustments = (Adjustment(adjustment_amount, reason),)
        self.line = RemittanceLine(
            reference=text_element(t, rmr, 2, "reference number"),
            paid=paid,
            invoice_amount=decimal_element(t, rmr, 5, "invoice amount"),
            discount=decimal_element(t, rmr, 6, "discount amount"),
            reason_code=reason,
            adjustments=adjustments,
            reference_qualifier=rmr.element(1).strip(),
            payer_reference=self.current.trace_number,
            payment_date=self.current.payment_date,
            entity=self.group.number if self.group else None,
            source_row=rmr.number,
        )

    def on_adx(self, adx: Segment) -> None:
        t = self.tset
        amount = decimal_element(t, adx, 1, "adjustment amount", required=True)
        assert amount is not None
        adjustment = Adjustment(
            amount=amount,
            reason_code=text_element(t, adx, 2, "adjustment reason code"),
            reference_qualifier=adx.element(3).strip(),
            reference=adx.element(4).strip(),
        )
        if self.line is not None:
            reason = self.line.reason_code or adjustment.reason_code
            adjustments = (*self.line.adjustments, adjustment)
            self.line = replace(self.line, adjustments=adjustments, reason_code=reason)
        else:
            self.ensure_group().adjustments.append(adjustment)

    def close_line(self) -> None:
        if self.line is not None:
            self.ensure_group().lines.append(self.line)
            self.line = None

    def ensure_group(self) -> RemittanceGroup:
        if self.group is None:
            self.group = RemittanceGroup(number="")
            self.current.groups.append(self.group)
        return self.group
