"""The email compose dialog: a template filled with the item's data, with attachments (the
item's documents, an invoice copy, a statement), sent over the team's SMTP server ("Send"),
saved as an .eml with its attachments, or opened in the user's mail client (no attachments);
the email is on the item's timeline whichever way it goes.

The dialog reads and writes nothing itself: its owner fills it (`fill(templates, attachments)`)
and answers its `EmailActions` (compose a draft; log, send or save an email). The Script feature
runs them on the window's operation runner: a draft read arrives with `show_draft(draft)`, and a
write ends with `logged_ok(how)` when the email is recorded (the dialog closes) or
`log_failed()` when it was not (the buttons come back).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
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
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from arbench.services.correspondence import email as email_service
from arbench.services.correspondence.email import EmailDraft
from arbench.services.correspondence.mail_out import AttachmentChoice, ItemEmail
from arbench.ui import screen, theme


@dataclass(frozen=True)
class EmailActions:
    """What the dialog asks of its owner (the owner runs the writes through the runner)."""

    compose: Callable[[str], None]  # read a template's draft from the item; show_draft follows
    log: Callable[[EmailDraft, str], None]  # record an email sent through the mail client
    send: Callable[[ItemEmail], None]  # send over SMTP with the attachments, record it
    save: Callable[[ItemEmail, Path], None]  # write an .eml with the attachments, record it


class EmailDialog(QDialog):
    """Edit the draft and tick attachments, then "Send", "Open in mail client" or "Save .eml…";
    each records the email on the item."""

    logged = Signal(str)  # how it went out: "sent" | "sent via mail client" | "saved as <file>"

    def __init__(
        self,
        issue_id: int,
        actions: EmailActions,
        template: str | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.issue_id, self.calls, self.wanted = issue_id, actions, template
        self.draft: EmailDraft | None = None
        self.eml_name = "email.eml"
        self.setWindowTitle("Email from a template")
        screen.fit(self, 780, 600)
        self.template = QComboBox()
        self.to, self.subject = QLineEdit(), QLineEdit()
        self.body = QPlainTextEdit()
        self.body.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.body.setFont(QFont("monospace"))
        self.missing = QLabel()
        self.missing.setStyleSheet(f"color: {theme.colors().warn.name()}")
        self.missing.setWordWrap(True)
        self.attachments = QListWidget()
        self.attachments.setMaximumHeight(96)
        form = QFormLayout()
        form.addRow("Template", self.template)
        form.addRow("To", self.to)
        form.addRow("Subject", self.subject)
        form.addRow("Attach", self.attachments)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.missing)
        layout.addWidget(self.body)
        layout.addWidget(self._buttons())
        self._busy()  # until the draft is there
        self.template.currentIndexChanged.connect(lambda _: self.compose())

    def fill(self, templates: Sequence[tuple[str, str]],
             attachments: Sequence[AttachmentChoice]) -> None:  # fmt: skip
        """The templates (key, title) and what can be attached; then the wanted template's
        draft is asked for (a POD is ticked)."""
        self.template.blockSignals(True)
        for key, title in templates:
            self.template.addItem(f"{title} ({key})", key)
        if self.wanted is not None:
            self.template.setCurrentIndex(max(self.template.findData(self.wanted), 0))
        self.template.blockSignals(False)
        for choice in attachments:
            item = QListWidgetItem(choice.label)
            item.setData(Qt.ItemDataRole.UserRole, choice.key)
            pod = choice.label.startswith("Proof of delivery")
            item.setCheckState(Qt.CheckState.Checked if pod else Qt.CheckState.Unchecked)
            self.attachments.addItem(item)
        self.compose()

    def _buttons(self) -> QDialogButtonBox:
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.smtp_button = QPushButton("Send")
        self.smtp_button.setToolTip("Send now through the team's mail server, with the attachments")
        self.send_button = QPushButton("Open in mail client")
        self.send_button.setToolTip(
            "Opens your mail program with this email ready to send (no attachments)"
        )
        self.save_button = QPushButton("Save .eml…")
        self.save_button.setToolTip("Save the email with its attachments as a file your mail "
                                    "program opens")  # fmt: skip
        for button, slot in ((self.smtp_button, self.send_now), (self.send_button, self.send),
                             (self.save_button, self.save)):  # fmt: skip
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
            button.clicked.connect(slot)
        buttons.rejected.connect(self.reject)
        return buttons

    # ----- the draft ----------------------------------------------------------------------
    def compose(self) -> None:
        """Ask for the chosen template's draft (`show_draft` shows it)."""
        key = self.template.currentData()
        if key is not None:
            self._busy()
            self.calls.compose(str(key))

    def show_draft(self, draft: EmailDraft, eml_name: str = "email.eml") -> None:
        """The template filled from the item: what can be edited before it goes out (and the
        name an .eml of it gets: after the PRO or the account)."""
        self.draft, self.eml_name = draft, eml_name
        self._enable(True)
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

    def item_email(self) -> ItemEmail:
        draft = self.current_draft()
        return ItemEmail(self.issue_id, draft.to, draft.subject, draft.body, draft.template,
                         self.attachment_keys())  # fmt: skip

    # ----- how it goes out ------------------------------------------------------------------
    def send_now(self) -> None:
        """Send through the team's SMTP server; the sent copy lands on the timeline."""
        email = self.item_email()
        self._busy()
        self.calls.send(email)

    def send(self) -> None:
        """Open the user's mail client with the draft (no attachments); record it."""
        draft = self.current_draft()
        QDesktopServices.openUrl(
            QUrl(email_service.mailto_url(draft), QUrl.ParsingMode.TolerantMode)
        )
        self._busy()
        self.calls.log(draft, "sent via mail client")

    def save(self) -> None:
        """Save as an .eml (named after the PRO or account) with the ticked attachments."""
        email = self.item_email()
        name, _ = QFileDialog.getSaveFileName(self, "Save email", self.eml_name, "Email (*.eml)")
        if not name:
            return
        self._busy()
        self.calls.save(email, Path(name))

    def _busy(self) -> None:
        self._enable(False)

    def _enable(self, on: bool) -> None:
        for button in (self.smtp_button, self.send_button, self.save_button):
            button.setEnabled(on)

    def logged_ok(self, how: str) -> None:
        """The email is on the timeline: say so and close."""
        self.logged.emit(how)
        self.accept()

    def log_failed(self) -> None:
        """It did not go out, or was not recorded (the error was shown): the draft stays, the
        buttons come back."""
        self._enable(True)
