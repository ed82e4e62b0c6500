"""Shared fixtures: isolated data/config directories, a harmless keyring, demo databases.

Every test runs with ARBENCH_DATA_DIR and ARBENCH_CONFIG_DIR in its own temporary directory,
Qt offscreen, and a keyring in memory (tests/memory_keyring.py, also named for the arbench
processes tests start), so nothing touches the real user's files or keyring.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import keyring
import pytest

TESTS_DIR = Path(__file__).resolve().parent
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# arbench processes started by tests load the same in-memory keyring from tests/
os.environ["PYTHON_KEYRING_BACKEND"] = "memory_keyring.MemoryKeyring"
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(TESTS_DIR), os.environ.get("PYTHONPATH", "")) if p
)

from arbench.services.admin.demo import create_demo  # noqa: E402
from arbench.store.db import Database, open_database  # noqa: E402
from memory_keyring import MemoryKeyring  # noqa: E402

AS_OF = date(2026, 11, 24)
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(autouse=True)
def _isolated_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("ARBENCH_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("ARBENCH_CONFIG_DIR", str(base / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(base / "xdg-data"))
    monkeypatch.delenv("ARBENCH_DB", raising=False)


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """A fresh in-memory keyring for each test (no password outlives it, none is on disk)."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo book built once per session; tests get their own copy of the file."""
    path = tmp_path_factory.mktemp("template") / "demo.sqlite3"
    db = open_database(str(path), create=True)
    create_demo(db, accounts=120, pros=2400, seed=11, as_of=AS_OF)
    db.dispose()
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Iterator[Database]:
    """A writable copy of the small demo book (120 accounts, 2,400 pros, as of 2026-11-24)."""
    import shutil

    target = tmp_path / "demo.sqlite3"
    shutil.copy(demo_template, target)
    db = open_database(str(target))
    yield db
    db.dispose()


@pytest.fixture
def empty_db(tmp_path: Path) -> Iterator[Database]:
    """A new SQLite database with the arbench schema and no rows."""
    db = open_database(str(tmp_path / "empty.sqlite3"), create=True)
    yield db
    db.dispose()


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.exists():
        pytest.fail(f"shared test data not found at {SHARED_DATA}")
    return SHARED_DATA
