"""X12 210 (motor carrier freight details and invoice) into `FreightInvoice` records.

Read per transaction set: B3 (invoice number, method of payment, billing date, net amount
with 2 implied decimals, SCAC), C3 currency, N9 references (BM bill of lading, PO purchase
order, CN carrier reference), G62 dates, N1/N3/N4 parties, and the LX lading lines with
L5 description, L0 weight and pieces, L7 freight class and L1 charges (L1-04 with 2 implied
decimals, L1-08 special charge code named from `codes.SPECIAL_CHARGES`), L3 totals.
Segments that matter to no collector are skipped; bad numbers and dates are errors, and every
problem of the file is collected before it is rejected (a G62 without its date is a deviation:
skipped in lenient mode).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from arbench.domain.catalogue import Terms
from arbench.domain.terms import normal_currency
from arbench.io.cell_values import normalize_freight_class
from arbench.io.codes import SHIPMENT_PAYMENT_TERMS, special_charge_name
from arbench.io.x12_elements import SetReader
from arbench.io.x12_reader import Segment, TransactionSet, accept_set

_SHIP_DATE_QUALIFIERS = ("86", "11")  # actual pickup, shipped on this date
_DELIVERY_DATE_QUALIFIERS = ("35",)  # delivered on this date


@dataclass(frozen=True, slots=True)
class Reference:
    qualifier: str  # N9-01: BM bill of lading, PO purchase order, CN carrier's PRO ...
    value: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Party:
    role: str  # N1-01: SH shipper, CN consignee, BT bill-to, PR payer, SF ship from
    name: str
    id_qualifier: str = ""
    id: str = ""
    address: tuple[str, ...] = ()
    city: str = ""
    state: str = ""
    postal_code: str = ""
    country: str = ""
    segment_number: int = 0  # the N1's number in the file


@dataclass(frozen=True, slots=True)
class Charge:
    """One L1 line: a linehaul, fuel or accessorial charge."""

    amount: Decimal | None  # L1-04
    code: str | None  # L1-08 special charge code; None for the linehaul charge
    name: str
    rate: Decimal | None = None  # L1-02 as written
    rate_qualifier: str = ""  # L1-03
    line_number: int | None = None  # the LX line it belongs to
    description: str = ""  # L1-12


@dataclass(slots=True)
class FreightLine:
    """One LX lading line: what moved, its weight and class."""

    number: int
    description: str = ""
    commodity_code: str = ""
    weight: Decimal | None = None
    weight_qualifier: str = ""
    weight_unit: str = ""  # L0-11: L pounds, K kilograms
    pieces: int | None = None
    packaging: str = ""
    freight_class: str | None = None
    charges: list[Charge] = field(default_factory=list)


@dataclass(slots=True)
class FreightInvoice:
    """One 210: a carrier's freight bill as the customer received it."""

    invoice_number: str
    method_of_payment: str
    invoice_date: date
    net_amount: Decimal
    scac: str = ""
    shipment_id: str = ""
    currency: str | None = None
    currency_segment: int = 0  # the C3's number in the file
    ship_date: date | None = None
    delivery_date: date | None = None
    references: list[Reference] = field(default_factory=list)
    parties: list[Party] = field(default_factory=list)
    lines: list[FreightLine] = field(default_factory=list)
    charges: list[Charge] = field(default_factory=list)  # every L1, in file order
    total_weight: Decimal | None = None  # L3-01
    total_charges: Decimal | None = None  # L3-05
    control_number: str = ""
    segment_number: int = 0

    @property
    def terms(self) -> Terms | None:
        value = SHIPMENT_PAYMENT_TERMS.get(self.method_of_payment)
        return Terms(value) if value else None

    @property
    def pro(self) -> str:
        """The carrier's PRO: N9 CN when sent, otherwise the invoice number."""
        return self.reference("CN") or self.invoice_number

    @property
    def bol(self) -> str | None:
        return self.reference("BM")

    @property
    def po_number(self) -> str | None:
        return self.reference("PO")

    @property
    def shipper(self) -> Party | None:
        return self.party("SH")

    @property
    def consignee(self) -> Party | None:
        return self.party("CN")

    @property
    def bill_to(self) -> Party | None:
        return self.party("BT") or self.party("PR")

    @property
    def charges_total(self) -> Decimal:
        return sum((c.amount for c in self.charges if c.amount is not None), Decimal(0))

    def reference(self, qualifier: str) -> str | None:
        return next((r.value for r in self.references if r.qualifier == qualifier), None)

    def party(self, role: str) -> Party | None:
        return next((p for p in self.parties if p.role == role), None)


