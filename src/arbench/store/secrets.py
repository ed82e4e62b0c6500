"""Database passwords in the OS keyring, behind a small interface.

A PostgreSQL password is stored under a key derived from `user@host:port/database`, never in a
URL, QSettings, a config file, a log line or an exception message. When the keyring itself
fails (locked, no backend, D-Bus gone), the error says so and names the backend: arbench never
falls back to a plaintext file and never reports a keyring failure as a wrong password.
"""

from __future__ import annotations

import keyring
from keyring.errors import KeyringError, PasswordDeleteError
from sqlalchemy.engine import URL, make_url

from arbench.store.db import DatabaseError

SERVICE_PREFIX = "arbench"


class SecretStoreError(DatabaseError):
    """The OS keyring could not store or read a secret (not a wrong password)."""


def backend_name() -> str:
    """A human name for the keyring backend in use, e.g. 'SecretService Keyring'."""
    try:
        backend = keyring.get_keyring()
    except Exception as exc:  # keyring raises assorted errors while choosing a backend
        return f"unavailable ({type(exc).__name__})"
    name = getattr(backend, "name", None) or type(backend).__name__
    return str(name)


def _fail(action: str, exc: BaseException) -> SecretStoreError:
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return SecretStoreError(f"the keyring ({backend_name()}) failed to {action}: {detail}")


def _is_fail_backend() -> bool:
    return type(keyring.get_keyring()).__module__.startswith("keyring.backends.fail")


def store_password(service_key: str, user: str, password: str) -> None:
    """Store the password for user under service_key in the keyring."""
    if not password:
        raise SecretStoreError("an empty password is not stored")
    try:
        if _is_fail_backend():
            raise KeyringError("no keyring backend is available on this system")
        keyring.set_password(service_key, user, password)
    except Exception as exc:
        raise _fail("store the password", exc) from None


def get_password(service_key: str, user: str) -> str | None:
    """The stored password, or None when the keyring holds none for this key."""
    try:
        if _is_fail_backend():
            raise KeyringError("no keyring backend is available on this system")
        return keyring.get_password(service_key, user)
    except Exception as exc:
        raise _fail("read the password", exc) from None


def delete_password(service_key: str, user: str) -> bool:
    """Forget the stored password; returns False when there was none."""
    try:
        keyring.delete_password(service_key, user)
    except PasswordDeleteError:
        return False
    except Exception as exc:
        raise _fail("delete the password", exc) from None
    return True


def service_key_for(url: str | URL) -> str:
    """The keyring key of a server URL: 'arbench:user@host:port/database' (no password)."""
    u = make_url(url) if isinstance(url, str) else url
    port = u.port or 5432
    return f"{SERVICE_PREFIX}:{u.username or ''}@{u.host or 'localhost'}:{port}/{u.database or ''}"
