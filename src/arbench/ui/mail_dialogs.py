"""Mail windows that stand on their own: the inbox of unmatched replies (fetch, import .eml/.msg,
put a reply on an item), the day's reminder queue (approve in one click, or skip), and sending a
statement of chosen pros. Each takes the database, the acting user, the day and a callback for
"items changed (ids)"; none reaches into the main window.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from arbench.services import mail_in, reminder_approval, statements
from arbench.services.base import Actor, ServiceError
from arbench.store.db import Database

Changed = Callable[[list[int]], None]


def _checked_ids(widget: QListWidget, only_checked: bool = True) -> list[int]:
    items = [widget.item(i) for i in range(widget.count())]
    return [int(i.data(Qt.ItemDataRole.UserRole)) for i in items
            if not only_checked or i.checkState() == Qt.CheckState.Checked]  # fmt: skip


class InboxDialog(QDialog):
    """Replies that matched no item: read them, put one on an item, fetch or import more."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        changed: Changed | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.db, self.actor, self.changed = db, actor, changed
        self.setWindowTitle("Mail inbox: replies waiting for an item")
        self.resize(720, 460)
        self.list = QListWidget()
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        self.preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.item_id = QSpinBox()
        self.item_id.setRange(1, 2_000_000_000)
        self.assign_button = QPushButton("Put on item")
        self.fetch_button = QPushButton("Fetch now")
        self.import_button = QPushButton("Import .eml/.msg…")
        self.status = QLabel()
        row = QHBoxLayout()
        for w in (QLabel("Item #"), self.item_id, self.assign_button):
            row.addWidget(w)
        row.addStretch(1)
        row.addWidget(self.fetch_button)
        row.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.preview)
        layout.addLayout(row)
        layout.addWidget(self.status)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.list.currentRowChanged.connect(self._show)
        self.assign_button.clicked.connect(self.assign)
        self.fetch_button.clicked.connect(self.fetch)
        self.import_button.clicked.connect(self.choose_files)
        self.messages: list[mail_in.InboxMessage] = []
        self.reload()

    def reload(self) -> None:
        self.messages = mail_in.inbox(self.db)
        self.list.clear()
        for m in self.messages:
            self.list.addItem(f"{m.at:%Y-%m-%d %H:%M}  {m.sender}  —  {m.subject}")
        self.assign_button.setEnabled(bool(self.messages))
        if self.messages:
            self.list.setCurrentRow(0)
        else:
            self.preview.setText("No replies are waiting.")

    def _show(self, row: int) -> None:
        if 0 <= row < len(self.messages):
            m = self.messages[row]
            names = f"\nAttached: {', '.join(m.attachments)}" if m.attachments else ""
            hint = f"\nPROs named: {', '.join(m.candidates)}" if m.candidates else ""
            self.preview.setText(f"{m.excerpt}{names}{hint}")

    def assign(self) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self.messages):
            return
        try:
            got = mail_in.assign(self.db, self.actor, self.messages[row].id, self.item_id.value())
        except ServiceError as exc:
            QMessageBox.warning(self, "arbench", str(exc))
            return
        self.status.setText(f"'{got.subject}' is on item #{got.issue_id}")
        self._changed([got.issue_id] if got.issue_id else [])
        self.reload()

    def fetch(self) -> mail_in.FetchReport | None:
        try:
            report = mail_in.fetch_mail(self.db, self.actor)
        except ServiceError as exc:
            QMessageBox.warning(self, "arbench", str(exc))
            return None
        self._report(report)
        return report

    def choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Import replies", "", "Email (*.eml *.msg)")
        if names:
            self.import_files([Path(n) for n in names])

    def import_files(self, paths: list[Path]) -> mail_in.FetchReport | None:
        try:
            report = mail_in.import_files(self.db, self.actor, paths)
        except ServiceError as exc:
            QMessageBox.warning(self, "arbench", str(exc))
            return None
        self._report(report)
        return report

    def _report(self, report: mail_in.FetchReport) -> None:
        self.status.setText(f"{report.fetched} message(s): {len(report.matched)} on items, "
                            f"{len(report.inbox)} waiting here, {report.duplicates} already filed")  # fmt: skip
        self._changed([r.issue_id for r in report.matched if r.issue_id])
        self.reload()

    def _changed(self, ids: list[int]) -> None:
        if ids and self.changed is not None:
            self.changed(ids)


