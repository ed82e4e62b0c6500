"""The X12 reader against the shared real samples and hand-built 210/820 interchanges."""

from __future__ import annotations

import csv
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from arbench.domain.catalogue import Terms
from arbench.io import codes
from arbench.io.x12 import (
    X12Error,
    parse_210,
    parse_820,
    read_210,
    read_820,
    read_interchange,
    read_x12_file,
)

SHARED_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
EDI = SHARED_DATA / "edi"
CODELISTS = SHARED_DATA / "codelists"
SAMPLE_1 = EDI / "210_CN_FreightInvoiceSample1.txt"
SAMPLE_2 = EDI / "210_CN_FreightInvoiceSample2.txt"
TEMPLATE_820 = EDI / "820_Example3_HomeDepot_template.txt"
ACCEPTED_997 = EDI / "997_stupidedi_FA997_accepted.edi"


def interchange(
    *sets: tuple[str, list[str]],
    element: str = "*",
    component: str = ">",
    terminator: str = "~",
    newline: str = "\n",
    indent: str = "",
) -> str:
    """An interchange with correct counts; set bodies are written with '*' between elements."""
    e = element
    isa = e.join(
        ["ISA", "00", " " * 10, "00", " " * 10, "ZZ", f"{'SHIPPERAP':<15}", "ZZ",
         f"{'CARRIERAR':<15}", "240115", "1200", "U", "00401", "000000007", "0", "P", component]
    )  # fmt: skip
    segments = [isa, e.join(["GS", "XX", "S", "R", "20240115", "1200", "7", "X", "004010"])]
    for number, (code, body) in enumerate(sets, start=1):
        control = f"{number:04d}"
        inner = [s.replace("*", e) for s in body]
        segments += [f"ST{e}{code}{e}{control}", *inner, f"SE{e}{len(inner) + 2}{e}{control}"]
    segments += [f"GE{e}{len(sets)}{e}7", f"IEA{e}1{e}000000007"]
    return "".join(indent + s + terminator + newline for s in segments)


LTL_210 = [
    "B3**PRO7741201*BOL55*PP**20240112*51234****ABFS",
    "C3*USD",
    "N9*BM*BOL55",
    "N9*PO*PO-9031",
    "G62*86*20240108",
    "G62*35*20240110",
    "N1*SH*ACME PLASTICS*93*ACME01",
    "N3*100 MILL RD",
    "N4*DAYTON*OH*45402*US",
    "N1*CN*BIG BOX DC 14",
    "N4*JOLIET*IL*60436",
    "N1*BT*ACME PLASTICS AP*93*ACME-AP",
    "LX*1",
    "L5*1*PLASTIC ARTICLES NOI*156600*N",
    "L0*1***1250*G***3*PLT**L",
    "L7*1******70",
    "L1*1*38.50*PH*41234****400",
    "L1*1*24.2*PC*7500****405",
    "L1*1**FR*1500****LFT",
    "L1*1**FR*1000****RES",
    "L3*1250*G***51234",
]

REMITTANCE_820 = [
    "BPR*C*1830.5*C*ACH*CTX*01*011000015*DA*12345*1234567890**01*021000021*DA*99887*20240131",
    "TRN*1*ACH0042*1234567890",
    "CUR*PR*USD",
    "DTM*097*20240130",
    "N1*PR*BIG BOX RETAIL*91*BB100",
    "N1*PE*ROADRUNNER FREIGHT",
    "ENT*1*2L*AP*STORE14",
    "ADX*-25*54*CN*CLAIM77",
    "RMR*IV*PRO7741201**462.34*512.34*0",
    "REF*PO*PO-9031",
    "ADX*-50*22*IV*PRO7741201",
    "RMR*IV*PRO7741202**1000*1000",
    "ENT*2",
    "RMR*IV*PRO7741203**393.16*420.00*26.84",
]


# --- the shared samples --------------------------------------------------------------------


