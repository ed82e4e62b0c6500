"""Backing up and restoring the embedded SQLite database (SQLite's online backup API).

A backup is a consistent snapshot even while collectors are working, written beside the
target and checked (quick_check, arbench schema) before it takes the target's name: a damaged
database gives one clear error and no file. A restore first checks
that the file is an arbench database this version can read (not a foreign file, not from a
newer arbench) and that every page of it is sound (`PRAGMA integrity_check`), all before
anything is replaced; then it backs the current database up beside itself, copies the file in
and migrates it when it is older. A PostgreSQL server is backed up with pg_dump instead. Who
may back up and restore, and the audit records, are services/admin/backups.py's.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from arbench.output_files import OutputError, check_output_file, partial_path
from arbench.store.db import (
    DatabaseError,
    backup_sqlite_file,
    head_revision,
    known_revisions,
    make_engine,
    upgrade,
)

PG_DUMP_HINT = (
    "a PostgreSQL database is backed up on the server with pg_dump, e.g. "
    "`pg_dump -Fc -h HOST -U USER DATABASE > arbench.dump`, and restored with pg_restore "
    "(see docs/team-mode.md); `arbench db backup` and `db restore` work on SQLite files"
)


@dataclass(frozen=True)
class BackupResult:
    """What a backup or restore did: the file written and the schema it holds."""

    file: Path
    schema: str
    safety_copy: Path | None = None  # the current database, copied before a restore
    migrated_from: str | None = None  # the restored file's schema when it was older


def _require_sqlite(engine: Engine, *, must_exist: bool = True) -> Path:
    if engine.url.get_backend_name() != "sqlite":
        raise DatabaseError(PG_DUMP_HINT)
    database = engine.url.database
    if not database or database == ":memory:":
        raise DatabaseError("an in-memory database cannot be backed up or restored")
    if must_exist and not Path(database).exists():
        raise DatabaseError(f"no arbench database at {database}")
    return Path(database)


def _revision_of_file(path: Path) -> str:
    """The arbench schema revision stored in a SQLite file; refuses anything else."""
    if not path.is_file():
        raise DatabaseError(f"{path} does not exist")
    with path.open("rb") as handle:
        if handle.read(16) != b"SQLite format 3\x00":
            raise DatabaseError(f"{path} is not an arbench database (not a SQLite file)")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        raise DatabaseError(f"{path} is not an arbench database (no arbench schema)") from None
    finally:
        conn.close()
    if row is None:
        raise DatabaseError(f"{path} is not an arbench database (no arbench schema)")
    revision = str(row[0])
    if revision not in known_revisions():
        raise DatabaseError(
            f"{path} was written by a newer arbench (schema {revision}); "
            "install that version or newer to restore it"
        )
    return revision


def _check_integrity(path: Path) -> None:
    """Refuse a file with damaged pages: SQLite's integrity check must answer 'ok'."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = conn.execute("PRAGMA integrity_check(5)").fetchall()
    except sqlite3.DatabaseError as exc:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DatabaseError(
            f"{path} is damaged and was not restored ({detail}); nothing was replaced"
        ) from None
    finally:
        conn.close()
    problems = [str(r[0]).splitlines()[0] for r in rows if str(r[0]) != "ok"]
    if problems:
        more = f" and {len(problems) - 1} more" if len(problems) > 1 else ""
        raise DatabaseError(
            f"{path} is damaged and was not restored (integrity check: {problems[0]}{more}); "
            "nothing was replaced: choose another backup"
        )


def verify_candidate(path: Path) -> str:
    """Check a backup before it may replace anything: an arbench schema this version can read,
    and every page sound. Returns its schema revision."""
    revision = _revision_of_file(path)
    _check_integrity(path)
    return revision


def backup_database(engine: Engine, target: Path, *, overwrite: bool = False) -> BackupResult:
    """Copy the open SQLite database to target, consistently, while others may be writing.

    The copy is written to a hidden file beside target, checked (SQLite's quick_check and the
    arbench schema), and only then renamed to target: a damaged database or a failed write
    raises one clear DatabaseError (or OutputError) and leaves no file behind.
    """
    source = _require_sqlite(engine)
    target = target.expanduser().resolve()
    if target == source.resolve():
        raise DatabaseError("the backup file must not be the database itself")
    if target.exists() and not overwrite:
        raise DatabaseError(f"{target} already exists: choose a new file name")
    check_output_file(target)
    partial = partial_path(target)
    try:
        _copy_into(engine, source, partial)
        revision = _checked_copy(partial, source)
        os.replace(partial, target)  # a half-written backup never carries the real name
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
    finally:
        for leftover in (
            partial,
            *(Path(f"{partial}{end}") for end in ("-journal", "-wal", "-shm")),
        ):
            leftover.unlink(missing_ok=True)
    return BackupResult(target, revision)


def _damaged(source: Path, detail: object) -> DatabaseError:
    text = str(getattr(detail, "orig", None) or detail).strip().splitlines()
    return DatabaseError(
        f"{source} cannot be backed up: the database file is damaged ({text[0] if text else detail}); "
        "no backup was written (restore the last good backup)"
    )


def _copy_into(engine: Engine, source: Path, partial: Path) -> None:
    """SQLite's online backup of the engine's database into `partial`, as one plain file."""
    try:
        with engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            dest = sqlite3.connect(partial)
            try:
                raw.backup(dest)  # type: ignore[union-attr]
                dest.execute("PRAGMA journal_mode=DELETE")  # no -wal beside the backup
            finally:
                dest.close()
    except (sqlite3.DatabaseError, SQLAlchemyError) as exc:
        raise _damaged(source, exc) from None


def _checked_copy(partial: Path, source: Path) -> str:
    """The arbench schema of the copy, after SQLite's quick_check found nothing wrong in it."""
    conn = sqlite3.connect(partial)
    try:
        verdict = conn.execute("PRAGMA quick_check(1)").fetchone()
        if verdict is None or verdict[0] != "ok":
            found = [x for x in str(verdict[0] if verdict else "").splitlines() if "***" not in x]
            raise _damaged(source, f"quick_check: {found[0] if found else 'no answer'}")
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise _damaged(source, exc) from None
    finally:
        conn.close()
    if row is None:
        raise DatabaseError(f"{source} is not an arbench database (no arbench schema)")
    return str(row[0])


def restore_database(engine: Engine, source: Path) -> BackupResult:
    """Replace the database's content with the backup in source (after checking and copying)."""
    current = _require_sqlite(engine, must_exist=False)
    source = source.expanduser().resolve()
    if source == current.resolve():
        raise DatabaseError("cannot restore a database from itself")
    revision = verify_candidate(source)
    safety = backup_sqlite_file(engine, "before-restore")
    engine.dispose()
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dest = sqlite3.connect(current)
    try:
        src.backup(dest)
    finally:
        src.close()
        dest.close()
    migrated_from = None
    if revision != head_revision():
        migrating = make_engine(f"sqlite:///{current}")
        try:
            migrated_from, _, _ = upgrade(migrating)
        finally:
            migrating.dispose()
    return BackupResult(current, head_revision(), safety, migrated_from)
