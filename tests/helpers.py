"""Helpers the tests share: open a main window, run the CLI, the nightly service user (tests/ is
on sys.path beside conftest.py)."""

from __future__ import annotations

from datetime import date

import pytest
from pytestqt.qtbot import QtBot

from arbench.cli import main
from arbench.domain.catalogue import Role
from arbench.services.base import Actor, actor_for
from arbench.store.db import Database
from arbench.ui.main_window import MainWindow
from arbench.ui.settings import UserSettings

ON = date(2026, 11, 24)


def open_window(
    qtbot: QtBot, db: Database, login: str, on: date = ON, *, today: bool = False
) -> MainWindow:
    """The main window of `login` on day `on`, shown, its worklist and first item loaded; on
    the pro-level list (the window opens on Today: `today=True` stays there)."""
    window = MainWindow(db, actor_for(db, login), UserSettings(), on=on)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.worklist_loaded, timeout=20000):
        window.reload()
    wait_idle(qtbot, window)
    if not today:
        window.tabs.setCurrentWidget(window.pro_view)
        if window.pro_view.current_item() is None:
            window.pro_view.select_row(0)
        wait_idle(qtbot, window)
    return window


def wait_idle(qtbot: QtBot, window: MainWindow) -> None:
    """Wait until every read and write the window started has been delivered (the item panel
    shows the selected item, a write's change record has been applied everywhere)."""
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=20000)


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run `arbench ARGS` in-process: (exit code, stdout, stderr)."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# A named service user with the supervisor role, as a supervisor would set one up for the nightly
# jobs (imports, promise check, cover end): nothing runs as an implicit built-in actor.
NIGHTLY = Actor(id=0, login="nightly", display_name="Nightly jobs", role=Role.SUPERVISOR)
