"""The email compose dialog: a template filled with the item's data, with attachments (the
item's documents, an invoice copy, a statement), sent over the team's SMTP server, or saved as
an .eml file with its attachments, or opened in the user's mail client (no attachments); the
email is recorded on the item's timeline whichever way it goes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from arbench.services import email as email_service
from arbench.services import mail_out
from arbench.services.base import Actor, ServiceError
from arbench.services.email import EmailDraft
from arbench.store.db import Database


class EmailDialog(QDialog):
    """Edit the draft, then "Open in mail client" or "Save .eml…"; both log the email."""

    logged = Signal(str)  # how it went out: "sent" | "sent via mail client" | "saved as <file>"

    def __init__(
        self,
        db: Database,
        actor: Actor,
        issue_id: int,
        templates: list[tuple[str, str]],  # (key, title)
        template: str | None = None,
        parent: QWidget | None = None,
        on: date | None = None,
    ):
        super().__init__(parent)
        self.db, self.actor, self.issue_id = db, actor, issue_id
        self.on = on or date.today()
        self.draft: EmailDraft | None = None
        self.setWindowTitle("Email from a template")
        self.resize(780, 560)
        self.template = QComboBox()
        for key, title in templates:
            self.template.addItem(f"{title} ({key})", key)
        self.to, self.subject = QLineEdit(), QLineEdit()
        self.body = QPlainTextEdit()
        self.body.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.body.setFont(QFont("monospace"))
        self.missing = QLabel()
        self.missing.setStyleSheet("color: #8a6d00")
        self.missing.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Template", self.template)
        form.addRow("To", self.to)
        form.addRow("Subject", self.subject)
        self.attachments = QListWidget()
        self.attachments.setMaximumHeight(96)
        self._fill_attachments()
        form.addRow("Attach", self.attachments)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.smtp_button = QPushButton("Send")
        self.smtp_button.setToolTip("Send now through the team's mail server, with the attachments")
        buttons.addButton(self.smtp_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.smtp_button.clicked.connect(self.send_now)
        self.send_button = QPushButton("Open in mail client")
        self.send_button.setToolTip(
            "Opens your mail program with this email ready to send (no attachments)"
        )
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

    def _fill_attachments(self) -> None:
        try:
            choices = mail_out.attachment_choices(self.db, self.issue_id)
        except ServiceError:
            choices = []
        for choice in choices:
            item = QListWidgetItem(choice.label)
            item.setData(Qt.ItemDataRole.UserRole, choice.key)
            pod = choice.label.startswith("Proof of delivery")
            item.setCheckState(Qt.CheckState.Checked if pod else Qt.CheckState.Unchecked)
            self.attachments.addItem(item)

    def attachment_keys(self) -> tuple[str, ...]:
        """The attachments ticked, as mail_out keys ("doc:12", "invoice", "statement")."""
        items = [self.attachments.item(i) for i in range(self.attachments.count())]
        return tuple(str(i.data(Qt.ItemDataRole.UserRole)) for i in items
                     if i.checkState() == Qt.CheckState.Checked)  # fmt: skip

    def check_attachment(self, key: str, checked: bool = True) -> None:
        for i in range(self.attachments.count()):
            item = self.attachments.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == key:
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def item_email(self) -> mail_out.ItemEmail:
        draft = self.current_draft()
        return mail_out.ItemEmail(self.issue_id, draft.to, draft.subject, draft.body, draft.template,
                                  self.attachment_keys())  # fmt: skip

    def send_now(self) -> None:
        """Send through the team's SMTP server; the sent copy lands on the timeline."""
        try:
            sent = mail_out.send_item_email(self.db, self.actor, self.item_email(), self.on)
        except ServiceError as exc:
            QMessageBox.warning(self, "arbench", str(exc))
            return
        self.logged.emit(sent.how)
        self.accept()

    def compose(self) -> None:
        key = self.template.currentData()
        if key is None:
            return
        try:
            self.draft = email_service.compose(self.db, self.actor, self.issue_id, key, self.on)
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
        """Save as an .eml (named after the PRO or account) with the ticked attachments."""
        try:
            suggested = mail_out.suggested_eml_name(
                self.db, self.issue_id, self.current_draft().template
            )
        except ServiceError as exc:
            QMessageBox.warning(self, "arbench", str(exc))
            return
        name, _ = QFileDialog.getSaveFileName(self, "Save email", suggested, "Email (*.eml)")
        if not name:
            return
        try:
            sent = mail_out.save_item_eml(self.db, self.actor, self.item_email(), Path(name).parent,
                                          self.on, file_name=Path(name).name)  # fmt: skip
        except ServiceError as exc:
            QMessageBox.warning(self, "arbench", str(exc))
            return
        self.logged.emit(sent.how)
        self.accept()

    def _log(self, draft: EmailDraft, how: str) -> None:
        try:
            email_service.log_email(self.db, self.actor, self.issue_id, draft, how)
        except ServiceError as exc:
            QMessageBox.warning(self, "arbench", str(exc))
            return
        self.logged.emit(how)
        self.accept()
