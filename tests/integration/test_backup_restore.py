"""`arbench db backup` / `db restore`: supervisor work, a round trip whose history survives the
restore, and the files restore refuses (before anything is replaced): foreign, newer, missing,
and a file with damaged pages that still passes the schema check."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select, text

from arbench.services.base import actor_for
from arbench.services.organization import users as user_service
from arbench.store import db as store_db
from arbench.store.db import Database
from arbench.store.models import AuditEvent, Pro, User


def arbench(*args: str, as_login: str | None = "kwright") -> subprocess.CompletedProcess[str]:
    who = ["--as", as_login] if as_login else []
    return subprocess.run(
        [sys.executable, "-m", "arbench", *who, *args], capture_output=True, text=True, timeout=120
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

    user_service.add_user(demo_db, actor_for(demo_db, "kwright"), "zz_new", "Zed New", "collector")
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
    restore_events = "SELECT user_login, after FROM audit_events WHERE action='database.restore'"
    with sqlite3.connect(safety) as conn:  # the pre-restore state was kept, with the restore
        assert conn.execute("SELECT count(*) FROM users WHERE login='zz_new'").fetchone() == (1,)
        [(who, after)] = conn.execute(restore_events).fetchall()
        assert who == "kwright" and str(backup) in after
    with sqlite3.connect(path) as conn:  # the restored book says it was restored, and by whom
        [(who, after)] = conn.execute(restore_events).fetchall()
        assert who == "kwright" and str(backup) in after and str(safety) in after
        assert conn.execute(
            "SELECT count(*) FROM audit_events WHERE action='database.backup'"
        ).fetchone() == (0,)  # the backup was recorded after it was written


def test_backup_and_restore_are_supervisor_work(demo_db: Database, tmp_path: Path) -> None:
    path = str(demo_db.engine.url.database)
    backup = tmp_path / "b.sqlite3"
    assert arbench("--db", path, "db", "backup", str(backup)).returncode == 0
    events = count(demo_db, AuditEvent)
    for who, message in (
        ("agarcia", "only a supervisor can restore the database; agarcia is a collector"),
        ("nbrown", "only a supervisor can restore the database; nbrown is a trainee"),
        (None, "`db restore` needs --as LOGIN"),
    ):
        result = arbench("--db", path, "db", "restore", str(backup), as_login=who)
        assert result.returncode == 2 and message in result.stderr, result.stderr
        assert result.stderr.count("\n") == 1
        other = tmp_path / f"by-{who}.sqlite3"
        refused = arbench("--db", path, "db", "backup", str(other), as_login=who)
        assert refused.returncode == 2 and not other.exists()
    assert count(demo_db, AuditEvent) == events
    assert not list(Path(path).parent.glob("*.before-restore-*"))


def damage_pages(path: Path) -> None:
    """Overwrite eight pages in the middle of the file (the pros' rows) with noise."""
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    middle = (len(data) // page) // 2
    noise = bytes((i * 37 + 11) % 256 for i in range(page * 8))
    data[middle * page : middle * page + len(noise)] = noise
    path.write_bytes(bytes(data))


def test_restore_refuses_a_backup_with_damaged_pages(demo_db: Database, tmp_path: Path) -> None:
    path = Path(str(demo_db.engine.url.database))
    backup = tmp_path / "damaged.sqlite3"
    assert arbench("--db", str(path), "db", "backup", str(backup)).returncode == 0
    damage_pages(backup)
    with sqlite3.connect(backup) as conn:  # what the schema check sees is intact ...
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()
        try:  # ... the rest is not
            verdict = conn.execute("PRAGMA integrity_check").fetchone()
        except sqlite3.DatabaseError as exc:
            verdict = (str(exc),)
        assert verdict != ("ok",)
    before = (count(demo_db, Pro), count(demo_db, User), count(demo_db, AuditEvent))
    demo_db.dispose()
    result = arbench("--db", str(path), "db", "restore", str(backup))
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert (
        "is damaged and was not restored" in result.stderr
        and "nothing was replaced" in result.stderr
    )
    assert (count(demo_db, Pro), count(demo_db, User), count(demo_db, AuditEvent)) == before
    assert not list(path.parent.glob("*.before-restore-*"))
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


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
