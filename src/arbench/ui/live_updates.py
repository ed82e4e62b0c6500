"""Other people's changes appear in the worklist within seconds, without a restart.

Every few seconds (at once on PostgreSQL, woken by LISTEN/NOTIFY) the window reads the audit
events written since it last looked, off the GUI thread, turns the issues they touch into one
`Changes` record (services.changes.changes_of) and hands it to the worklist controller, like
any other change: rows found by id in every list (whatever the search shows), counts, the
status line and the open item's panel follow. The user's selection and search stay as they
were. Changes that cannot be told item by item become a (rate-limited) reload.

When the database stops answering, the status bar says so and polling backs off (3 s doubling
to 60 s) until it answers again; nothing typed in a dialog is touched.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

from arbench.services import changes as change_service
from arbench.services.op_changes import RELOAD, Changes
from arbench.ui.context import WindowContext

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

    def __init__(self, ctx: WindowContext):
        super().__init__(ctx.window)
        self.ctx = ctx
        window, db = ctx.window, ctx.db
        self.cursor: change_service.ChangeCursor | None = None
        self.busy = self.pending = self.lost = False
        self.interval = POLL_MS if db.backend == "sqlite" else SERVER_POLL_MS
        self.backoff = 0
        self.last_reload = -float(RELOAD_GAP_MS)
        self.reload_scheduled = False
        try:  # start from now: what is on screen was loaded just before
            self.cursor = change_service.ChangeCursor(db)
        except Exception:  # the first poll will report the database's state
            self.cursor = None
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.poll)
        self.timer.start(self.interval)
        self.bridge = _Bridge(self)
        self.bridge.notified.connect(lambda _payload: self.poll())
        self.listener: change_service.ChangeListener | None = None
        if db.backend == "postgresql":
            self.bridge.state.connect(self._listener_state)
            self.listener = change_service.ChangeListener(
                db, self.bridge.notified.emit, self.bridge.state.emit
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
        db, login, on, cursor = self.ctx.db, self.ctx.actor.login, self.ctx.on, self.cursor

        def job() -> tuple[Any, Any, Changes | None]:
            if cursor is None:
                return change_service.ChangeCursor(db), None, None
            found = cursor.poll(skip_login=login)
            changes = None
            if found.issue_ids and not found.reload_all:
                changes = change_service.changes_of(db, found.issue_ids, on)
            return cursor, found, changes

        self.ctx.runner.run(job, self._done, self._failed)

    def _done(self, result: tuple[Any, Any, Changes | None]) -> None:
        self.cursor, found, changes = result
        was_lost, self.lost = self.lost, False
        self._finish_poll()
        if was_lost:
            self.ctx.show_message("Connection to the database restored", 5000)
        if found is None or found.empty:
            return
        if found.reload_all:
            self._reload()
        elif changes is not None:
            self.ctx.controller.apply(changes)
        who = ", ".join(sorted({c.user_login for c in found.changes})) or "someone"
        count = len(found.issue_ids)
        what = f"{count} item{'s' if count != 1 else ''}" if count else "the book"
        self.ctx.show_message(f"{who} changed {what}", 6000)

    def _failed(self, exc: Exception) -> None:
        self._finish_poll()
        self.lost = True
        self.backoff = min(max(self.backoff * 2, POLL_MS), MAX_BACKOFF_MS)
        self.timer.start(self.backoff)
        self.ctx.show_message(
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
            self.ctx.show_message(f"Live updates paused: {message}", 10000)

    # ----- reloading ---------------------------------------------------------------------
    def _reload(self) -> None:
        now = time.monotonic() * 1000
        wait = self.last_reload + RELOAD_GAP_MS - now
        if wait > 0:
            if not self.reload_scheduled:
                self.reload_scheduled = True
                QTimer.singleShot(int(wait), self._scheduled_reload)
            return
        self.last_reload = now
        self.ctx.controller.apply(RELOAD)  # the lists are read again; selections are kept

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
        if watched is self.ctx.window and event.type() == QEvent.Type.Close:
            self.stop()
        return False


def install(ctx: WindowContext) -> LiveUpdates:
    return LiveUpdates(ctx)
