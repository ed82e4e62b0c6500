"""What reading one X12 file found: the errors that reject it and the warnings it carries.

A reader does not stop at the first problem: every segment-level problem is collected with its
segment number and element, and the file is rejected once, with all of them (`X12Error`), so
the user fixes the file in one pass. Three kinds of finding:

- an **error**: the file cannot be read safely (a word where an amount belongs, a missing
  trailer, an unsupported version); it rejects the file in every mode;
- a **deviation**: something real senders do that can still be read without guessing (a
  six-digit date, an envelope count or control number that disagrees, control numbers equal
  only as numbers, a missing optional date, an unknown version string): an error in strict
  mode (the default), a warning in lenient mode;
- a **warning**: a note that never rejects the file (ISA12 and GS08 disagree, an N103 without
  its N104).
"""

from __future__ import annotations

from arbench.io.errors import FileRejected, RowError

LENIENT_HINT = "lenient mode accepts it"


class X12Error(FileRejected):
    """Malformed or unusable X12: which segment, which segment id and why (the first problem),
    and in `errors` every problem found in the file."""

    def __init__(
        self,
        segment_number: int,
        segment_id: str,
        message: str,
        *,
        source: str = "X12 input",
        value: str = "",
        errors: list[RowError] | None = None,
    ) -> None:
        self.segment_number = segment_number
        self.segment_id = segment_id
        self.message = message
        first = RowError(segment_number, segment_id, value, message, unit="segment")
        found = errors or [first]
        summary = None
        if len(found) == 1:
            where = f"segment {segment_number}" + (f" ({segment_id})" if segment_id else "")
            summary = f"{source} rejected: {where}: {message}"
        super().__init__(source, found, summary)

    @classmethod
    def collected(cls, source: str, errors: list[RowError]) -> X12Error:
        """One rejection carrying every error, in file order; the first one names it."""
        ordered = sorted(errors, key=lambda e: e.row)
        first = ordered[0]
        return cls(first.row, first.column, first.message, source=source, value=first.value,
                   errors=ordered)  # fmt: skip


class Findings:
    """Collects the problems of one file (see the module docstring for the three kinds)."""

    def __init__(self, source: str, *, lenient: bool = False) -> None:
        self.source = source
        self.lenient = lenient
        self.errors: list[RowError] = []
        self.warnings: list[RowError] = []

    def error(self, number: int, segment_id: str, message: str, value: str = "") -> None:
        _add(self.errors, RowError(number, segment_id, value[:60], message, unit="segment"))

    def warning(self, number: int, segment_id: str, message: str, value: str = "") -> None:
        _add(self.warnings, RowError(number, segment_id, value[:60], message, unit="segment"))

    def deviation(
        self, number: int, segment_id: str, message: str, accepted: str, value: str = ""
    ) -> bool:
        """A sender's deviation: a warning saying how it was read (lenient), else an error.

        Returns True when the reader may go on as `accepted` says.
        """
        if self.lenient:
            self.warning(number, segment_id, f"{message}; {accepted}", value)
            return True
        self.error(number, segment_id, f"{message} ({LENIENT_HINT}: {accepted})", value)
        return False

    def fatal(self, number: int, segment_id: str, message: str, value: str = "") -> X12Error:
        """Record an error that stops the reading, and the rejection to raise with all so far."""
        self.error(number, segment_id, message, value)
        return X12Error.collected(self.source, self.errors)

    def check(self) -> None:
        """Raise the rejection when anything was an error."""
        if self.errors:
            raise X12Error.collected(self.source, self.errors)


def _add(found: list[RowError], error: RowError) -> None:
    """Add a finding once (a group-level problem is met again by each of its sets)."""
    if error not in found:
        found.append(error)
