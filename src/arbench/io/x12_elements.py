"""Reading the elements of one transaction set's segments into typed values.

`SetReader` is the base of the 210 and 820 readers: each element helper returns the value, or
records the problem in the file's `Findings` (with the segment number and the element, e.g.
B307) and returns None, so that a reader goes on and one rejection lists every problem.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from arbench.io.x12_reader import Segment, TransactionSet

_REAL = re.compile(r"-?(?:\d+\.?\d*|\.\d+)")
_MAX_DIGITS = 18  # no X12 numeric element is longer
CENTURY_PIVOT = 50  # a six-digit date's YY below this is 20YY, else 19YY


class SetReader:
    """Typed element values of one transaction set; problems go to the set's findings."""

    def __init__(self, tset: TransactionSet) -> None:
        self.tset = tset
        self.findings = tset.findings

    def error(self, segment: Segment, message: str, value: str = "") -> None:
        self.findings.error(segment.number, segment.id, message, value)

    def deviation(self, segment: Segment, message: str, accepted: str, value: str = "") -> bool:
        return self.findings.deviation(segment.number, segment.id, message, accepted, value)

    def text(self, segment: Segment, position: int, name: str, *, required: bool = False) -> str:
        """A text element, stripped; a missing required one is an error ('' returned)."""
        value = segment.element(position).strip()
        if not value and required:
            self.error(segment, f"{segment.ref(position)} ({name}) is required")
        return value

    def number(
        self,
        segment: Segment,
        position: int,
        name: str,
        *,
        implied_decimals: int = 0,
        required: bool = False,
    ) -> Decimal | None:
        """A numeric element as Decimal: R type, or N2 when `implied_decimals` is 2.

        An N2 value without a decimal point has its last two digits as cents ('275433' is
        2754.33); a value with an explicit point is taken as written. Words, commas, exponents
        and other text are errors naming the element.
        """
        value = segment.element(position).strip()
        ref = segment.ref(position)
        if not value:
            if required:
                self.error(segment, f"{ref} ({name}) is required")
            return None
        if not _REAL.fullmatch(value) or sum(c.isdigit() for c in value) > _MAX_DIGITS:
            self.error(segment, f"{ref} ({name}) {value!r} is not a number", value[:40])
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            self.error(segment, f"{ref} ({name}) is unreadable", value[:40])
            return None
        if implied_decimals and "." not in value:
            number = number.scaleb(-implied_decimals)
        return number

    def day(
        self, segment: Segment, position: int, name: str, *, required: bool = False
    ) -> date | None:
        """A CCYYMMDD date element. A six-digit YYMMDD date is a deviation (read with the
        century pivot in lenient mode); anything else (placeholders, impossible days) is an error.
        """
        value = segment.element(position).strip()
        ref = segment.ref(position)
        if not value:
            if required:
                self.error(segment, f"{ref} ({name}) is required")
            return None
        if len(value) == 6 and value.isdigit():
            return self._six_digit(segment, ref, name, value)
        when = _calendar_date(value) if len(value) == 8 and value.isdigit() else None
        if when is None:
            self.error(segment, f"{ref} ({name}) {value!r} is not a CCYYMMDD date", value)
        return when

    def _six_digit(self, segment: Segment, ref: str, name: str, value: str) -> date | None:
        year = int(value[:2])
        century = "20" if year < CENTURY_PIVOT else "19"
        when = _calendar_date(century + value)
        if when is None:
            self.error(segment, f"{ref} ({name}) {value!r} is not a date", value)
            return None
        message = f"{ref} ({name}) {value!r} is a six-digit date; CCYYMMDD expected"
        accepted = f"read as {when.isoformat()}"
        return when if self.deviation(segment, message, accepted, value) else None


def _calendar_date(value: str) -> date | None:
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return None
