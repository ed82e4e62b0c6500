"""`arbench db backup` / `db restore`: a round trip, and the files restore refuses."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select, text

from arbench.services import users as user_service
from arbench.services.base import SYSTEM
from arbench.store import db as store_db
from arbench.store.db import Database
from arbench.store.models import Pro, User


def arbench(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "arbench", *args], capture_output=True, text=True, timeout=120
    )


def count(db: Database, model: type) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_backup_then_restore_brings_the_book_back(demo_db: Database, tmp_path: Path) -> None:
    path = Path(str(demo_db.engine.url.database))
    users_before, pros_before = count(demo_db, User), count(demo_db, Pro)
    backup = tmp_path / "saved" / "monday.sqlite3"
    backup.parent.mkdir()  # a backup goes into an existing folder, as every output file does
    done = arbench("--db", str(path), "db", "backup", str(backup))
    assert done.returncode == 0, done.stderr
    assert f"written to {backup}" in done.stdout
    assert arbench("--db", str(path), "db", "backup", str(backup)).returncode == 2  # no overwrite

    user_service.add_user(demo_db, SYSTEM, "zz_new", "Zed New", "collector")
    with demo_db.session() as s:
        s.execute(
            text("DELETE FROM charge_lines WHERE pro_id IN (SELECT id FROM pros WHERE id > 100)")
        )
    assert count(demo_db, User) == users_before + 1
    demo_db.dispose()

    restored = arbench("--db", str(path), "db", "restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert "the database as it was before the restore:" in restored.stdout
    safety = Path(restored.stdout.split("before the restore: ")[1].split()[0])
    assert safety.exists()
    db = store_db.open_database(str(path))
    try:
        assert count(db, User) == users_before and count(db, Pro) == pros_before
        with db.session() as s:
            assert s.scalar(select(User.id).where(User.login == "zz_new")) is None
    finally:
        db.dispose()
    with sqlite3.connect(safety) as conn:  # the pre-restore state was kept
        assert conn.execute("SELECT count(*) FROM users WHERE login='zz_new'").fetchone() == (1,)


def test_restore_refuses_foreign_newer_and_missing_files(demo_db: Database, tmp_path: Path) -> None:
    path = str(demo_db.engine.url.database)
    text_file = tmp_path / "notes.sqlite3"
    text_file.write_text("not a database")
    foreign = tmp_path / "other.sqlite3"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER)")
    newer = tmp_path / "newer.sqlite3"
    assert arbench("--db", path, "db", "backup", str(newer)).returncode == 0
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    cases = {
        text_file: "is not an arbench database (not a SQLite file)",
        foreign: "is not an arbench database (no arbench schema)",
        newer: "was written by a newer arbench (schema 9999_future)",
        tmp_path / "missing.sqlite3": "does not exist",
    }
    users_before = count(demo_db, User)
    for source, message in cases.items():
        result = arbench("--db", path, "db", "restore", str(source))
        assert result.returncode == 2, source
        assert message in result.stderr, result.stderr
        assert result.stderr.count("\n") == 1
    assert count(demo_db, User) == users_before
    assert not list(Path(path).parent.glob("*.before-restore-*"))  # refused before copying
