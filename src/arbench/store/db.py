"""Engine and session setup for SQLite (embedded default) and PostgreSQL (team mode).

`open_database(url)` checks that the database is an arbench database at the schema this
version knows, and refuses a newer one with a clear message. `upgrade(url)` runs the Alembic
migrations (backing a SQLite file up first).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    ArgumentError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from arbench import paths
from arbench.errors import Unreachable, stale_write

if TYPE_CHECKING:  # Alembic is imported only to migrate: opening a database stays fast
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class DatabaseError(Exception):
    """A database that cannot be used: unreachable, not arbench's, too new, or not set up."""


SUPPORTED_URLS = (
    "arbench works with a SQLite file (a path, or sqlite:///PATH) or PostgreSQL "
    "(postgresql://USER@HOST:PORT/DATABASE)"
)
_SQLITE_SCHEMES = ("sqlite", "sqlite+pysqlite")
_POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")


def resolve_url(db: str | None = None) -> str:
    """The database URL from --db, else ARBENCH_DB, else the embedded SQLite file.

    A bare file path is taken as a SQLite file; `postgresql://` URLs use psycopg 3. Any other
    scheme, or a URL whose parts cannot be read, is refused with one line naming what works.
    """
    raw = db or os.environ.get("ARBENCH_DB") or str(paths.default_db_path())
    if "://" not in raw:
        return f"sqlite:///{Path(raw).expanduser().resolve()}"
    scheme, rest = raw.split("://", 1)
    if scheme.lower() in _POSTGRES_SCHEMES:
        url = "postgresql+psycopg://" + rest
    elif scheme.lower() in _SQLITE_SCHEMES:
        url = raw
    else:
        raise DatabaseError(f"unsupported database URL '{_masked(raw)}': {SUPPORTED_URLS}")
    try:
        make_url(url).port  # noqa: B018  # reading the port is what fails on a bad host or port
    except (ArgumentError, ValueError):
        raise DatabaseError(
            f"malformed database URL '{_masked(raw)}': its host, port or database cannot be "
            f"read; {SUPPORTED_URLS}"
        ) from None
    return url


def _masked(raw: str) -> str:
    """A URL as typed, with any password replaced by ***, for an error message."""
    return re.sub(r"(://[^/@:]*:)[^@]*@", r"\1***@", raw, count=1)


