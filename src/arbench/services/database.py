"""The database as the GUI handles it: open a book, name it, back it up, restore it, and keep
a server's password in the OS keyring.

A small facade over `store.db`, `store.backup` and `store.secrets`, so the GUI imports no
store module but the `Database` handle type; every failure is a `ServiceError` whose one line
says what went wrong (never a password).
"""

from __future__ import annotations

from arbench.errors import ServiceError
from arbench.store import backup as store_backup
from arbench.store.db import Database, DatabaseError, display_url, open_database, resolve_url

PG_DUMP_HINT = store_backup.PG_DUMP_HINT
BackupResult = store_backup.BackupResult


class CannotOpen(ServiceError):
    """The database cannot be used: unreachable, not arbench's, too new, or not set up."""


class KeyringError(ServiceError):
    """The OS keyring refused to give or keep a password."""


def open_book(url: str | None, *, create: bool = False) -> Database:
    """Open the database at `url` (a SQLite path or a server URL; None: the default)."""
    try:
        return open_database(url, create=create)
    except DatabaseError as exc:
        raise CannotOpen(str(exc)) from None


def full_url(url: str | None) -> str:
    """The URL arbench will open for `url` (a bare path is a SQLite file)."""
    return resolve_url(url)


def shown_url(url: str) -> str:
    """The URL with any password hidden, for windows and messages (a bare path is a file)."""
    return display_url(url if "://" in url else f"sqlite:///{url}")


def keyring_backend() -> str:
    """The keyring backend's name; a broken keyring is described, never raised."""
    try:
        from arbench.store import secrets  # keyring loads on use, not on every start

        return secrets.backend_name()
    except Exception as exc:  # the About box and the dialog report a broken keyring
        return f"unavailable ({type(exc).__name__})"


def stored_password(url: str, user: str) -> bool:
    """Whether the keyring holds a password for `user` on the server at `url`."""
    from arbench.store import secrets

    try:
        return secrets.get_password(secrets.service_key_for(url), user) is not None
    except secrets.SecretStoreError as exc:
        raise KeyringError(str(exc)) from None


def store_password(url: str, user: str, password: str) -> None:
    """Keep `password` for `user` on the server at `url` in the OS keyring (nowhere else)."""
    from arbench.store import secrets

    try:
        secrets.store_password(secrets.service_key_for(url), user, password)
    except secrets.SecretStoreError as exc:
        raise KeyringError(str(exc)) from None


def server_url(host: str, port: int, database: str, user: str, sslmode: str) -> str:
    """A PostgreSQL URL without a password (it comes from the keyring when connecting)."""
    from sqlalchemy.engine import URL

    query = {"sslmode": sslmode} if sslmode and sslmode != "prefer" else {}
    url = URL.create("postgresql", user, None, host, port, database, query)
    return url.render_as_string(hide_password=False)
