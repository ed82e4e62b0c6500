"""A measuring hook for the start benchmark, off unless ARBENCH_START_PROBE is set.

`ARBENCH_START_PROBE=<epoch seconds when the process was spawned> arbench --db B --as LOGIN`
starts exactly as a user's `arbench` does; once the first row's detail is drawn in the item
panel (`ready_s`; or the list is shown empty) and the whole list is in (`list_shown_s`; a big
list shows its first rows before, `first_rows_s`), it prints one JSON line on stdout — the
moments since the spawn, the list's size, the resident memory and which optional modules the
start imported — and quits. The app does nothing else differently; without the variable this module is never
imported.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from arbench.ui.main_window import MainWindow

VARIABLE = "ARBENCH_START_PROBE"
# Modules a plain start must not need (each is imported where it is used).
OPTIONAL = ("alembic", "keyring", "pandas", "openpyxl", "numpy", "python_calamine",
            "PySide6.QtPdf", "PySide6.QtPdfWidgets")  # fmt: skip


def spawned_at() -> float | None:
    """The spawn time the benchmark passed (None: the probe is off)."""
    value = os.environ.get(VARIABLE)
    try:
        return float(value) if value else None
    except ValueError:
        return None


def _rss_mb() -> float:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


class StartProbe:
    """Notes the start's moments and reports once the first row's detail is drawn."""

    def __init__(self, window: MainWindow, spawned: float, marks: dict[str, float]):
        self.window, self.spawned = window, spawned
        self.marks = {name: at - spawned for name, at in marks.items()}
        self.marks["window_shown_s"] = time.time() - spawned
        self.done = False
        QTimer.singleShot(0, lambda: self._mark("first_event_s"))
        window.controller.first_rows_shown.connect(lambda: self._mark("first_rows_s"))
        window.controller.loaded.connect(self._loaded)
        window.panel.detail_shown.connect(self._detail)

    def _mark(self, name: str) -> None:
        self.marks.setdefault(name, time.time() - self.spawned)

    def _loaded(self) -> None:
        self._mark("list_shown_s")  # every row of the list is in
        if not self.window.controller.own_count():
            self._mark("ready_s")
        self._report()

    def _detail(self, detail: Any) -> None:
        if detail is None:
            return
        self.window.panel.repaint()  # drawn, not only scheduled
        self._mark("ready_s")  # the collector can work: the first row's detail is drawn
        self._report()

    def _report(self) -> None:
        """Once the first row's detail is drawn and the whole list is in."""
        if self.done or "ready_s" not in self.marks or "list_shown_s" not in self.marks:
            return
        self.done = True
        report = {
            **self.marks,
            "items": self.window.controller.own_count(),
            "rss_mb": _rss_mb(),
            "modules": len(sys.modules),
            "loaded": sorted(name for name in OPTIONAL if name in sys.modules),
        }
        sys.stdout.write(json.dumps(report) + "\n")
        sys.stdout.flush()
        QTimer.singleShot(0, QApplication.quit)


def install(window: MainWindow, spawned: float, marks: dict[str, float]) -> StartProbe:
    """Watch this window's start (`marks`: epoch times noted before the window existed)."""
    return StartProbe(window, spawned, marks)
