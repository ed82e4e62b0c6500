"""The GUI-thread watchdog: the longest gap between 10 ms timer ticks while heavy work runs.

Each job goes through the main window's own code paths: the first load of the list after the
window is shown (the start), opening its first item, a refresh (`reload()`; its result is
taken on the GUI thread, so that part counts too), and the window's runner for the KPI tab's
work (report, trend, aging by collector), an import (validated and planned against the book,
not applied: the cached book stays as built), two exports and Today's plan (when the
collector's-day feature is there). A gap longer than the 100 ms target means the window froze
that long. A sampler thread notes where the other threads were when a gap ran long (a call
holding the interpreter shows up there). The CPU time during the longest gap says who had it:
the GUI thread's own (its own work), the process's (all threads: a worker holding the GIL when
the GUI thread's is small), or neither (waiting for the machine to give it a CPU: other
processes' load). Python's garbage
collections of 20 ms or more during a job are noted too (a collection holds the GIL).
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

LATE = 0.05  # a gap longer than this is looked into by the sampler


class Watchdog:
    """Counts the longest interval between ticks of a 10 ms QTimer on the GUI thread."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.last, self.last_cpu = time.perf_counter(), time.process_time()
        self.last_gui = time.thread_time()
        # the longest gap; the process's and the GUI thread's own CPU time during it
        self.longest = self.longest_cpu = self.longest_gui = 0.0
        self.running = False
        self.where: list[tuple[float, str]] = []  # (how late, where the other threads were)
        self.collections: list[tuple[float, int, str]] = []  # (ms, generation, thread) ≥ 20 ms
        self._gc_started = 0.0
        gc.callbacks.append(self._collection)
        threading.Thread(target=self._sample, daemon=True).start()

    def _collection(self, phase: str, info: dict[str, Any]) -> None:
        """Python's garbage collections of 20 ms or more while a job runs (they hold the GIL)."""
        if phase == "start":
            self._gc_started = time.perf_counter()
        elif self.running and (took := time.perf_counter() - self._gc_started) >= 0.02:
            name = threading.current_thread().name
            self.collections.append((took * 1000, info["generation"], name))

    def _tick(self) -> None:
        now, cpu, gui = time.perf_counter(), time.process_time(), time.thread_time()
        if now - self.last > self.longest:
            self.longest, self.longest_cpu = now - self.last, cpu - self.last_cpu
            self.longest_gui = gui - self.last_gui
        self.last, self.last_cpu, self.last_gui = now, cpu, gui

    def start(self) -> None:
        self.last, self.longest, self.where, self.collections = time.perf_counter(), 0.0, [], []
        self.last_cpu, self.longest_cpu = time.process_time(), 0.0
        self.last_gui, self.longest_gui = time.thread_time(), 0.0
        self.running = True
        self.timer.start()

    def stop(self) -> float:
        self._tick()
        self.timer.stop()
        self.running = False
        return self.longest

    def _sample(self) -> None:
        """Every 5 ms: when the GUI thread is late, note the other threads' innermost frames."""
        gui = threading.main_thread().ident
        while True:
            time.sleep(0.005)
            late = time.perf_counter() - self.last
            if not self.running or late < LATE:
                continue
            here = threading.get_ident()
            frames = sys._current_frames()
            spots = [_spot(frame) for ident, frame in frames.items() if ident not in (here, gui)]
            self.where.append((late, "; ".join(s for s in spots if s) or "the GUI thread itself"))
            while self.running and time.perf_counter() - self.last > 0.002:
                time.sleep(0.002)  # one note per gap

    def worst_spot(self) -> str:
        return max(self.where)[1] if self.where else ""


def _spot(frame: Any) -> str:
    """The innermost arbench (else any) frame of a thread, as file:line function."""
    stack = traceback.extract_stack(frame)
    if stack and stack[-1].name == "_collection" and stack[-1].filename == __file__:
        return "a garbage collection"
    for entry in reversed(stack):
        if "/arbench/" in entry.filename and "/site-packages/" not in entry.filename:
            return f"{Path(entry.filename).name}:{entry.lineno} {entry.name}"
    if not stack or stack[-1].name in ("run", "wait", "_sample"):
        return ""
    return f"{Path(stack[-1].filename).name}:{stack[-1].lineno} {stack[-1].name}"


