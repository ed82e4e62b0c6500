"""The department window: what operations, pricing, billing, sales or claims staff see.

A department user who opens arbench gets their departments' queue, not a collector's
worklist: the requests routed to them (oldest due first, overdue ones marked), the item behind
the selected request, read only, with the question, who asked and when it is due, and the
documents already on it (its Documents tab: view and export), and two actions, Answer (with
Attach… for the documents the answer brings, ui/department_dialogs.py) and Hand back, run
through the window's operation runner. An answer or a hand-back lands on the item's timeline
and brings the item back to its collector; the request leaves the queue. Tools ▸ Root causes
shows the report of the user's departments.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from arbench.services.base import Actor
from arbench.services.op_changes import Changes
from arbench.services.organization import requests as request_service
from arbench.services.organization.departments import user_departments
from arbench.services.organization.requests import QueueRow
from arbench.services.work import item_detail as detail_service
from arbench.services.work import items as item_service
from arbench.services.work.item_detail import ItemDetail
from arbench.store.db import Database
from arbench.ui import screen
from arbench.ui.action_bar import make_action
from arbench.ui.department_dialogs import DepartmentWord, WordDialog
from arbench.ui.documents_panel import DocumentsPanel
from arbench.ui.item_panel import ItemPanel
from arbench.ui.operations import OperationRunner, Write
from arbench.ui.settings import UserSettings
from arbench.ui.supervisor.rows_model import ROW_ROLE, Col, RowsModel, make_table

__all__ = ["DepartmentWindow", "DepartmentWord", "WordDialog"]

COLUMNS: list[Col[QueueRow]] = [
    Col("Due", lambda r: r.due_on), Col("Days late", lambda r: r.overdue_days, right=True),
    Col("PRO", lambda r: r.pro or f"account {r.account_number}"),
    Col("Customer", lambda r: r.account_name), Col("Question", lambda r: r.question[:80]),
    Col("Asked by", lambda r: r.asked_by), Col("Asked on", lambda r: r.asked_on),
    Col("Department", lambda r: r.department), Col("Escalated to", lambda r: r.escalated_to),
]  # fmt: skip


class DepartmentWindow(QMainWindow):
    """One department user's window: their queue, the item, Answer and Hand back."""

    queue_loaded = Signal()

    def __init__(self, db: Database, actor: Actor, settings: UserSettings, on: date | None = None):
        super().__init__()
        self.db, self.actor, self.settings = db, actor, settings
        self.on = on or date.today()
        self.setWindowTitle(f"arbench — {actor.display_name} (department) — requests on {self.on}")
        self.runner = OperationRunner(self)
        self.rows: list[QueueRow] = []
        self.model: RowsModel[QueueRow] = RowsModel(COLUMNS)
        self.table = make_table(self.model)
        self.table.setObjectName("queue")
        self.department = QComboBox()
        self.department.addItem("All my departments", "")
        self.summary = QLabel()
        self.panel = ItemPanel()
        self.panel.add_header_note(self._request_note)
        self.documents = DocumentsPanel(db, actor, self.on, self.runner, editable=False)
        self.panel.add_tab(self.documents, "Documents")
        self.panel.detail_shown.connect(self._follow_documents)
        self.dialog: WordDialog | None = None
        self._build()
        login = actor.login
        self.runner.read(lambda: user_departments(db, login), self._departments)

    # ----- building ---------------------------------------------------------------------------
    def _build(self) -> None:
        left = QWidget()
        layout = QVBoxLayout(left)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Queue of"))
        bar.addWidget(self.department)
        bar.addStretch(1)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.panel)
        splitter.setSizes([760, 600])
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self.open_selected())
        self.department.currentIndexChanged.connect(lambda _i: self.reload())
        actions = self.panel.action_bar
        self.answer_action = actions.add("answer", make_action(
            self, "&Answer…", "Ctrl+Return", "Answer the request: the item goes back to its collector",
            self.answer), "Answer")  # fmt: skip
        self.hand_back_action = actions.add("hand_back", make_action(
            self, "&Hand back…", "Ctrl+B", "Hand the request back to the collector, with the reason",
            self.hand_back), "Hand back")  # fmt: skip
        self.runner.writing_changed.connect(lambda _w: self._update_actions())
        self.panel.detail_shown.connect(lambda _d: self._update_actions())
        self._menus()
        screen.fit(self, 1360, 800)
        self._update_actions()

    def _menus(self) -> None:
        file_menu: QMenu = self.menuBar().addMenu("&File")
        file_menu.addAction(
            make_action(self, "&Refresh queue", "F5", "Read the queue again", self.reload)
        )
        file_menu.addAction(make_action(self, "&Quit", "Ctrl+Q", "Quit arbench", self.close))
        request_menu = self.menuBar().addMenu("&Request")
        request_menu.addAction(self.answer_action)
        request_menu.addAction(self.hand_back_action)
        tools = self.menuBar().addMenu("&Tools")
        tools.addAction(make_action(self, "Root &causes…", "Ctrl+Shift+R",
                                    "What keeps breaking in your departments", self.open_rootcauses))  # fmt: skip

    def _departments(self, names: tuple[str, ...]) -> None:
        for name in names:
            self.department.addItem(name.capitalize(), name)
        self.reload()

    # ----- the queue --------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the queue again (off the GUI thread); `queue_loaded` when shown."""
        db, actor, on = self.db, self.actor, self.on
        department = str(self.department.currentData() or "") or None
        self.runner.read(lambda: request_service.department_queue(db, actor, department, on=on),
                         self._show, key="queue")  # fmt: skip

    def _show(self, rows: list[QueueRow]) -> None:
        shown = self.current()
        wanted = shown.id if shown else None
        self.rows = rows
        self.model.set_rows(rows)
        late = sum(1 for r in rows if r.overdue_days)
        self.summary.setText(f"{len(rows)} open request(s), {late} overdue")
        index = next((i for i, r in enumerate(rows) if r.id == wanted), 0 if rows else None)
        if index is None:
            self.panel.show_message("<b>No open requests.</b> Nothing waits on your departments.")
        else:
            self.table.selectRow(index)
            self.open_selected()
        self.queue_loaded.emit()

    def current(self) -> QueueRow | None:
        index = self.table.currentIndex()
        row = self.table.model().data(index, ROW_ROLE) if index.isValid() else None
        return row if isinstance(row, QueueRow) else None

    def select_request(self, request_id: int) -> None:
        for proxy_row in range(self.table.model().rowCount()):
            index = self.table.model().index(proxy_row, 0)
            row = self.table.model().data(index, ROW_ROLE)
            if row is not None and row.id == request_id:
                self.table.selectRow(proxy_row)
                return

    def open_selected(self) -> None:
        row = self.current()
        if row is None:
            return
        db, actor, issue_id = self.db, self.actor, row.issue_id
        self.runner.read(lambda: detail_service.item_detail(db, issue_id, actor=actor),
                         lambda d: self.panel.show_detail(d), key="detail")  # fmt: skip

    def _request_note(self, detail: ItemDetail) -> str | None:
        row = self.current()
        if row is None or row.issue_id != detail.id:
            return None
        late = f" — <b>{row.overdue_days} day(s) late</b>" if row.overdue_days else ""
        return (f"<b>Request #{row.id} to {escape(row.department)}</b> from "
                f"{escape(row.asked_by or '?')}, due {row.due_on}{late}: {escape(row.question)}")  # fmt: skip

    def _follow_documents(self, detail: ItemDetail | None) -> None:
        if detail is None:
            self.documents.show_target(None, None)
        else:
            self.documents.show_target(
                detail.pro.pro if detail.pro else None, detail.account.number
            )

    def _update_actions(self) -> None:
        row, detail = self.current(), self.panel.detail
        shown = row is not None and detail is not None and detail.id == row.issue_id
        self.panel.action_bar.update_state(shown, False, self.runner.writes > 0)

    # ----- answering ----------------------------------------------------------------------------
    def answer(self, value: DepartmentWord | None = None) -> None:
        self._word("Answer the request", "Answer", "Answer", value, self._answered, attach=True)

    def hand_back(self, value: DepartmentWord | None = None) -> None:
        self._word("Hand the request back", "Why", "Hand back", value, self._handed_back)

    def _word(self, title: str, label: str, ok: str, value: DepartmentWord | None,
              submit: Callable[[QueueRow, DepartmentWord], None], *, attach: bool = False) -> None:  # fmt: skip
        row = self.current()
        if row is None:
            return
        dialog = WordDialog(title, label, ok, self.panel.detail, row, self, attach=attach)
        if value:
            dialog.set_value(value)
        dialog.accepted.connect(lambda: submit(row, dialog.value()))
        self.dialog = dialog
        dialog.open()

    def _answered(self, row: QueueRow, word: DepartmentWord) -> None:
        db, actor, on = self.db, self.actor, self.on

        def work() -> Changes:
            return item_service.answer_request(db, actor, row.id, answer=word.text, on=on,
                                               attachments=word.files)  # fmt: skip

        self._write("Answering the request", work, lambda: self.answer(word))

    def _handed_back(self, row: QueueRow, word: DepartmentWord) -> None:
        db, actor, on = self.db, self.actor, self.on

        def work() -> Changes:
            return request_service.hand_back(db, actor, row.id, reason=word.text, on=on)

        self._write("Handing the request back", work, lambda: self.hand_back(word))

    def _write(self, label: str, work: Callable[[], Changes], retry: Callable[[], None]) -> None:
        self.dialog = None
        self.runner.write(Write(label, work, done=lambda _c: self.reload(), retry=retry))

    # ----- tools --------------------------------------------------------------------------------
    def open_rootcauses(self) -> QMainWindow:
        from arbench.ui.rootcause_view import RootCauseWindow

        window = RootCauseWindow(self.db, self.actor, self.on, self.runner, self)
        window.show()
        return window

    def closeEvent(self, event: QCloseEvent) -> None:
        self.runner.stop()
        super().closeEvent(event)
