"""A small, strict reader of X12 interchanges: envelopes, segments and elements.

The delimiters come from the ISA header: its 4th character is the element separator, ISA16 the
component separator and the character after ISA16 the segment terminator. The ISA is located
by counting its 16 element separators, so a short ISA (a sender that trimmed ISA06 or ISA08)
still reads. Tolerated on input: a UTF-8 byte-order mark, CR/LF or spaces around segments
(indented files), several functional groups and transaction sets, newline or control-character
terminators. Segment numbers count from the ISA (segment 1; with one segment per line it is the
line number).

Problems are collected in a `Findings` (see `x12_findings`), not raised one at a time: counts
and control numbers that disagree are deviations (errors in strict mode, warnings in lenient
mode); a missing trailer stops the walk, and the complete sets read until then are still
checked by the 210/820 readers so that one rejection lists everything.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field

from arbench.io.x12_findings import Findings, X12Error

__all__ = [
    "Delimiters",
    "Findings",
    "Segment",
    "TransactionSet",
    "X12Error",
    "accept_set",
    "read_interchange",
    "read_sets",
]

_SEGMENT_ID = re.compile(r"[A-Z][A-Z0-9]{1,2}")
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")
_LAYOUT = " \t\r\n"  # whitespace allowed around segments
_DIGITS = re.compile(r"\d{1,9}")
SUPPORTED_VERSIONS = ("004", "005")  # GS08 families read: 004010, 004060, 005010X..., ...
OLDER_VERSIONS = ("002", "003")  # real releases whose segments differ (an 820 began with BPS)
READ_AS = "004010"


@dataclass(frozen=True, slots=True)
class Delimiters:
    """The separators an interchange declares in its ISA header."""

    element: str
    component: str
    segment: str


@dataclass(frozen=True, slots=True)
class Segment:
    """One segment: its number in the file (ISA = 1), its id and its data elements."""

    number: int
    id: str
    elements: tuple[str, ...]  # elements[0] is the segment's 01 element

    def element(self, position: int) -> str:
        """The element at a 1-based position (`seg.element(2)` is XX02), '' when absent."""
        return self.elements[position - 1] if 0 < position <= len(self.elements) else ""

    def ref(self, position: int) -> str:
        """The element's X12 reference, e.g. 'B306'."""
        return f"{self.id}{position:02d}"

    def text(self) -> str:
        return "*".join((self.id, *self.elements))


@dataclass(frozen=True, slots=True)
class TransactionSet:
    """One ST..SE transaction set with the envelope facts around it."""

    code: str  # ST01: 210, 820, 997 ...
    control_number: str  # ST02
    segments: tuple[Segment, ...]  # ST .. SE inclusive
    functional_id: str  # GS01: IM for 210, RA for 820
    version: str  # GS08
    sender_id: str  # ISA06, trimmed
    receiver_id: str  # ISA08, trimmed
    delimiters: Delimiters
    source: str
    group_segment: int = 0  # the GS segment's number
    findings: Findings = field(default_factory=lambda: Findings("X12 input"), compare=False)

    @property
    def body(self) -> tuple[Segment, ...]:
        """The segments between ST and SE."""
        return self.segments[1:-1]

    def error(self, segment: Segment, message: str, value: str = "") -> X12Error:
        """An error to raise at once (a reader that cannot go on)."""
        return X12Error(segment.number, segment.id, message, source=self.source, value=value)


def read_interchange(
    data: str | bytes, *, source: str = "X12 input", lenient: bool = False
) -> list[TransactionSet]:
    """Read one interchange into its transaction sets, or raise `X12Error` with every problem."""
    findings = Findings(source, lenient=lenient)
    sets = read_sets(data, findings)
    findings.check()
    return sets


def read_sets(data: str | bytes, findings: Findings) -> list[TransactionSet]:
    """The transaction sets of an interchange; envelope problems go to `findings`.

    Raises `X12Error` only when nothing can be read (no ISA, no delimiters, a bad segment id).
    """
    text = _decode(data, findings)
    delimiters = _delimiters(text, findings)
    segments = _segments(text, delimiters, findings)
    return _Envelope(segments, delimiters, findings).read()


def _decode(data: str | bytes, findings: Findings) -> str:
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    else:
        text = data.removeprefix("\ufeff")
    text = text.lstrip(_LAYOUT)
    if not text:
        raise findings.fatal(0, "", "the file is empty")
    if not text.startswith("ISA"):
        raise findings.fatal(1, "", "an X12 file starts with an ISA segment", text[:20])
    return text


