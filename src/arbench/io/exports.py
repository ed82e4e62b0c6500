"""Spreadsheets for people: worklist, aging and statement exports as formatted xlsx.

`write_xlsx` streams sheets through openpyxl's write-only mode (constant memory, fast enough
for 100,000 rows): bold shaded header, money as #,##0.00, dates as yyyy-mm-dd, column widths,
the header frozen and an autofilter over the table. Optional heading lines (a statement's
account and date) sit above the table. Every text cell goes through `neutralize`, so a value
such as '=HYPERLINK(...)' from a customer's data stays text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from arbench.io.error_report import FORMULA_STARTS, MAX_CELL_TEXT, neutralize
from arbench.io.pacing import Pacer
from arbench.output_files import check_output_file, written

FORMATS = {"money": "#,##0.00", "date": "yyyy-mm-dd", "int": "#,##0", "number": "#,##0.0"}
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="305496")
TITLE_FONT = Font(bold=True, size=14)
PROGRESS_EVERY = 5000
CHUNK = 250  # rows between two looks at the clock (Pacer) and the progress callback
FORMULA_FIRST = frozenset(FORMULA_STARTS)
NUMBER_TYPES = frozenset({int, float, Decimal})
DATE_TYPES = frozenset({date, datetime})


@dataclass(frozen=True)
class Column:
    title: str
    kind: str = "text"  # text | money | date | int | number
    width: float = 14


@dataclass
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    heading: Sequence[str] = field(default_factory=tuple)  # lines above the table
    total_rows: int | None = None  # for progress


def write_xlsx(
    path: str | Path,
    sheets: Sequence[Sheet],
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Write the sheets to `path` (an .xlsx) and return it (replaced whole, or left as it was)."""
    target = check_output_file(path)
    workbook = Workbook(write_only=True)
    total = sum(s.total_rows or 0 for s in sheets)
    done = 0
    for sheet in sheets:
        done = _write_sheet(workbook.create_sheet(sheet.title[:31]), sheet, done, total, progress)
    with written(target) as partial:
        workbook.save(partial)
    if progress is not None:
        progress(total, total)
    return target


def _prototype(ws: WriteOnlyWorksheet, kind: str) -> Cell | None:
    """The one styled cell a number or date column reuses for every row (None for text)."""
    if kind not in FORMATS:
        return None
    cell = WriteOnlyCell(ws, None)
    cell.number_format = FORMATS[kind]
    cell.data_type = "d" if kind == "date" else "n"
    return cell


def _write_sheet(
    ws: WriteOnlyWorksheet,
    sheet: Sheet,
    done: int,
    total: int,
    progress: Callable[[int, int], None] | None,
) -> int:
    columns = sheet.columns
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    header_row = len(sheet.heading) + (2 if sheet.heading else 1)
    ws.freeze_panes = f"A{header_row + 1}"
    for number, line in enumerate(sheet.heading):
        cell = WriteOnlyCell(ws, neutralize(line))
        if number == 0:
            cell.font = TITLE_FONT
        ws.append([cell])
    if sheet.heading:
        ws.append([])
    ws.append([_header(ws, c.title) for c in columns])
    count = _write_rows(ws, sheet, done, total, progress)
    last = get_column_letter(len(columns))
    ws.auto_filter.ref = f"A{header_row}:{last}{header_row + max(count, 1)}"
    return done + count


def _header(ws: WriteOnlyWorksheet, title: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, neutralize(title))
    cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    cell.alignment = Alignment(vertical="center")
    return cell


def _write_rows(
    ws: WriteOnlyWorksheet,
    sheet: Sheet,
    done: int,
    total: int,
    progress: Callable[[int, int], None] | None,
) -> int:
    """Append every row, converting values inline (this loop is the export's cost).

    Text is appended as is when it is printable, short and starts with no formula character,
    otherwise through `neutralize`. A number or date column reuses one pre-styled cell
    (openpyxl serializes each row as it is appended), so no cell object is built per value.
    Off the main thread the writer pauses every few milliseconds (`Pacer`)."""
    protos = [_prototype(ws, c.kind) for c in sheet.columns]
    accepts = [DATE_TYPES if c.kind == "date" else NUMBER_TYPES for c in sheet.columns]
    columns = list(zip(protos, accepts, strict=True))
    append, pacer, count = ws.append, Pacer(), 0
    for row in sheet.rows:
        cells: list[Any] = []
        for value, (proto, types) in zip(row, columns, strict=False):
            kind = type(value)
            if kind is str:
                if (
                    value.isprintable()
                    and value[:1] not in FORMULA_FIRST
                    and len(value) < MAX_CELL_TEXT
                ):
                    cells.append(value)
                else:
                    cells.append(neutralize(value))
            elif proto is not None and kind in types:
                proto._value = value
                cells.append(proto)
            elif value is None or kind not in DATE_TYPES:
                cells.append(value)
            else:
                cells.append(_date_cell(ws, value))
        append(cells)
        count += 1
        if count % CHUNK == 0:
            pacer.pause()
            if progress is not None and count % PROGRESS_EVERY == 0:
                progress(done + count, max(total, done + count))
    return count


def _date_cell(ws: WriteOnlyWorksheet, value: date) -> Cell:
    """A date outside a date column (or a date in a number column), formatted as a date."""
    cell = WriteOnlyCell(ws, value)
    cell.number_format = FORMATS["date"]
    return cell