def display_url(url: str) -> str:
    """The URL with any password hidden, safe to show and log."""
    shown = make_url(url).render_as_string(hide_password=True)
    return shown.replace("postgresql+psycopg://", "postgresql://", 1)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for the URL; SQLite files get WAL, foreign keys and a busy timeout."""
    sa_url = make_url(url)
    if sa_url.get_backend_name() == "sqlite":
        database = sa_url.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    engine = create_engine(url, **kwargs)
    if sa_url.username and sa_url.password is None:
        event.listen(engine, "do_connect", _password_from_keyring(sa_url))
    return engine


def _password_from_keyring(sa_url: Any) -> Any:
    """A do_connect hook that fetches the password from the keyring for each new connection."""
    from arbench.store import secrets

    key = secrets.service_key_for(sa_url)

    def do_connect(_dialect: Any, _record: Any, _cargs: Any, cparams: dict[str, Any]) -> None:
        password = secrets.get_password(key, sa_url.username)
        if password is not None:
            cparams["password"] = password

    return do_connect


def describe_error(exc: BaseException, url: str) -> str:
    """One line about a failed database operation, naming the cause and never a password."""
    sa_url = make_url(url)
    text = _first_line(exc)
    if sa_url.password:
        text = text.replace(str(sa_url.password), "***")
    where = display_url(url)
    user = sa_url.username or ""
    lowered = text.lower()
    if "password authentication failed" in lowered or "authentication failed" in lowered:
        return (
            f'authentication failed for user "{user}" on {where}: the server refused the password '
            "(store the right one with `arbench db password --db URL`)"
        )
    if "no password supplied" in lowered:
        from arbench.store import secrets

        return (
            f'the server {where} asks a password for user "{user}" and the keyring '
            f"({secrets.backend_name()}) holds none: store it with `arbench db password --db URL`"
        )
    return f"cannot reach the database {where}: {text}"


def _alembic_config(connection: Any = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


_REVISION = re.compile(r"^revision(?::[^=]*)?\s*=\s*[\"']([^\"']+)[\"']", re.MULTILINE)
_DOWN = re.compile(r"^down_revision(?::[^=]*)?\s*=\s*(None|[\"']([^\"']+)[\"'])", re.MULTILINE)


@cache
def _revision_graph() -> dict[str, str | None]:
    """revision -> down_revision, read from the migration files without importing Alembic.

    Falls back to Alembic's own reading for a file this simple scan does not understand.
    """
    graph: dict[str, str | None] = {}
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        if path.name == "__init__.py":
            continue
        source = path.read_text(encoding="utf-8")
        rev, down = _REVISION.search(source), _DOWN.search(source)
        if rev is None or down is None:
            from alembic.script import ScriptDirectory

            script = ScriptDirectory.from_config(_alembic_config())
            return {r.revision: r.down_revision for r in script.walk_revisions()}  # type: ignore[misc]
        graph[rev.group(1)] = down.group(2)
    return graph


def head_revision() -> str:
    """The newest schema revision this version of arbench knows."""
    graph = _revision_graph()
    heads = set(graph) - set(graph.values())
    assert len(heads) == 1, f"the migrations have {len(heads)} heads: {sorted(heads)}"
    return heads.pop()


def known_revisions() -> set[str]:
    return set(_revision_graph())


def current_revision(engine: Engine) -> str | None:
    """The schema revision stored in the database, or None for an empty or foreign one."""
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            revision = conn.scalar(text("SELECT version_num FROM alembic_version"))
            return str(revision) if revision is not None else None
    except SQLAlchemyError as exc:
        raise DatabaseError(describe_error(exc, _url_of(engine))) from None


def _url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


_UNREAD = object()


def check_schema(engine: Engine, revision: Any = _UNREAD) -> None:
    """Refuse a database that is not arbench's, is not set up, or is newer than this version.

    `revision`: the stored revision when the caller has just read it (saves a round trip)."""
    where = display_url(str(engine.url))
    if revision is _UNREAD:
        revision = current_revision(engine)
    if revision is None:
        try:
            tables = inspect(engine).get_table_names()
        except SQLAlchemyError as exc:
            raise DatabaseError(f"cannot read {where}: {_first_line(exc)}") from None
        if tables:
            raise DatabaseError(f"{where} is not an arbench database (it has other tables)")
        raise DatabaseError(
            f"{where} has no arbench schema yet: run `arbench db upgrade` or `arbench demo`"
        )
    if revision not in known_revisions():
        raise DatabaseError(
            f"{where} was written by a newer arbench (schema {revision}); "
            "install that version or newer to open it"
        )
    if revision != head_revision():
        raise DatabaseError(f"{where} has an older schema ({revision}): run `arbench db upgrade`")


def backup_sqlite_file(engine: Engine, suffix: str) -> Path | None:
    """Copy a SQLite database file beside itself before a risky change; returns the copy."""
    database = engine.url.database
    if engine.url.get_backend_name() != "sqlite" or not database or not Path(database).exists():
        return None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = Path(f"{database}.{suffix}-{stamp}.bak")
    with engine.connect() as conn:  # the online backup API copies a consistent snapshot
        raw = conn.connection.dbapi_connection
        import sqlite3

        with sqlite3.connect(target) as dest:
            raw.backup(dest)  # type: ignore[union-attr]
        dest.close()
    shutil.copymode(database, target)
    return target


def upgrade(engine: Engine) -> tuple[str | None, str, Path | None]:
    """Migrate the database to the newest schema; returns (from, to, backup file or None).

    A database already at the newest schema is left alone: Alembic is imported and run only
    when there is something to migrate (and a SQLite file is backed up first)."""
    before = current_revision(engine)
    head = head_revision()
    if before == head:
        return before, head, None
    if before is not None and before not in known_revisions():
        check_schema(engine)  # raises the "newer arbench" message
    if before is None:
        tables = inspect(engine).get_table_names()
        if tables:
            raise DatabaseError(
                f"{display_url(str(engine.url))} is not an arbench database (it has other tables)"
            )
    backup = None
    if before is not None:
        backup = backup_sqlite_file(engine, f"before-{head}")
    from alembic import command

    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "head")
    return before, head, backup


def sync_sequences(conn: Any) -> None:
    """After rows were written with explicit ids, move PostgreSQL's id sequences past them.

    Without this the next ordinary insert would reuse an id and fail (SQLite needs nothing).
    """
    if conn.dialect.name != "postgresql":
        return
    from sqlalchemy import text

    from arbench.store.models import Base

    for table in Base.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key and table.c.id.autoincrement:
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"
                )
            )


def _is_unique_violation(exc: IntegrityError) -> bool:
    text_ = str(exc.orig).lower()
    return "unique constraint" in text_ or "duplicate key" in text_


def _unique_table(exc: IntegrityError) -> str:
    """The table named by a unique violation (SQLite 'failed: accounts.number'; PostgreSQL
    'constraint "uq_accounts_number"'), else 'record'."""
    text_ = str(exc.orig)
    if "failed: " in text_:
        return text_.split("failed: ", 1)[1].split(".", 1)[0]
    found = re.search(r'constraint "(?:uq|ix|pk)_([a-z_]+?)_[a-z_]+"', text_)
    return found.group(1) if found else "record"


def job_lock_key(job: str) -> int:
    """A stable signed 64-bit key for PostgreSQL's advisory locks, from the job's name."""
    return int.from_bytes(
        hashlib.sha256(f"arbench:{job}".encode()).digest()[:8], "big", signed=True
    )


@dataclass
class Database:
    """An open arbench database: the engine and a session factory."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on error.

        A lost optimistic-lock race raises `errors.Conflict`, a dropped connection
        `errors.Unreachable` (both say that nothing was saved).
        """
        try:
            with self.sessions() as session, session.begin():
                yield session
        except StaleDataError as exc:  # the version column moved under us: nothing was saved
            raise stale_write(str(exc)) from None
        except IntegrityError as exc:  # a thing that may exist once was saved by someone else
            if not _is_unique_violation(exc):
                raise
            raise stale_write(f"table '{_unique_table(exc)}'") from None
        except (OperationalError, InterfaceError) as exc:  # server gone, network down, locked
            raise Unreachable(
                describe_error(exc, self.url) + "; nothing was saved, try again"
            ) from None

    @contextmanager
    def exclusive(self, job: str) -> Iterator[Session]:
        """A write transaction that runs alone among the transactions of the same `job`.

        What it reads stays true until it commits, so a job run twice at once is applied once:
        the second run waits, then reads what the first wrote. On SQLite the transaction takes
        the database's write lock at BEGIN (BEGIN IMMEDIATE; other writers wait up to the busy
        timeout); on PostgreSQL it holds a transaction-level advisory lock named after `job`
        (other jobs and item actions go on meanwhile).
        """
        with self.session() as session:
            connection = session.connection()
            if self.backend == "sqlite":
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": job_lock_key(job)}
                )
            yield session

    @property
    def backend(self) -> str:
        return self.engine.url.get_backend_name()

    def dispose(self) -> None:
        self.engine.dispose()

    def __repr__(self) -> str:  # never shows a password, even one given in the URL
        return f"Database({display_url(self.url)})"


def open_database(url: str | None = None, *, create: bool = False) -> Database:
    """Open (and with create=True, create or migrate) the arbench database at url."""
    resolved = resolve_url(url)
    sa_url = make_url(resolved)
    database = sa_url.database if sa_url.get_backend_name() == "sqlite" else None
    if not create and database not in (None, "", ":memory:") and not Path(str(database)).exists():
        raise DatabaseError(
            f"no arbench database at {sa_url.database}: run `arbench init` (your own book) or "
            "`arbench demo` first"
        )
    engine = make_engine(resolved)
    try:
        revision = current_revision(engine)  # one cheap read; Alembic only when behind
        if create and revision != head_revision():
            _before, revision, _backup = upgrade(engine)
        check_schema(engine, revision)
    except DatabaseError:
        engine.dispose()
        raise
    except SQLAlchemyError as exc:
        engine.dispose()
        raise DatabaseError(describe_error(exc, resolved)) from None
    sessions = sessionmaker(engine, expire_on_commit=False)
    if engine.url.get_backend_name() == "postgresql":
        from arbench.store import notify

        notify.install(sessions)  # other collectors' screens hear about each commit
    return Database(resolved, engine, sessions)
