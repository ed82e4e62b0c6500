"""File menu entries for team mode: connect to another database, back up and restore.

Backups use SQLite's online backup (others may keep working); on a PostgreSQL server the menu
explains that pg_dump is the tool. Back up and restore are supervisor work: the entries are
hidden from collectors and trainees, and the services refuse them anyway. Connecting opens a new main window on the chosen database
for the same user (or asks who is working when that user does not exist there).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from arbench import paths
from arbench.services import backups
from arbench.services.base import ServiceError
from arbench.store import backup as store_backup
from arbench.store.db import Database, DatabaseError, display_url, open_database
from arbench.ui.connection_dialog import ConnectionDialog

if TYPE_CHECKING:
    from arbench.ui.main_window import MainWindow


class TeamMenu:
    def __init__(self, window: MainWindow):
        self.w = window
        self.dialog: ConnectionDialog | None = None
        self.successor: MainWindow | None = None
        menu = file_menu(window)
        first = menu.actions()[1] if len(menu.actions()) > 1 else None  # after Refresh
        self.connect_action = self._add(menu, first, "&Connect to database…", self.choose)
        self.backup_action = self._add(menu, first, "&Back up database…", self.backup)
        self.restore_action = self._add(menu, first, "R&estore database…", self.restore)
        for action in (self.backup_action, self.restore_action):
            action.setVisible(window.actor.is_supervisor)
            action.setEnabled(window.actor.is_supervisor)
        menu.insertSeparator(first) if first else menu.addSeparator()

    def _add(self, menu: QMenu, before: QAction | None, text: str, slot: Any) -> QAction:
        action = QAction(text, self.w)
        action.triggered.connect(slot)
        if before is None:
            menu.addAction(action)
        else:
            menu.insertAction(before, action)
        return action

    # ----- connect ----------------------------------------------------------------------------
    def choose(self) -> None:
        self.dialog = ConnectionDialog(self.w.settings.qsettings, self.w)
        self.dialog.accepted.connect(lambda: self.connect(self.dialog.url() if self.dialog else ""))
        self.dialog.open()

    def connect(self, url: str) -> None:
        self.w.statusBar().showMessage(f"Connecting to {display_url_of(url)}…")
        local = "://" not in url
        self.w.runner.run(lambda: open_database(url, create=local), self._switch, self._refused)

    def _refused(self, exc: Exception) -> None:
        self.w.statusBar().clearMessage()
        box = QMessageBox(QMessageBox.Icon.Warning, "Cannot connect", str(exc),
                          QMessageBox.StandardButton.Retry | QMessageBox.StandardButton.Cancel,
                          self.w)  # fmt: skip
        box.finished.connect(
            lambda code: self.choose() if code == QMessageBox.StandardButton.Retry else None
        )
        self.message = box
        box.open()

    def _switch(self, db: Database) -> None:
        from arbench.ui.app import start_window

        try:
            window = start_window(db, self.w.actor.login, self.w.settings)
        except ServiceError:  # this user is not in that book: ask who is working
            window = start_window(db, None, self.w.settings)
        if window is None:
            db.dispose()
            return
        self.successor = window
        self.w.close()

    # ----- backup and restore --------------------------------------------------------------------
    def backup(self) -> None:
        if self.w.db.backend != "sqlite":
            QMessageBox.information(self.w, "Back up database", store_backup.PG_DUMP_HINT)
            return
        suggested = paths.data_dir() / f"arbench-backup-{datetime.now():%Y%m%d-%H%M}.sqlite3"
        path, _ = QFileDialog.getSaveFileName(
            self.w, "Back up database", str(suggested), "arbench database (*.sqlite3)"
        )
        if path:
            self.backup_to(Path(path))

    def backup_to(self, path: Path) -> None:
        db, actor = self.w.db, self.w.actor
        self.w.runner.run(
            lambda: backups.back_up(db, actor, path, overwrite=True),
            lambda r: self.w.statusBar().showMessage(f"Backup written to {r.file}", 10000),
            self._failed,
        )

    def restore(self) -> None:
        if self.w.db.backend != "sqlite":
            QMessageBox.information(self.w, "Restore database", store_backup.PG_DUMP_HINT)
            return
        path, _ = QFileDialog.getOpenFileName(
            self.w, "Restore database from", str(paths.data_dir()), "arbench database (*.sqlite3)"
        )
        if not path:
            return
        answer = QMessageBox.question(
            self.w, "Restore database",
            f"Replace the whole book with the backup {path}?\n\n"
            "The current database is copied beside itself first.",
        )  # fmt: skip
        if answer == QMessageBox.StandardButton.Yes:
            self.restore_from(Path(path))

    def restore_from(self, path: Path) -> None:
        db, actor = self.w.db, self.w.actor
        self.w.runner.run(lambda: backups.restore(db, actor, path), self._restored, self._failed)

    def _restored(self, result: store_backup.BackupResult) -> None:
        kept = f"; the previous database is in {result.safety_copy}" if result.safety_copy else ""
        self.w.statusBar().showMessage(f"Restored from the backup{kept}", 15000)
        self.w.reload()

    def _failed(self, exc: Exception) -> None:
        if not isinstance(exc, DatabaseError | ServiceError | OSError):
            raise exc
        box = QMessageBox(QMessageBox.Icon.Warning, "arbench", str(exc),
                          QMessageBox.StandardButton.Ok, self.w)  # fmt: skip
        self.message = box
        box.open()


def display_url_of(url: str) -> str:
    return display_url(url if "://" in url else f"sqlite:///{url}")


def file_menu(window: MainWindow) -> QMenu:
    for action in window.menuBar().actions():
        if action.text().replace("&", "") == "File" and action.menu() is not None:
            return action.menu()  # type: ignore[return-value]
    raise LookupError("the main window has no File menu")


def install(window: MainWindow) -> None:
    window.team_menu = TeamMenu(window)  # type: ignore[attr-defined]
