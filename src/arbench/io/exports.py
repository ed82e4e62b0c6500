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
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from arbench.io.error_report import neutralize

FORMATS = {"money": "#,##0.00", "date": "yyyy-mm-dd", "int": "#,##0", "number": "#,##0.0"}
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="305496")
TITLE_FONT = Font(bold=True, size=14)
PROGRESS_EVERY = 5000


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
    """Write the sheets to `path` (an .xlsx) and return it."""
    workbook = Workbook(write_only=True)
    total = sum(s.total_rows or 0 for s in sheets)
    done = 0
    for sheet in sheets:
        done = _write_sheet(workbook.create_sheet(sheet.title[:31]), sheet, done, total, progress)
    target = Path(path)
    workbook.save(target)
    if progress is not None:
        progress(total, total)
    return target


def _styled(ws: WriteOnlyWorksheet, kind: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, None)
    if kind in FORMATS:
        cell.number_format = FORMATS[kind]
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
    prototypes = [_styled(ws, c.kind) for c in sheet.columns]
    styles = [
        p._style if c.kind in FORMATS else None
        for p, c in zip(prototypes, sheet.columns, strict=True)
    ]
    count = 0
    append = ws.append
    for row in sheet.rows:
        append([_cell(ws, value, style) for value, style in zip(row, styles, strict=False)])
        count += 1
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(done + count, max(total, done + count))
    return count


def _cell(ws: WriteOnlyWorksheet, value: Any, style: Any) -> Any:
    if isinstance(value, str):
        return neutralize(value)
    if style is None or value is None:
        if isinstance(value, datetime | date):
            cell = WriteOnlyCell(ws, value)
            cell.number_format = FORMATS["date"]
            return cell
        return value
    cell = WriteOnlyCell(ws, value)
    cell._style = style
    return cell