def test_sample_1_reads_the_freight_invoice_and_its_charges() -> None:
    (invoice,) = parse_210(SAMPLE_1)
    assert invoice.invoice_number == "28066945"
    assert invoice.pro == "28066945"
    assert invoice.net_amount == Decimal("2754.33")
    assert invoice.currency == "USD"
    assert invoice.invoice_date == date(2006, 6, 28)
    assert invoice.terms is Terms.PREPAID
    assert invoice.scac == "CNRU"
    assert invoice.bol == "291226"
    assert [(c.amount, c.code, c.name) for c in invoice.charges] == [
        (Decimal("2510.00"), None, "Linehaul"),
        (Decimal("244.33"), "ENS", "Energy surcharge (fuel adjustment)"),
    ]
    assert invoice.charges_total == invoice.net_amount == invoice.total_charges
    assert invoice.total_weight == Decimal(187000)
    (line,) = invoice.lines
    assert line.weight == Decimal(187000) and line.pieces == 1
    assert line.description.startswith("COMPOUNDS, CLEANING")
    assert invoice.shipper is not None and invoice.shipper.city == "MILLSDALE"
    assert invoice.consignee is not None and invoice.consignee.postal_code == "43725"
    assert invoice.bill_to is not None and invoice.bill_to.id == "793585A"


def test_sample_2_reads_canadian_dollars_and_the_gst_line() -> None:
    (invoice,) = parse_210(SAMPLE_2.read_bytes(), source=SAMPLE_2.name)
    assert invoice.invoice_number == "28061234"
    assert invoice.currency == "CAD"
    assert invoice.net_amount == Decimal("2083.60")
    assert [(c.code, c.amount) for c in invoice.charges] == [
        (None, Decimal("1705.00")),
        ("ENS", Decimal("244.33")),
        ("GST", Decimal("134.27")),
    ]
    assert invoice.charges[2].name == "Goods and services tax"
    assert invoice.charges[2].rate == Decimal("0.07")
    assert invoice.charges_total == invoice.net_amount
    assert [p.role for p in invoice.parties] == ["PR", "CN", "SF", "SH"]


def test_the_997_sample_shows_delimiters_come_from_its_short_isa() -> None:
    (tset,) = read_x12_file(ACCEPTED_997)
    assert tset.code == "997"
    assert (tset.delimiters.element, tset.delimiters.component) == ("*", "`")
    assert tset.delimiters.segment == "\n"
    assert [s.id for s in tset.segments] == ["ST", "AK1", "AK2", "AK5", "AK9", "SE"]
    assert tset.sender_id == "XXXXXX"


def test_the_997_sample_is_not_taken_for_a_210() -> None:
    with pytest.raises(X12Error, match="997 is not a freight invoice") as caught:
        parse_210(ACCEPTED_997)
    assert caught.value.segment_number == 3


def test_the_820_template_is_rejected_with_every_placeholder_in_one_pass() -> None:
    text = TEMPLATE_820.read_text(encoding="utf-8-sig")
    placeholders = [
        (n, e)
        for n, segment in enumerate(text.replace("\n", "").split("~"), start=1)
        for e in segment.strip().split("*")[1:]
        if any(w in e for w in ("AMOUNT", "AMT", "CCYYMMDD", "(Group"))
    ]  # (segment number, element), found by splitting the file by hand
    with pytest.raises(X12Error) as caught:
        parse_820(TEMPLATE_820)
    error = caught.value
    assert (error.segment_number, error.segment_id) == (2, "GS")
    assert "44 (Group Control Number)" in error.message
    assert str(error).startswith(
        f"820_Example3_HomeDepot_template.txt rejected: {len(placeholders)} errors in 11 segments; "
        "first: segment 2, GS"
    )
    assert [(e.row, e.value.strip()) for e in error.errors] == [
        (n, v.strip()) for n, v in placeholders
    ]
    assert all(isinstance(e.row, int) and e.unit == "segment" for e in error.errors)
    messages = " | ".join(e.message for e in error.errors)
    for element in ("GS06", "BPR02", "DTM02", "RMR04", "RMR05", "RMR06"):
        assert element in messages


# --- hand-built interchanges -----------------------------------------------------------------