def _delimiters(text: str, findings: Findings) -> Delimiters:
    element = text[3:4]
    if not element or element.isalnum() or element in _LAYOUT:
        raise findings.fatal(1, "ISA", "the 4th character must be the element separator")
    position = 3
    for _ in range(15):
        position = text.find(element, position + 1)
        if position < 0:
            raise findings.fatal(1, "ISA", "truncated ISA: 16 elements expected")
    component, segment = text[position + 1 : position + 2], text[position + 2 : position + 3]
    if not segment:
        raise findings.fatal(1, "ISA", "truncated ISA: no segment terminator")
    chosen = {element, component, segment}
    if len(chosen) < 3 or any(c.isalnum() or c == " " for c in chosen):
        message = "separators must be three different non-alphanumeric characters"
        raise findings.fatal(1, "ISA", message)
    return Delimiters(element, component, segment)


def _segments(text: str, delimiters: Delimiters, findings: Findings) -> list[Segment]:
    allowed = {delimiters.element, delimiters.component, delimiters.segment}
    segments: list[Segment] = []
    for piece in text.split(delimiters.segment):
        raw = piece.strip(_LAYOUT)
        if not raw:
            continue
        number = len(segments) + 1
        elements = raw.split(delimiters.element)
        seg_id = elements[0]
        if not _SEGMENT_ID.fullmatch(seg_id):
            raise findings.fatal(number, "", "not a segment identifier", raw[:40])
        stray = [c for c in _CONTROL_CHARS.findall(raw) if c not in allowed]
        if stray:
            message = f"control character {stray[0]!r} inside the segment"
            raise findings.fatal(number, seg_id, message, raw[:40])
        segments.append(Segment(number, seg_id, tuple(elements[1:])))
    return segments


class _Stop(Exception):
    """The envelope cannot be walked further (the error is already in the findings)."""


