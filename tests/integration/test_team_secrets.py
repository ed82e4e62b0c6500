"""Team-mode secrets: the server password lives in the keyring and nowhere else arbench writes.

The keyring backend is keyrings.alt's PlaintextKeyring with its file in this test's own
XDG_DATA_HOME (set in tests/conftest.py); that file is the keyring's, and is left out of the
search of what arbench wrote.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from sqlalchemy.engine import make_url

from arbench.store import db as store_db
from arbench.store import secrets
from arbench.store.db import Database


def url_without_password(url: str) -> str:
    return make_url(url)._replace(password=None).render_as_string(hide_password=False)


def password_of(url: str) -> str:
    return str(make_url(url).password)


def arbench(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "arbench", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ.copy(),
    )


class BrokenKeyring(KeyringBackend):
    """A keyring whose daemon has gone away."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise RuntimeError("the Secret Service daemon is not running")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise RuntimeError("the collection is locked")

    def delete_password(self, service: str, username: str) -> None:
        raise RuntimeError("the collection is locked")


def files_written(*roots: Path, skip: Path) -> list[Path]:
    found = []
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file() and skip not in path.parents:
                found.append(path)
    return found


def test_password_round_trip_through_the_cli_and_nowhere_else(
    pg_demo_db: Database, tmp_path: Path
) -> None:
    url = url_without_password(pg_demo_db.url)
    secret = password_of(pg_demo_db.url)
    stored = arbench("--db", url, "db", "password", "--stdin", stdin=secret + "\n")
    assert stored.returncode == 0, stored.stderr
    assert "stored in the keyring (file PlaintextKeyring)" in stored.stdout
    assert "connected to postgresql://arbench@" in stored.stdout
    key = secrets.service_key_for(url)
    assert keyring.get_password(key, "arbench") == secret
    assert secrets.get_password(key, "arbench") == secret

    users = arbench("--db", url, "users", "--format", "json")
    assert users.returncode == 0, users.stderr
    assert '"login": "agarcia"' in users.stdout
    backup = arbench("--db", url, "db", "backup", str(tmp_path / "x.sqlite3"))
    assert backup.returncode == 2 and "pg_dump" in backup.stderr

    keyring_dir = Path(os.environ["XDG_DATA_HOME"])
    roots = [Path(os.environ["ARBENCH_DATA_DIR"]), Path(os.environ["ARBENCH_CONFIG_DIR"])]
    roots.append(tmp_path)
    for path in files_written(*roots, skip=keyring_dir):
        assert secret.encode() not in path.read_bytes(), f"the password is in {path}"
    for run in (stored, users, backup):
        assert secret not in run.stdout + run.stderr


def test_wrong_password_is_an_authentication_failure(pg_db: Database) -> None:
    url = url_without_password(pg_db.url)
    secrets.store_password(secrets.service_key_for(url), "arbench", "not-the-password")
    result = arbench("--db", url, "users")
    assert result.returncode == 2
    assert 'authentication failed for user "arbench"' in result.stderr
    assert "keyring" not in result.stderr.split("(store")[0]
    assert "not-the-password" not in result.stderr


def test_missing_password_says_the_keyring_holds_none(pg_db: Database) -> None:
    with pytest.raises(
        store_db.DatabaseError, match=r"keyring \(file PlaintextKeyring\) holds none"
    ):
        store_db.open_database(url_without_password(pg_db.url))


def test_keyring_failure_is_reported_as_such_never_as_a_wrong_password(
    pg_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = url_without_password(pg_db.url)
    previous = keyring.get_keyring()
    keyring.set_keyring(BrokenKeyring())
    try:
        with pytest.raises(secrets.SecretStoreError) as caught:
            store_db.open_database(url)
        message = str(caught.value)
        assert message.startswith("the keyring (")
        assert "daemon is not running" in message and "authentication" not in message
        with pytest.raises(secrets.SecretStoreError, match="failed to store the password"):
            secrets.store_password(secrets.service_key_for(url), "arbench", "pw")
    finally:
        keyring.set_keyring(previous)
    # Nothing fell back to a file: the harmless backend holds no password for this key.
    assert secrets.get_password(secrets.service_key_for(url), "arbench") is None


def test_db_password_refuses_a_password_on_the_command_line(pg_db: Database) -> None:
    result = arbench("--db", pg_db.url.replace("+psycopg", ""), "db", "password", "--stdin")
    assert result.returncode == 2
    assert "leave the password out of the --db URL" in result.stderr
    assert password_of(pg_db.url) not in result.stderr
    sqlite = arbench("--db", "/tmp/nowhere.sqlite3", "db", "password", "--stdin", stdin="x\n")
    assert sqlite.returncode == 2 and "a SQLite file has none" in sqlite.stderr


def test_errors_never_show_the_password(pg_server: str) -> None:
    bad = make_url(pg_server).set(database="no_such_db_here").render_as_string(hide_password=False)
    result = arbench("--db", bad, "users")
    assert result.returncode == 2
    assert password_of(pg_server) not in result.stderr
    assert "postgresql://arbench:***@" in result.stderr
