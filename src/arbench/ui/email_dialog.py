"""The email compose dialog: a template filled with the item's data, sent through the user's
mail client or saved as an .eml file, and logged on the item's timeline either way.

The dialog reads and writes nothing itself: `compose(template)` fills a draft, `log(draft,
how)` records it (the Script feature runs it through the window's operation runner and calls
`logged_ok(how)` when it is saved, which closes the dialog).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from arbench.services.base import ServiceError
from arbench.services.correspondence import email as email_service
from arbench.services.correspondence.email import EmailDraft
from arbench.ui import screen, theme


class EmailDialog(QDialog):
    """Edit the draft, then "Open in mail client" or "Save .eml…"; both log the email."""

    logged = Signal(str)  # how it went out: "sent via mail client" | "saved as <file>"

    def __init__(
        self,
        issue_id: int,
        templates: list[tuple[str, str]],  # (key, title)
        compose: Callable[[str], EmailDraft],
        log: Callable[[EmailDraft, str], None],
        template: str | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.issue_id, self._compose, self._log_draft = issue_id, compose, log
        self.draft: EmailDraft | None = None
        self.setWindowTitle("Email from a template")
        screen.fit(self, 780, 560)
        self.template = QComboBox()
        for key, title in templates:
            self.template.addItem(f"{title} ({key})", key)
        self.to, self.subject = QLineEdit(), QLineEdit()
        self.body = QPlainTextEdit()
        self.body.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.body.setFont(QFont("monospace"))
        self.missing = QLabel()
        self.missing.setStyleSheet(f"color: {theme.colors().warn.name()}")
        self.missing.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Template", self.template)
        form.addRow("To", self.to)
        form.addRow("Subject", self.subject)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.send_button = QPushButton("Open in mail client")
        self.send_button.setToolTip("Opens your mail program with this email ready to send")
        self.save_button = QPushButton("Save .eml…")
        self.save_button.setToolTip("Save the email as a file your mail program opens")
        buttons.addButton(self.send_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.send_button.clicked.connect(self.send)
        self.save_button.clicked.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.missing)
        layout.addWidget(self.body)
        layout.addWidget(buttons)
        if template is not None:
            self.template.setCurrentIndex(max(self.template.findData(template), 0))
        self.template.currentIndexChanged.connect(lambda _: self.compose())
        self.compose()

    def compose(self) -> None:
        key = self.template.currentData()
        if key is None:
            return
        try:
            self.draft = self._compose(str(key))
        except ServiceError as exc:
            QMessageBox.warning(self, "arbench", str(exc))
            return
        self.to.setText(self.draft.to)
        self.subject.setText(self.draft.subject)
        self.body.setPlainText(self.draft.body)
        self.missing.setText(
            "No value on this item for: "
            + ", ".join(self.draft.missing)
            + " — replace the [?] before sending."
            if self.draft.missing
            else ""
        )
        self.missing.setVisible(bool(self.draft.missing))

    def current_draft(self) -> EmailDraft:
        """The draft as edited in the dialog."""
        assert self.draft is not None
        return replace(
            self.draft,
            to=self.to.text().strip(),
            subject=self.subject.text(),
            body=self.body.toPlainText(),
        )

    def send(self) -> None:
        draft = self.current_draft()
        QDesktopServices.openUrl(
            QUrl(email_service.mailto_url(draft), QUrl.ParsingMode.TolerantMode)
        )
        self._log(draft, "sent via mail client")

    def save(self) -> None:
        draft = self.current_draft()
        name, _ = QFileDialog.getSaveFileName(
            self, "Save email", f"{draft.template}-{self.issue_id}.eml", "Email (*.eml)"
        )
        if not name:
            return
        path = email_service.write_eml(draft, Path(name))
        self._log(draft, f"saved as {path.name}")

    def _log(self, draft: EmailDraft, how: str) -> None:
        self.send_button.setEnabled(False)
        self.save_button.setEnabled(False)
        self._log_draft(draft, how)

    def logged_ok(self, how: str) -> None:
        """The email is on the timeline: say so and close."""
        self.logged.emit(how)
        self.accept()

    def log_failed(self) -> None:
        """Logging failed (the error was shown): the draft stays, the buttons come back."""
        self.send_button.setEnabled(True)
        self.save_button.setEnabled(True)
