"""Benchmark: import of a 100,000-row register xlsx and export of 100,000 rows, each beside its
floor measured in the same run.

    python -m benchmarks.bench_import_export [--rows 100000 | --quick]

*The users' path*: `arbench --db BOOK --as nightly import invoices FILE` as a fresh process
into an empty book, against a fresh `python` process doing `pandas.read_excel(FILE,
engine="calamine")` (the issue's baseline), runs interleaved, best of two each (one with
--quick): both pay an interpreter start and their imports.

*The import taken apart*, in one process after an unmeasured warm-up import of 1,000 rows
(module imports, statement compilation): the read (`read_invoice_file`: the sheet parsed and
every cell validated) against a bare python-calamine parse of the same sheet; the plan
(`preview_invoices` of the rows read: PROs looked up, compared, decided); the write (the
import minus the read and the plan) against bare sqlite3
`executemany` of exactly the rows the import wrote (read back from its book and inserted into
an empty book of the same schema, indexes and foreign keys on, one transaction). The floor of
any import that writes what arbench must write is the bare parse + the faster of the two writes
(arbench's own can be the faster: the items by INSERT … SELECT, every row with only the
columns it needs).

*Export*: the formatted writer (`io.exports.write_xlsx`: column widths, money and date formats,
formula characters neutralized) against a bare openpyxl write-only loop over the same rows.
(The worklist export with its query is measured by benchmarks/run.py on the big list.)

Peak memory is the process's peak resident set after each step (a high-water mark). The
figures are kept in benchmarks/.books/bench_import_export.json and printed as markdown.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ON = date(2026, 11, 24)
HEADERS = ["PRO", "Account", "Customer", "BOL", "Invoice", "Invoice Date", "Due Date", "Amount",
           "Open Balance", "Shipper", "Consignee", "Weight", "Class", "Terms"]  # fmt: skip
WRITTEN = ("accounts", "pros", "issues", "activities")  # what a first import of a register writes
PANDAS = ("import sys, pandas; "
          "pandas.read_excel(sys.argv[1], engine='calamine', header=None, dtype=object)")  # fmt: skip


def make_register(path: Path, rows: int) -> None:
    from openpyxl import Workbook

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


def empty_book(path: Path) -> None:
    """A new book of the current schema with one supervisor, `nightly`, to import as."""
    from arbench.store.db import open_database
    from arbench.store.models import User

    db = open_database(str(path), create=True)
    with db.session() as s:
        s.add(User(login="nightly", display_name="Nightly jobs", role="supervisor",
                   created_at=datetime(2026, 11, 24)))  # fmt: skip
    db.dispose()


def users_path(register: Path, folder: Path, runs: int = 2) -> dict[str, Any]:
    """The CLI import as a process against a pandas process, interleaved; best of `runs`."""
    from benchmarks.measure import ARBENCH, run_process

    pandas, cli, cli_cpu, pandas_cpu = [], [], [], []
    for n in range(runs):
        wall, cpu, _l, _e = run_process([sys.executable, "-c", PANDAS, str(register)])
        pandas.append(wall)
        pandas_cpu.append(cpu)
        book = folder / f"cli-{n}.sqlite3"
        empty_book(book)
        wall, cpu, _l, _e = run_process([str(ARBENCH), "--db", str(book), "--as", "nightly", "import",
                                         "invoices", str(register), "--on", ON.isoformat()])  # fmt: skip
        cli.append(wall)
        cli_cpu.append(cpu)
        with sqlite3.connect(book) as conn:
            pros = conn.execute("SELECT count(*) FROM pros").fetchone()[0]
    return {"pandas_process_s": min(pandas), "cli_import_s": min(cli), "pandas_runs": pandas,
            "cli_runs": cli, "cli_cpu_s": min(cli_cpu), "pandas_cpu_s": min(pandas_cpu),
            "cli_pros": pros}  # fmt: skip


def export_rows(rows: int) -> list[list[Any]]:
    rng = random.Random(9)
    return [[f"{100000000 + i}", f"C{i % 2000:05d}", f"Customer {i % 2000}", "Past due",
             Decimal(rng.randint(100, 500000)) / 100, rng.randint(0, 200),
             date(2026, 11, 1) + timedelta(days=i % 30), "follow-up due"] for i in range(rows)]  # fmt: skip


def bare_export(path: Path, rows: list[list[Any]]) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Rows")
    ws.append(["PRO", "Account", "Customer", "Issue", "Open", "Days", "Follow-up", "Why"])
    for row in rows:
        ws.append(row)
    wb.save(path)


def formatted_export(path: Path, rows: list[list[Any]]) -> None:
    from arbench.io.exports import Column, Sheet, write_xlsx

    columns = [Column("PRO", width=13), Column("Account", width=10), Column("Customer", width=30),
               Column("Issue", width=20), Column("Open", "money", 13), Column("Days", "int", 8),
               Column("Follow-up", "date", 12), Column("Why", width=40)]  # fmt: skip
    write_xlsx(path, [Sheet("Worklist", columns, rows, ("Worklist",), len(rows))])


def _bare_calamine(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    return len(CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python())


def _bare_writes(source: Path, target: Path) -> tuple[float, int]:
    """Seconds for bare sqlite3 to insert the rows the import wrote into an empty book."""
    from arbench.store.db import open_database

    open_database(str(target), create=True).dispose()
    src = sqlite3.connect(source)
    tables = {t: (src.execute(f"SELECT * FROM {t}").fetchall(),
                  [c[1] for c in src.execute(f"PRAGMA table_info({t})")]) for t in WRITTEN}  # fmt: skip
    src.close()
    conn = sqlite3.connect(target, isolation_level=None)
    for pragma in ("foreign_keys=ON", "journal_mode=WAL", "synchronous=NORMAL"):
        conn.execute(f"PRAGMA {pragma}")
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


def taken_apart(register: Path, tmp: Path, rows: int) -> dict[str, Any]:
    """The import step by step in this process, each step beside its bare floor."""
    import pandas as pd

    from arbench.domain.catalogue import Role
    from arbench.services.base import Actor
    from arbench.services.intake.import_read import read_invoice_file
    from arbench.services.intake.imports import import_invoices, preview_invoices
    from arbench.store.db import open_database

    nightly = Actor(0, "nightly", "Nightly jobs", Role.SUPERVISOR)
    warm, warm_book = tmp / "warm.xlsx", tmp / "warm.sqlite3"
    make_register(warm, 1000)
    warm_db = open_database(str(warm_book), create=True)
    import_invoices(warm_db, warm, on=ON, actor=nightly)  # unmeasured warm-up
    warm_db.dispose()
    f: dict[str, Any] = {}
    f["calamine_s"], f["calamine_mb"], _ = measure(
        lambda: pd.read_excel(register, engine="calamine", header=None, dtype=object))  # fmt: skip
    f["bare_calamine_s"], _mb, _ = measure(lambda: _bare_calamine(register))
    f["read_s"], _mb, data = measure(lambda: read_invoice_file(register))
    if data.errors:
        raise SystemExit(f"the benchmark's register was refused: {data.errors[:3]}")
    dry_db = open_database(str(tmp / "dry.sqlite3"), create=True)
    f["plan_s"], _mb, _ = measure(lambda: preview_invoices(dry_db, data))
    dry_db.dispose()
    book = tmp / "bench.sqlite3"
    db = open_database(str(book), create=True)
    f["import_s"], f["import_mb"], summary = measure(
        lambda: import_invoices(db, register, on=ON, actor=nightly))  # fmt: skip
    db.dispose()
    if not summary.ok or summary.created != rows:
        raise SystemExit(f"the import did not create {rows} pros: {summary.errors[:3]}")
    f["bare_write_s"], f["written_rows"] = _bare_writes(book, tmp / "bare.sqlite3")
    f["write_s"] = f["import_s"] - f["read_s"] - f["plan_s"]
    return f


def run(rows: int, runs: int = 2) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="arbench-bench-io.") as name:
        tmp = Path(name)
        register = tmp / "register.xlsx"
        make_register(register, rows)
        figures: dict[str, Any] = {"rows": rows, "load": [round(os.getloadavg()[0], 2)]}
        figures |= users_path(register, tmp, runs)
        figures |= taken_apart(register, tmp, rows)
        data = export_rows(rows)
        figures["bare_export_s"], figures["bare_export_mb"], _ = measure(
            lambda: bare_export(tmp / "b.xlsx", data))  # fmt: skip
        figures["export_s"], figures["export_mb"], _ = measure(
            lambda: formatted_export(tmp / "f.xlsx", data))  # fmt: skip
        figures["load"].append(round(os.getloadavg()[0], 2))
    return figures


def report(f: dict[str, Any]) -> str:
    """The import and export figures as markdown (benchmarks/run.py puts them in the docs)."""
    floor = f["bare_calamine_s"] + min(f["bare_write_s"], f["write_s"])
    return "\n".join([
        f"Register of {f['rows']:,} rows (xlsx, 14 columns), into an empty book; load "
        f"{f['load'][0]:.1f} → {f['load'][1]:.1f}.",
        "",
        "| step | arbench | baseline (same run) | ratio |",
        "|---|---|---|---|",
        f"| users' path: `arbench import invoices` process vs a `pandas.read_excel(calamine)` "
        f"process (best of {len(f['cli_runs'])}; CPU {f['cli_cpu_s']:.2f} vs {f['pandas_cpu_s']:.2f} s) "
        f"| {f['cli_import_s']:.2f} s | {f['pandas_process_s']:.2f} s "
        f"| **{f['cli_import_s'] / f['pandas_process_s']:.2f}×** |",
        f"| the import in a warm process vs `pandas.read_excel(calamine)` alone (peak RSS "
        f"{f['import_mb']:.0f} vs {f['calamine_mb']:.0f} MB) | {f['import_s']:.2f} s "
        f"| {f['calamine_s']:.2f} s | {f['import_s'] / f['calamine_s']:.2f}× |",
        f"| read: parse the sheet, validate every cell | {f['read_s']:.2f} s | "
        f"{f['bare_calamine_s']:.2f} s (python-calamine `to_python()`) "
        f"| {f['read_s'] / f['bare_calamine_s']:.2f}× |",
        f"| plan: look the PROs up, compare, decide | {f['plan_s']:.2f} s | — | |",
        f"| write: pros, items, timeline entries, accounts, audit; commit | {f['write_s']:.2f} s "
        f"| {f['bare_write_s']:.2f} s (sqlite3 `executemany` of the {f['written_rows']:,} rows written) "
        f"| {f['write_s'] / f['bare_write_s']:.2f}× |",
        f"| **the floor**: bare parse + the faster of the two writes | | {floor:.2f} s "
        f"| {floor / f['calamine_s']:.2f}× pandas |",
        f"| export: formatted writer vs a bare openpyxl write-only loop, same rows | "
        f"{f['export_s']:.2f} s | {f['bare_export_s']:.2f} s | **{f['export_s'] / f['bare_export_s']:.2f}×** |",
    ])  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    from benchmarks.books import BOOKS_DIR

    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_import_export")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="2,000 rows")
    args = parser.parse_args(argv)
    figures = run(2_000, 1) if args.quick else run(args.rows)
    print(report(figures))
    BOOKS_DIR.mkdir(parents=True, exist_ok=True)
    (BOOKS_DIR / "bench_import_export.json").write_text(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
