"""`arbench db password | backup | restore`: team-mode secrets and SQLite backups.

`db password` stores a PostgreSQL password in the OS keyring; it is read from a prompt (or from
stdin with --stdin), never from the command line, where process lists would show it. Backup and
restore are supervisor work (`--as SUPERVISOR`), audited by services/admin/backups.py; a restore
checks the backup's schema and every page before anything is replaced.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from arbench.cli.common import CliError, acting_user, open_db
from arbench.store import backup as store_backup
from arbench.store import db as store_db


def register_db(db_sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add password, backup and restore to the `db` command group."""
    p = db_sub.add_parser(
        "password", help="store the PostgreSQL password of --db in the OS keyring"
    )
    p.add_argument("--stdin", action="store_true", help="read the password from standard input")
    p.add_argument("--no-check", action="store_true", help="do not try to connect afterwards")
    p.set_defaults(func=cmd_db_password)

    p = db_sub.add_parser(
        "grant", help="give a PostgreSQL login what the app needs (the database owner runs it)"
    )
    p.add_argument("login", metavar="LOGIN")
    p.set_defaults(func=cmd_db_grant)

    p = db_sub.add_parser(
        "backup", help="copy the SQLite database to FILE (online backup; supervisors)"
    )
    p.add_argument("file", metavar="FILE", type=Path)
    p.add_argument("--overwrite", action="store_true", help="replace FILE when it exists")
    p.set_defaults(func=cmd_db_backup)

    p = db_sub.add_parser(
        "restore",
        help="replace the SQLite database with the backup FILE, checked first (current one kept; "
        "supervisors)",
    )
    p.add_argument("file", metavar="FILE", type=Path)
    p.set_defaults(func=cmd_db_restore)


def cmd_db_grant(args: argparse.Namespace) -> int:
    from arbench.services.admin.grants import grant_login

    db = open_db(args)
    result = grant_login(db, args.login)
    rights = ("reads the book; writes only answers, hand-backs and onboarding tasks"
              if result.role == "department" else "tables the app needs; audit insert-only")  # fmt: skip
    print(f"{result.login} may now use arbench on {store_db.display_url(db.url)} as a "
          f"{result.role} ({rights})")  # fmt: skip
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 0


def server_url(db: str | None) -> str:
    """The --db URL of a PostgreSQL server with a user and no password, or a clear error."""
    url = store_db.resolve_url(db)
    sa_url = make_url(url)
    if sa_url.get_backend_name() != "postgresql":
        raise CliError("`db password` is for a PostgreSQL --db URL; a SQLite file has none")
    if sa_url.password is not None:
        raise CliError(
            "leave the password out of the --db URL; it is asked for and kept in the keyring"
        )
    if not sa_url.username:
        raise CliError("the --db URL needs a user: postgresql://USER@HOST:PORT/DATABASE")
    return url


def _read_password(use_stdin: bool, prompt: str) -> str:
    if use_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        if not sys.stdin.isatty():
            raise CliError("no terminal to ask the password on: pass --stdin and pipe it in")
        password = getpass.getpass(prompt)
    if not password:
        raise CliError("no password given; nothing stored")
    return password


def cmd_db_password(args: argparse.Namespace) -> int:
    from arbench.store import secrets  # keyring loads only for the commands that use it

    url = server_url(args.db)
    sa_url = make_url(url)
    key = secrets.service_key_for(sa_url)
    password = _read_password(args.stdin, f"Password for {sa_url.username}@{sa_url.host}: ")
    secrets.store_password(key, str(sa_url.username), password)
    del password
    print(f"password for {key.split(':', 1)[1]} stored in the keyring ({secrets.backend_name()})")
    if args.no_check:
        return 0
    engine = store_db.make_engine(url)
    try:
        revision = store_db.current_revision(engine)
    finally:
        engine.dispose()
    state = f"schema {revision}" if revision else "no arbench schema yet: run `arbench db upgrade`"
    print(f"connected to {store_db.display_url(url)} ({state})")
    return 0


def cmd_db_backup(args: argparse.Namespace) -> int:
    from arbench.services.admin.backups import back_up

    url = store_db.resolve_url(args.db)
    if make_url(url).get_backend_name() != "sqlite":
        raise CliError(store_backup.PG_DUMP_HINT)
    db = open_db(args)
    result = back_up(db, acting_user(args, db, "db backup"), args.file, overwrite=args.overwrite)
    print(
        f"backup of {store_db.display_url(url)} written to {result.file} (schema {result.schema})"
    )
    return 0


def cmd_db_restore(args: argparse.Namespace) -> int:
    from arbench.services.admin.backups import restore

    url = store_db.resolve_url(args.db)
    if make_url(url).get_backend_name() != "sqlite":
        raise CliError(store_backup.PG_DUMP_HINT)
    db = open_db(args)
    result = restore(db, acting_user(args, db, "db restore"), args.file)
    print(f"{store_db.display_url(url)} restored from {args.file} (schema {result.schema})")
    if result.safety_copy:
        print(f"the database as it was before the restore: {result.safety_copy}")
    if result.migrated_from:
        print(f"the backup had the older schema {result.migrated_from} and was upgraded")
    return 0
