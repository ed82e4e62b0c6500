"""Cold and warm figures of one service, in a fresh process; prints one JSON line on stdout.

`python -m benchmarks.service_probe MODE --db BOOK --login LOGIN --on DATE [--runs N]`

*Cold* is the first call in a fresh process on a book this process has not opened: Python's
imports, SQLAlchemy's statement compilation and SQLite's page cache all start empty. The
operating system's file cache is not dropped (that needs root); the book was read by earlier
processes, so it is usually warm. *Warm* is the median of the calls after the first, in the
same process. MODE is
- `worklist`:    services.work.worklist.worklist (the user's ranked list);
- `kpis`:        the supervisor console's KPI work: report, trend and aging by collector, a year;
- `import`:      import_invoices dry run of a register of every open pro (validate and plan);
- `export`:      services.reporting.exports.export_worklist: the query, the ranking and the xlsx;
- `export-bare`: its baseline: bare sqlite3 fetching the rows' columns and a bare openpyxl
                 write-only loop writing them (no styles);
- `today`:       the collector's-day plan (issue #17), when this version has it.
Imports count in neither figure: they are done before the first call is timed, and reported
as `import_s`.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

T0 = time.perf_counter()


def _timed(fn: Callable[[], Any], runs: int) -> dict[str, Any]:
    """Wall and CPU seconds (this process's, all threads) of each call."""
    times, cpus, result = [], [], None
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    warm = statistics.median(times[1:]) if len(times) > 1 else times[0]
    warm_cpu = statistics.median(cpus[1:]) if len(cpus) > 1 else cpus[0]
    return {"cold_s": times[0], "warm_s": warm, "runs": times, "cold_cpu_s": cpus[0],
            "warm_cpu_s": warm_cpu, "result": _size(result)}  # fmt: skip


def kpi_parts(db: Any, on: date) -> dict[str, float]:
    """Warm seconds of each part of the KPI console's work (after the timed calls)."""
    from arbench.domain.kpi_financial import Period
    from arbench.services.reporting import kpis

    period = Period(on - timedelta(days=365), on)
    parts = {"report": lambda: kpis.kpi_report(db, period),
             "trend": lambda: kpis.kpi_trend(db, period),
             "aging": lambda: kpis.aging_by_collector(db, on)}  # fmt: skip
    out = {}
    for name, fn in parts.items():
        t = time.perf_counter()
        fn()
        out[name] = time.perf_counter() - t
    return out


def _size(result: Any) -> Any:
    if isinstance(result, list | tuple):
        return len(result)
    return getattr(result, "rows", None)


BARE_QUERY = """
SELECT i.level, p.pro, a.number, a.name, i.type, i.root_cause, p.open_balance, p.due_date,
       i.follow_up, i.status, i.id
FROM issues i JOIN accounts a ON a.id = i.account_id LEFT JOIN pros p ON p.id = i.pro_id
WHERE i.owner_id = (SELECT id FROM users WHERE login = ?)
  AND i.status IN ('open', 'waiting', 'pending_approval')
"""


def bare_export(book: str, login: str, path: Path) -> int:
    """The same rows' columns by bare sqlite3, written by a bare openpyxl write-only loop."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Worklist")
    sheet.append(["Level", "PRO", "Account", "Customer", "Issue", "Root cause", "Open amount",
                  "Due", "Follow-up", "Status", "Id"])  # fmt: skip
    n = 0
    with sqlite3.connect(book) as conn:
        for row in conn.execute(BARE_QUERY, (login,)):
            sheet.append(row)
            n += 1
    workbook.save(path)
    return n


def job(mode: str, args: argparse.Namespace, tmp: Path) -> Callable[[], Any]:
    on = date.fromisoformat(args.on)
    if mode == "export-bare":
        import openpyxl  # noqa: F401  (imported before timing, as arbench's side is)

        return lambda: bare_export(args.db, args.login, tmp / "bare.xlsx")
    from arbench.store.db import open_database

    db = args.database = open_database(args.db)
    if mode == "worklist":
        from arbench.services.work.worklist import worklist

        return lambda: worklist(db, args.login, on)
    if mode == "kpis":
        from arbench.domain.kpi_financial import Period
        from arbench.services.reporting import kpis

        period = Period(on - timedelta(days=365), on)
        return lambda: (kpis.kpi_report(db, period), kpis.kpi_trend(db, period),
                        kpis.aging_by_collector(db, on))  # fmt: skip
    if mode == "import":
        from arbench.domain.catalogue import Role
        from arbench.services.base import Actor
        from arbench.services.intake.imports import import_invoices
        from benchmarks.watchdog import register_csv

        nightly = Actor(0, "nightly", "Nightly jobs", Role.SUPERVISOR)
        register = tmp / "register.csv"
        args.rows = register_csv(db, register)
        return lambda: import_invoices(db, register, dry_run=True, on=on, actor=nightly)
    if mode == "export":
        import openpyxl  # noqa: F401

        from arbench.services.reporting.exports import export_worklist

        return lambda: export_worklist(db, args.login, on, tmp / "worklist.xlsx")
    from benchmarks.watchdog import today_service

    today = today_service()
    if today is None:
        raise SystemExit("no collector's-day service in this version")
    return lambda: today(db, args.login, on, with_items=False)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="benchmarks.service_probe")
    parser.add_argument("mode", choices=("worklist", "kpis", "import", "export", "export-bare",
                                         "today"))  # fmt: skip
    parser.add_argument("--db", required=True)
    parser.add_argument("--login", default="agarcia")
    parser.add_argument("--on", default="2026-11-24")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    args.rows = None
    with tempfile.TemporaryDirectory() as tmp:
        fn = job(args.mode, args, Path(tmp))
        imported = time.perf_counter() - T0
        out = _timed(fn, args.runs)
        if args.mode == "kpis":  # the same process and book, warm: which part costs what
            out["parts"] = kpi_parts(args.database, date.fromisoformat(args.on))
    out.update({"mode": args.mode, "import_s": imported, "register_rows": args.rows})
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
