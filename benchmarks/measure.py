"""The measurements benchmarks/run.py makes: GUI probes in fresh processes, services in process.

Every GUI number comes from a fresh `python -m benchmarks.gui_probe` process (offscreen Qt,
its own empty settings directory) so nothing is warm except the operating system's file cache,
which is warm for the baseline too.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from benchmarks.books import AS_OF, LOGIN, Book

ROOT = Path(__file__).resolve().parents[1]


def probe(mode: str, *args: str, timeout: float = 900) -> tuple[float, dict[str, Any]]:
    """Run one gui_probe; (seconds from spawn to its JSON line, the JSON)."""
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ARBENCH_CONFIG_DIR=f"{home}/c",
                   ARBENCH_DATA_DIR=f"{home}/d", XDG_DATA_HOME=f"{home}/x")  # fmt: skip
        cmd = [sys.executable, "-m", "benchmarks.gui_probe", mode, *args]
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)  # fmt: skip
        assert proc.stdout is not None
        line = proc.stdout.readline()
        wall = time.perf_counter() - start
        _out, err = proc.communicate(timeout=timeout)
        if not line:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{err[-2000:]}")
        return wall, json.loads(line)


def book_args(book: Book) -> list[str]:
    return ["--db", book.url, "--login", LOGIN, "--on", AS_OF.isoformat()]


def cold_starts(book: Book, runs: int) -> dict[str, Any]:
    """Median wall time of the bare baseline and of arbench's start, runs interleaved."""
    bare, start, details, bare_rss = [], [], [], 0.0
    for _ in range(runs):
        wall, data = probe("bare")
        bare.append(wall)
        bare_rss = data["rss_mb"]
        wall, data = probe("start", *book_args(book))
        start.append(wall)
        details.append(data)
    mid = details[start.index(sorted(start)[len(start) // 2])]
    return {
        "bare_s": statistics.median(bare), "start_s": statistics.median(start),
        "bare_runs": bare, "start_runs": start, "rss_mb": mid["rss_mb"], "items": mid["items"],
        "imports_s": mid["imports_s"], "window_shown_s": mid["window_shown_s"],
        "pandas_loaded": mid["pandas_loaded"], "bare_rss_mb": bare_rss,
    }  # fmt: skip


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def type_ahead(book: Book, items: int) -> dict[str, Any]:
    _wall, data = probe("filter", *book_args(book), "--items", str(items))
    data["p95_ms"] = p95(data["times_ms"])
    data["max_ms"] = max(data["times_ms"])
    return data


def open_long_item(book: Book) -> dict[str, Any]:
    _wall, data = probe("open", *book_args(book), "--issue", str(book.long_issue))
    data["median_ms"] = statistics.median(data["times_ms"])
    return data


def watchdog(book: Book) -> dict[str, Any]:
    _wall, data = probe("watchdog", *book_args(book))
    return data


def _timed(fn: Callable[[], Any], runs: int) -> dict[str, Any]:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return {"median_s": statistics.median(times), "first_s": times[0], "runs": times}


def kpis(book: Book, runs: int = 3) -> dict[str, Any] | None:
    """The whole team's KPI report over the year to the as-of date (None: no KPI service)."""
    try:
        from arbench.domain.kpi_financial import Period
        from arbench.services.reporting.kpis import kpi_report
    except ImportError:
        return None
    from arbench.store.db import open_database

    db = open_database(book.url)
    try:
        period = Period(AS_OF - timedelta(days=365), AS_OF)
        return _timed(lambda: kpi_report(db, period), runs)
    finally:
        db.dispose()


def import_register(book: Book, runs: int = 1) -> dict[str, Any] | None:
    """Validate and plan (dry run) a register of every open pro of the book."""
    try:
        from arbench.domain.catalogue import Role
        from arbench.services.base import Actor
        from arbench.services.intake.imports import import_invoices

        NIGHTLY = Actor(0, "nightly", "Nightly jobs", Role.SUPERVISOR)  # import's service user
    except ImportError:
        return None
    from arbench.store.db import open_database
    from benchmarks.watchdog import register_csv

    db = open_database(book.url)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "register.csv"
            rows = register_csv(db, path)
            result = _timed(
                lambda: import_invoices(db, path, dry_run=True, on=AS_OF, actor=NIGHTLY), runs
            )
            result["rows"] = rows
            return result
    finally:
        db.dispose()
