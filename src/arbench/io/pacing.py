"""Pacing for long jobs off the GUI thread: let the GUI thread run every few milliseconds.

CPython's GIL is not fair to a waiting thread when the working thread releases it often for a
moment (every file write, every SQLite step): the worker takes it straight back, the waiting
thread's "drop it" request is never made, and the window freezes for as long as the job runs
(280 ms measured for a 5,000-account aging export). `Pacer.pause()`, called between chunks of
work, sleeps a fraction of a millisecond once `SLICE` seconds have passed since its last
sleep, which hands the GIL to the GUI thread. On the main thread (CLI, benchmarks, tests
without a worker) it does nothing, so the work costs no more there.
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
