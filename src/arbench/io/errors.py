"""The errors a reader reports when it rejects a file.

An import is all or nothing: a reader collects every problem it finds as a `RowError` and then
raises one `FileRejected` carrying all of them, so the user can fix the file in one pass. Row
numbers are the ones the user sees: in a spreadsheet the header is row 1 and the first data row
is row 2; row 0 means the file as a whole (wrong type, empty). X12 errors use the segment number
in the file as the row (see `x12.X12Error`).
"""

from __future__ import annotations

from dataclasses import dataclass

FILE_ROW = 0  # the row number of a problem with the file as a whole
HEADER_ROW = 1  # the row number of a problem with the header (a missing column)


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in one cell: where it is, what it holds and what was expected."""

    row: int
    column: str
    value: str
    message: str
    unit: str = "row"  # "segment" for X12: `row` is then the segment number

    @property
    def where(self) -> str:
        """ "file", "row 12" or "segment 4", as the user finds it in the file."""
        return "file" if self.row == FILE_ROW else f"{self.unit} {self.row}"

    def to_json(self) -> dict[str, object]:
        """The error as import summaries report it: row, column, value, message (and unit)."""
        return {"row": self.row, "column": self.column, "value": self.value,
                "message": self.message, "unit": self.unit}  # fmt: skip

    def __str__(self) -> str:
        where = self.where
        if self.column:
            where += f", {self.column}"
        shown = f" {self.value!r}" if self.value else ""
        return f"{where}:{shown} {self.message}"


class FileRejected(Exception):
    """A file that cannot be imported; nothing from it may be written.

    `errors` lists every problem found; `str(exc)` is a one-line summary naming the file.
    """

    def __init__(self, source: str, errors: list[RowError], summary: str | None = None) -> None:
        self.source = source
        self.errors = list(errors)
        self.summary = summary or _summarize(source, self.errors)
        super().__init__(self.summary)


def _summarize(source: str, errors: list[RowError]) -> str:
    if not errors:
        return f"{source} rejected"
    rows = {error.row for error in errors}
    count = f"{len(errors)} error" + ("s" if len(errors) != 1 else "")
    spread = "" if len(rows) == 1 else f" in {len(rows)} {errors[0].unit}s"
    first = " ".join(str(errors[0]).split())
    return f"{source} rejected: {count}{spread}; first: {first}"
