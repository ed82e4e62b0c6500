"""Proactive exception notices from the pre-audit list: tell the customer before the invoice.

Under the pre-audit list, "Tell the customer…" is on for the findings that reach the customer
(an accessorial not requested on the BOL, a POD missing where required): the notice is filled
from its template (off the GUI thread), shown, and "Send" mails it through the team's outbox
(services/correspondence/notice_mail.py: the customer's reply becomes its answer) or "Save .eml and record"
writes the file the collector sends from their mail client; either keeps the notice on the
pro. "Customer answered…" keeps what the customer said (by phone) on the pro's latest notice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QWidget,
)

from arbench.domain.notices import reaches_customer
from arbench.output_files import written
from arbench.services.base import Actor, InvalidInput
from arbench.services.correspondence import notices as service
from arbench.services.correspondence.notice_mail import send_notice
from arbench.services.correspondence.notices import NoticeDraft, NoticeInfo
from arbench.store.db import Database
from arbench.ui.operations import OperationRunner


class NoticeDialog(QDialog):
    """The notice as it will go out: to, subject, body; sent (`how` 'smtp') or saved as .eml
    ('eml') and recorded."""

    def __init__(self, draft: NoticeDraft, parent: QWidget | None = None):
        super().__init__(parent)
        self.draft = draft
        self.setWindowTitle(f"Tell the customer: PRO {draft.pro}")
        self.setMinimumWidth(620)
        form = QFormLayout(self)
        self.to, self.subject = QLineEdit(draft.to), QLineEdit(draft.subject)
        self.body = QPlainTextEdit(draft.body)
        self.body.setMinimumHeight(260)
        for label, widget in (("To", self.to), ("Subject", self.subject), ("Message", self.body)):
            form.addRow(label, widget)
        self.how = "smtp"
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.send_button = buttons.addButton("Send", QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button = buttons.addButton("Save .eml and record",
                                             QDialogButtonBox.ButtonRole.AcceptRole)  # fmt: skip
        self.send_button.clicked.connect(lambda: self._accept_as("smtp"))
        self.save_button.clicked.connect(lambda: self._accept_as("eml"))
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _accept_as(self, how: str) -> None:
        self.how = how
        self.accept()

    def value(self) -> NoticeDraft:
        d = self.draft
        return NoticeDraft(d.pro, d.rule, self.to.text().strip(), self.subject.text().strip(),
                           self.body.toPlainText(), d.template, d.sender)  # fmt: skip


class AnswerNoticeDialog(QDialog):
    def __init__(self, notice: NoticeInfo, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Customer's answer: PRO {notice.pro}")
        form = QFormLayout(self)
        form.addRow(QLabel(f"Notice #{notice.id} sent {notice.sent_on}: {notice.subject}"))
        self.text = QPlainTextEdit(notice.answer or "")
        self.text.setFixedHeight(100)
        form.addRow("They answered", self.text)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class NoticeBar(QWidget):
    """The pre-audit list's notice buttons; `rows` gives the selected (pro, rule)."""

    def __init__(self, db: Database, actor: Actor, on: date, runner: OperationRunner,
                 view: QTableView, rows: Callable[[], list[tuple[str, str]]],
                 parent: QWidget | None = None):  # fmt: skip
        super().__init__(parent)
        self.db, self.actor, self.on, self.runner, self.view = db, actor, on, runner, view
        self.rows = rows
        self.dialog: QDialog | None = None
        self.tell_button = QPushButton("Tell the customer…")
        self.answer_button = QPushButton("Customer answered…")
        self.status = QLabel()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.tell_button, self.answer_button, self.status):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.tell_button.clicked.connect(self.tell)
        self.answer_button.clicked.connect(self.answer)
        self.update_buttons()

    def selected(self) -> tuple[str, str] | None:
        index = self.view.currentIndex()
        rows = self.rows()
        return rows[index.row()] if index.isValid() and index.row() < len(rows) else None

    def update_buttons(self) -> None:
        chosen = self.selected()
        self.tell_button.setEnabled(chosen is not None and reaches_customer(chosen[1]))
        self.answer_button.setEnabled(chosen is not None and reaches_customer(chosen[1]))

    def tell(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        db, actor, on = self.db, self.actor, self.on
        self.runner.read(lambda: service.compose_notice(db, actor, chosen[0], chosen[1], on),
                         self._compose)  # fmt: skip

    def _compose(self, draft: NoticeDraft) -> None:
        dialog = NoticeDialog(draft, self)
        dialog.accepted.connect(
            lambda: (
                self.send(dialog.value())
                if dialog.how == "smtp"
                else self._ask_file(dialog.value())
            )
        )
        self.dialog = dialog
        dialog.open()

    def _ask_file(self, draft: NoticeDraft) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Save the notice", f"notice-{draft.pro}.eml",
                                              "Email (*.eml)")  # fmt: skip
        if name:
            self.save(draft, name)

    def send(self, draft: NoticeDraft) -> None:
        """Mail the notice through the team's outbox and record it, off the GUI thread."""
        db, actor, on = self.db, self.actor, self.on
        self.runner.run(lambda: send_notice(db, actor, draft, on=on),
                        lambda info: self._said(f"Notice #{info.id} sent to {info.to}"),
                        self.runner.show_error)  # fmt: skip

    def save(self, draft: NoticeDraft, path: str) -> None:
        """Write the .eml and record the notice as sent, off the GUI thread."""
        db, actor, on = self.db, self.actor, self.on

        def work() -> NoticeInfo:
            with written(path) as partial:
                partial.write_bytes(service.notice_message(draft))
                return service.record_notice(db, actor, draft, "eml", on=on)

        self.runner.run(work, lambda info: self._said(f"Notice #{info.id} saved to "
                                                      f"{Path(path).name}: send it"),
                        self.runner.show_error)  # fmt: skip

    def answer(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        db = self.db
        self.runner.read(lambda: service.notices_for_pro(db, chosen[0]),
                         lambda found: self._answer(found, chosen[1]))  # fmt: skip

    def _answer(self, found: list[NoticeInfo], rule: str) -> None:
        sent = [n for n in found if n.rule == rule]
        if not sent:
            self.runner.show_error(InvalidInput("No notice was sent about this yet: tell the "
                                                "customer first."))  # fmt: skip
            return
        dialog = AnswerNoticeDialog(sent[-1], self)
        dialog.accepted.connect(lambda: self.record_answer(sent[-1].id, dialog.text.toPlainText()))
        self.dialog = dialog
        dialog.open()

    def record_answer(self, notice_id: int, text: str) -> None:
        db, actor, on = self.db, self.actor, self.on
        self.runner.run(lambda: service.record_notice_answer(db, actor, notice_id, text, on=on),
                        lambda info: self._said(f"Answer kept on notice #{info.id}"),
                        self.runner.show_error)  # fmt: skip

    def _said(self, text: str) -> None:
        self.status.setText(text)
