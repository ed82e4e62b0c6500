"""Pacing for long jobs off the GUI thread: let the GUI thread run every few milliseconds.

A worker thread that keeps the GIL busy kept the GUI thread's 10 ms timer from running for far
longer than CPython's 5 ms switch interval suggests: 280-440 ms while openpyxl wrote a
5,000-row sheet (it releases the GIL for a moment at every temp-file write, and the worker
takes it straight back before the waiting thread can ask for it), 65-77 ms while SQLAlchemy
compiled the KPI statements for the first time. `Pacer.pause()`, called between chunks of work,
sleeps a fraction of a millisecond once `SLICE` seconds have passed since its last sleep, which
hands the GIL to the GUI thread (gaps of 15-33 ms measured with the same jobs). On the main
thread (CLI, benchmarks, tests without a worker) it does nothing, so the work costs no more.
"""

from __future__ import annotations

import threading
import time

SLICE = 0.015  # seconds of work between two pauses (the GUI target is no freeze > 100 ms)
PAUSE = 0.0005  # seconds slept: long enough for the waiting thread to take the GIL


class Pacer:
    """Call `pause()` between chunks of work; it sleeps briefly every SLICE seconds."""

    def __init__(self, slice_s: float = SLICE, pause_s: float = PAUSE) -> None:
        self.active = threading.current_thread() is not threading.main_thread()
        self.slice_s, self.pause_s = slice_s, pause_s
        self.last = time.perf_counter()

    def pause(self) -> None:
        if not self.active:
            return
        now = time.perf_counter()
        if now - self.last >= self.slice_s:
            time.sleep(self.pause_s)
            self.last = time.perf_counter()
