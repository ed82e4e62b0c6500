"""X12 820 (payment order / remittance advice) into `Remittance` records.

Read per transaction set: BPR (handling code, amount, credit/debit, payment method, effective
date in BPR16), TRN trace number, CUR currency (CUR02), DTM dates, N1 payer (PR, with its N103
qualifier and N104 id) and payee (PE), and the ENT groups with their RMR lines (reference
qualifier and number, amount paid, invoice amount, discount, RMR07/RMR08 adjustment, REF
references) and ADX adjustments (signed amount, X12 426 reason, reference, and the REF segments
that follow it). An ADX after an RMR belongs to that RMR (a `line` adjustment, already inside
its RMR04); an ADX before any RMR of its ENT group belongs to the group (a `group` adjustment,
which changes the payment). Placeholder words where amounts or dates belong are errors; every
problem of the file is collected before it is rejected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from arbench.domain.terms import normal_currency
from arbench.io.codes import PAYMENT_METHODS
from arbench.io.remittance import GROUP, LINE, Adjustment, RemittanceLine
from arbench.io.x12_elements import SetReader
from arbench.io.x12_reader import Segment, TransactionSet, accept_set

ZERO = Decimal(0)


@dataclass(slots=True)
class RemittanceGroup:
    """One ENT group: the lines a payer grouped under one of its entities."""

    number: str  # ENT01
    entity_code: str = ""  # ENT02
    id_qualifier: str = ""  # ENT03
    entity_id: str = ""  # ENT04
    lines: list[RemittanceLine] = field(default_factory=list)
    adjustments: list[Adjustment] = field(default_factory=list)  # group-level ADX


@dataclass(slots=True)
class Remittance:
    """One 820: a payment and the freight bills it pays."""

    amount: Decimal  # BPR02 as written (always positive)
    handling_code: str  # BPR01: I remittance with payment, C payment with remittance ...
    credit_debit: str = ""  # BPR03: C credit (money to the payee), D debit
    method: str = ""  # BPR04: ACH, CHK, FWT ...
    payment_date: date | None = None  # BPR16, else the first heading DTM
    trace_number: str | None = None  # TRN02: check or ACH trace
    currency: str | None = None  # CUR02
    payer: str | None = None  # N1*PR N102
    payer_id: str | None = None  # N104
    payer_qualifier: str = ""  # N103: 1 D-U-N-S, 91 seller-assigned, 92 buyer-assigned ...
    payer_segment: int = 0
    payee: str | None = None
    groups: list[RemittanceGroup] = field(default_factory=list)
    control_number: str = ""
    segment_number: int = 0

    @property
    def method_name(self) -> str:
        return PAYMENT_METHODS.get(self.method, self.method)

    @property
    def bank_amount(self) -> Decimal:
        """The money that moved: BPR02, negative for a debit (BPR03 D)."""
        return -self.amount if self.credit_debit == "D" else self.amount

    @property
    def lines(self) -> list[RemittanceLine]:
        return [line for group in self.groups for line in group.lines]

    @property
    def group_adjustments(self) -> list[Adjustment]:
        return [a for group in self.groups for a in group.adjustments]

    @property
    def lines_total(self) -> Decimal:
        """Paid on the lines (RMR04, credit memos negative)."""
        return sum((line.paid for line in self.lines), ZERO)

    @property
    def explained(self) -> Decimal:
        """What the lines and the group adjustments account for; BPR02 should equal it."""
        return self.lines_total + sum((a.amount for a in self.group_adjustments), ZERO)


def remittances(transaction_sets: list[TransactionSet]) -> list[Remittance]:
    """Turn 820 transaction sets into remittances; problems go to the sets' findings."""
    result = []
    for tset in transaction_sets:
        if accept_set(tset, "820", "a remittance advice"):
            remittance = _Remittance820(tset).read()
            if remittance is not None:
                result.append(remittance)
    return result


@dataclass
class _AdxDraft:
    amount: Decimal
    reason_code: str
    qualifier: str
    reference: str
    level: str
    segment: int
    references: list[str] = field(default_factory=list)

    def build(self) -> Adjustment:
        return Adjustment(self.amount, self.reason_code, self.qualifier, self.reference,
                          tuple(self.references), self.level, self.segment)  # fmt: skip


@dataclass
class _LineDraft:
    values: dict[str, object]
    adjustments: list[_AdxDraft] = field(default_factory=list)
    references: list[str] = field(default_factory=list)

    def build(self) -> RemittanceLine:
        adjustments = tuple(a.build() for a in self.adjustments)
        reason = self.values.get("reason_code") or next((a.reason_code for a in adjustments), None)
        values = {**self.values, "reason_code": reason}
        return RemittanceLine(**values, adjustments=adjustments, references=tuple(self.references))  # type: ignore[arg-type]