def test_an_ltl_210_reads_class_weight_references_dates_and_accessorials() -> None:
    (invoice,) = parse_210(interchange(("210", LTL_210)))
    assert invoice.pro == "PRO7741201"
    assert (invoice.bol, invoice.po_number) == ("BOL55", "PO-9031")
    assert (invoice.ship_date, invoice.delivery_date) == (date(2024, 1, 8), date(2024, 1, 10))
    assert invoice.bill_to is not None and invoice.bill_to.name == "ACME PLASTICS AP"
    (line,) = invoice.lines
    assert (line.weight, line.pieces, line.freight_class) == (Decimal(1250), 3, "70")
    assert line.weight_unit == "L"
    assert [(c.code, c.name, c.amount) for c in invoice.charges] == [
        ("400", "Freight (linehaul)", Decimal("412.34")),
        ("405", "Fuel surcharge", Decimal("75.00")),
        ("LFT", "Liftgate or forklift service", Decimal("15.00")),
        ("RES", "Residential delivery", Decimal("10.00")),
    ]
    assert invoice.charges_total == invoice.net_amount == Decimal("512.34")


def test_an_820_reads_payment_trace_groups_lines_and_adjustments() -> None:
    (remittance,) = parse_820(interchange(("820", REMITTANCE_820)))
    assert remittance.amount == Decimal("1830.5")
    assert (remittance.method, remittance.method_name) == ("ACH", "ACH transfer")
    assert remittance.payment_date == date(2024, 1, 31)
    assert remittance.trace_number == "ACH0042"
    assert (remittance.payer, remittance.payee) == ("BIG BOX RETAIL", "ROADRUNNER FREIGHT")
    first, second = remittance.groups
    assert (first.number, first.entity_id, second.number) == ("1", "STORE14", "2")
    (claim,) = first.adjustments
    assert (claim.amount, claim.reason_code, claim.reason) == (
        Decimal(-25),
        "54",
        "Freight deducted",
    )
    short, full = first.lines
    assert (short.reference, short.paid, short.invoice_amount) == (
        "PRO7741201", Decimal("462.34"), Decimal("512.34"),
    )  # fmt: skip
    assert short.short_paid == Decimal(50)
    assert short.reason_code == "22" and short.reason == "Weight error"
    assert short.adjustments[0].reference == "PRO7741201"
    assert full.short_paid == Decimal(0) and full.adjustments == ()
    (discounted,) = second.lines
    assert (discounted.discount, discounted.short_paid) == (Decimal("26.84"), Decimal(0))
    assert discounted.entity == "2" and discounted.source_row == 17
    assert remittance.lines_total == Decimal("462.34") + 1000 + Decimal("393.16")
    assert remittance.explained == remittance.lines_total - 25 == remittance.amount


def test_several_transaction_sets_in_one_group() -> None:
    second = [s.replace("PRO7741201", "PRO7741299") for s in LTL_210]
    invoices = parse_210(interchange(("210", LTL_210), ("210", second)))
    assert [i.pro for i in invoices] == ["PRO7741201", "PRO7741299"]
    assert [i.control_number for i in invoices] == ["0001", "0002"]


@pytest.mark.parametrize(
    "layout",
    [
        {"terminator": "~", "newline": "\r\n", "indent": "    "},
        {"terminator": "\n", "newline": ""},
        {"terminator": "\r", "newline": "\n"},
        {"terminator": "\x1c", "newline": "", "element": "\x1d", "component": "\x1f"},
        {"terminator": "'", "newline": "", "element": "|", "component": ":"},
        {"terminator": "~", "newline": "", "element": "^", "component": "\\"},
    ],
    ids=["crlf-indented", "newline", "cr", "control-chars", "pipes", "carets"],
)
def test_delimiters_are_taken_from_the_isa_header(layout: dict[str, str]) -> None:
    text = interchange(("210", LTL_210), **layout)
    (invoice,) = parse_210(text)
    assert invoice.net_amount == Decimal("512.34")
    assert len(invoice.charges) == 4


def test_bytes_with_a_bom_and_latin_1_text_both_read() -> None:
    text = interchange(("210", [s.replace("ACME PLASTICS*", "ACMÉ PLASTICS*") for s in LTL_210]))
    (utf8,) = parse_210(b"\xef\xbb\xbf" + text.encode("utf-8"))
    (latin,) = parse_210(text.encode("latin-1"))
    assert utf8.shipper is not None and utf8.shipper.name == "ACMÉ PLASTICS"
    assert latin.shipper == utf8.shipper