def freight_invoices(transaction_sets: list[TransactionSet]) -> list[FreightInvoice]:
    """Turn 210 transaction sets into freight invoices; problems go to the sets' findings."""
    invoices = []
    for tset in transaction_sets:
        if accept_set(tset, "210", "a freight invoice"):
            invoice = _Invoice210(tset).read()
            if invoice is not None:
                invoices.append(invoice)
    return invoices


class _Invoice210(SetReader):
    def __init__(self, tset: TransactionSet) -> None:
        super().__init__(tset)
        self.invoice: FreightInvoice | None = None
        self.line: FreightLine | None = None
        self.party_segments: list[Segment] = []

    def read(self) -> FreightInvoice | None:
        for segment in self.tset.body:
            if segment.id == "B3":
                self.begin(segment)
            elif self.invoice is None:
                continue  # nothing before B3 matters
            else:
                self.dispatch(segment)
        if self.invoice is None:
            self.error(self.tset.segments[0], "a 210 needs a B3 segment")
            return None
        self.close_party()
        return self.invoice

    def begin(self, b3: Segment) -> None:
        if self.invoice is not None:
            self.error(b3, "a second B3 in one 210")
            return
        billed = self.day(b3, 6, "billing date", required=True)
        amount = self.number(b3, 7, "net amount due", implied_decimals=2, required=True)
        self.invoice = FreightInvoice(
            invoice_number=self.text(b3, 2, "invoice number", required=True),
            method_of_payment=self.text(b3, 4, "shipment method of payment", required=True),
            invoice_date=billed or date.min,
            net_amount=amount if amount is not None else Decimal(0),
            scac=b3.element(11).strip(),
            shipment_id=b3.element(3).strip(),
            delivery_date=self.day(b3, 9, "delivery date"),
            control_number=self.tset.control_number,
            segment_number=self.tset.segments[0].number,
        )

    def dispatch(self, segment: Segment) -> None:
        handler = getattr(self, f"on_{segment.id.lower()}", None)
        if segment.id not in ("N2", "N3", "N4"):
            self.close_party()
        if handler is not None:
            handler(segment)

    # -- heading ---------------------------------------------------------------------------
    def on_c3(self, segment: Segment) -> None:
        assert self.invoice is not None
        raw = segment.element(1).strip()
        code = normal_currency(raw)
        if raw and code is None:
            self.error(segment, f"C301 (currency) {raw!r} is not an ISO 4217 code", raw)
        self.invoice.currency, self.invoice.currency_segment = code, segment.number

    def on_n9(self, segment: Segment) -> None:
        assert self.invoice is not None
        qualifier, value = segment.element(1).strip(), segment.element(2).strip()
        if qualifier and value:
            reference = Reference(qualifier, value, segment.element(3).strip())
            self.invoice.references.append(reference)

    def on_g62(self, segment: Segment) -> None:
        assert self.invoice is not None
        qualifier = segment.element(1).strip()
        if not segment.element(2).strip():
            message = f"G6202 (date) is missing after qualifier {qualifier!r}"
            self.deviation(segment, message, "the G62 is skipped")
            return
        when = self.day(segment, 2, "date")
        if qualifier in _SHIP_DATE_QUALIFIERS and self.invoice.ship_date is None:
            self.invoice.ship_date = when
        elif qualifier in _DELIVERY_DATE_QUALIFIERS and self.invoice.delivery_date is None:
            self.invoice.delivery_date = when

    def on_n1(self, segment: Segment) -> None:
        self.party_segments = [segment]

    def on_n2(self, segment: Segment) -> None:
        if self.party_segments:
            self.party_segments.append(segment)

    on_n3 = on_n2
    on_n4 = on_n2

    def close_party(self) -> None:
        if not self.party_segments:
            return
        assert self.invoice is not None
        self.invoice.parties.append(_party(self.party_segments))
        self.party_segments = []

    # -- detail ----------------------------------------------------------------------------
    def on_lx(self, segment: Segment) -> None:
        assert self.invoice is not None
        number = self.whole(segment, 1, "assigned number")
        self.line = FreightLine(number=number if number is not None else len(self.invoice.lines))
        self.invoice.lines.append(self.line)

    def on_l5(self, segment: Segment) -> None:
        if self.line is not None and not self.line.description:
            self.line.description = segment.element(2).strip()
            self.line.commodity_code = segment.element(3).strip()

    def on_l0(self, segment: Segment) -> None:
        weight = self.number(segment, 4, "weight")
        pieces = self.whole(segment, 8, "lading quantity")
        line = self.line
        if line is None or line.weight is not None or weight is None:
            return
        line.weight, line.weight_qualifier = weight, segment.element(5).strip()
        line.weight_unit = segment.element(11).strip()
        line.pieces, line.packaging = pieces, segment.element(9).strip()

    def on_l7(self, segment: Segment) -> None:
        raw = segment.element(7).strip()
        if self.line is not None and raw:
            self.line.freight_class = normalize_freight_class(raw) or raw

    def on_l1(self, segment: Segment) -> None:
        assert self.invoice is not None
        code = segment.element(8).strip() or None
        charge = Charge(
            amount=self.number(segment, 4, "charge", implied_decimals=2),
            code=code,
            name=special_charge_name(code),
            rate=self.number(segment, 2, "freight rate"),
            rate_qualifier=segment.element(3).strip(),
            line_number=self.line.number if self.line else None,
            description=segment.element(12).strip(),
        )
        self.invoice.charges.append(charge)
        if self.line is not None:
            self.line.charges.append(charge)

    def on_l3(self, segment: Segment) -> None:
        assert self.invoice is not None
        self.line = None
        self.invoice.total_weight = self.number(segment, 1, "weight")
        self.invoice.total_charges = self.number(segment, 5, "charge", implied_decimals=2)

    def whole(self, segment: Segment, position: int, name: str) -> int | None:
        value = self.number(segment, position, name)
        if value is None:
            return None
        if value != value.to_integral_value():
            message = f"{segment.ref(position)} ({name}) {value} is not a whole number"
            self.error(segment, message, str(value))
            return None
        return int(value)


def _party(segments: list[Segment]) -> Party:
    n1 = segments[0]
    address: list[str] = []
    city = state = postal = country = ""
    for segment in segments[1:]:
        if segment.id == "N3":
            address.extend(e.strip() for e in segment.elements[:2] if e.strip())
        elif segment.id == "N4":
            city, state = segment.element(1).strip(), segment.element(2).strip()
            postal, country = segment.element(3).strip(), segment.element(4).strip()
    name = n1.element(2).strip()
    extra = [s.element(1).strip() for s in segments if s.id == "N2" and s.element(1).strip()]
    return Party(
        role=n1.element(1).strip(),
        name=" ".join([name, *extra]).strip(),
        id_qualifier=n1.element(3).strip(),
        id=n1.element(4).strip(),
        address=tuple(address),
        city=city,
        state=state,
        postal_code=postal,
        country=country,
        segment_number=n1.number,
    )
