"""Run work off the GUI thread and deliver its result (or error) back on the GUI thread.

The thread-pool plumbing under `ui.operations.OperationRunner`, the one runner of a window.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay):
        super().__init__()
        self.fn = fn
        self.relay = relay

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # delivered to the GUI thread, shown there
            self.relay.failed.emit(exc)
        else:
            self.relay.done.emit(result)


class TaskRunner(QObject):
    """Runs callables on a thread pool; callbacks run on the GUI thread.

    `idle` is emitted when the last job's callback has run (tests and tools wait on it).
    After `stop()` (the window closed) results are dropped: no callback touches a widget
    that is gone.
    """

    idle = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(2)
        self._relays: set[_Relay] = set()
        self.stopped = False

    @property
    def busy(self) -> bool:
        """Whether a job is running or its result has not been delivered yet."""
        return bool(self._relays)

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        relay = _Relay()
        self._relays.add(relay)

        @Slot(object)
        def finished(result: Any) -> None:
            try:
                if not self.stopped:
                    on_done(result)
            finally:
                self._settle(relay)

        @Slot(object)
        def failed(exc: Exception) -> None:
            try:
                if self.stopped:
                    return
                if on_error is None:
                    raise exc
                on_error(exc)
            finally:
                self._settle(relay)

        relay.done.connect(finished)
        relay.failed.connect(failed)
        self.pool.start(_Job(fn, relay))

    def _settle(self, relay: _Relay) -> None:
        self._relays.discard(relay)
        # a result can arrive after the window (and this runner) was deleted: nobody to tell
        if not self._relays and shiboken6.isValid(self):
            self.idle.emit()

    def wait(self, msecs: int = 30000) -> bool:
        """Wait for running jobs (used on close and in tests)."""
        return self.pool.waitForDone(msecs)

    def stop(self, msecs: int = 30000) -> bool:
        """Let running jobs finish, and drop their results (the window is closing)."""
        self.stopped = True
        return self.wait(msecs)
