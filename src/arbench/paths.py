"""Where arbench keeps things: the user's data directory, the default database, shipped resources.

Data and settings live in the platform's user directories (platformdirs) both when frozen and
when run from source; `ARBENCH_DATA_DIR` overrides the data directory (tests, portable installs).
"""

from __future__ import annotations

import os
import sys
from importlib import resources as importlib_resources
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir

APP_NAME = "arbench"
ORG_NAME = "arbench"


def data_dir() -> Path:
    """The directory for the embedded database, backups and logs (created on first use)."""
    override = os.environ.get("ARBENCH_DATA_DIR")
    path = Path(override) if override else Path(user_data_dir(APP_NAME, ORG_NAME))
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    """The directory for the settings file (window geometry, last user, connection)."""
    override = os.environ.get("ARBENCH_CONFIG_DIR")
    path = Path(override) if override else Path(user_config_dir(APP_NAME, ORG_NAME))
    path.mkdir(parents=True, exist_ok=True)
    return path


def settings_file() -> Path:
    """The QSettings ini file (never holds a password: those live in the OS keyring)."""
    return config_dir() / "arbench.ini"


def default_db_path() -> Path:
    """The embedded SQLite database used when neither --db nor ARBENCH_DB says otherwise."""
    return data_dir() / "arbench.sqlite3"


def resources_dir() -> Path:
    """The shipped resources folder: the checkout's resources/, or the copy inside a wheel or bundle."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "arbench" / "_resources"
    try:
        return Path(str(importlib_resources.files("arbench._resources")))
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[2] / "resources"


def is_frozen() -> bool:
    """True when running from a PyInstaller bundle."""
    return bool(getattr(sys, "frozen", False))
