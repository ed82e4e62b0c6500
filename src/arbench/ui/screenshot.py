"""Render the main window offscreen to a PNG (README screenshots, smoke tests of a build)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from arbench.services.base import actor_for
from arbench.store.db import Database


def render_main_window(
    db: Database, login: str, out: Path, on: date | None = None, row: int = 0
) -> Path:
    """Open the user's worklist, select a row, and save the window as a PNG."""
    from PySide6.QtCore import QEventLoop, QTimer

    from arbench.ui.app import make_app
    from arbench.ui.main_window import MainWindow
    from arbench.ui.settings import UserSettings

    app = make_app()
    window = MainWindow(db, actor_for(db, login), UserSettings(), on=on)
    window.resize(1500, 860)
    window.show()
    loop = QEventLoop()
    window.worklist_loaded.connect(loop.quit)
    QTimer.singleShot(60000, loop.quit)
    window.reload()
    loop.exec()
    window.pro_view.select_row(row)
    if window.runner.busy:  # the item's detail is read off the GUI thread
        window.runner.idle.connect(loop.quit)
        loop.exec()
    app.processEvents()
    out.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(out)):
        raise OSError(f"could not write {out}")
    window.close()
    return out