class _Remittance820(SetReader):
    def __init__(self, tset: TransactionSet) -> None:
        super().__init__(tset)
        self.remittance: Remittance | None = None
        self.group: RemittanceGroup | None = None
        self.line: _LineDraft | None = None
        self.adx: _AdxDraft | None = None  # the ADX whose REF segments follow
        self.group_drafts: list[tuple[RemittanceGroup, _AdxDraft]] = []

    def read(self) -> Remittance | None:
        body = self.tset.body
        if not body or body[0].id != "BPR":
            where = body[0] if body else self.tset.segments[0]
            self.error(where, "BPR must be the first segment of an 820")
            return None
        for segment in body:
            handler = getattr(self, f"on_{segment.id.lower()}", None)
            if handler is not None:
                handler(segment)
        self.close_line()
        for group, draft in self.group_drafts:
            group.adjustments.append(draft.build())
        return self.remittance

    @property
    def current(self) -> Remittance:
        assert self.remittance is not None
        return self.remittance

    # -- heading ---------------------------------------------------------------------------
    def on_bpr(self, bpr: Segment) -> None:
        if self.remittance is not None:
            self.error(bpr, "a second BPR in one 820")
            return
        amount = self.number(bpr, 2, "payment amount", required=True)
        self.remittance = Remittance(
            amount=amount if amount is not None else ZERO,
            handling_code=self.text(bpr, 1, "transaction handling code", required=True),
            credit_debit=bpr.element(3).strip(),
            method=bpr.element(4).strip(),
            payment_date=self.day(bpr, 16, "effective date"),
            control_number=self.tset.control_number,
            segment_number=self.tset.segments[0].number,
        )

    def on_trn(self, segment: Segment) -> None:
        self.current.trace_number = segment.element(2).strip() or None

    def on_cur(self, segment: Segment) -> None:
        raw = segment.element(2).strip()
        code = normal_currency(raw)
        if raw and code is None:
            self.error(segment, f"CUR02 (currency) {raw!r} is not an ISO 4217 code", raw)
        self.current.currency = code

    def on_dtm(self, segment: Segment) -> None:
        when = self.day(segment, 2, "date")
        if self.group is None and self.current.payment_date is None:
            self.current.payment_date = when

    def on_n1(self, segment: Segment) -> None:
        role, name = segment.element(1).strip(), segment.element(2).strip() or None
        if role == "PR":
            remittance = self.current
            remittance.payer, remittance.payer_segment = name, segment.number
            qualifier, payer_id = segment.element(3).strip(), segment.element(4).strip()
            if qualifier and not payer_id:
                message = f"N103 {qualifier!r} without N104: the payer has no id, only its name"
                self.findings.warning(segment.number, "N1", message, qualifier)
                qualifier = ""
            remittance.payer_qualifier, remittance.payer_id = qualifier, payer_id or None
        elif role == "PE":
            self.current.payee = name

    # -- detail ----------------------------------------------------------------------------
    def on_ent(self, segment: Segment) -> None:
        self.close_line()
        self.adx = None
        self.group = RemittanceGroup(
            number=segment.element(1).strip(),
            entity_code=segment.element(2).strip(),
            id_qualifier=segment.element(3).strip(),
            entity_id=segment.element(4).strip(),
        )
        self.current.groups.append(self.group)

    def on_rmr(self, rmr: Segment) -> None:
        self.close_line()
        self.adx = None
        paid = self.number(rmr, 4, "amount paid", required=True)
        reason = rmr.element(7).strip() or None
        adjustment = self.number(rmr, 8, "adjustment amount")
        self.line = _LineDraft({
            "reference": self.text(rmr, 2, "reference number", required=True),
            "paid": paid if paid is not None else ZERO,
            "invoice_amount": self.number(rmr, 5, "invoice amount"),
            "discount": self.number(rmr, 6, "discount amount"),
            "reason_code": reason,
            "reference_qualifier": rmr.element(1).strip(),
            "payer_reference": self.current.trace_number,
            "payment_date": self.current.payment_date,
            "entity": self.group.number if self.group else None,
            "source_row": rmr.number,
        })  # fmt: skip
        if reason and adjustment:
            self.line.adjustments.append(_AdxDraft(adjustment, reason, "", "", LINE, rmr.number))

    def on_adx(self, adx: Segment) -> None:
        amount = self.number(adx, 1, "adjustment amount", required=True)
        qualifier, reference = adx.element(3).strip(), adx.element(4).strip()
        self.adx = _AdxDraft(
            amount=amount if amount is not None else ZERO,
            reason_code=self.text(adx, 2, "adjustment reason code", required=True),
            qualifier=qualifier,
            reference=reference,
            level=LINE if self.line is not None else GROUP,
            segment=adx.number,
            references=[f"{qualifier} {reference}".strip()] if reference else [],
        )
        if self.line is not None:
            self.line.adjustments.append(self.adx)
        else:
            self.group_drafts.append((self.ensure_group(), self.adx))

    def on_ref(self, segment: Segment) -> None:
        qualifier, value = segment.element(1).strip(), segment.element(2).strip()
        if not value:
            return
        reference = f"{qualifier} {value}".strip()
        if self.adx is not None:
            self.adx.references.append(reference)
        elif self.line is not None:
            self.line.references.append(reference)

    def close_line(self) -> None:
        if self.line is not None:
            self.ensure_group().lines.append(self.line.build())
            self.line = None

    def ensure_group(self) -> RemittanceGroup:
        if self.group is None:
            self.group = RemittanceGroup(number="")
            self.current.groups.append(self.group)
        return self.group
