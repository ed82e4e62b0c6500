"""Helpers the sub-commands share: opening the database, parsing dates, the acting user."""

from __future__ import annotations

import argparse
from datetime import date

from arbench.services.base import Actor
from arbench.services.identity import sign_in
from arbench.store.db import Database, open_database


class CliError(Exception):
    """A usage error found after parsing (bad date, missing --as ...)."""


def parse_date(text: str | None, option: str) -> date | None:
    """A YYYY-MM-DD date from an option, with a clear error naming the option."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CliError(f"{option} must be a date as YYYY-MM-DD, not '{text}'") from None


def open_db(args: argparse.Namespace) -> Database:
    """The book named by --db, opened once per command; `main` closes it when the command ends
    (the one place a command's database is disposed of)."""
    db = getattr(args, "_book", None)
    if db is None:
        db = open_database(args.db)
        args._book = db
    return db


def close_db(args: argparse.Namespace) -> None:
    """Dispose of the command's database, if it opened one."""
    db = getattr(args, "_book", None)
    if db is not None:
        args._book = None
        db.dispose()


def viewer(args: argparse.Namespace, db: Database) -> Actor | None:
    """Who reads, when known (the team database's login, or --as): department staff are
    refused the AR team's lists by the services."""
    return sign_in(db, args.as_login, getattr(args, "act_for", None))


def acting_user(args: argparse.Namespace, db: Database, command: str) -> Actor:
    """The user who acts: the team database's login, else --as; commands that change things
    need one (nothing runs as an implicit supervisor; a nightly job names its service user)."""
    actor = sign_in(db, args.as_login, getattr(args, "act_for", None))
    if actor is None:
        raise CliError(f"`{command}` needs --as LOGIN (the user who acts)")
    return actor
