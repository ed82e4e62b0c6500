"""The Mail menu's windows: the inbox of unmatched replies (fetch, import .eml/.msg, put a reply
on an item), the day's reminder queue (approve in one click, or skip), and sending a statement
of chosen pros. Each takes the database, the acting user, the day and the window's operation
runner: reads and writes run off the GUI thread, and each write's change record (the items a
reply or a reminder landed on) is applied by the worklist controller, so the item panel and
the lists follow; none reaches into the main window.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

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
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from arbench.services.base import Actor, ServiceError
from arbench.services.correspondence import mail_in, reminder_approval, statements
from arbench.services.op_changes import Changes
from arbench.store.db import Database
from arbench.ui import screen
from arbench.ui.operations import OperationRunner, Write

T = TypeVar("T")


def _checked(widget: QListWidget) -> list[str]:
    """The data of the ticked rows, as text."""
    items = [widget.item(i) for i in range(widget.count())]
    return [str(i.data(Qt.ItemDataRole.UserRole)) for i in items
            if i.checkState() == Qt.CheckState.Checked]  # fmt: skip


def write_keeping(runner: OperationRunner, label: str, work: Callable[[], T],
                  changes: Callable[[T], Changes], done: Callable[[T], None],
                  retry: Callable[[], None] | None = None) -> None:  # fmt: skip
    """Run a write whose result says more than its change record: `done` gets the result."""
    kept: list[T] = []

    def run() -> Changes:
        kept.append(work())
        return changes(kept[0])

    runner.write(Write(label, run, lambda _changes: done(kept[0]), retry))


class InboxDialog(QDialog):
    """Replies that matched no item: read them, put one on an item, fetch or import more."""

    def __init__(self, db: Database, actor: Actor, on: date, runner: OperationRunner,
                 parent: QWidget | None = None):  # fmt: skip
        super().__init__(parent)
        self.db, self.actor, self.on, self.runner = db, actor, on, runner
        self.setWindowTitle("Mail inbox: replies waiting for an item")
        screen.fit(self, 720, 460)
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
        self.assign_button.setEnabled(False)
        self.reload()

    def reload(self) -> None:
        db = self.db
        self.runner.read(lambda: mail_in.inbox(db), self._show_messages, key="inbox")

    def _show_messages(self, messages: list[mail_in.InboxMessage]) -> None:
        self.messages = messages
        self.list.clear()
        for m in messages:
            self.list.addItem(f"{m.at:%Y-%m-%d %H:%M}  {m.sender}  —  {m.subject}")
        self.assign_button.setEnabled(bool(messages))
        if messages:
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
        db, actor, on = self.db, self.actor, self.on
        mail_id, issue_id = self.messages[row].id, self.item_id.value()

        def done(got: mail_in.Received) -> None:
            self.status.setText(f"'{got.subject}' is on item #{got.issue_id}")
            self.reload()

        write_keeping(self.runner, f"Putting the reply on item #{issue_id}",
                      lambda: mail_in.assign(db, actor, mail_id, issue_id, on=on),
                      lambda got: got.changes, done)  # fmt: skip

    def fetch(self) -> None:
        db, actor, on = self.db, self.actor, self.on
        write_keeping(self.runner, "Fetching mail", lambda: mail_in.fetch_mail(db, actor, on=on),
                      lambda report: report.changes, self._report)  # fmt: skip

    def choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Import replies", "", "Email (*.eml *.msg)")
        if names:
            self.import_files([Path(n) for n in names])

    def import_files(self, paths: list[Path]) -> None:
        db, actor, on = self.db, self.actor, self.on
        write_keeping(self.runner, "Filing replies",
                      lambda: mail_in.import_files(db, actor, paths, on=on),
                      lambda report: report.changes, self._report)  # fmt: skip

    def _report(self, report: mail_in.FetchReport) -> None:
        self.status.setText(f"{report.fetched} message(s): {len(report.matched)} on items, "
                            f"{len(report.inbox)} waiting here, {report.duplicates} already filed")  # fmt: skip
        self.reload()


class ReminderQueue(QWidget):
    """The day's reminders of the acting collector, ticked by default: "Send ticked" approves
    them in one click; "Skip ticked" leaves them unsent."""

    def __init__(self, db: Database, actor: Actor, on: date, runner: OperationRunner,
                 parent: QWidget | None = None):  # fmt: skip
        super().__init__(parent)
        self.db, self.actor, self.on, self.runner = db, actor, on, runner
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
        self.report: reminder_approval.SendReport | None = None  # the last send's
        self._enable(False)
        self.reload()

    def set_day(self, on: date) -> None:
        self.on = on
        self.reload()

    def reload(self) -> None:
        db, actor, on = self.db, self.actor, self.on
        self.runner.read(lambda: (on, reminder_approval.reminder_queue(db, actor, on)),
                         self._show, key="reminders")  # fmt: skip

    def _show(self, found: tuple[date, list[reminder_approval.ReminderInfo]]) -> None:
        on, queue = found
        self.list.clear()
        for r in queue:
            failed = f"  — NOT sent: {r.note}" if r.status == "failed" else ""
            item = QListWidgetItem(f"{r.account_name} ({r.account_number})  PRO {r.pro}  ${r.open_balance}  "
                                   f"{r.offset_days:+d} days: {r.template}{failed}")  # fmt: skip
            item.setData(Qt.ItemDataRole.UserRole, r.id)
            item.setCheckState(Qt.CheckState.Checked)
            self.list.addItem(item)
        self.header.setText(
            f"{len(queue)} reminder(s) to send on {on}" if queue else f"No reminders due on {on}"
        )
        self._enable(bool(queue))

    def _enable(self, on: bool) -> None:
        self.send_button.setEnabled(on)
        self.skip_button.setEnabled(on)

    def send(self) -> None:
        db, actor, on, ids = self.db, self.actor, self.on, [int(i) for i in _checked(self.list)]

        def done(report: reminder_approval.SendReport) -> None:
            self.report = report
            self.reload()
            if report.failed:
                self.runner.show_error(ServiceError(
                    "\n".join(f"reminder {i}: {why}" for i, why in report.failed)))  # fmt: skip

        self._enable(False)
        write_keeping(self.runner, f"Sending {len(ids)} reminder(s)",
                      lambda: reminder_approval.approve(db, actor, ids, on),
                      lambda report: report.changes, done, self.reload)  # fmt: skip

    def skip(self) -> None:
        db, actor, ids = self.db, self.actor, [int(i) for i in _checked(self.list)]

        def work() -> Changes:
            skipped = reminder_approval.skip(db, actor, ids)
            return Changes(notice=f"{skipped} reminder(s) left unsent")

        self._enable(False)
        self.runner.write(Write("Skipping reminders", work, lambda _c: self.reload(), self.reload))


class ReminderDialog(QDialog):
    """Mail ▸ Reminders: the day's queue in a window of its own."""

    def __init__(self, db: Database, actor: Actor, on: date, runner: OperationRunner,
                 parent: QWidget | None = None):  # fmt: skip
        super().__init__(parent)
        self.setWindowTitle(f"Reminders to send on {on}")
        screen.fit(self, 760, 420)
        self.queue = ReminderQueue(db, actor, on, runner, self)
        QVBoxLayout(self).addWidget(self.queue)


