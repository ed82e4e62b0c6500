"""Help → About tells where arbench runs from, where data and settings live, the database in
use and the keyring backend; `arbench about` prints the same facts."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from arbench import __version__, paths
from arbench.cli import main as cli_main
from arbench.services.base import actor_for
from arbench.store.db import Database
from arbench.ui import about
from arbench.ui.main_window import MainWindow
from arbench.ui.settings import UserSettings


def about_box_text(qtbot: QtBot, window: MainWindow) -> str:
    """Click Help → About, read the message box, close it."""
    seen: list[str] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.accept()
        else:
            QTimer.singleShot(50, read_and_close)

    action = next(a for a in window.menuBar().actions() if a.text() == "&Help").menu()
    about_action = next(a for a in action.actions() if a.text() == "&About arbench")
    QTimer.singleShot(50, read_and_close)
    about_action.trigger()
    qtbot.waitUntil(lambda: bool(seen), timeout=60000)
    return seen[0]


def test_about_box_shows_version_data_database_and_keyring(
    qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    window = MainWindow(
        demo_db, actor_for(demo_db, "agarcia"), UserSettings(), on=date(2026, 11, 24)
    )
    qtbot.addWidget(window)
    text = about_box_text(qtbot, window)
    assert f"<td>{__version__}</td>" in text
    assert str(paths.data_dir()) in text  # the test's isolated data directory
    assert str(paths.settings_file()) in text
    assert str(Path(demo_db.engine.url.database or "")) in text
    assert "test MemoryKeyring" in text  # the harmless backend the test suite installs
    assert "Python " in text and "installed bundle" not in text


def test_about_says_bundle_when_frozen(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "arbench" / "arbench"))
    rows = dict(about.about_rows("sqlite:///" + str(tmp_path / "x.sqlite3")))
    assert rows["Running from"] == f"installed bundle in {tmp_path / 'arbench'}"


def test_about_hides_a_database_password() -> None:
    rows = dict(about.about_rows("postgresql+psycopg://ar:s3cret@db.example:5432/arbench"))
    assert rows["Database"] == "postgresql://ar:***@db.example:5432/arbench"
    assert "s3cret" not in json.dumps(rows)


def test_about_command_prints_the_same_rows(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "book.sqlite3"
    assert cli_main(["--db", str(target), "about", "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["version"] == __version__
    assert shown["data_directory"] == str(paths.data_dir())
    assert shown["database"] == f"sqlite:///{target.resolve()}"
    assert shown["keyring_backend"]
    assert cli_main(["about"]) == 0
    assert "Keyring backend:" in capsys.readouterr().out
