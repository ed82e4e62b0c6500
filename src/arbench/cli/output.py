"""Printing results: aligned tables, CSV and JSON, the same rows in every format."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Any

from arbench.io.formula_guard import formula_safe


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _csv_cell(value: Any) -> str:
    """A CSV cell: text a spreadsheet would run as a formula gets a leading ' (numbers stay)."""
    return formula_safe(value) if isinstance(value, str) else _text(value)


def record(result: Any) -> dict[str, Any]:
    """A service's result record as a row: its fields, without the GUI's change record."""
    return {k: v for k, v in asdict(result).items() if k != "changes"}


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, default=_default)
    sys.stdout.write("\n")


def print_rows(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], fmt: str) -> None:
    """Print rows as table, csv or json (json keeps every key of each row).

    CSV text cells go through `formula_safe`, as the xlsx exports do: a customer name such as
    '=HYPERLINK(...)' opens as text, not as a formula."""
    if fmt == "json":
        print_json(list(rows))
    elif fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\r\n")  # RFC 4180: a \r in text is quoted
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_csv_cell(row.get(c)) for c in columns])
    else:
        cells = [[_text(row.get(c)) for c in columns] for row in rows]
        widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
        print("  ".join(c.upper().ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip())
        for r in cells:
            print("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip())
