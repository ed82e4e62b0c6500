"""The supervisor's "Approvals and script progress" window (Tools menu, supervisors only):
pending trainee resolutions and write-offs to approve or return, and every started script's
progress by collector."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from arbench.services import approvals as approval_service
from arbench.services import scripts as script_service
from arbench.services.approvals import ApprovalInfo
from arbench.services.base import Actor, ServiceError
from arbench.store.db import Database

if TYPE_CHECKING:
    from arbench.ui.main_window import MainWindow

APPROVAL_COLUMNS = ("Requested", "By", "Kind", "PRO", "Customer", "Issue type", "Open amount",
                    "Resolution", "Root cause fixed")  # fmt: skip
PROGRESS_COLUMNS = ("Owner", "Role", "Item", "PRO", "Customer", "Issue type", "Status",
                    "Script version", "Steps done", "Required missing", "Last step")  # fmt: skip


def _table(columns: tuple[str, ...]) -> tuple[QTableView, QStandardItemModel]:
    model = QStandardItemModel()
    model.setHorizontalHeaderLabels(list(columns))
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setStretchLastSection(True)
    return view, model


def _row(cells: list[object]) -> list[QStandardItem]:
    items = []
    for cell in cells:
        item = QStandardItem("" if cell is None else str(cell))
        item.setEditable(False)
        items.append(item)
    return items


class SupervisorDialog(QDialog):
    decided = Signal(int)  # issue id approved or returned

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.pending: list[ApprovalInfo] = []
        self.setWindowTitle("Approvals and script progress")
        self.resize(1100, 560)
        self.approvals, self.approval_model = _table(APPROVAL_COLUMNS)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Reason (required to return; optional to approve)")
        self.approve_button = QPushButton("Approve")
        self.reject_button = QPushButton("Return to collector")
        self.approve_button.clicked.connect(self.approve)
        self.reject_button.clicked.connect(self.reject)
        actions = QHBoxLayout()
        actions.addWidget(self.reason, 1)
        actions.addWidget(self.approve_button)
        actions.addWidget(self.reject_button)
        first = QWidget()
        box = QVBoxLayout(first)
        self.summary = QLabel()
        box.addWidget(self.summary)
        box.addWidget(self.approvals)
        box.addLayout(actions)
        self.progress, self.progress_model = _table(PROGRESS_COLUMNS)
        self.tabs = QTabWidget()
        self.tabs.addTab(first, "Approvals")
        self.tabs.addTab(self.progress, "Script progress")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self.refresh()

    def refresh(self) -> None:
        self.pending = approval_service.pending(self.db, self.actor)
        self.approval_model.removeRows(0, self.approval_model.rowCount())
        for a in self.pending:
            fixed = {True: "yes", False: "no", None: ""}[a.root_cause_fixed]
            amount = f"{a.amount:,.2f}" if a.amount is not None else ""
            self.approval_model.appendRow(_row([
                f"{a.requested_at:%Y-%m-%d %H:%M}", a.requested_by, a.kind.replace("_", "-"), a.pro,
                a.account_name, a.type_name, amount, a.resolution_name, fixed,
            ]))  # fmt: skip
        self.summary.setText(f"{len(self.pending)} resolution(s) waiting for your approval")
        if self.pending:
            self.approvals.selectRow(0)
        self.progress_model.removeRows(0, self.progress_model.rowCount())
        for p in script_service.progress_for_team(self.db):
            last = f"{p.last_step_at:%Y-%m-%d %H:%M}" if p.last_step_at else ""
            self.progress_model.appendRow(_row([
                p.owner, p.owner_role, f"#{p.issue_id}", p.pro, p.account_name, p.type_name,
                p.status.replace("_", " "), p.version, f"{p.done} / {p.total}", p.required_missing, last,
            ]))  # fmt: skip
        for view in (self.approvals, self.progress):
            view.resizeColumnsToContents()

    def selected(self) -> ApprovalInfo | None:
        rows = self.approvals.selectionModel().selectedRows()
        return self.pending[rows[0].row()] if rows else None

    def approve(self) -> None:
        self._decide(
            lambda a: approval_service.approve(self.db, self.actor, a.id, self.reason.text())
        )

    def reject(self) -> None:
        self._decide(
            lambda a: approval_service.reject(self.db, self.actor, a.id, self.reason.text())
        )

    def _decide(self, call: Callable[[ApprovalInfo], object]) -> None:
        approval = self.selected()
        if approval is None:
            return
        try:
            call(approval)
        except ServiceError as exc:
            QMessageBox.warning(self, "arbench", str(exc))
            return
        self.reason.clear()
        self.refresh()
        self.decided.emit(approval.issue_id)


def install(window: MainWindow) -> None:
    if not window.actor.is_supervisor:
        return

    def open_dialog() -> None:
        dialog = getattr(window, "supervisor_dialog", None)
        if dialog is None:
            dialog = SupervisorDialog(window.db, window.actor, window)
            dialog.decided.connect(lambda _id: window.reload())
            window.supervisor_dialog = dialog  # type: ignore[attr-defined]
        dialog.refresh()
        dialog.show()
        dialog.raise_()

    window.tools_menu.addAction(window._action(
        "&Approvals and script progress…", None, open_dialog,
        "Trainee resolutions and write-offs waiting for you; every item's script progress",
    ))  # fmt: skip
