"""Benchmark: import of a 100,000-row register xlsx and export of 100,000 rows.

    .venv/bin/python -m benchmarks.bench_import_export [--rows 100000]

Import is timed end to end (read, validate, plan, write to a new SQLite file) against
`pandas.read_excel(engine="calamine")` alone on the same file (target <= 1.5x), and taken apart
to show the floor under it: the read (arbench's `read_invoice_file`: the sheet parsed and every
cell validated) against a bare python-calamine parse of the same sheet, the plan (a dry run
minus the read), and the write (the import minus the dry run) against bare sqlite3
`executemany` of exactly the rows the import wrote (read back from its book and inserted into
an empty book of the same schema, indexes and foreign keys on, one transaction). Export is the
formatted worklist-style writer (`io.exports.write_xlsx`) against a bare openpyxl write-only
loop over the same rows (target <= 1.2x). Steps run in this order in one process, after one
unmeasured warm-up import of 1,000 rows (imports of modules, statement compilation); peak
memory is the process's peak resident set after each step (ru_maxrss, a high-water mark).
The figures are printed as markdown and kept in benchmarks/.books/bench_import_export.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook

from arbench.domain.catalogue import Role
from arbench.io.exports import Column, Sheet, write_xlsx
from arbench.services.base import Actor
from arbench.services.imports import import_invoices
from arbench.store.db import open_database
from benchmarks.books import BOOKS_DIR

NIGHTLY = Actor(0, "nightly", "Nightly jobs", Role.SUPERVISOR)  # the import's service user
HEADERS = ["PRO", "Account", "Customer", "BOL", "Invoice", "Invoice Date", "Due Date", "Amount",
           "Open Balance", "Shipper", "Consignee", "Weight", "Class", "Terms"]  # fmt: skip


def make_register(path: Path, rows: int) -> None:
    rng = random.Random(5)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Open items")
    ws.append(HEADERS)
    start = date(2026, 1, 1)
    for i in range(rows):
        invoiced = start + timedelta(days=rng.randint(0, 300))
        amount = round(rng.uniform(-50, 5000), 2)
        ws.append([f"{100000000 + i}", f"C{rng.randint(1, 2000):05d}", f"Customer {rng.randint(1, 2000)}",
                   f"B{i:08d}", f"I{i:08d}", invoiced, invoiced + timedelta(days=30), amount, amount,
                   "Acme Plastics", "Big Box DC", rng.randint(100, 20000), "70", "PP"])  # fmt: skip
    wb.save(path)


def measure(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """Seconds, and the process's peak resident memory (MB) after the step (a high-water mark)."""
    started = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - started
    return elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, result


def export_rows(rows: int) -> list[list[Any]]:
    rng = random.Random(9)
    return [[f"{100000000 + i}", f"C{i % 2000:05d}", f"Customer {i % 2000}", "Past due",
             Decimal(rng.randint(100, 500000)) / 100, rng.randint(0, 200),
             date(2026, 11, 1) + timedelta(days=i % 30), "follow-up due"] for i in range(rows)]  # fmt: skip


def bare_export(path: Path, rows: list[list[Any]]) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Rows")
    ws.append(["PRO", "Account", "Customer", "Issue", "Open", "Days", "Follow-up", "Why"])
    for row in rows:
        ws.append(row)
    wb.save(path)


def formatted_export(path: Path, rows: list[list[Any]]) -> None:
    columns = [Column("PRO", width=13), Column("Account", width=10), Column("Customer", width=30),
               Column("Issue", width=20), Column("Open", "money", 13), Column("Days", "int", 8),
               Column("Follow-up", "date", 12), Column("Why", width=40)]  # fmt: skip
    write_xlsx(path, [Sheet("Worklist", columns, rows, ("Worklist",), len(rows))])


