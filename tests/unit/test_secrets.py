"""Plaintext and null keyrings are refused before any password is stored or read.

keyrings.alt's PlaintextKeyring kept `db password`'s secret base64 in
~/.local/share/python_keyring/keyring_pass.cfg. arbench now refuses such backends in one line
that says how to get a real keyring, and no file under the user's home ever holds the secret.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail, null
from keyring.backends.chainer import ChainerBackend

from arbench.store import secrets
from memory_keyring import MemoryKeyring

KEY = "arbench:agarcia@ar-db.example.com:5432/arbench"
URL = "postgresql://agarcia@127.0.0.1:1/arbench"  # nothing listens: --no-check never connects


class FakePlaintext(KeyringBackend):
    """Stands for keyrings.alt.file.PlaintextKeyring (not installed): a file in the home dir."""

    priority = 1  # type: ignore[assignment]
    written: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.written.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.written[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.written.pop((service, username), None)


FakePlaintext.__module__ = "keyrings.alt.file"


@pytest.mark.parametrize("backend", [FakePlaintext(), null.Keyring(), fail.Keyring()])
def test_no_real_keyring_is_refused_in_one_line(backend: KeyringBackend) -> None:
    keyring.set_keyring(backend)
    for call in (
        lambda: secrets.store_password(KEY, "agarcia", "s3cret-pw"),
        lambda: secrets.get_password(KEY, "agarcia"),
    ):
        with pytest.raises(secrets.SecretStoreError) as caught:
            call()
        message = str(caught.value)
        assert "\n" not in message
        assert message.startswith("arbench will not keep passwords there: ")
        assert "Secret Service" in message and "Credential Manager" in message
        assert "s3cret-pw" not in message
    assert FakePlaintext.written == {}


def test_a_chain_that_would_fall_back_to_a_plaintext_file_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ChainerBackend, "backends", [MemoryKeyring(), FakePlaintext()])
    assert "plaintext file" in (secrets.refusal(ChainerBackend()) or "")
    monkeypatch.setattr(ChainerBackend, "backends", [null.Keyring()])
    assert "no real keyring" in (secrets.refusal(ChainerBackend()) or "")
    monkeypatch.setattr(ChainerBackend, "backends", [MemoryKeyring(), null.Keyring()])
    assert secrets.refusal(ChainerBackend()) is None


def test_a_real_keyring_keeps_the_password(memory_keyring: MemoryKeyring) -> None:
    secrets.store_password(KEY, "agarcia", "s3cret-pw")
    assert memory_keyring.secrets == {(KEY, "agarcia"): "s3cret-pw"}
    assert secrets.get_password(KEY, "agarcia") == "s3cret-pw"


def db_password(home: Path, backend: str) -> subprocess.CompletedProcess[str]:
    env = os.environ.copy()
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / ".local" / "share"),
               XDG_CONFIG_HOME=str(home / ".config"), PYTHON_KEYRING_BACKEND=backend)  # fmt: skip
    return subprocess.run(
        [sys.executable, "-m", "arbench", "--db", URL, "db", "password", "--stdin", "--no-check"],
        input="s3cret-pw\n", capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip


def test_db_password_never_writes_a_plaintext_file(tmp_path: Path) -> None:
    home = tmp_path / "home"
    refused = db_password(home, "keyring.backends.null.Keyring")
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1 and "will not keep passwords there" in refused.stderr
    stored = db_password(home, "memory_keyring.MemoryKeyring")
    assert stored.returncode == 0, stored.stderr
    assert "stored in the keyring (test MemoryKeyring)" in stored.stdout
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert not [p for p in files if "python_keyring" in p.parts or p.suffix == ".cfg"]
    for path in files:
        assert b"s3cret-pw" not in path.read_bytes(), path