class StatementDialog(QDialog):
    """Send a statement of an account's chosen pros (those `wanted` ticked, or all) to its
    contact (or the address typed)."""

    def __init__(self, db: Database, actor: Actor, on: date, runner: OperationRunner,
                 account_number: str, pros: list[tuple[str, str]], issue_id: int | None = None,
                 wanted: set[str] | None = None, parent: QWidget | None = None):  # fmt: skip
        super().__init__(parent)
        self.db, self.actor, self.on, self.runner = db, actor, on, runner
        self.account_number, self.issue_id = account_number, issue_id
        self.setWindowTitle(f"Send a statement: account {account_number}")
        screen.fit(self, 560, 480)
        self.to = QLineEdit()
        self.to.setPlaceholderText("the account's contact")
        self.pros = QListWidget()
        for pro, label in pros:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, pro)
            ticked = not wanted or pro in wanted
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
            self.pros.addItem(item)
        form = QFormLayout(self)
        form.addRow("To", self.to)
        form.addRow("PROs", self.pros)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.send_button = buttons.addButton(
            "Send statement", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.send_button.clicked.connect(self.send)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.sent: statements.StatementSent | None = None

    def chosen(self) -> list[str]:
        return _checked(self.pros)

    def send(self) -> None:
        db, actor, on, number, issue_id = (
            self.db,
            self.actor,
            self.on,
            self.account_number,
            self.issue_id,
        )
        pros, to = self.chosen(), self.to.text().strip() or None

        def done(sent: statements.StatementSent) -> None:
            self.sent = sent
            self.accept()

        self.send_button.setEnabled(False)
        write_keeping(self.runner, f"Sending the statement of {number}",
                      lambda: statements.send_statement(db, actor, number, on, pros=pros, to=to,
                                                        issue_id=issue_id),
                      lambda sent: sent.changes, done,
                      lambda: self.send_button.setEnabled(True))  # fmt: skip
