"""The user's own settings (QSettings in an ini file in the platform's config directory).

Typed accessors in one place; no secrets here, ever (passwords live in the OS keyring).
`UserSettings(path)` keeps them in another file instead (an offscreen screenshot uses a
throwaway one, so it never changes what the user's next start looks like).
"""

from __future__ import annotations

from pathlib import Path

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

    def sync(self) -> None:
        self.qsettings.sync()