def _result(dog: Watchdog, started: float) -> dict[str, Any]:
    gap = dog.stop()
    collection = max(dog.collections, default=None)
    return {"seconds": time.perf_counter() - started, "longest_gap_ms": gap * 1000,
            "gap_cpu_ms": dog.longest_cpu * 1000, "gap_gui_cpu_ms": dog.longest_gui * 1000,
            "gc_ms": collection[0] if collection else 0.0,
            "gc": f"generation {collection[1]} in {collection[2]}" if collection else "",
            "where": dog.worst_spot() if gap >= LATE else ""}  # fmt: skip


def _run_job(window: Any, dog: Watchdog, fn: Callable[[], Any]) -> dict[str, Any]:
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
    result = _result(dog, t)
    if errors:
        raise errors[0]
    return result


def _wait(window: Any, signal: Any) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(300_000, loop.quit)
    loop.exec()
    signal.disconnect(loop.quit)


def _load(window: Any, dog: Watchdog) -> dict[str, Any]:
    """Read the list (the window's reload) until it is shown."""
    dog.start()
    t = time.perf_counter()
    window.reload()
    _wait(window, window.worklist_loaded)
    return _result(dog, t)


def _open_first(app: Any, window: Any, dog: Watchdog) -> dict[str, Any]:
    """The first row's detail, read off the GUI thread and drawn (as at the start)."""
    dog.start()
    t = time.perf_counter()
    if window.runner.busy:
        _wait(window, window.runner.idle)
    window.panel.repaint()
    app.processEvents()
    return _result(dog, t)


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


def today_service() -> Callable[..., Any] | None:
    """The collector's-day plan service (issue #17), when this version has it."""
    try:
        from arbench.services.work import day_plan  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return None
    return getattr(day_plan, "today", None)


def jobs(db: Any, login: str, on: date, workdir: Path) -> dict[str, Callable[[], Any]]:
    """The heavy jobs, by name; absent services are left out."""
    from arbench.domain.catalogue import Role
    from arbench.domain.kpi_financial import Period
    from arbench.services.base import Actor
    from arbench.services.intake.imports import import_invoices
    from arbench.services.reporting import kpis as kpi_service
    from arbench.services.reporting.exports import export_aging, export_worklist

    period = Period(on - timedelta(days=365), on)
    nightly = Actor(0, "nightly", "Nightly jobs", Role.SUPERVISOR)  # import's service user
    register = workdir / "register.csv"
    register_csv(db, register)
    found: dict[str, Callable[[], Any]] = {
        "kpis": lambda: (
            kpi_service.kpi_report(db, period),
            kpi_service.kpi_trend(db, period),
            kpi_service.aging_by_collector(db, on),
        ),  # fmt: skip
        "import": lambda: import_invoices(db, register, dry_run=True, on=on, actor=nightly),
        "export_worklist": lambda: export_worklist(db, login, on, workdir / "w.xlsx"),
        "export_aging": lambda: export_aging(db, on, workdir / "aging.xlsx"),
    }
    today = today_service()
    if today is not None:
        found["today"] = lambda: today(db, login, on, with_items=False)
    return found


def watchdog(args: argparse.Namespace, make_window: Any, emit: Any) -> None:
    app, window = make_window(args)
    on = date.fromisoformat(args.on)
    dog = Watchdog()
    results: dict[str, dict[str, Any]] = {}
    results["start_load"] = _load(window, dog)  # the window is shown; its list is read
    results["start_detail"] = _open_first(app, window, dog)
    results["refresh"] = _load(window, dog)
    with tempfile.TemporaryDirectory() as tmp:
        for name, fn in jobs(window.db, args.login, on, Path(tmp)).items():
            results[name] = _run_job(window, dog, fn)
        results["refresh_again"] = _load(window, dog)
    app.processEvents()
    emit({"jobs": results, "items": len(window.controller.own_items())})
