"""Typed columns out of a table of cells, with every bad cell reported as a RowError.

Shared by the register and remittance readers. The table is a `RawTable` (cells as the file
typed them) or a DataFrame of text cells. A column is converted once per distinct cell value
(a register of 100,000 rows holds a few hundred distinct dates and classes), and a number the
spreadsheet stored as a number is read as one (`parsed(..., fast=)`), never printed and
re-parsed. Errors name the row as the user sees it and the column by the header the user wrote,
with the cell's text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeAlias

import pandas as pd

from arbench.io.cell_values import NO_DATES, CellError, date_parser, detect_date_format
from arbench.io.errors import HEADER_ROW, RowError
from arbench.io.tables import RawTable, cell_text

Table: TypeAlias = pd.DataFrame | RawTable


def sheet_rows(frame: Table) -> list[int]:
    """The user's row numbers: the index `read_table` set, or 2.. for a plain 0-based frame."""
    if isinstance(frame, RawTable):
        return frame.rows
    index = frame.index
    if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1:
        return list(range(2, len(frame) + 2))
    return [int(i) for i in index]


def check_mapping(
    frame: Table,
    mapping: Mapping[str, str],
    fields: Sequence[str],
    labels: Mapping[str, str],
) -> list[RowError]:
    """Problems with a mapping before any cell is read: unknown columns, fields used twice."""
    errors: list[RowError] = []
    seen: dict[str, str] = {}
    for header, field in mapping.items():
        if header not in frame.columns:
            errors.append(RowError(HEADER_ROW, header, "", "column not found in this file"))
        elif field not in fields:
            errors.append(RowError(HEADER_ROW, header, field, "not a field arbench knows"))
        elif field in seen:
            message = f"{labels[field]} is already taken from column {seen[field]!r}"
            errors.append(RowError(HEADER_ROW, header, "", message))
        else:
            seen[field] = header
    return errors


def missing_columns(
    mapping: Mapping[str, str], required: Sequence[str], labels: Mapping[str, str]
) -> list[RowError]:
    mapped = set(mapping.values())
    return [
        RowError(HEADER_ROW, labels[f], "", f"required column missing: map a column to {labels[f]}")
        for f in required
        if f not in mapped
    ]


class ColumnReader:
    """Reads mapped columns of one table and collects the errors of every cell."""

    def __init__(self, frame: Table, mapping: Mapping[str, str]) -> None:
        self.frame = frame
        self.header_of = {field: header for header, field in mapping.items()}
        self.rows = sheet_rows(frame)
        self.errors: list[RowError] = []
        self.date_formats: dict[str, str] = {}
        self._texts: dict[str, list[str]] = {}
        self._cells: dict[str, list[Any]] = {}

    def cells(self, field: str) -> list[Any]:
        """The raw cells of a mapped column; all '' when the field is not mapped."""
        header = self.header_of.get(field)
        if header is None:
            return [""] * len(self.rows)
        if field in self._cells:
            return self._cells[field]
        if isinstance(self.frame, RawTable):
            cells = self.frame.column(header)
        else:
            cells = self.frame[header].tolist()
        if bool in set(map(type, cells)):  # True == 1.0: keep them apart
            cells = [cell_text(v) if type(v) is bool else v for v in cells]
        self._cells[field] = cells
        return cells

    def texts(self, field: str) -> list[str]:
        """The stripped text of a mapped column; all '' when the field is not mapped."""
        if field not in self._texts:
            cells = self.cells(field)
            self._texts[field] = [v.strip() if type(v) is str else cell_text(v) for v in cells]
        return self._texts[field]

    def filled(self, field: str) -> list[bool]:
        """Whether each cell holds anything (judged once per distinct value)."""
        cells = self.cells(field)
        has_text = {v: bool(cell_text(v)) for v in set(cells)}
        return [has_text[v] for v in cells]

    def text(self, field: str) -> list[str | None]:
        if field in self._texts or field not in self.header_of:
            return [t or None for t in self.texts(field)]
        return [(v.strip() if type(v) is str else cell_text(v)) or None for v in self.cells(field)]

    def required_text(self, field: str, label: str) -> list[str | None]:
        values = self.text(field)
        for position, value in enumerate(values):
            if value is None:
                self.fail(position, field, f"{label} is required")
        return values

    def parsed(
        self,
        field: str,
        parse: Callable[[str], Any],
        *,
        required_label: str = "",
        fast: Callable[[float], Any] | None = None,
    ) -> list[Any]:
        """Each cell through `parse` (numbers through `fast` when given); failures become
        errors and the value None."""
        cells = self.cells(field) if field in self.header_of else None
        if cells is None:
            return [None] * len(self.rows)
        cache: dict[Any, Any] = {}
        failures: dict[Any, str] = {}
        empty: set[Any] = set()
        for value in set(cells):
            try:
                if fast is not None and type(value) is float:
                    cache[value] = fast(value)
                    continue
                text = value.strip() if type(value) is str else cell_text(value)
                if not text:
                    cache[value] = None
                    empty.add(value)
                else:
                    cache[value] = parse(text)
            except CellError as exc:
                failures[value] = str(exc)
                cache[value] = None
        values = [cache[v] for v in cells]
        if failures or (required_label and empty):
            for position, value in enumerate(cells):
                if value in failures:
                    self.fail(position, field, failures[value])
                elif required_label and value in empty:
                    self.fail(position, field, f"{required_label} is required")
        return values

    def dates(self, field: str) -> list[Any]:
        """A date column read in the one format detected for it."""
        if field not in self.header_of:
            return [None] * len(self.rows)
        fmt = detect_date_format(cell_text(v) for v in set(self.cells(field)))
        self.date_formats[field] = fmt
        if fmt == NO_DATES:
            return [None] * len(self.rows)
        return self.parsed(field, date_parser(fmt))

    def fail(self, position: int, field: str, message: str) -> None:
        header = self.header_of.get(field, field)
        value = self.texts(field)[position] if field in self.header_of else ""
        self.errors.append(RowError(self.rows[position], header, value, message))

    def failed_positions(self) -> set[int]:
        row_position = {row: position for position, row in enumerate(self.rows)}
        return {row_position[e.row] for e in self.errors if e.row in row_position}

    def sorted_errors(self, order: Sequence[str]) -> list[RowError]:
        """Errors by row, then in the table's column order."""
        rank = {self.header_of.get(f, f): i for i, f in enumerate(order)}
        return sorted(self.errors, key=lambda e: (e.row, rank.get(e.column, len(rank))))
