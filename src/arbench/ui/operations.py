"""The one operation runner of a window: writes and heavy reads off the GUI thread.

- `write(Write(...))` runs a service write on the thread pool, says what it is doing in the
  status bar (a busy dialog if it takes longer than a moment), and on completion emits
  `completed(changes)` (the worklist controller applies the record) and calls the success
  callback. A `Conflict` shows what the other person changed and offers "Reload and
  reapply"; any other `ServiceError` is shown in a message box and `retry` (reopen the dialog
  with what was typed) runs when it is closed. Programming errors are raised, not swallowed.
- `read(fn, done, key=...)` runs a read; with a `key`, only the latest request of that key is
  delivered (selecting items quickly loads only the last one's detail).

Anki's `CollectionOp` is the model: progress, error display, success callback, one place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QMainWindow, QMessageBox, QProgressDialog

from arbench.errors import Conflict, ServiceError
from arbench.output_files import OutputError
from arbench.services.op_changes import Changes
from arbench.ui.tasks import TaskRunner

T = TypeVar("T")
BUSY_DIALOG_MS = 600  # a write still running after this shows a busy dialog


@dataclass(frozen=True)
class Write:
    """One write as the runner runs it."""

    label: str  # what it does, for the status bar ("Logging the call")
    work: Callable[[], Changes]  # the service call; runs off the GUI thread
    done: Callable[[Changes], None] | None = None  # after the record was applied
    retry: Callable[[], None] | None = None  # after an error: reopen with what was typed
    reload_and_retry: Callable[[], None] | None = None  # after a Conflict


class OperationRunner(TaskRunner):
    """Runs the window's writes and reads; `completed` carries each write's record."""

    completed = Signal(object)  # Changes, once per successful write
    writing_changed = Signal(bool)  # a write started (True) or the last one ended (False)

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.window = window
        self.message: QMessageBox | None = None  # the message box shown last
        self.writes = 0
        self._latest: dict[str, int] = {}
        self._busy: QProgressDialog | None = None
        self._busy_timer = QTimer(self, singleShot=True, interval=BUSY_DIALOG_MS)
        self._busy_timer.timeout.connect(self._show_busy)

    # ----- reads ---------------------------------------------------------------------------
    def read(
        self,
        fn: Callable[[], T],
        done: Callable[[T], None],
        failed: Callable[[Exception], None] | None = None,
        *,
        key: str | None = None,
    ) -> None:
        """Run a read; with `key`, a newer request of the same key makes this one's result moot."""
        if key is None:
            self.run(fn, done, failed or self.show_error)
            return
        ticket = self._latest.get(key, 0) + 1
        self._latest[key] = ticket

        def deliver(result: T) -> None:
            if self._latest.get(key) == ticket:
                done(result)

        def fail(exc: Exception) -> None:
            if self._latest.get(key) == ticket:
                (failed or self.show_error)(exc)

        self.run(fn, deliver, fail)

    def cancel(self, key: str) -> None:
        """Drop the result of the pending read of `key` (the user moved on)."""
        self._latest[key] = self._latest.get(key, 0) + 1

    # ----- writes --------------------------------------------------------------------------
    def write(self, op: Write) -> None:
        self.writes += 1
        if self.writes == 1:
            self.writing_changed.emit(True)
            self._busy_timer.start()
        self.window.statusBar().showMessage(f"{op.label}…")
        self.run(op.work, lambda changes: self._written(op, changes), lambda e: self._failed(op, e))

    def _end_write(self) -> None:
        self.writes -= 1
        if self.writes == 0:
            self._busy_timer.stop()
            if self._busy is not None:
                self._busy.reset()
                self._busy = None
            self.writing_changed.emit(False)

    def _written(self, op: Write, changes: Changes) -> None:
        self._end_write()
        self.window.statusBar().showMessage(
            f"{op.label}: done" + (f" — {changes.notice}" if changes.notice else ""), 8000
        )
        self.completed.emit(changes)
        if op.done is not None:
            op.done(changes)

    def _failed(self, op: Write, exc: Exception) -> None:
        self._end_write()
        self.window.statusBar().clearMessage()
        if isinstance(exc, Conflict):
            self.show_conflict(exc, op.reload_and_retry)
        elif isinstance(exc, ServiceError):
            self.show_error(exc, op.retry)
        else:
            raise exc

    def _show_busy(self) -> None:
        dialog = QProgressDialog("Saving…", "", 0, 0, self.window)
        dialog.setCancelButton(None)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.show()
        self._busy = dialog

    # ----- telling the user ----------------------------------------------------------------
    def show_error(self, exc: Exception, then: Callable[[], None] | None = None) -> None:
        """A message box with the error's one line; `then` runs when it is closed."""
        if not isinstance(exc, ServiceError | OSError | OutputError):
            raise exc
        box = QMessageBox(QMessageBox.Icon.Warning, "arbench", str(exc),
                          QMessageBox.StandardButton.Ok, self.window)  # fmt: skip
        if then is not None:
            box.finished.connect(lambda _: then())
        self._open(box)

    def show_conflict(self, exc: Conflict, reapply: Callable[[], None] | None) -> None:
        """What the other person changed, theirs against yours, and "Reload and reapply"."""
        box = QMessageBox(QMessageBox.Icon.Warning, "Someone else changed this item", str(exc),
                          QMessageBox.StandardButton.Cancel, self.window)  # fmt: skip
        if exc.changes:
            box.setInformativeText("\n".join(f"{field}: {theirs} (theirs) — {yours} (yours)"
                                             for field, (theirs, yours) in exc.changes.items()))  # fmt: skip
        if reapply is not None:
            button = box.addButton("Reload and reapply", QMessageBox.ButtonRole.AcceptRole)
            box.setDefaultButton(button)
            box.finished.connect(lambda _: reapply() if box.clickedButton() is button else None)
        self._open(box)

    def _open(self, box: QMessageBox) -> None:
        self.message = box
        box.open()