class _Envelope:
    """Walks ISA / GS / ST..SE / GE / IEA and checks every count and control number."""

    def __init__(self, segments: list[Segment], delimiters: Delimiters, findings: Findings):
        self.segments = segments
        self.delimiters = delimiters
        self.findings = findings
        self.position = 0
        self.sets: list[TransactionSet] = []

    def take(self, expected: str, context: str) -> Segment:
        if self.position >= len(self.segments):
            last = self.segments[-1]
            message = f"the file ends after segment {last.number} without {expected} ({context})"
            self.findings.error(last.number, last.id, message)
            raise _Stop
        segment = self.segments[self.position]
        if segment.id != expected:
            self.findings.error(segment.number, segment.id, f"{expected} expected here ({context})")
            raise _Stop
        self.position += 1
        return segment

    def peek(self) -> str:
        return self.segments[self.position].id if self.position < len(self.segments) else ""

    def read(self) -> list[TransactionSet]:
        with contextlib.suppress(_Stop):  # the error is in the findings already
            self.interchange()
        return self.sets

    def interchange(self) -> None:
        isa = self.take("ISA", "interchange header")
        if len(isa.elements) != 16:
            message = f"ISA has {len(isa.elements)} elements; 16 expected"
            self.findings.error(isa.number, "ISA", message)
        control = self.control_number(isa, 13)
        groups = 0
        while self.peek() == "TA1":
            self.position += 1
        while self.peek() == "GS":
            self.group(isa)
            groups += 1
        iea = self.take("IEA", "interchange trailer")
        self.check_count(iea, 1, groups, "functional groups")
        self.check_control(iea, 2, control, "ISA13")
        if self.position < len(self.segments):
            extra = self.segments[self.position]
            self.findings.error(extra.number, extra.id, "data after the interchange trailer (IEA)")

    def group(self, isa: Segment) -> None:
        gs = self.take("GS", "functional group header")
        control = self.control_number(gs, 6)
        _compare_versions(isa, gs, self.findings)
        count = 0
        while self.peek() == "ST":
            self.transaction_set(isa, gs)
            count += 1
        ge = self.take("GE", "functional group trailer")
        self.check_count(ge, 1, count, "transaction sets")
        self.check_control(ge, 2, control, "GS06")

    def transaction_set(self, isa: Segment, gs: Segment) -> None:
        st = self.take("ST", "transaction set header")
        if not st.element(1).strip() or not st.element(2).strip():
            message = "ST01 (set code) and ST02 (control number) are required"
            self.findings.error(st.number, "ST", message)
        start = self.position - 1
        while self.peek() not in ("SE", "ST", "GE", "GS", "IEA", "ISA", ""):
            self.position += 1
        context = f"trailer of transaction set {st.element(2).strip()} from segment {st.number}"
        se = self.take("SE", context)  # a set cut short is not read further: its end is unknown
        segments = tuple(self.segments[start : self.position])
        self.check_count(se, 1, len(segments), "segments from ST to SE")
        self.check_control(se, 2, st.element(2).strip(), "ST02")
        self.sets.append(self.make_set(isa, gs, st, segments))

    def make_set(
        self, isa: Segment, gs: Segment, st: Segment, segments: tuple[Segment, ...]
    ) -> TransactionSet:
        return TransactionSet(
            code=st.element(1).strip(),
            control_number=st.element(2).strip(),
            segments=segments,
            functional_id=gs.element(1).strip(),
            version=gs.element(8).strip(),
            sender_id=isa.element(6).strip(),
            receiver_id=isa.element(8).strip(),
            delimiters=self.delimiters,
            source=self.findings.source,
            group_segment=gs.number,
            findings=self.findings,
        )

    def control_number(self, segment: Segment, position: int) -> str | None:
        """A header's control number (1-9 digits), or None (an error) when it is not one."""
        value = segment.element(position).strip()
        if not value.isdigit() or len(value) > 9:
            message = f"{segment.ref(position)} control number {value!r} is not 1-9 digits"
            self.findings.error(segment.number, segment.id, message, value)
            return None
        return value

    def check_control(
        self, trailer: Segment, position: int, header: str | None, header_ref: str
    ) -> None:
        """The trailer repeats the header's control number: the same text, or a deviation."""
        value = trailer.element(position).strip()
        if header is None or value == header:
            return
        ref = trailer.ref(position)
        if value.isdigit() and header.isdigit() and int(value) == int(header):
            message = f"{ref} {value!r} equals {header_ref} {header!r} only as a number"
            accepted = "compared as numbers"
        else:
            message = f"{ref} does not match {header_ref} control number {header!r} ({value!r})"
            accepted = "the trailer's control number is ignored"
        self.findings.deviation(trailer.number, trailer.id, message, accepted, value)

    def check_count(self, segment: Segment, position: int, actual: int, what: str) -> None:
        declared = segment.element(position).strip()
        if _DIGITS.fullmatch(declared) and int(declared) == actual:
            return
        message = f"{segment.ref(position)} says {declared!r} {what}; the file has {actual}"
        accepted = f"the {actual} in the file are read"
        self.findings.deviation(segment.number, segment.id, message, accepted, declared)


def _compare_versions(isa: Segment, gs: Segment, findings: Findings) -> None:
    """ISA12 (the envelope's version) disagreeing with GS08 (the sets' version) is noted."""
    envelope, sets = isa.element(12).strip(), gs.element(8).strip()
    if envelope and sets and not sets.startswith(envelope):
        message = (f"ISA12 interchange version {envelope!r} and GS08 version {sets!r} disagree; "
                   "the transaction sets are read as GS08 says")  # fmt: skip
        findings.warning(gs.number, "GS", message, envelope)


def accept_set(tset: TransactionSet, code: str, what: str) -> bool:
    """Whether `tset` is a set this reader reads: the right ST01 and a supported GS08 version.

    A wrong set code or an older release is an error; a version string that is no release
    arbench knows (e.g. '001010') is a deviation read as 004010.
    """
    findings, st = tset.findings, tset.segments[0]
    if tset.code != code:
        message = f"transaction set {tset.code} is not {what} ({code})"
        findings.error(st.number, st.id, message, tset.code)
        return False
    family = tset.version[:3]
    if family in SUPPORTED_VERSIONS:
        return True
    message = (
        f"version {tset.version or '(none)'} is not supported; arbench reads 004010 and 005010"
    )
    if family in OLDER_VERSIONS:
        findings.error(tset.group_segment, "GS", f"GS08 {message}", tset.version)
        return False
    accepted = f"read as {READ_AS}"
    return findings.deviation(tset.group_segment, "GS", f"GS08 {message}", accepted, tset.version)
