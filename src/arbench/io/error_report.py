"""The error report a rejected file produces: an xlsx the user can sort, filter and fix from.

One line per problem: row, column, value, error. Every text cell written by arbench goes
through `neutralize`, which stops a cell from being read as a formula when the workbook is
opened (a value such as '=HYPERLINK(...)' in a customer's file must come back as text).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from arbench.io.errors import RowError
from arbench.io.formula_guard import FORMULA_STARTS, formula_safe

__all__ = ["FORMULA_STARTS", "MAX_CELL_TEXT", "neutralize", "write_error_report"]
MAX_CELL_TEXT = 32_000  # Excel keeps at most 32,767 characters in a cell
HEADERS = ("Row", "Column", "Value", "Error")
_WIDTHS = (8, 24, 32, 70)


def neutralize(text: str) -> str:
    """Text made safe for a spreadsheet cell.

    A leading = + - @ tab or carriage return gets a ' in front so the cell stays text;
    characters a workbook cannot hold are replaced by '?', and very long text is cut.
    """
    clean: str = ILLEGAL_CHARACTERS_RE.sub("?", text)[:MAX_CELL_TEXT]
    return formula_safe(clean)


def write_error_report(errors: Iterable[RowError], path: str | Path) -> Path:
    """Write the errors to an xlsx with a bold, frozen, filterable header; return its path."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Errors"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for error in errors:
        sheet.append(
            [
                error.row,
                neutralize(error.column),
                neutralize(error.value),
                neutralize(error.message),
            ]
        )
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for letter, width in zip("ABCD", _WIDTHS, strict=True):
        sheet.column_dimensions[letter].width = width
    target = Path(path)
    workbook.save(target)
    return target