class ReminderQueue(QWidget):
    """The day's reminders of the acting collector, ticked by default: "Send ticked" approves
    them in one click; "Skip ticked" leaves them unsent."""

    def __init__(self, db: Database, actor: Actor, on: date, changed: Changed | None = None,
                 parent: QWidget | None = None):  # fmt: skip
        super().__init__(parent)
        self.db, self.actor, self.on, self.changed = db, actor, on, changed
        self.header = QLabel()
        self.list = QListWidget()
        self.send_button = QPushButton("Send ticked")
        self.skip_button = QPushButton("Skip ticked")
        self.send_button.clicked.connect(self.send)
        self.skip_button.clicked.connect(self.skip)
        row = QHBoxLayout()
        row.addWidget(self.send_button)
        row.addWidget(self.skip_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.list, 1)
        layout.addLayout(row)
        self.issue_of: dict[int, int | None] = {}
        self.reload()

    def set_day(self, on: date) -> None:
        self.on = on
        self.reload()

    def reload(self) -> None:
        queue = reminder_approval.reminder_queue(self.db, self.actor, self.on)
        self.issue_of = {r.id: r.issue_id for r in queue}
        self.list.clear()
        for r in queue:
            failed = f"  — NOT sent: {r.note}" if r.status == "failed" else ""
            item = QListWidgetItem(f"{r.account_name} ({r.account_number})  PRO {r.pro}  ${r.open_balance}  "
                                   f"{r.offset_days:+d} days: {r.template}{failed}")  # fmt: skip
            item.setData(Qt.ItemDataRole.UserRole, r.id)
            item.setCheckState(Qt.CheckState.Checked)
            self.list.addItem(item)
        self.header.setText(
            f"{len(queue)} reminder(s) to send on {self.on}"
            if queue
            else f"No reminders due on {self.on}"
        )
        self.send_button.setEnabled(bool(queue))
        self.skip_button.setEnabled(bool(queue))

    def send(self) -> reminder_approval.SendReport:
        ids = _checked_ids(self.list)
        report = reminder_approval.approve(self.db, self.actor, ids, self.on)
        if report.failed:
            QMessageBox.warning(
                self, "arbench", "\n".join(f"reminder {i}: {why}" for i, why in report.failed)
            )
        self._done(report.sent)
        return report

    def skip(self) -> None:
        ids = _checked_ids(self.list)
        try:
            reminder_approval.skip(self.db, self.actor, ids)
        except ServiceError as exc:
            QMessageBox.warning(self, "arbench", str(exc))
        self._done([])

    def _done(self, sent: list[int]) -> None:
        touched = [i for i in (self.issue_of.get(r) for r in sent) if i]
        self.reload()
        if touched and self.changed is not None:
            self.changed(touched)


class StatementDialog(QDialog):
    """Send a statement of an account's chosen pros (all ticked by default) to its contact."""

    def __init__(self, db: Database, actor: Actor, account_number: str, on: date,
                 pros: list[tuple[str, str]], issue_id: int | None = None,
                 changed: Changed | None = None, parent: QWidget | None = None):  # fmt: skip
        super().__init__(parent)
        self.db, self.actor, self.account_number, self.on = db, actor, account_number, on
        self.issue_id, self.changed = issue_id, changed
        self.setWindowTitle(f"Send a statement: account {account_number}")
        self.to = QLineEdit()
        self.to.setPlaceholderText("the account's contact")
        self.pros = QListWidget()
        for pro, label in pros:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, pro)
            item.setCheckState(Qt.CheckState.Checked)
            self.pros.addItem(item)
        form = QFormLayout(self)
        form.addRow("To", self.to)
        form.addRow("PROs", self.pros)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.send_button = buttons.addButton(
            "Send statement", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.send_button.clicked.connect(self.send)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.sent: statements.StatementSent | None = None

    def chosen(self) -> list[str]:
        items = [self.pros.item(i) for i in range(self.pros.count())]
        return [
            str(i.data(Qt.ItemDataRole.UserRole))
            for i in items
            if i.checkState() == Qt.CheckState.Checked
        ]

    def send(self) -> None:
        try:
            self.sent = statements.send_statement(self.db, self.actor, self.account_number, self.on,
                                                  pros=self.chosen(), to=self.to.text().strip() or None,
                                                  issue_id=self.issue_id)  # fmt: skip
        except ServiceError as exc:
            QMessageBox.warning(self, "arbench", str(exc))
            return
        if self.issue_id is not None and self.changed is not None:
            self.changed([self.issue_id])
        self.accept()
