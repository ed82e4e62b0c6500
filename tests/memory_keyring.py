"""The keyring the tests use: passwords in this process's memory, never in a file.

conftest.py installs a fresh `MemoryKeyring` for each test (keyring.set_keyring) and names it in
PYTHON_KEYRING_BACKEND for the arbench processes the tests start (tests/ is on their
PYTHONPATH). A child process starts with the secrets given in ARBENCH_TEST_KEYRING (JSON, see
`seeded_env`), since nothing it stores outlives it.
"""

from __future__ import annotations

import json
import os

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

SEED_ENV = "ARBENCH_TEST_KEYRING"


class MemoryKeyring(KeyringBackend):
    """Passwords in a dict: {(service, user): password}."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        seed = json.loads(os.environ.get(SEED_ENV, "[]"))
        self.secrets: dict[tuple[str, str], str] = {(s, u): p for s, u, p in seed}

    @property
    def name(self) -> str:  # type: ignore[override]
        return "test MemoryKeyring"

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.secrets.pop((service, username), None) is None:
            raise PasswordDeleteError("no such password")


def seeded_env(*entries: tuple[str, str, str]) -> dict[str, str]:
    """os.environ plus the (service, user, password) entries a child's keyring starts with."""
    env = os.environ.copy()
    env[SEED_ENV] = json.dumps([list(e) for e in entries])
    return env
