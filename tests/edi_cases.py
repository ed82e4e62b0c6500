"""X12 cases written for the tests from the X12 rules, and an independent reading of 820s.

`expected_820` splits an 820 by the delimiters its own ISA declares and adds up the BPR, RMR
and ADX elements by hand (no arbench code), so the reconciliation tests compare arbench's
totals with figures computed from the file itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

ZERO = Decimal(0)


def envelope(code: str, body: list[str], *, version: str = "004010", isa_version: str = "00401",
             se_count: int | None = None, group: str = "RA") -> str:  # fmt: skip
    """One interchange holding one transaction set, '*' elements and '~' terminators."""
    isa = "*".join(["ISA", "00", " " * 10, "00", " " * 10, "ZZ", f"{'PAYERAP':<15}", "ZZ",
                    f"{'CARRIERAR':<15}", "261120", "1200", "U", isa_version, "000000042", "0",
                    "P", ">"])  # fmt: skip
    count = len(body) + 2 if se_count is None else se_count
    segments = [isa, f"GS*{group}*PAYERAP*CARRIERAR*20261120*1200*42*X*{version}",
                f"ST*{code}*0001", *body, f"SE*{count}*0001", "GE*1*42", "IEA*1*000000042"]  # fmt: skip
    return "~\n".join(segments) + "~\n"


def segments(text: str) -> list[list[str]]:
    """The segments of an X12 text as element lists, split by its ISA's own delimiters."""
    text = text.lstrip("\ufeff \t\r\n")
    element = text[3]
    position = 3
    for _ in range(15):
        position = text.index(element, position + 1)
    terminator = text[position + 2]
    return [piece.strip().split(element) for piece in text.split(terminator) if piece.strip()]


def _money(value: str) -> Decimal:
    return Decimal(value.strip())


@dataclass
class Expected820:
    """One 820 transaction set added up by hand."""

    bank: Decimal = ZERO
    lines: list[tuple[str, Decimal]] = field(default_factory=list)  # (RMR02, RMR04)
    group_adx: list[tuple[Decimal, str, list[str]]] = field(default_factory=list)
    line_adx: list[tuple[Decimal, str, list[str]]] = field(default_factory=list)

    def totals(self, book_references: set[str]) -> dict[str, Decimal]:
        """applied / unapplied / adjustments / variance when `book_references` are on file."""
        applied = sum((p for r, p in self.lines if r.upper() in book_references), ZERO)
        unapplied = sum((p for r, p in self.lines if r.upper() not in book_references), ZERO)
        adjustments = sum((a for a, _, _ in self.group_adx), ZERO)
        variance = self.bank - applied - unapplied - adjustments
        return {"applied": applied, "unapplied": unapplied, "adjustments": adjustments,
                "variance": variance, "bank_amount": self.bank}  # fmt: skip


def expected_820(text: str) -> list[Expected820]:
    """Every 820 set of the text: BPR02 (negative when BPR03 is D), RMR04 per reference, and
    each ADX, as a group adjustment when no RMR of its ENT group came before it."""
    found: list[Expected820] = []
    current: Expected820 | None = None
    after_rmr = False
    last_adx: list[str] | None = None
    for elements in segments(text):
        sid = elements[0]
        if sid == "ST":
            current, after_rmr, last_adx = Expected820(), False, None
            found.append(current)
        elif current is None:
            continue
        elif sid == "BPR":
            amount = _money(elements[2])
            current.bank = -amount if elements[3].strip() == "D" else amount
        elif sid == "ENT":
            after_rmr, last_adx = False, None
        elif sid == "RMR":
            current.lines.append((elements[2].strip(), _money(elements[4])))
            after_rmr, last_adx = True, None
        elif sid == "ADX":
            refs = [f"{elements[3]} {elements[4]}".strip()] if len(elements) > 4 else []
            entry = (_money(elements[1]), elements[2].strip(), refs)
            (current.line_adx if after_rmr else current.group_adx).append(entry)
            last_adx = refs
        elif sid == "REF" and last_adx is not None:
            last_adx.append(f"{elements[1]} {elements[2]}".strip())
    return found


# --- cases written from the X12 rules ---------------------------------------------------------

RETAILER_DUNS = "123456789"