def _bare_calamine(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    return len(CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python())


WRITTEN = ("accounts", "pros", "issues", "activities")  # what a first import of a register writes


def _bare_writes(source: Path, target: Path) -> tuple[float, int]:
    """Seconds for bare sqlite3 to insert the rows the import wrote into an empty book."""
    import sqlite3

    db = open_database(str(target), create=True)
    db.dispose()
    src = sqlite3.connect(source)
    tables = {t: (src.execute(f"SELECT * FROM {t}").fetchall(),
                  [c[1] for c in src.execute(f"PRAGMA table_info({t})")]) for t in WRITTEN}  # fmt: skip
    src.close()
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("DELETE FROM users WHERE id NOT IN (SELECT user_id FROM activities)")
    started = time.perf_counter()
    conn.execute("BEGIN")
    n = 0
    for table, (rows, names) in tables.items():
        marks = ", ".join("?" * len(names))
        conn.executemany(
            f"INSERT OR IGNORE INTO {table} ({', '.join(names)}) VALUES ({marks})", rows
        )
        n += len(rows)
    conn.execute("COMMIT")
    took = time.perf_counter() - started
    conn.close()
    return took, n


def run(rows: int) -> dict[str, float]:
    from arbench.services.import_read import read_invoice_file

    tmp = Path(tempfile.mkdtemp(prefix="arbench-bench-"))
    register, warm = tmp / "register.xlsx", tmp / "warm.xlsx"
    make_register(register, rows)
    make_register(warm, 1000)
    warm_db = open_database(str(tmp / "warm.sqlite3"), create=True)
    import_invoices(warm_db, warm, on=date(2026, 11, 24), actor=NIGHTLY)  # unmeasured warm-up
    warm_db.dispose()
    figures: dict[str, float] = {"rows": rows}
    figures["calamine_s"], figures["calamine_mb"], _ = measure(
        lambda: pd.read_excel(register, engine="calamine", header=None, dtype=object)
    )
    figures["bare_calamine_s"], _mb, _ = measure(lambda: _bare_calamine(register))
    figures["read_s"], _mb, data = measure(lambda: read_invoice_file(register))
    assert not data.errors, data.errors[:3]
    dry_db = open_database(str(tmp / "dry.sqlite3"), create=True)
    figures["dry_run_s"], _mb, _ = measure(
        lambda: import_invoices(
            dry_db, register, dry_run=True, on=date(2026, 11, 24), actor=NIGHTLY
        )
    )
    dry_db.dispose()
    book = tmp / "bench.sqlite3"
    db = open_database(str(book), create=True)
    figures["import_s"], figures["import_mb"], summary = measure(
        lambda: import_invoices(db, register, on=date(2026, 11, 24), actor=NIGHTLY)
    )
    assert summary.ok and summary.created == rows, summary.errors[:3]
    db.dispose()
    figures["bare_write_s"], figures["written_rows"] = _bare_writes(book, tmp / "bare.sqlite3")
    figures["plan_s"] = figures["dry_run_s"] - figures["read_s"]
    figures["write_s"] = figures["import_s"] - figures["dry_run_s"]
    data = export_rows(rows)
    figures["bare_export_s"], figures["bare_export_mb"], _ = measure(
        lambda: bare_export(tmp / "b.xlsx", data)
    )
    figures["export_s"], figures["export_mb"], _ = measure(
        lambda: formatted_export(tmp / "f.xlsx", data)
    )
    return figures


def report(rows: int, f: dict[str, float]) -> str:
    machine = f"{platform.node()} · {platform.processor() or platform.machine()} · Python {platform.python_version()} · {platform.system()}"
    floor = f["bare_calamine_s"] + f["bare_write_s"]
    return (
        f"\n## Import and export, {rows:,} rows ({date.today().isoformat()})\n\n"
        f"Machine: {machine} · load average {os.getloadavg()[0]:.1f}\n\n"
        "| step | seconds | peak RSS MB so far | ratio | target |\n|---|---|---|---|---|\n"
        f"| pandas.read_excel(calamine) alone | {f['calamine_s']:.2f} | {f['calamine_mb']:.0f} | 1.00 | |\n"
        f"| arbench import (read, validate, plan, write SQLite) | {f['import_s']:.2f} | {f['import_mb']:.0f} | "
        f"{f['import_s'] / f['calamine_s']:.2f} | ≤ 1.5 |\n"
        f"| bare openpyxl write-only loop | {f['bare_export_s']:.2f} | {f['bare_export_mb']:.0f} | 1.00 | |\n"
        f"| arbench formatted export | {f['export_s']:.2f} | {f['export_mb']:.0f} | "
        f"{f['export_s'] / f['bare_export_s']:.2f} | ≤ 1.2 |\n"
        "\nThe import taken apart (same process, same file):\n\n"
        "| part | arbench s | bare s | bare is |\n|---|---|---|---|\n"
        f"| read: parse the sheet, validate every cell | {f['read_s']:.2f} | {f['bare_calamine_s']:.2f} | "
        "python-calamine `to_python()` of the sheet |\n"
        f"| plan: look the PROs up, compare, decide | {f['plan_s']:.2f} | — | (no bare equivalent) |\n"
        f"| write: pros, items, timeline entries, accounts, audit; commit | {f['write_s']:.2f} | "
        f"{f['bare_write_s']:.2f} | sqlite3 `executemany` of the {f['written_rows']:,.0f} rows written |\n"
        f"| whole import | {f['import_s']:.2f} | {floor:.2f} | bare parse + bare writes = the floor, "
        f"{floor / f['calamine_s']:.2f}× pandas |\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    figures = run(args.rows)
    print(report(args.rows, figures))
    BOOKS_DIR.mkdir(parents=True, exist_ok=True)
    (BOOKS_DIR / "bench_import_export.json").write_text(
        json.dumps(figures | {"load": os.getloadavg()[0]}, indent=1)
    )


if __name__ == "__main__":
    main()
