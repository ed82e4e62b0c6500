"""The connection dialog: the embedded SQLite file, or a shared PostgreSQL server.

The server's host, port, database, user and SSL mode are remembered in the settings file; the
password is stored in the OS keyring only (the dialog names the keyring backend and says
whether it already holds a password). A keyring failure is shown as such, and the password
field keeps what was typed so nothing has to be re-entered.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from arbench import paths
from arbench.services import database as book
from arbench.ui import theme

SSL_MODES = ("prefer", "require", "verify-ca", "verify-full", "disable")
KEYS = ("kind", "sqlite_path", "host", "port", "database", "user", "sslmode")


def remembered_url() -> str | None:
    """The database chosen last in the connection dialog (no password), if any."""
    value = QSettings(str(paths.settings_file()), QSettings.Format.IniFormat).value(
        "connection/url"
    )
    return str(value) if value else None


class ConnectionDialog(QDialog):
    """Choose the database; `url()` is the result, without any password."""

    def __init__(self, qsettings: QSettings, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Connect to database")
        self.qsettings = qsettings
        self.kind = QComboBox()
        self.kind.addItems(["SQLite file (one person)", "PostgreSQL server (team)"])
        self.pages = QStackedWidget()
        self.pages.addWidget(self._sqlite_page())
        self.pages.addWidget(self._server_page())
        self.kind.currentIndexChanged.connect(self.pages.setCurrentIndex)
        self.kind.currentIndexChanged.connect(lambda _: self._describe_password())
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {theme.colors().bad.name()}")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Connect")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.kind)
        layout.addWidget(self.pages)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._load()
        self.resize(520, 0)

    def _sqlite_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.sqlite_path = QLineEdit(str(paths.default_db_path()))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.sqlite_path)
        row.addWidget(browse)
        form.addRow("Database file:", row)
        return page

    def _server_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.host, self.database, self.user = QLineEdit(), QLineEdit("arbench"), QLineEdit()
        self.host.setPlaceholderText("ar-db.example.com")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(5432)
        self.sslmode = QComboBox()
        self.sslmode.addItems(SSL_MODES)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("leave empty to keep the stored password")
        self.keyring_note = QLabel()
        self.keyring_note.setWordWrap(True)
        for name, widget in (("Host:", self.host), ("Port:", self.port),
                             ("Database:", self.database), ("User:", self.user),
                             ("SSL mode:", self.sslmode), ("Password:", self.password)):  # fmt: skip
            form.addRow(name, widget)
        form.addRow("", self.keyring_note)
        for edit in (self.host, self.database, self.user):
            edit.editingFinished.connect(self._describe_password)
        return page

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "arbench database file", self.sqlite_path.text(), "arbench database (*.sqlite3)",
            options=QFileDialog.Option.DontConfirmOverwrite,
        )  # fmt: skip
        if path:
            self.sqlite_path.setText(path)

    # ----- settings (never the password) ------------------------------------------------------
    def _load(self) -> None:
        get = self.qsettings.value
        self.kind.setCurrentIndex(1 if get("connection/kind") == "postgresql" else 0)
        self.sqlite_path.setText(str(get("connection/sqlite_path") or self.sqlite_path.text()))
        self.host.setText(str(get("connection/host") or ""))
        self.port.setValue(int(str(get("connection/port") or 5432)))
        self.database.setText(str(get("connection/database") or "arbench"))
        self.user.setText(str(get("connection/user") or ""))
        mode = str(get("connection/sslmode") or "prefer")
        self.sslmode.setCurrentIndex(SSL_MODES.index(mode) if mode in SSL_MODES else 0)
        self._describe_password()

    def _save(self) -> None:
        server = self.kind.currentIndex() == 1
        values = {
            "kind": "postgresql" if server else "sqlite",
            "sqlite_path": self.sqlite_path.text().strip(),
            "host": self.host.text().strip(),
            "port": self.port.value(),
            "database": self.database.text().strip(),
            "user": self.user.text().strip(),
            "sslmode": self.sslmode.currentText(),
            "url": self.url(),
        }
        for key, value in values.items():
            self.qsettings.setValue(f"connection/{key}", value)
        self.qsettings.sync()

    # ----- password ----------------------------------------------------------------------------
    def _describe_password(self) -> None:
        backend = book.keyring_backend()
        if not (self.host.text().strip() and self.user.text().strip()):
            self.keyring_note.setText(f"The password is kept in the OS keyring ({backend}).")
            return
        try:
            stored = book.stored_password(self.url(), self.user.text())
        except book.KeyringError as exc:
            self.keyring_note.setText(str(exc))
            return
        state = "holds a password" if stored else "holds no password yet"
        self.keyring_note.setText(f"The OS keyring ({backend}) {state} for this user and server.")

    def url(self) -> str:
        """The chosen database: a SQLite file path or a PostgreSQL URL with no password."""
        if self.kind.currentIndex() == 0:
            return self.sqlite_path.text().strip()
        return book.server_url(self.host.text().strip(), self.port.value(),
                          self.database.text().strip(), self.user.text().strip(),
                          self.sslmode.currentText())  # fmt: skip

    def _problem(self) -> str | None:
        if self.kind.currentIndex() == 0:
            return None if self.sqlite_path.text().strip() else "Choose a database file."
        for name, edit in (("host", self.host), ("database", self.database), ("user", self.user)):
            if not edit.text().strip():
                return f"Enter the server's {name}."
        return None

    def accept(self) -> None:
        problem = self._problem()
        if problem:
            self.error.setText(problem)
            return
        if self.kind.currentIndex() == 1 and self.password.text():
            try:
                book.store_password(self.url(), self.user.text().strip(), self.password.text())
            except book.KeyringError as exc:
                self.error.setText(f"{exc}. The password was not saved anywhere else.")
                return  # the dialog stays open with everything the user typed
            self.password.clear()
        self._save()
        super().accept()