def retailer_820(pros: dict[str, tuple[str, Decimal]]) -> str:
    """A retailer's 820 paying carrier pros: group-level ADX deductions with ZZ codes and
    credit-memo references (with a REF under the first), a positive ADX naming a pro, an RMR
    short-paid with its own ADX, credit memo lines (RMR*CM) with negative amounts (one on file,
    one not), a line matching no pro, and a payer named only by its D-U-N-S (N103 1).

    `pros` maps roles to (PRO, open balance): full, short, addition, by_invoice (the invoice
    number is given instead of the PRO), credit (a credit memo on file, negative balance).
    """
    full, short, addition, by_invoice, credit = (pros[k] for k in
                                                 ("full", "short", "addition", "by_invoice", "credit"))  # fmt: skip
    lines = [
        (f"RMR*IV*{full[0]}**{full[1]}*{full[1]}*0", full[1]),
        (f"RMR*IV*{short[0]}**{short[1] - 40}*{short[1]}*0", short[1] - 40),
        (f"RMR*IV*{by_invoice[0]}**{by_invoice[1]}", by_invoice[1]),
        (f"RMR*CM*{credit[0]}**{credit[1]}*{credit[1]}", credit[1]),
        ("RMR*IV*NOT-ON-FILE-991**250.00*250.00", Decimal("250.00")),
        ("RMR*CM*CM-77121**-60.00", Decimal("-60.00")),
    ]
    group = [Decimal("-1200.00"), Decimal("-845.15"), Decimal("-320.46"), Decimal("75.00")]
    bank = sum((paid for _, paid in lines), ZERO) + sum(group, ZERO)
    body = [
        f"BPR*C*{bank}*C*ACH*CTX*01*011000015*DA*12345*1234567890**01*021000021*DA*99887*20261120",
        "TRN*1*ACH77001*1234567890",
        "CUR*PR*USD",
        "REF*VR*V-88410",
        "DTM*097*20261120",
        f"N1*PR*MEGAMART STORES INC*1*{RETAILER_DUNS}",
        "N1*PE*ROADRUNNER FREIGHT*ZZ*RRF01",
        "ENT*1",
        "ADX*-1200.00*ZZ*CM*CM-55501",
        "REF*CM*CM-55501",
        "REF*PO*PO-88812",
        "ADX*-845.15*ZZ*CM*CM-55502",
        "ADX*-320.46*ZZ*CM*CM-55503",
        f"ADX*75.00*53*IV*{addition[0]}",
        lines[0][0],
        "REF*PO*4500012",
        lines[1][0],
        f"ADX*-40.00*22*IV*{short[0]}",
        "REF*BM*BOL-9931",
        lines[2][0],
        lines[3][0],
        lines[4][0],
        lines[5][0],
    ]
    return envelope("820", body)


def version_3010_820() -> str:
    """An 820 of release 003010, which began with BPS (not BPR)."""
    body = ["BPS*C*500.00*C*ACH*01*011000015*1234567890*20261120",
            "N1*PR*OLD SYSTEMS CO*1*987654321", "RMR*IV*PRO1**500.00"]  # fmt: skip
    return envelope("820", body, version="003010", isa_version="00301")


DEVIATED_210_BODY = [
    "B3**PRO880301*BOL77*PP**030903*51234****ABFS",
    "C3*USD",
    "N9*BM*BOL77",
    "G62*86",
    "N1*SH*ACME PLASTICS*93*ACME01",
    "N4*DAYTON*OH*45402*US",
    "N1*BT*ACME PLASTICS AP",
    "N4*DAYTON*OH*45402*US",
    "N1*PR*ACME PLASTICS*93*ACME01",
    "LX*1",
    "L5*1*PLASTIC ARTICLES NOI*156600*N",
    "L0*1***1250*G***3*PLT**L",
    "L1*1*38.50*PH*41234****400",
    "L1*1*24.2*PC*7500****405",
    "L1*1**FR*2500****LFT",
    "L3*1250*G***51234",
]


def deviated_210() -> str:
    """A carrier 210 with the four deviations at once: a six-digit B306 date (030903), a G62
    without its G6202 date, an N1*BT with no id, and an SE01 segment count that disagrees."""
    return envelope("210", DEVIATED_210_BODY, group="IM", se_count=len(DEVIATED_210_BODY) + 5)
