"""Streaming reads of registers: chunk boundaries, the worker-thread path, typed cells."""

from __future__ import annotations

import threading
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from arbench.io import tables
from arbench.io.registers import guess_mapping, parse_register
from arbench.io.tables import RawTable, read_raw_table, read_table


def _workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws["C3"], ws["D3"], ws["E3"], ws["F3"] = "PRO", "Account", "Invoice date", "Amount"
    for n, row in enumerate(range(4, 15)):
        if row == 8:
            continue  # a blank row inside the data
        ws[f"C{row}"], ws[f"D{row}"] = f"P{n}", "A1"
        ws[f"E{row}"], ws[f"F{row}"] = datetime(2026, 3, 1 + n), 10.25 * n
    wb.save(path)
    return path


def _read_in_thread(path: Path) -> RawTable:
    found: list[RawTable] = []
    worker = threading.Thread(target=lambda: found.append(read_raw_table(path)))
    worker.start()
    worker.join()
    return found[0]


def test_worker_thread_reads_in_chunks_the_same_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tables, "CHUNK_ROWS", 3)
    path = _workbook(tmp_path / "offset.xlsx")
    here, there = read_raw_table(path), _read_in_thread(path)
    assert (there.headers, there.rows, there.data) == (here.headers, here.rows, here.data)
    assert here.headers == ["Column A", "Column B", "PRO", "Account", "Invoice date", "Amount"]
    assert here.rows == [4, 5, 6, 7, 9, 10, 11, 12, 13, 14]
    assert here.column("Amount")[1] == 10.25  # numbers stay numbers
    assert here.column("Invoice date")[0] == date(2026, 3, 1)  # midnight: a date
    result = parse_register(here, guess_mapping(here.columns))
    assert result.ok and result.rows[4].invoice_date == date(2026, 3, 6)
    assert str(result.rows[4].amount) == "51.25" and result.rows[0].amount.as_tuple().exponent == -2


def test_csv_streamed_across_chunks_with_blank_ragged_and_late_cp1252_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tables, "CHUNK_ROWS", 2)
    lines = ["", "PRO;Account;Invoice date;Amount"]
    lines += [f"P{i};A1;3/{i + 1}/2026;{i}.50" for i in range(7)]
    lines[4] = " ; ; ; "  # blank apart from spaces
    lines[6] = "P4;A1"  # ragged
    path = tmp_path / "r.csv"
    path.write_bytes(
        "\r\n".join(lines).encode("utf-8") + "\r\nP9;Caf\xe9;3/9/2026;1\r\n".encode("cp1252")
    )
    table = read_raw_table(path)
    assert table.headers == ["PRO", "Account", "Invoice date", "Amount"]
    assert table.rows == [3, 4, 6, 7, 8, 9, 10]
    assert table.data[3] == ["P4", "A1", "", ""]
    assert table.column("Account")[-1] == "Café"
    assert read_table(path).loc[10].tolist() == ["P9", "Café", "3/9/2026", "1"]