# --- malformed input ---------------------------------------------------------------------


def _reject(text: str | bytes) -> X12Error:
    with pytest.raises(X12Error) as caught:
        parse_210(text)
    return caught.value


def test_empty_and_non_x12_files_are_rejected() -> None:
    assert "empty" in _reject(b"").message
    assert "empty" in _reject("\r\n  \n").message
    assert _reject("GS*IM*CN~").message == "an X12 file starts with an ISA segment"
    assert "element separator" in _reject("ISA1").message
    assert "truncated ISA" in _reject("ISA*00*    *00*").message


def test_a_truncated_file_names_the_last_segment_read() -> None:
    text = interchange(("210", LTL_210))
    cut = text[: text.index("L1*1*24.2")]
    error = _reject(cut)
    assert error.segment_number == 20
    assert "ends after segment 20 without SE" in error.message


@pytest.mark.parametrize(
    ("change", "segment_id", "words"),
    [
        (("SE*23*0001", "SE*22*0001"), "SE", "says '22' segments"),
        (("SE*23*0001", "SE*23*0009"), "SE", "SE02 does not match"),
        (("GE*1*7", "GE*2*7"), "GE", "says '2' transaction sets"),
        (("GE*1*7", "GE*1*8"), "GE", "GE02 does not match"),
        (("IEA*1*000000007", "IEA*1*000000008"), "IEA", "IEA02 does not match"),
        (("IEA*1*000000007~", "IEA*1*000000007~GS*X~"), "GS", "after the interchange"),
        (("*51234****ABFS", "*512.3X****ABFS"), "B3", "B307 (net amount due) '512.3X'"),
        (("*51234****ABFS", "*51,234****ABFS"), "B3", "not a number"),
        (("*20240112*", "*2024-01-12*"), "B3", "not a CCYYMMDD date"),
        (("*20240112*", "*20240231*"), "B3", "not a CCYYMMDD date"),
        (("L1*1**FR*1500", "L1*1**FR*TBD"), "L1", "L104 (charge) 'TBD'"),
        (("L0*1***1250", "L0*1***heavy"), "L0", "L004 (weight)"),
        (("B3**PRO7741201", "B3**"), "B3", "B302 (invoice number) is required"),
        (("N1*SH*ACME", "n1*SH*ACME"), "", "not a segment identifier"),
        (("N3*100 MILL RD", "N3*100\x00MILL RD"), "N3", "control character"),
        (("ST*210*0001", "ST*210*0001~ST*210*0002"), "ST", "SE expected"),
    ],
)
def test_malformed_210s_are_rejected_with_segment_and_reason(
    change: tuple[str, str], segment_id: str, words: str
) -> None:
    text = interchange(("210", LTL_210))
    assert change[0] in text
    error = _reject(text.replace(change[0], change[1], 1))
    assert error.segment_id == segment_id
    assert words in error.message
    assert error.segment_number > 0


def test_a_210_without_b3_is_rejected_at_its_st() -> None:
    error = _reject(interchange(("210", [s for s in LTL_210 if not s.startswith("B3")])))
    assert (error.segment_number, error.segment_id) == (3, "ST")


def test_an_820_without_amount_paid_is_rejected() -> None:
    body = [s.replace("RMR*IV*PRO7741202**1000*1000", "RMR*IV*PRO7741202") for s in REMITTANCE_820]
    with pytest.raises(X12Error, match=r"segment 15 \(RMR\): RMR04 \(amount paid\) is required"):
        parse_820(interchange(("820", body)))


# --- code tables against the shared code lists ----------------------------------------------

_FILLER = {"charge", "of", "or", "and", "the", "a", "on", "at", "for", "to", "fee", "service"}


def _code_list(name: str) -> dict[str, str]:
    with (CODELISTS / name).open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["description"] for row in csv.DictReader(handle)}


def _words(text: str) -> set[str]:
    return {w[:5] for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _FILLER}


