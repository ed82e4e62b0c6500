"""Reading a spreadsheet or CSV file into a table of text cells.

`read_table` accepts .xlsx/.xlsm/.xls/.xlsb/.ods workbooks (first sheet, read by pandas with the
calamine engine) and .csv/.txt/.tsv text (UTF-8 with or without BOM, else Windows-1252, else
Latin-1; the delimiter sniffed from the header line). The result is a DataFrame of `str`
cells ('' when empty) whose index is the row number the user sees in the spreadsheet (header
row 1 when it is the first row; a title line above the header is skipped) and whose columns
are the header texts. Dates stored as dates
come out as ISO text, whole numbers without '.0'. Wrong or empty files raise `FileRejected`.
"""

from __future__ import annotations

import csv
import io
import math
from datetime import date, datetime, time
from pathlib import Path

import pandas as pd
import python_calamine

from arbench.io.errors import FILE_ROW, FileRejected, RowError

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
_DELIMITERS = (",", ";", "\t", "|")
_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
_HEADER_SEARCH_ROWS = 20


def read_table(path: str | Path) -> pd.DataFrame:
    """The first sheet of a workbook or a CSV file as text cells indexed by sheet row."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in WORKBOOK_SUFFIXES + TEXT_SUFFIXES:
        expected = "expected an .xlsx, .xls or .csv file"
        raise _rejected(path, suffix or path.name, f"unsupported file type; {expected}")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _rejected(path, str(path), f"cannot open the file: {exc.strerror}") from exc
    if size == 0:
        raise _rejected(path, "", "the file is empty")
    rows = _workbook_rows(path) if suffix in WORKBOOK_SUFFIXES else _text_rows(path)
    return _frame(rows, path)


def _rejected(path: Path, value: str, message: str) -> FileRejected:
    return FileRejected(path.name, [RowError(FILE_ROW, "", value, message)])


def _workbook_rows(path: Path) -> list[list[str]]:
    try:
        sheet = pd.read_excel(path, engine="calamine", header=None, dtype=object, sheet_name=0)
    except (python_calamine.CalamineError, ValueError, OSError, IndexError) as exc:
        reason = " ".join(str(exc).split())[:120]
        raise _rejected(path, "", f"not a readable Excel workbook ({reason})") from exc
    columns = [[_cell_text(v) for v in sheet[c].tolist()] for c in sheet.columns]
    return [list(row) for row in zip(*columns, strict=True)] if columns else []


def _cell_text(value: object) -> str:
    if type(value) is str:
        return value.strip()
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):  # pandas Timestamp is a datetime too
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()


def _decode(path: Path) -> str:
    data = path.read_bytes()
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _rejected(path, "", "this is an Excel workbook saved under a text file name")
    if b"\x00" in data[:65536]:
        raise _rejected(path, "", "not a text (CSV) file: it holds binary data")
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def _sniff_delimiter(text: str) -> str:
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _text_rows(path: Path) -> list[list[str]]:
    text = _decode(path)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    rows: list[list[str]] = []
    try:
        for record in reader:
            rows.append([cell.strip() for cell in record])
    except csv.Error as exc:
        raise FileRejected(
            path.name, [RowError(len(rows) + 1, "", "", f"unreadable CSV line: {exc}")]
        ) from exc
    return rows


def _header_position(rows: list[list[str]]) -> int | None:
    """The header row: the first of the top rows filled at least half as wide as the widest.

    A title line above the header ("Open items as of 3/31") is skipped that way.
    """
    filled = [sum(1 for cell in row if cell) for row in rows[:_HEADER_SEARCH_ROWS]]
    if not any(filled):
        return None
    threshold = (max(filled) + 1) // 2
    return next(i for i, count in enumerate(filled) if count and count >= threshold)


def _frame(rows: list[list[str]], path: Path) -> pd.DataFrame:
    header_at = _header_position(rows)
    if header_at is None:
        raise _rejected(path, "", "the file is empty (no header row)")
    width = max(len(row) for row in rows[header_at:])
    headers = _headers(rows[header_at], width)
    numbers: list[int] = []
    data: list[list[str]] = []
    for offset, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        if any(row):
            numbers.append(offset)
            data.append(row + [""] * (width - len(row)))
    if not data:
        raise _rejected(path, "", "the file has a header row but no data rows")
    return pd.DataFrame(data, columns=headers, index=pd.Index(numbers, name="row"), dtype=object)


def _headers(row: list[str], width: int) -> list[str]:
    headers: list[str] = []
    for position in range(width):
        text = row[position] if position < len(row) else ""
        name = text or f"Column {_column_letter(position)}"
        base, copy = name, 2
        while name in headers:
            name, copy = f"{base} ({copy})", copy + 1
        headers.append(name)
    return headers


def _column_letter(position: int) -> str:
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
