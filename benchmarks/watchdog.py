"""The GUI-thread watchdog: the longest gap between 10 ms timer ticks while heavy work runs.

Each job goes through the main window's own code paths: `reload()` for a refresh (its result is
shown on the GUI thread, so that part counts too) and the window's operation runner for KPIs, an
import (validated and planned against the book, not applied: the cached book stays as built)
and exports. A gap longer than the 100 ms target means the window froze that long.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any


class Watchdog:
    """Counts the longest interval between ticks of a 10 ms QTimer on the GUI thread."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.last = time.perf_counter()
        self.longest = 0.0

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last)
        self.last = now

    def start(self) -> None:
        self.last, self.longest = time.perf_counter(), 0.0
        self.timer.start()

    def stop(self) -> float:
        self._tick()
        self.timer.stop()
        return self.longest


def _run_job(window: Any, dog: Watchdog, fn: Callable[[], Any]) -> dict[str, float]:
    from PySide6.QtCore import QEventLoop

    loop = QEventLoop()
    errors: list[Exception] = []

    def failed(exc: Exception) -> None:
        errors.append(exc)
        loop.quit()

    dog.start()
    t = time.perf_counter()
    window.runner.run(fn, lambda _result: loop.quit(), failed)
    loop.exec()
    took, gap = time.perf_counter() - t, dog.stop()
    if errors:
        raise errors[0]
    return {"seconds": took, "longest_gap_ms": gap * 1000}


def _refresh(window: Any, dog: Watchdog) -> dict[str, float]:
    from PySide6.QtCore import QEventLoop

    loop = QEventLoop()
    window.worklist_loaded.connect(loop.quit)
    dog.start()
    t = time.perf_counter()
    window.reload()
    loop.exec()
    window.worklist_loaded.disconnect(loop.quit)
    return {"seconds": time.perf_counter() - t, "longest_gap_ms": dog.stop() * 1000}


def register_csv(db: Any, path: Path) -> int:
    """An open-item register of every open pro of the book, as a TMS would export it."""
    import csv

    from sqlalchemy import select

    from arbench.store.models import Account, Pro

    with db.session() as s, path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["PRO", "Account number", "BOL", "Invoice number", "Invoice date",
                      "Due date", "Amount", "Open balance"])  # fmt: skip
        n = 0
        for row in s.execute(
            select(
                Pro.pro,
                Account.number,
                Pro.bol,
                Pro.invoice_number,
                Pro.invoice_date,
                Pro.due_date,
                Pro.amount,
                Pro.open_balance,
            )  # fmt: skip
            .join(Account, Account.id == Pro.account_id)
            .where(Pro.status == "open")
            .execution_options(yield_per=5000)
        ):
            out.writerow(row)
            n += 1
    return n


def jobs(db: Any, login: str, on: date, workdir: Path) -> dict[str, Callable[[], Any]]:
    """The heavy jobs, by name; absent services are left out."""
    found: dict[str, Callable[[], Any]] = {}
    try:
        from arbench.domain.kpi_financial import Period
        from arbench.services.reporting.kpis import kpi_report

        found["kpis"] = lambda: kpi_report(db, Period(on - timedelta(days=365), on))
    except ImportError:
        pass
    try:
        from arbench.domain.catalogue import Role
        from arbench.services.base import Actor
        from arbench.services.intake.imports import import_invoices

        NIGHTLY = Actor(0, "nightly", "Nightly jobs", Role.SUPERVISOR)  # import's service user

        register = workdir / "register.csv"
        register_csv(db, register)
        found["import"] = lambda: import_invoices(db, register, dry_run=True, on=on, actor=NIGHTLY)
    except ImportError:
        pass
    try:
        from arbench.services.reporting.exports import export_aging, export_worklist

        found["export_worklist"] = lambda: export_worklist(db, login, on, workdir / "w.xlsx")
        found["export_aging"] = lambda: export_aging(db, on, workdir / "aging.xlsx")
    except ImportError:
        pass
    return found


def watchdog(args: argparse.Namespace, make_window: Any, emit: Any) -> None:
    app, window = make_window(args)
    on = date.fromisoformat(args.on)
    dog = Watchdog()
    results: dict[str, dict[str, float]] = {}
    results["refresh"] = _refresh(window, dog)
    with tempfile.TemporaryDirectory() as tmp:
        for name, fn in jobs(window.db, args.login, on, Path(tmp)).items():
            results[name] = _run_job(window, dog, fn)
        results["refresh_again"] = _refresh(window, dog)
    app.processEvents()
    emit({"jobs": results})
