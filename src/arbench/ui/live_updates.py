"""Other people's changes appear in the worklist within seconds, without a restart.

Every few seconds (at once on PostgreSQL, woken by LISTEN/NOTIFY) the window reads the audit
events written since it last looked, off the GUI thread, and redraws only the rows they touch:
changed rows in place, new rows added, rows that left the user's list removed, the tab counts
and the open item's panel. The user's selection and search stay as they were.

When the database stops answering, the status bar says so and polling backs off (3 s doubling
to 60 s) until it answers again; nothing typed in a dialog is touched.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

from arbench.services import changes as change_service
from arbench.services import worklist as worklist_service
from arbench.services.worklist import WorkItem

if TYPE_CHECKING:
    from arbench.ui.main_window import MainWindow

POLL_MS = 3000  # SQLite: how often to look; PostgreSQL also wakes on NOTIFY
SERVER_POLL_MS = 15000  # PostgreSQL: a safety net behind LISTEN
MAX_BACKOFF_MS = 60000
RELOAD_GAP_MS = 20000  # at most one full worklist reload this often


class _Bridge(QObject):
    """Carries the listener thread's calls onto the GUI thread."""

    notified = Signal(str)
    state = Signal(bool, str)


class LiveUpdates(QObject):
    """Keeps one main window's worklist current with what other people commit."""

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.w = window
        self.cursor: change_service.ChangeCursor | None = None
        self.busy = self.pending = self.lost = False
        self.interval = POLL_MS if window.db.backend == "sqlite" else SERVER_POLL_MS
        self.backoff = 0
        self.last_reload = -float(RELOAD_GAP_MS)
        self.reload_scheduled = False
        try:  # start from now: what is on screen was loaded just before
            self.cursor = change_service.ChangeCursor(window.db)
        except Exception:  # the first poll will report the database's state
            self.cursor = None
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.poll)
        self.timer.start(self.interval)
        self.bridge = _Bridge(self)
        self.bridge.notified.connect(lambda _payload: self.poll())
        self.listener: change_service.ChangeListener | None = None
        if window.db.backend == "postgresql":
            self.bridge.state.connect(self._listener_state)
            self.listener = change_service.ChangeListener(
                window.db, self.bridge.notified.emit, self.bridge.state.emit
            )
            self.listener.start()
        window.installEventFilter(self)

    # ----- polling -------------------------------------------------------------------------
    def poll(self) -> None:
        """Look for changes now (off the GUI thread); coalesces calls while one is running."""
        if self.busy:
            self.pending = True
            return
        self.busy = True
        db, login, on, cursor = self.w.db, self.w.actor.login, self.w.on, self.cursor

        def job() -> tuple[Any, Any, Any]:
            if cursor is None:
                return change_service.ChangeCursor(db), None, None
            found = cursor.poll(skip_login=login)
            delta = None
            if found.issue_ids and not found.reload_all:
                delta = change_service.worklist_delta(db, login, found.issue_ids, on)
            return cursor, found, delta

        self.w.runner.run(job, self._done, self._failed)

    def _done(self, result: tuple[Any, Any, Any]) -> None:
        self.cursor, found, delta = result
        was_lost, self.lost = self.lost, False
        self._finish_poll()
        if was_lost:
            self.w.statusBar().showMessage("Connection to the database restored", 5000)
        if found is None or found.empty:
            return
        if found.reload_all:
            self._reload()
        elif delta is not None:
            self.apply(delta)
        who = ", ".join(sorted({c.user_login for c in found.changes})) or "someone"
        count = len(found.issue_ids)
        what = f"{count} item{'s' if count != 1 else ''}" if count else "the book"
        self.w.statusBar().showMessage(f"{who} changed {what}", 6000)

    def _failed(self, exc: Exception) -> None:
        self._finish_poll()
        self.lost = True
        self.backoff = min(max(self.backoff * 2, POLL_MS), MAX_BACKOFF_MS)
        self.timer.start(self.backoff)
        self.w.statusBar().showMessage(
            f"Lost contact with the database: {exc} — retrying in {self.backoff // 1000} s. "
            "Your work is kept; actions can be retried."
        )

    def _finish_poll(self) -> None:
        self.busy = False
        if not self.lost:
            self.backoff = 0
            if self.timer.interval() != self.interval:
                self.timer.start(self.interval)
        if self.pending:
            self.pending = False
            QTimer.singleShot(0, self.poll)

    def _listener_state(self, connected: bool, message: str) -> None:
        if not connected:
            self.w.statusBar().showMessage(f"Live updates paused: {message}", 10000)

    # ----- redrawing -------------------------------------------------------------------------
    def apply(self, delta: change_service.WorklistDelta) -> None:
        """Move changed rows to where they now rank, add new ones, drop the ones that left."""
        views = {"pro": self.w.pro_view, "account": self.w.account_view}
        new: list[WorkItem] = []
        for item in delta.items:
            model = views[item.level].model
            if model.row_of(item.id) is None:
                new.append(item)
            else:
                model.update_item(item)
        for item_id in delta.removed:
            for view in views.values():
                view.model.remove_item(item_id)
        changed = {i.id for i in delta.items} | set(delta.removed)
        merged = [i for i in self.w.items if i.id not in changed] + list(delta.items)
        merged.sort(key=lambda i: (i.bucket, -i.priority, i.id))
        for item in new:
            views[item.level].model.add_item(item)  # where it ranks; no full reload
        self.w.items = merged
        self._counts()
        shown = self.w.panel.detail
        if shown is not None and shown.id in changed:
            self.w.open_item_by_id(shown.id)

    def _counts(self) -> None:
        pros, accounts = worklist_service.split(self.w.items)
        self.w.tabs.setTabText(0, f"Pro-level ({len(pros):,})")
        self.w.tabs.setTabText(1, f"Account-level ({len(accounts):,})")
        due = sum(1 for i in self.w.items if i.bucket <= 4)
        self.w.status_label.setText(
            f"{len(self.w.items):,} open items · {due:,} need attention today"
        )

    def _show_keeping_selection(self, items: list[WorkItem]) -> None:
        view = self.w.current_view()
        current = view.current_item()
        self.w.show_items(items)
        if current is not None:
            row = view.model.row_of(current.id)
            if row is not None:
                view.select_row(row)

    def _reload(self) -> None:
        now = time.monotonic() * 1000
        wait = self.last_reload + RELOAD_GAP_MS - now
        if wait > 0:
            if not self.reload_scheduled:
                self.reload_scheduled = True
                QTimer.singleShot(int(wait), self._scheduled_reload)
            return
        self.last_reload = now
        db, login, on = self.w.db, self.w.actor.login, self.w.on
        self.w.runner.run(
            lambda: worklist_service.worklist(db, login, on),
            self._show_keeping_selection,
            self._failed,
        )

    def _scheduled_reload(self) -> None:
        self.reload_scheduled = False
        self._reload()

    # ----- lifetime ----------------------------------------------------------------------------
    def stop(self) -> None:
        self.timer.stop()
        if self.listener is not None:
            self.listener.stop()
            self.listener = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.w and event.type() == QEvent.Type.Close:
            self.stop()
        return False


def install(window: MainWindow) -> None:
    window.live_updates = LiveUpdates(window)  # type: ignore[attr-defined]
