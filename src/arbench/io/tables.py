"""Reading a spreadsheet or CSV file into columns of cells, streamed in chunks.

`read_raw_table` accepts .xlsx/.xlsm/.xls/.xlsb/.ods workbooks (first sheet, read with
python-calamine) and .csv/.txt/.tsv text (UTF-8 with or without BOM, else Windows-1252, else
Latin-1; the delimiter sniffed from the header line). The result is a `RawTable`: the header
texts, the row number the user sees in the spreadsheet for each data row (header row 1 when it
is the first row; a title line above the header and blank rows are skipped), and one list of
cells per column, as the file typed them (text, float, date, bool; '' when empty; text not yet
stripped). Nothing is stringified or copied into a DataFrame: the register reader converts
each column once (see `column_reader`).

Files are read `CHUNK_ROWS` rows at a time (CSV streamed from disk, workbook rows taken from
calamine's parsed sheet), so a worker thread never holds the GIL for long and the GUI thread
stays responsive. `read_table` gives the old view: a DataFrame of stripped `str` cells indexed
by sheet row, dates as ISO text, whole numbers without '.0'. Wrong or empty files raise
`FileRejected`.
"""

from __future__ import annotations

import csv
import itertools
import math
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pandas as pd
import python_calamine

from arbench.io.errors import FILE_ROW, FileRejected, RowError

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
CHUNK_ROWS = 10_000  # rows per C-level step: ~10-40 ms of GIL at a time
_DELIMITERS = (",", ";", "\t", "|")
_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
_HEADER_SEARCH_ROWS = 20
_SNIFF_BYTES = 65536


Row = list[Any]


@dataclass(slots=True)
class RawTable:
    """A table as read: headers, the sheet row of each data row, the cells column by column."""

    headers: list[str]
    rows: list[int]
    cells: list[list[Any]]  # cells[column][position], every column as long as `rows`

    @property
    def columns(self) -> list[str]:
        return self.headers

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def data(self) -> list[Row]:
        """The cells row by row (built on demand: data[position][column])."""
        return [list(row) for row in zip(*self.cells, strict=True)]

    def column(self, header: str) -> list[Any]:
        """One column's cells (the table's own list: read it, do not change it)."""
        return self.cells[self.headers.index(header)]

    def text_rows(self, count: int) -> list[list[str]]:
        """The first `count` data rows as text, for a preview."""
        return [[cell_text(c[i]) for c in self.cells] for i in range(min(count, len(self.rows)))]

    def to_frame(self) -> pd.DataFrame:
        """Text cells (stripped, '' when empty) indexed by sheet row."""
        data = {h: [cell_text(v) for v in self.column(h)] for h in self.headers}
        return pd.DataFrame(data, index=pd.Index(self.rows, name="row"), dtype=object)


def cell_text(value: object) -> str:
    """A cell as the user reads it: stripped text, dates as ISO, whole numbers without '.0'."""
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


def read_table(path: str | Path) -> pd.DataFrame:
    """The first sheet of a workbook or a CSV file as text cells indexed by sheet row."""
    return read_raw_table(path).to_frame()


def read_raw_table(path: str | Path) -> RawTable:
    """The first sheet of a workbook or a CSV file as typed cells, column by column."""
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
    if suffix in WORKBOOK_SUFFIXES:
        return _collect(_workbook_chunks(path), path)
    for encoding in _ENCODINGS:
        try:
            return _collect(_text_chunks(path, encoding), path)
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def _rejected(path: Path, value: str, message: str) -> FileRejected:
    return FileRejected(path.name, [RowError(FILE_ROW, "", value, message)])


def _workbook_chunks(path: Path) -> Iterator[list[Row]]:
    try:
        sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        if threading.current_thread() is threading.main_thread():
            # One call, about twice as fast as iterating, but it holds the GIL throughout.
            rows: list[Row] = list(sheet.to_python(skip_empty_area=False))
            for start in range(0, len(rows), CHUNK_ROWS):
                yield rows[start : start + CHUNK_ROWS]
            return
        found = sheet.iter_rows()
        lead: Row = [""] * sheet.start[1] if sheet.start else []  # iter_rows drops empty columns
    except (python_calamine.CalamineError, ValueError, OSError, IndexError) as exc:
        reason = " ".join(str(exc).split())[:120]
        raise _rejected(path, "", f"not a readable Excel workbook ({reason})") from exc
    # Off the GUI thread: CHUNK_ROWS rows per call, so the GUI thread gets the GIL in between.
    while chunk := list(itertools.islice(found, CHUNK_ROWS)):
        yield [lead + row for row in chunk] if lead else chunk


