"""Backing up and restoring the book: supervisor work, audited, the candidate checked first.

`restore` checks the backup (an arbench schema this version reads, every page sound) before
anything is replaced, records the restore in the current database (so the safety copy carries
it), replaces the book, and records it again in the restored database: the history of a restore
survives the restore. The SQLite work itself is store/backup.py's; a PostgreSQL server is
backed up and restored with pg_dump / pg_restore by whoever runs it (docs/team-mode.md).
"""

from __future__ import annotations

from pathlib import Path

from arbench.errors import ServiceError
from arbench.services.base import Actor, audit
from arbench.services.permissions import SUPERVISORS, service
from arbench.store import backup as store_backup
from arbench.store.backup import BackupResult
from arbench.store.db import Database, DatabaseError, open_database


class BackupRefused(ServiceError):
    """A backup or restore that cannot be done: a server book, a damaged or foreign file."""


def _require_file(db: Database) -> None:
    if db.backend != "sqlite":
        raise BackupRefused(store_backup.PG_DUMP_HINT)


@service(SUPERVISORS, "back up the database")
def back_up(db: Database, actor: Actor, target: Path, *, overwrite: bool = False) -> BackupResult:
    """Write a consistent copy of the SQLite book to `target` (supervisors only); audited."""
    _require_file(db)
    try:
        result = store_backup.backup_database(db.engine, target, overwrite=overwrite)
    except DatabaseError as exc:
        raise BackupRefused(str(exc)) from None
    with db.session() as session:
        audit(session, actor, "database.backup", "database", None, None,
              {"file": str(result.file), "schema": result.schema})  # fmt: skip
    return result


@service(SUPERVISORS, "restore the database")
def restore(db: Database, actor: Actor, source: Path) -> BackupResult:
    """Replace the SQLite book with the backup in `source` (supervisors only).

    A backup that is not arbench's, is from a newer arbench, or has damaged pages is refused
    before anything is replaced. The restore is audited in the book before and after it."""
    _require_file(db)
    source = source.expanduser().resolve()
    try:
        revision = store_backup.verify_candidate(source)
    except DatabaseError as exc:
        raise BackupRefused(str(exc)) from None
    record = {"from": str(source), "schema": revision}
    with db.session() as session:
        audit(session, actor, "database.restore", "database", None, None, record)
    try:
        result = store_backup.restore_database(db.engine, source)
    except DatabaseError as exc:
        raise BackupRefused(str(exc)) from None
    restored = open_database(db.url)
    try:
        with restored.session() as session:
            audit(session, actor, "database.restore", "database", None, None,
                  {**record, "safety_copy": str(result.safety_copy or ""),
                   "migrated_from": result.migrated_from})  # fmt: skip
    finally:
        restored.dispose()
    return result
