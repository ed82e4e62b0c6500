"""Database passwords in the OS keyring, behind a small interface.

A PostgreSQL password is stored under a key derived from `user@host:port/database`, never in a
URL, QSettings, a config file, a log line or an exception message. When the keyring itself
fails (locked, no backend, D-Bus gone), the error says so and names the backend: arbench never
falls back to a plaintext file and never reports a keyring failure as a wrong password.

Backends that are no real secret store are refused at run time, before a password is stored
or read: keyrings.alt's file backends (PlaintextKeyring writes base64 to a file in the home
directory), keyring's `fail` and `null` backends, and a chainer that has only those, or that
would fall back to a plaintext one when the real keyring is locked.
"""

from __future__ import annotations

import keyring
from keyring.errors import PasswordDeleteError
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


HOW_TO_GET_ONE = (
    "use the operating system's keyring: on Linux install and unlock the Secret Service "
    "(gnome-keyring or KWallet, e.g. `apt install gnome-keyring`, then log in again); "
    "Windows Credential Manager and the macOS Keychain work as they are"
)
_PLAINTEXT_MODULES = ("keyrings.alt",)  # files in the home directory, readable by anyone with it
_NO_STORE_MODULES = ("keyring.backends.fail", "keyring.backends.null")


def _module(backend: object) -> str:
    return type(backend).__module__


def refusal(backend: object) -> str | None:
    """Why arbench will not keep a password in `backend`, or None for a real secret store."""
    from keyring.backends.chainer import ChainerBackend

    name = getattr(backend, "name", None) or type(backend).__name__
    if isinstance(backend, ChainerBackend):
        members = list(backend.backends)
        plain = [m for m in members if _module(m).startswith(_PLAINTEXT_MODULES)]
        real = [m for m in members if refusal(m) is None]
        if plain:
            return f"the keyring chain includes {_module(plain[0])}, a plaintext file"
        if not real:
            return "no real keyring backend is available on this system"
        return None
    if _module(backend).startswith(_PLAINTEXT_MODULES):
        return f"{name} ({_module(backend)}) keeps passwords in a plain file"
    if _module(backend).startswith(_NO_STORE_MODULES):
        return f"{name} stores nothing: no keyring backend is available on this system"
    return None


def _real_keyring() -> None:
    """Refuse plaintext and null backends in one line that says how to get a real keyring."""
    try:
        backend = keyring.get_keyring()
    except Exception as exc:  # keyring raises assorted errors while choosing a backend
        raise _fail("start", exc) from None
    why = refusal(backend)
    if why is not None:
        raise SecretStoreError(f"arbench will not keep passwords there: {why}; {HOW_TO_GET_ONE}")


def store_password(service_key: str, user: str, password: str) -> None:
    """Store the password for user under service_key in the keyring."""
    if not password:
        raise SecretStoreError("an empty password is not stored")
    _real_keyring()
    try:
        keyring.set_password(service_key, user, password)
    except Exception as exc:
        raise _fail("store the password", exc) from None


def get_password(service_key: str, user: str) -> str | None:
    """The stored password, or None when the keyring holds none for this key."""
    _real_keyring()
    try:
        return keyring.get_password(service_key, user)
    except Exception as exc:
        raise _fail("read the password", exc) from None


def delete_password(service_key: str, user: str) -> bool:
    """Forget the stored password; returns False when there was none."""
    _real_keyring()
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
