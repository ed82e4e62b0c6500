"""Benchmark: import of a 100,000-row register xlsx and export of 100,000 rows.

    .venv/bin/python benchmarks/bench_import_export.py [--rows 100000] [--record]

Import is timed end to end (read, validate, plan, write to a new SQLite file) against
`pandas.read_excel(engine="calamine")` alone on the same file (target <= 1.5x). Export is the
formatted worklist-style writer (`io.exports.write_xlsx`) against a bare openpyxl write-only
loop over the same rows (target <= 1.2x). Peak memory is the process's peak resident set after each step (ru_maxrss, a
high-water mark: steps run in the order shown).
`--record` appends the figures to docs/performance.md with the machine.
"""

from __future__ import annotations

import argparse
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
from arbench.services.intake.imports import import_invoices
from arbench.store.db import open_database

NIGHTLY = Actor(0, "nightly", "Nightly jobs", Role.SUPERVISOR)  # the import's service user
HEADERS = ["PRO", "Account", "Customer", "BOL", "Invoice", "Invoice Date", "Due Date", "Amount",
           "Open Balance", "Shipper", "Consignee", "Weight", "Class", "Terms"]  # fmt: skip
DOC = Path(__file__).resolve().parents[1] / "docs" / "performance.md"


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


def run(rows: int) -> dict[str, float]:
    tmp = Path(tempfile.mkdtemp(prefix="arbench-bench-"))
    register = tmp / "register.xlsx"
    make_register(register, rows)
    figures: dict[str, float] = {}
    figures["calamine_s"], figures["calamine_mb"], _ = measure(
        lambda: pd.read_excel(register, engine="calamine", header=None, dtype=object)
    )
    db = open_database(str(tmp / "bench.sqlite3"), create=True)
    figures["import_s"], figures["import_mb"], summary = measure(
        lambda: import_invoices(db, register, on=date(2026, 11, 24), actor=NIGHTLY)
    )
    assert summary.ok and summary.created == rows, summary.errors[:3]
    data = export_rows(rows)
    figures["bare_export_s"], figures["bare_export_mb"], _ = measure(
        lambda: bare_export(tmp / "b.xlsx", data)
    )
    figures["export_s"], figures["export_mb"], _ = measure(
        lambda: formatted_export(tmp / "f.xlsx", data)
    )
    db.dispose()
    return figures


def report(rows: int, f: dict[str, float]) -> str:
    machine = f"{platform.node()} · {platform.processor() or platform.machine()} · Python {platform.python_version()} · {platform.system()}"
    return (
        f"\n## Import and export, {rows:,} rows ({date.today().isoformat()})\n\n"
        f"Machine: {machine}\n\n"
        "| step | seconds | peak RSS MB so far | ratio | target |\n|---|---|---|---|---|\n"
        f"| pandas.read_excel(calamine) alone | {f['calamine_s']:.2f} | {f['calamine_mb']:.0f} | 1.00 | |\n"
        f"| arbench import (read, validate, write SQLite) | {f['import_s']:.2f} | {f['import_mb']:.0f} | "
        f"{f['import_s'] / f['calamine_s']:.2f} | ≤ 1.5 |\n"
        f"| bare openpyxl write-only loop | {f['bare_export_s']:.2f} | {f['bare_export_mb']:.0f} | 1.00 | |\n"
        f"| arbench formatted export | {f['export_s']:.2f} | {f['export_mb']:.0f} | "
        f"{f['export_s'] / f['bare_export_s']:.2f} | ≤ 1.2 |\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--record", action="store_true", help="append the results to docs/performance.md"
    )
    args = parser.parse_args()
    text = report(args.rows, run(args.rows))
    print(text)
    if args.record:
        with DOC.open("a", encoding="utf-8") as handle:
            if DOC.stat().st_size == 0:
                handle.write("# Performance\n")
            handle.write(text)


if __name__ == "__main__":
    main()
