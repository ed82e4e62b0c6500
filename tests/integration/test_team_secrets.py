"""Team-mode secrets: the server password lives in the keyring and nowhere else arbench writes.

The keyring is the tests' own MemoryKeyring (tests/memory_keyring.py): nothing it holds is
on disk, so every file under the test's home, data, config and XDG directories is searched for
the password. Plaintext and null backends are refused before a password is stored or read.
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
from memory_keyring import seeded_env


def url_without_password(url: str) -> str:
    return make_url(url)._replace(password=None).render_as_string(hide_password=False)


def password_of(url: str) -> str:
    return str(make_url(url).password)


def arbench(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "arbench", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env=env or os.environ.copy(),
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


def files_written(*roots: Path) -> list[Path]:
    return [path for root in roots if root.exists() for path in root.rglob("*") if path.is_file()]


def test_password_round_trip_through_the_cli_and_nowhere_else(
    pg_demo_db: Database, tmp_path: Path
) -> None:
    url = url_without_password(pg_demo_db.url)
    secret = password_of(pg_demo_db.url)
    home = tmp_path / "home"
    env = os.environ.copy()
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / ".local/share"),
               XDG_CONFIG_HOME=str(home / ".config"))  # fmt: skip
    stored = arbench("--db", url, "db", "password", "--stdin", stdin=secret + "\n", env=env)
    assert stored.returncode == 0, stored.stderr
    assert "stored in the keyring (test MemoryKeyring)" in stored.stdout
    assert "connected to postgresql://arbench@" in stored.stdout  # read back from the keyring
    key = secrets.service_key_for(url)

    env.update(seeded_env((key, "arbench", secret)))  # what that keyring now holds
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / ".local/share"))
    users = arbench("--db", url, "users", "--format", "json", env=env)
    assert users.returncode == 0, users.stderr
    assert '"login": "agarcia"' in users.stdout
    backup = arbench("--db", url, "db", "backup", str(tmp_path / "x.sqlite3"), env=env)
    assert backup.returncode == 2 and "pg_dump" in backup.stderr

    roots = [Path(os.environ["ARBENCH_DATA_DIR"]), Path(os.environ["ARBENCH_CONFIG_DIR"])]
    roots += [Path(os.environ["XDG_DATA_HOME"]), tmp_path]
    written = files_written(*roots)
    assert not [p for p in written if "python_keyring" in str(p)]
    for path in written:
        assert secret.encode() not in path.read_bytes(), f"the password is in {path}"
    for run in (stored, users, backup):
        assert secret not in run.stdout + run.stderr


def test_wrong_password_is_an_authentication_failure(pg_db: Database) -> None:
    url = url_without_password(pg_db.url)
    key = secrets.service_key_for(url)
    result = arbench("--db", url, "users", env=seeded_env((key, "arbench", "not-the-password")))
    assert result.returncode == 2
    assert 'authentication failed for user "arbench"' in result.stderr
    assert "keyring" not in result.stderr.split("(store")[0]
    assert "not-the-password" not in result.stderr


def test_missing_password_says_the_keyring_holds_none(pg_db: Database) -> None:
    with pytest.raises(store_db.DatabaseError, match=r"keyring \(test MemoryKeyring\) holds none"):
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