def _check_text(path: Path) -> bytes:
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise _rejected(path, "", "this is an Excel workbook saved under a text file name")
    if b"\x00" in head:
        raise _rejected(path, "", "not a text (CSV) file: it holds binary data")
    return head


def _sniff_delimiter(text: str) -> str:
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _text_chunks(path: Path, encoding: str) -> Iterator[list[Row]]:
    """CSV records streamed from disk; raises UnicodeDecodeError to try the next encoding."""
    head = _check_text(path).decode(encoding, errors="ignore")
    with path.open(encoding=encoding, newline="") as handle:
        reader: Iterator[Row] = csv.reader(handle, delimiter=_sniff_delimiter(head))
        count = 0
        while True:
            try:
                chunk: list[Row] = list(itertools.islice(reader, CHUNK_ROWS))
            except csv.Error as exc:
                line = getattr(reader, "line_num", 0) or count + 1
                raise FileRejected(
                    path.name, [RowError(line, "", "", f"unreadable CSV line: {exc}")]
                ) from exc
            if not chunk:
                return
            count += len(chunk)
            yield chunk


def _blank(row: Row) -> bool:
    first = row[0] if row else ""
    if type(first) is str and first.strip():
        return False  # the common case: a filled first cell
    return not any(cell_text(v) for v in row)


def _collect(chunks: Iterator[list[Row]], path: Path) -> RawTable:
    """Find the header in the first rows, then keep each chunk's non-blank rows, by column.

    Each chunk is turned into columns as soon as it is read, while its cells are still in
    the CPU's caches: a column pass over a million rows held as row lists reads memory at
    random and cost per row 1.5-2x what it costs at 100,000 rows.
    """
    head: list[Row] = []
    for chunk in chunks:
        head += chunk
        if len(head) >= _HEADER_SEARCH_ROWS:
            break
    header_at = _header_position(head)
    if header_at is None:
        raise _rejected(path, "", "the file is empty (no header row)")
    header = [cell_text(v) for v in head[header_at]]
    columns: list[list[Any]] = [[] for _ in header]
    rows: list[int] = []
    start = header_at + 2  # the sheet row of head[header_at + 1]
    for chunk in itertools.chain([head[header_at + 1 :]], chunks):
        keep = [i for i, row in enumerate(chunk) if not _blank(row)]
        rows += [start + i for i in keep]
        start += len(chunk)
        _add_columns(columns, [chunk[i] for i in keep] if len(keep) < len(chunk) else chunk,
                     len(rows) - len(keep))  # fmt: skip
    if not rows:
        raise _rejected(path, "", "the file has a header row but no data rows")
    return RawTable(_headers(header, len(columns)), rows, columns)


def _add_columns(columns: list[list[Any]], chunk: list[Row], before: int) -> None:
    """Append `chunk`'s rows to `columns` (`before` rows already in them); ragged rows and
    a chunk wider than the rows before are padded with ''."""
    if not chunk:
        return
    width = max(len(columns), max(map(len, chunk)))
    while len(columns) < width:
        columns.append([""] * before)
    if any(len(row) != width for row in chunk):
        pad = [""] * width
        chunk = [row + pad[len(row) :] if len(row) < width else row for row in chunk]
    for column, cells in zip(columns, zip(*chunk, strict=True), strict=True):
        column += cells


def _header_position(rows: list[Row]) -> int | None:
    """The header row: the first of the top rows filled at least half as wide as the widest.

    A title line above the header ("Open items as of 3/31") is skipped that way.
    """
    filled = [sum(1 for cell in row if cell_text(cell)) for row in rows[:_HEADER_SEARCH_ROWS]]
    if not any(filled):
        return None
    threshold = (max(filled) + 1) // 2
    return next(i for i, count in enumerate(filled) if count and count >= threshold)


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
