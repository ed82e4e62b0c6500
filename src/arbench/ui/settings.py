"""The user's own settings (QSettings in an ini file in the platform's config directory).

Typed accessors in one place; no secrets here, ever (passwords live in the OS keyring).
`UserSettings(path)` keeps them in another file instead (an offscreen screenshot uses a
throwaway one, so it never changes what the user's next start looks like).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from arbench import paths


class UserSettings:
    def __init__(self, path: Path | None = None) -> None:
        file = path if path is not None else paths.settings_file()
        self.qsettings = QSettings(str(file), QSettings.Format.IniFormat)

    @property
    def last_user(self) -> str | None:
        value = self.qsettings.value("session/last_user")
        return str(value) if value else None

    @last_user.setter
    def last_user(self, login: str) -> None:
        self.qsettings.setValue("session/last_user", login)

    def geometry(self) -> QByteArray | None:
        value = self.qsettings.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    def save_geometry(self, geometry: QByteArray, state: QByteArray) -> None:
        self.qsettings.setValue("window/geometry", geometry)
        self.qsettings.setValue("window/state", state)

    def window_state(self) -> QByteArray | None:
        value = self.qsettings.value("window/state")
        return value if isinstance(value, QByteArray) else None

    # ----- lists: columns and saved views, per user and list ----------------------------------
    def header_state(self, login: str, key: str) -> QByteArray | None:
        """The columns a user chose for a list (shown, order, widths)."""
        value = self.qsettings.value(f"lists/{login}/{key}/header")
        return value if isinstance(value, QByteArray) else None

    def save_header_state(self, login: str, key: str, state: QByteArray) -> None:
        self.qsettings.setValue(f"lists/{login}/{key}/header", state)

    def saved_views(self, login: str, key: str) -> dict[str, dict[str, Any]]:
        """A user's saved views of a list: name -> search, filter, sort, columns."""
        raw = self.qsettings.value(f"lists/{login}/{key}/views")
        try:
            views = json.loads(str(raw)) if raw else {}
        except ValueError:
            return {}
        return views if isinstance(views, dict) else {}

    def save_views(self, login: str, key: str, views: dict[str, dict[str, Any]]) -> None:
        self.qsettings.setValue(f"lists/{login}/{key}/views", json.dumps(views))

    def sync(self) -> None:
        self.qsettings.sync()
