"""`arbench screenshot` renders the window without touching the user's settings.

The screenshot's window is offscreen and sized for the picture; if it saved its geometry into
the user's settings, the next real start would open at that size. It writes the PNG where
--out says and nowhere else.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

from PySide6.QtCore import QByteArray
from PySide6.QtGui import QImage

from arbench.store.db import Database
from arbench.ui.settings import UserSettings


def screenshot(book: Path, config: Path, out: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ARBENCH_CONFIG_DIR": str(config), "QT_QPA_PLATFORM": "offscreen"}
    command = [sys.executable, "-m", "arbench", "--db", str(book), "screenshot",
               "--user", "agarcia", "--on", "2026-11-24", "--out", str(out)]  # fmt: skip
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)


def test_screenshot_writes_the_png_and_leaves_the_settings_alone(
    demo_template: Path, tmp_path: Path, qapp: object
) -> None:
    book = tmp_path / "book.sqlite3"
    shutil.copy(demo_template, book)
    config = tmp_path / "config"
    config.mkdir()
    users = UserSettings(config / "arbench.ini")  # what a real start left behind
    users.last_user = "bchen"
    users.save_geometry(QByteArray(b"geometry of bchen's window"), QByteArray(b"its state"))
    users.sync()
    before = (config / "arbench.ini").read_bytes()
    out = tmp_path / "shots" / "main.png"
    out.parent.mkdir()

    done = screenshot(book, config, out)
    assert done.returncode == 0, done.stderr
    assert f"saved to {out}" in done.stdout
    assert (config / "arbench.ini").read_bytes() == before
    assert sorted(p.name for p in config.iterdir()) == ["arbench.ini"]
    assert sorted(p.name for p in out.parent.iterdir()) == ["main.png"]
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1500, 860)
    colours = {image.pixel(x, y) for x in range(0, 1500, 50) for y in range(0, 860, 50)}
    assert len(colours) > 5  # a drawn window, not a blank picture

    empty = tmp_path / "no-settings-yet"
    empty.mkdir()
    again = screenshot(book, empty, tmp_path / "again.png")
    assert again.returncode == 0, again.stderr
    assert list(empty.iterdir()) == []  # no settings file was created


def test_a_department_users_screenshot_is_their_queue(demo_db: Database, tmp_path: Path) -> None:
    from arbench.ui.screenshot import render_main_window

    shots = tmp_path / "shots"
    shots.mkdir()
    out = render_main_window(demo_db, "oruiz", shots / "queue.png", date(2026, 11, 24))
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1500, 860)
    assert sorted(p.name for p in shots.iterdir()) == ["queue.png"]
