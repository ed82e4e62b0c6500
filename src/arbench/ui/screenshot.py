"""Render the main window offscreen to a PNG (README screenshots, smoke tests of a build); for
a department user, their window (the queue).

The window gets settings of its own in a temporary folder, deleted afterwards: a screenshot
never reads or writes the user's settings (window size, last user), so the next real start
opens as the user left it. The PNG is written beside `out` and moved onto it when complete.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from arbench.domain.catalogue import Role
from arbench.output_files import OutputError, check_output_file, written
from arbench.services.base import Actor, actor_for
from arbench.store.db import Database


def render_main_window(
    db: Database, login: str, out: Path, on: date | None = None, row: int = 0
) -> Path:
    """Open the user's window (on Today, once the day is planned), select a row of it, and
    save the window as a PNG."""
    from PySide6.QtCore import QEventLoop, QTimer

    from arbench.services.work.worklist import worklist
    from arbench.ui.app import make_app
    from arbench.ui.main_window import MainWindow
    from arbench.ui.settings import UserSettings

    target = check_output_file(out)
    actor = actor_for(db, login)
    app = make_app()
    if actor.role == Role.DEPARTMENT:  # department staff get their queue, not a worklist
        return _render_queue(db, actor, target, on, row)
    worklist(db, login, on)  # a book that cannot be read fails here, in one line
    with tempfile.TemporaryDirectory(prefix="arbench-screenshot-") as folder:
        window = MainWindow(db, actor, UserSettings(Path(folder) / "arbench.ini"), on=on)
        try:
            window.resize(1500, 860)
            window.show()
            loop = QEventLoop()
            window.worklist_loaded.connect(loop.quit)
            QTimer.singleShot(60000, loop.quit)
            window.reload()
            loop.exec()
            window.runner.idle.connect(loop.quit)
            if window.runner.busy:  # the day is planned, then read (off the GUI thread)
                loop.exec()
            window.tabs.current_view().select_row(row)
            _save(app, window, window.runner, target)
        finally:
            window.close()
    return target


def _render_queue(db: Database, actor: Actor, target: Path, on: date | None, row: int) -> Path:
    """A department user's window: their queue, a request selected."""
    from PySide6.QtCore import QEventLoop, QTimer

    from arbench.services.organization.requests import department_queue
    from arbench.ui.app import make_app
    from arbench.ui.department_window import DepartmentWindow
    from arbench.ui.settings import UserSettings

    department_queue(db, actor, on=on)  # a book that cannot be read fails here, in one line
    app = make_app()
    with tempfile.TemporaryDirectory(prefix="arbench-screenshot-") as folder:
        window = DepartmentWindow(db, actor, UserSettings(Path(folder) / "arbench.ini"), on=on)
        try:
            window.resize(1500, 860)
            window.show()
            loop = QEventLoop()
            window.queue_loaded.connect(loop.quit)
            QTimer.singleShot(60000, loop.quit)
            loop.exec()
            window.table.selectRow(row)
            _save(app, window, window.runner, target)
        finally:
            window.close()
    return target


def _save(app: Any, window: Any, runner: Any, target: Path) -> None:
    """Wait for the reads the window started (the item's detail), then save the PNG."""
    from PySide6.QtCore import QEventLoop

    if runner.busy:  # the item's detail is read off the GUI thread
        loop = QEventLoop()
        runner.idle.connect(loop.quit)
        loop.exec()
    app.processEvents()
    with written(target) as partial:
        if not window.grab().save(str(partial)):
            raise OutputError(f"could not write {target} as a PNG")