@pytest.mark.parametrize(
    ("table", "code_list"),
    [
        (codes.SPECIAL_CHARGES, "special_charge_allowance_codes_150_L1-08.csv"),
        (codes.ADJUSTMENT_REASONS, "adjustment_reason_codes_426_ADX02.csv"),
        (codes.PAYMENT_METHODS, "payment_method_codes_591_BPR04.csv"),
    ],
)
def test_every_embedded_code_name_agrees_with_the_x12_code_list(
    table: dict[str, str], code_list: str
) -> None:
    official = _code_list(code_list)
    for code, name in table.items():
        assert code in official, f"{code} is not in {code_list}"
        assert _words(name) & _words(official[code]), f"{code}: {name!r} vs {official[code]!r}"


def test_the_freight_codes_the_issue_names_are_all_embedded() -> None:
    wanted = [
        "400",
        "405",
        "FUE",
        "LFT",
        "RES",
        "DET",
        "IDL",
        "APT",
        "HAZ",
        "RCL",
        "STR",
        "SOC",
        "LAC",
        "INS",
        "ENS",
        "GST",
    ]
    assert set(wanted) <= set(codes.SPECIAL_CHARGES)
    assert set(codes.SHIPMENT_PAYMENT_TERMS) <= set(
        _code_list("shipment_method_of_payment_146_B3-04.csv")
    )


def test_the_package_ships_no_copy_of_the_code_lists() -> None:
    package = Path(codes.__file__).resolve().parent.parent
    assert not list(package.rglob("*.csv"))
    full_list = _code_list("special_charge_allowance_codes_150_L1-08.csv")
    source = Path(codes.__file__).read_text(encoding="utf-8")
    assert len(codes.SPECIAL_CHARGES) < len(full_list) / 20
    copied = [d for d in full_list.values() if len(d) > 12 and f'"{d}"' in source]
    assert copied == []


def test_read_interchange_returns_sets_with_their_envelope() -> None:
    (tset,) = read_interchange(interchange(("210", LTL_210)), source="x.210")
    assert (tset.code, tset.control_number, tset.version) == ("210", "0001", "004010")
    assert (tset.sender_id, tset.receiver_id) == ("SHIPPERAP", "CARRIERAR")
    assert tset.body[0].element(2) == "PRO7741201"
    assert tset.body[0].element(99) == ""


# --- collecting, lenient reading, references -------------------------------------------------


def test_six_digit_dates_are_deviations_read_with_a_century_pivot() -> None:
    text = interchange(("210", [s.replace("*20240112*", "*240112*") for s in LTL_210]))
    with pytest.raises(X12Error) as caught:
        parse_210(text)
    assert "B306 (billing date) '240112' is a six-digit date" in caught.value.message
    assert "lenient mode accepts it: read as 2024-01-12" in caught.value.message
    read = read_210(text, lenient=True)
    assert read.items[0].invoice_date == date(2024, 1, 12)
    assert [w.row for w in read.warnings] == [4]
    old = interchange(("210", [s.replace("*20240112*", "*990112*") for s in LTL_210]))
    assert parse_210(old, lenient=True)[0].invoice_date == date(1999, 1, 12)


def test_adx_references_take_the_ref_segments_that_follow_them() -> None:
    body = [*REMITTANCE_820[:8], "REF*CM*CM-1188", "REF*PO*PO-77", *REMITTANCE_820[8:]]
    (remittance,) = parse_820(interchange(("820", body)))
    (claim,) = remittance.groups[0].adjustments
    assert claim.references == ("CN CLAIM77", "CM CM-1188", "PO PO-77")
    assert claim.level == "group" and claim.reference_values == ("CLAIM77", "CM-1188", "PO-77")
    short = remittance.groups[0].lines[0]
    assert short.references == ("PO PO-9031",) and short.adjustments[0].level == "line"


def test_bad_currency_codes_and_lone_qualifiers() -> None:
    body = [
        s.replace("CUR*PR*USD", "CUR*PR*DOLLARS").replace("*91*BB100", "*91")
        for s in REMITTANCE_820
    ]
    with pytest.raises(X12Error, match="CUR02 \\(currency\\) 'DOLLARS' is not an ISO 4217 code"):
        parse_820(interchange(("820", body)))
    ok = [s.replace("*91*BB100", "*91") for s in REMITTANCE_820]
    read = read_820(interchange(("820", ok)))
    assert read.items[0].payer_id is None
    assert read.warnings[0].message.startswith("N103 '91' without N104")
