"""Python's cyclic garbage collector paused around work that builds a great many objects.

A worklist of 100,000 items allocates a few hundred thousand containers; each full collection
meanwhile walks every object of the process (in the GUI: the rows already shown too) while
holding the GIL, and those walks froze the window for 100-150 ms. Reference counting still
frees everything dropped; the collector resumes when the last pause ends (pauses may overlap,
from several threads).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_paused = 0
_was_enabled = True


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while the block runs (nor while another pause does)."""
    global _paused, _was_enabled
    with _lock:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _lock:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()


def keep_long_lived() -> None:
    """Move every object alive now out of the collector's sight (`gc.freeze`): big lists that
    stay shown for hours are then never walked again by full collections (reference counting
    still frees them when they are dropped)."""
    gc.freeze()
