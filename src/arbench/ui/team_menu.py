"""File menu entries for team mode: connect to another database, back up and restore.

Backups use SQLite's online backup (others may keep working); on a PostgreSQL server the menu
explains that pg_dump is the tool. Back up and restore are supervisor work: the entries are
hidden from collectors and trainees, and the services refuse them anyway. Connecting opens a
new main window on the chosen database for the same user (or asks who is working when that
user does not exist there). A restore replaces the whole book: the lists are read again (a
`reload` change record).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox

from arbench import paths
from arbench.services import database as book
from arbench.services.admin import backups
from arbench.services.base import ServiceError
from arbench.services.op_changes import RELOAD
from arbench.store.db import Database
from arbench.ui.action_bar import make_action
from arbench.ui.connection_dialog import ConnectionDialog
from arbench.ui.context import Section, WindowContext

if TYPE_CHECKING:
    pass


class TeamMenu:
    def __init__(self, ctx: WindowContext):
        self.ctx = ctx
        self.dialog: ConnectionDialog | None = None
        self.successor: QMainWindow | None = None  # the window of the book switched to
        self.message: QMessageBox | None = None
        w = ctx.window
        self.connect_action = make_action(w, "&Connect to database…", None,
                                          "Open another book: a SQLite file or a team server", self.choose)  # fmt: skip
        self.backup_action = make_action(w, "&Back up database…", None,
                                         "Copy the book to a file while others keep working", self.backup)  # fmt: skip
        self.restore_action = make_action(w, "R&estore database…", None,
                                          "Replace the book with a backup", self.restore)  # fmt: skip
        ctx.menus.add(Section.FILE_DATABASE, self.connect_action)
        if ctx.actor.is_supervisor:  # the services refuse the others anyway
            ctx.menus.add(Section.FILE_DATABASE, self.backup_action)
            ctx.menus.add(Section.FILE_DATABASE, self.restore_action)
        for action in (self.backup_action, self.restore_action):
            action.setVisible(ctx.actor.is_supervisor)
            action.setEnabled(ctx.actor.is_supervisor)

    # ----- connect ----------------------------------------------------------------------------
    def choose(self) -> None:
        self.dialog = ConnectionDialog(self.ctx.settings.qsettings, self.ctx.window)
        self.dialog.accepted.connect(lambda: self.connect(self.dialog.url() if self.dialog else ""))
        self.dialog.open()

    def connect(self, url: str) -> None:
        self.ctx.show_message(f"Connecting to {book.shown_url(url)}…")
        local = "://" not in url
        self.ctx.runner.run(lambda: book.open_book(url, create=local), self._switch, self._refused)

    def _refused(self, exc: Exception) -> None:
        self.ctx.window.statusBar().clearMessage()
        box = QMessageBox(QMessageBox.Icon.Warning, "Cannot connect", str(exc),
                          QMessageBox.StandardButton.Retry | QMessageBox.StandardButton.Cancel,
                          self.ctx.window)  # fmt: skip
        box.finished.connect(
            lambda code: self.choose() if code == QMessageBox.StandardButton.Retry else None
        )
        self.message = box
        box.open()

    def _switch(self, db: Database) -> None:
        from arbench.ui.app import start_window

        try:
            window = start_window(db, self.ctx.actor.login, self.ctx.settings)
        except ServiceError:  # this user is not in that book: ask who is working
            window = start_window(db, None, self.ctx.settings)
        if window is None:
            db.dispose()
            return
        self.successor = window
        self.ctx.window.close()

    # ----- backup and restore --------------------------------------------------------------------
    def backup(self) -> None:
        if self.ctx.db.backend != "sqlite":
            QMessageBox.information(self.ctx.window, "Back up database", book.PG_DUMP_HINT)
            return
        suggested = paths.data_dir() / f"arbench-backup-{datetime.now():%Y%m%d-%H%M}.sqlite3"
        path, _ = QFileDialog.getSaveFileName(
            self.ctx.window, "Back up database", str(suggested), "arbench database (*.sqlite3)"
        )
        if path:
            self.backup_to(Path(path))

    def backup_to(self, path: Path) -> None:
        db, actor = self.ctx.db, self.ctx.actor
        self.ctx.runner.read(
            lambda: backups.back_up(db, actor, path, overwrite=True),
            lambda r: self.ctx.show_message(f"Backup written to {r.file}", 10000),
        )

    def restore(self) -> None:
        if self.ctx.db.backend != "sqlite":
            QMessageBox.information(self.ctx.window, "Restore database", book.PG_DUMP_HINT)
            return
        path, _ = QFileDialog.getOpenFileName(
            self.ctx.window, "Restore database from", str(paths.data_dir()),
            "arbench database (*.sqlite3)",
        )  # fmt: skip
        if not path:
            return
        answer = QMessageBox.question(
            self.ctx.window, "Restore database",
            f"Replace the whole book with the backup {path}?\n\n"
            "The current database is copied beside itself first.",
        )  # fmt: skip
        if answer == QMessageBox.StandardButton.Yes:
            self.restore_from(Path(path))

    def restore_from(self, path: Path) -> None:
        db, actor = self.ctx.db, self.ctx.actor
        self.ctx.runner.read(lambda: backups.restore(db, actor, path), self._restored)

    def _restored(self, result: book.BackupResult) -> None:
        kept = f"; the previous database is in {result.safety_copy}" if result.safety_copy else ""
        self.ctx.show_message(f"Restored from the backup{kept}", 15000)
        self.ctx.controller.apply(RELOAD)


def install(ctx: WindowContext) -> TeamMenu:
    return TeamMenu(ctx)
