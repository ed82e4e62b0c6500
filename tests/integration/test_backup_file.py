"""`db backup` writes one checked, self-contained file, or nothing at all."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from arbench.store import backup as store_backup
from arbench.store.db import DatabaseError, head_revision, make_engine


def test_a_backup_is_one_checked_file(demo_template: Path, tmp_path: Path) -> None:
    book = tmp_path / "book.sqlite3"
    shutil.copy(demo_template, book)
    engine = make_engine(f"sqlite:///{book}")
    try:
        result = store_backup.backup_database(engine, tmp_path / "monday.sqlite3")
    finally:
        engine.dispose()
    assert result.schema == head_revision()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.sqlite3", "monday.sqlite3"]
    with sqlite3.connect(result.file) as copy, sqlite3.connect(book) as original:
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # no -wal needed
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        query = "SELECT count(*), sum(open_balance) FROM pros"
        assert copy.execute(query).fetchone() == original.execute(query).fetchone()


def test_a_damaged_database_is_not_backed_up_and_an_old_backup_survives(
    demo_template: Path, tmp_path: Path
) -> None:
    book = tmp_path / "book.sqlite3"
    shutil.copy(demo_template, book)
    size = book.stat().st_size
    with book.open("r+b") as handle:  # garbage over a run of pages in the middle
        for offset in range(size // 2, size // 2 + 8 * 4096, 4096):
            handle.seek(offset + 64)
            handle.write(b"\xa5" * 3000)
    old = tmp_path / "last-week.sqlite3"
    old.write_bytes(b"last week's good backup")
    engine = make_engine(f"sqlite:///{book}")
    try:
        with pytest.raises(DatabaseError, match="the database file is damaged") as refused:
            store_backup.backup_database(engine, old, overwrite=True)
    finally:
        engine.dispose()
    assert "\n" not in str(refused.value) and "no backup was written" in str(refused.value)
    assert old.read_bytes() == b"last week's good backup"
    leftovers = {p.name for p in tmp_path.iterdir()} - {"book.sqlite3-wal", "book.sqlite3-shm"}
    assert leftovers == {"book.sqlite3", "last-week.sqlite3"}
