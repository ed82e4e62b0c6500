"""A small, strict reader of X12 interchanges: envelopes, segments and elements.

The delimiters come from the ISA header: its 4th character is the element separator, ISA16 the
component separator and the character after ISA16 the segment terminator. The ISA is located
by counting its 16 element separators, so a short ISA (a sender that trimmed ISA06 or ISA08)
still reads. Tolerated on input: a UTF-8 byte-order mark, CR/LF or spaces around segments
(indented files), several functional groups and transaction sets, newline or control-character
terminators. Everything else that is wrong is rejected with an `X12Error` naming the segment
number (ISA is segment 1; with one segment per line it is the line number) and the reason:
bad envelopes, control numbers or counts that do not match, truncated files, stray bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from arbench.io.errors import FileRejected, RowError

_SEGMENT_ID = re.compile(r"[A-Z][A-Z0-9]{1,2}")
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")
_LAYOUT = " \t\r\n"  # whitespace allowed around segments
_REAL = re.compile(r"-?(?:\d+\.?\d*|\.\d+)")
_DIGITS = re.compile(r"\d{1,9}")
_MAX_DIGITS = 18  # no X12 numeric element is longer


class X12Error(FileRejected):
    """Malformed or unusable X12: which segment, which segment id and why."""

    def __init__(
        self,
        segment_number: int,
        segment_id: str,
        message: str,
        *,
        source: str = "X12 input",
        value: str = "",
    ) -> None:
        self.segment_number = segment_number
        self.segment_id = segment_id
        self.message = message
        where = f"segment {segment_number}" + (f" ({segment_id})" if segment_id else "")
        error = RowError(segment_number, segment_id, value, message, unit="segment")
        super().__init__(source, [error], f"{source} rejected: {where}: {message}")


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

    @property
    def body(self) -> tuple[Segment, ...]:
        """The segments between ST and SE."""
        return self.segments[1:-1]

    def error(self, segment: Segment, message: str, value: str = "") -> X12Error:
        return X12Error(segment.number, segment.id, message, source=self.source, value=value)


def read_interchange(data: str | bytes, *, source: str = "X12 input") -> list[TransactionSet]:
    """Read one interchange into its transaction sets, or raise `X12Error`."""
    text = _decode(data, source)
    delimiters = _delimiters(text, source)
    segments = _segments(text, delimiters, source)
    return _Envelope(segments, delimiters, source).read()


def _decode(data: str | bytes, source: str) -> str:
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    else:
        text = data.removeprefix("\ufeff")
    text = text.lstrip(_LAYOUT)
    if not text:
        raise X12Error(0, "", "the file is empty", source=source)
    if not text.startswith("ISA"):
        raise X12Error(
            1, "", "an X12 file starts with an ISA segment", source=source, value=text[:20]
        )
    return text


def _delimiters(text: str, source: str) -> Delimiters:
    element = text[3:4]
    if not element or element.isalnum() or element in _LAYOUT:
        raise X12Error(1, "ISA", "the 4th character must be the element separator", source=source)
    position = 3
    for _ in range(15):
        position = text.find(element, position + 1)
        if position < 0:
            raise X12Error(1, "ISA", "truncated ISA: 16 elements expected", source=source)
    component, segment = text[position + 1 : position + 2], text[position + 2 : position + 3]
    if not segment:
        raise X12Error(1, "ISA", "truncated ISA: no segment terminator", source=source)
    chosen = {element, component, segment}
    if len(chosen) < 3 or any(c.isalnum() or c == " " for c in chosen):
        raise X12Error(
            1,
            "ISA",
            "separators must be three different non-alphanumeric characters",
            source=source,
        )
    return Delimiters(element, component, segment)


def _segments(text: str, delimiters: Delimiters, source: str) -> list[Segment]:
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
            raise X12Error(number, "", "not a segment identifier", source=source, value=raw[:40])
        stray = [c for c in _CONTROL_CHARS.findall(raw) if c not in allowed]
        if stray:
            message = f"control character {stray[0]!r} inside the segment"
            raise X12Error(number, seg_id, message, source=source, value=raw[:40])
        segments.append(Segment(number, seg_id, tuple(elements[1:])))
    return segments


class _Envelope:
    """Walks ISA / GS / ST..SE / GE / IEA and checks every count and control number."""

    def __init__(self, segments: list[Segment], delimiters: Delimiters, source: str) -> None:
        self.segments = segments
        self.delimiters = delimiters
        self.source = source
        self.position = 0

    def error(self, segment: Segment, message: str) -> X12Error:
        return X12Error(segment.number, segment.id, message, source=self.source)

    def take(self, expected: str, context: str) -> Segment:
        if self.position >= len(self.segments):
            last = self.segments[-1]
            message = f"the file ends after segment {last.number} without {expected} ({context})"
            raise X12Error(last.number, last.id, message, source=self.source)
        segment = self.segments[self.position]
        if segment.id != expected:
            raise self.error(segment, f"{expected} expected here ({context})")
        self.position += 1
        return segment

    def peek(self) -> str:
        return self.segments[self.position].id if self.position < len(self.segments) else ""

    def read(self) -> list[TransactionSet]:
        isa = self.take("ISA", "interchange header")
        if len(isa.elements) != 16:
            raise self.error(isa, f"ISA has {len(isa.elements)} elements; 16 expected")
        control = self.control_number(isa, 13)
        sets: list[TransactionSet] = []
        groups = 0
        while self.peek() == "TA1":
            self.position += 1
        while self.peek() == "GS":
            sets.extend(self.group(isa))
            groups += 1
        iea = self.take("IEA", "interchange trailer")
        self.check_count(iea, 1, groups, "functional groups")
        if self.control_number(iea, 2) != control:
            raise self.error(iea, f"IEA02 does not match ISA13 control number {control}")
        if self.position < len(self.segments):
            extra = self.segments[self.position]
            raise self.error(extra, "data after the interchange trailer (IEA)")
        return sets

    def group(self, isa: Segment) -> list[TransactionSet]:
        gs = self.take("GS", "functional group header")
        control = self.control_number(gs, 6)
        sets: list[TransactionSet] = []
        while self.peek() == "ST":
            sets.append(self.transaction_set(isa, gs))
        ge = self.take("GE", "functional group trailer")
        self.check_count(ge, 1, len(sets), "transaction sets")
        if self.control_number(ge, 2) != control:
            raise self.error(ge, f"GE02 does not match GS06 group control number {control}")
        return sets

    def transaction_set(self, isa: Segment, gs: Segment) -> TransactionSet:
        st = self.take("ST", "transaction set header")
        if not st.element(1) or not st.element(2):
            raise self.error(st, "ST01 (set code) and ST02 (control number) are required")
        start = self.position - 1
        while self.peek() not in ("SE", "ST", "GE", "GS", "IEA", "ISA", ""):
            self.position += 1
        se = self.take("SE", f"trailer of transaction set {st.element(2)} from segment {st.number}")
        segments = tuple(self.segments[start : self.position])
        self.check_count(se, 1, len(segments), "segments from ST to SE")
        if se.element(2) != st.element(2):
            raise self.error(se, f"SE02 does not match ST02 control number {st.element(2)}")
        return TransactionSet(
            code=st.element(1),
            control_number=st.element(2),
            segments=segments,
            functional_id=gs.element(1),
            version=gs.element(8),
            sender_id=isa.element(6).strip(),
            receiver_id=isa.element(8).strip(),
            delimiters=self.delimiters,
            source=self.source,
        )

    def control_number(self, segment: Segment, position: int) -> str:
        value = segment.element(position).strip()
        if not value.isdigit() or len(value) > 9:
            message = f"{segment.id}{position:02d} control number {value!r} is not 1-9 digits"
            raise self.error(segment, message)
        return value.lstrip("0") or "0"

    def check_count(self, segment: Segment, position: int, actual: int, what: str) -> None:
        declared = segment.element(position)
        if not _DIGITS.fullmatch(declared) or int(declared) != actual:
            message = f"{segment.id}{position:02d} says {declared!r} {what}; the file has {actual}"
            raise self.error(segment, message)


# --- element values -----------------------------------------------------------------------


def text_element(tset: TransactionSet, segment: Segment, position: int, name: str) -> str:
    """A required text element, stripped; missing raises `X12Error`."""
    value = segment.element(position).strip()
    if not value:
        raise tset.error(segment, f"{segment.id}{position:02d} ({name}) is required")
    return value


def decimal_element(
    tset: TransactionSet,
    segment: Segment,
    position: int,
    name: str,
    *,
    implied_decimals: int = 0,
    required: bool = False,
) -> Decimal | None:
    """A numeric element as Decimal: R type, or N2 when `implied_decimals` is 2.

    An N2 value without a decimal point has its last two digits as cents ('275433' is
    2754.33); a value with an explicit point is taken as written. Words, commas, exponents and
    other text are rejected naming the segment.
    """
    value = segment.element(position).strip()
    if not value:
        if required:
            raise tset.error(segment, f"{segment.id}{position:02d} ({name}) is required")
        return None
    if not _REAL.fullmatch(value) or sum(c.isdigit() for c in value) > _MAX_DIGITS:
        message = f"{segment.id}{position:02d} ({name}) {value!r} is not a number"
        raise tset.error(segment, message, value[:40])
    try:
        number = Decimal(value)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only numbers
        raise tset.error(segment, f"{segment.id}{position:02d} ({name}) is unreadable") from exc
    if implied_decimals and "." not in value:
        number = number.scaleb(-implied_decimals)
    return number


def date_element(
    tset: TransactionSet, segment: Segment, position: int, name: str, *, required: bool = False
) -> date | None:
    """A CCYYMMDD date element; anything else (placeholders, YYMMDD) raises `X12Error`."""
    value = segment.element(position).strip()
    if not value:
        if required:
            raise tset.error(segment, f"{segment.id}{position:02d} ({name}) is required")
        return None
    try:
        if len(value) != 8 or not value.isdigit():
            raise ValueError(value)
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        message = f"{segment.id}{position:02d} ({name}) {value!r} is not a CCYYMMDD date"
        raise tset.error(segment, message, value) from None


def require_code(tset: TransactionSet, code: str, what: str) -> None:
    """Reject a transaction set that is not of the expected kind (e.g. a 997 given as a 210)."""
    if tset.code != code:
        st = tset.segments[0]
        raise tset.error(st, f"transaction set {tset.code} is not {what} ({code})", tset.code)
