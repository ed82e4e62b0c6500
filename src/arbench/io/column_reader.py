"""Typed columns out of a table of text cells, with every bad cell reported as a RowError.

Shared by the register and remittance readers. A column is converted once per distinct value
(a register of 100,000 rows holds a few hundred distinct dates and classes), so large files
read in about a second. Errors name the row as the user sees it and the column by the header
the user wrote.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd

from arbench.io.cell_values import NO_DATES, CellError, date_parser, detect_date_format
from arbench.io.errors import HEADER_ROW, RowError


def sheet_rows(frame: pd.DataFrame) -> list[int]:
    """The user's row numbers: the index `read_table` set, or 2.. for a plain 0-based frame."""
    index = frame.index
    if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1:
        return list(range(2, len(frame) + 2))
    return [int(i) for i in index]


def check_mapping(
    frame: pd.DataFrame,
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


def _cell_text(value: object) -> str:
    if type(value) is str:
        return value.strip()
    if value is None or value != value:  # NaN
        return ""
    return str(value).strip()


class ColumnReader:
    """Reads mapped columns of one table and collects the errors of every cell."""

    def __init__(self, frame: pd.DataFrame, mapping: Mapping[str, str]) -> None:
        self.frame = frame
        self.header_of = {field: header for header, field in mapping.items()}
        self.rows = sheet_rows(frame)
        self.errors: list[RowError] = []
        self.date_formats: dict[str, str] = {}
        self._texts: dict[str, list[str]] = {}

    def texts(self, field: str) -> list[str]:
        """The stripped text of a mapped column; all '' when the field is not mapped."""
        if field not in self._texts:
            header = self.header_of.get(field)
            if header is None:
                self._texts[field] = [""] * len(self.rows)
            else:
                cells = self.frame[header].tolist()
                self._texts[field] = [v.strip() if type(v) is str else _cell_text(v) for v in cells]
        return self._texts[field]

    def text(self, field: str) -> list[str | None]:
        return [t or None for t in self.texts(field)]

    def required_text(self, field: str, label: str) -> list[str | None]:
        values = self.text(field)
        for position, value in enumerate(values):
            if value is None:
                self.fail(position, field, f"{label} is required")
        return values

    def parsed(
        self, field: str, parse: Callable[[str], Any], *, required_label: str = ""
    ) -> list[Any]:
        """Each cell through `parse`; failures become errors and the value None."""
        texts = self.texts(field)
        cache: dict[str, Any] = {"": None}
        failures: dict[str, str] = {}
        for text in set(texts):
            if text in cache:
                continue
            try:
                cache[text] = parse(text)
            except CellError as exc:
                failures[text] = str(exc)
        values = [cache.get(text) for text in texts]
        for position, text in enumerate(texts):
            if text in failures:
                self.fail(position, field, failures[text])
            elif required_label and not text:
                self.fail(position, field, f"{required_label} is required")
        return values

    def dates(self, field: str) -> list[Any]:
        """A date column read in the one format detected for it."""
        texts = self.texts(field)
        fmt = detect_date_format(texts) if field in self.header_of else NO_DATES
        if field in self.header_of:
            self.date_formats[field] = fmt
        if fmt == NO_DATES:
            return [None] * len(texts)
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
