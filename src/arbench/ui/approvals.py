"""The supervisor's "Approvals and script progress" window (Tools menu, supervisors only):
pending trainee resolutions and write-offs to approve or return, and every started script's
progress by collector. Reads and decisions run through the window's operation runner; a
decision's change record reaches every open list (the item leaves or comes back)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from arbench.services.base import Actor
from arbench.services.op_changes import Changes
from arbench.services.work import approvals as approval_service
from arbench.services.work import scripts as script_service
from arbench.services.work.approvals import ApprovalInfo
from arbench.services.work.scripts import ScriptProgress
from arbench.store.db import Database
from arbench.ui import screen
from arbench.ui.action_bar import make_action
from arbench.ui.context import Section, WindowContext
from arbench.ui.operations import OperationRunner, Write

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
    loaded = Signal()

    def __init__(self, db: Database, actor: Actor, runner: OperationRunner,
                 parent: QWidget | None = None):  # fmt: skip
        super().__init__(parent)
        self.db, self.actor, self.runner = db, actor, runner
        self.pending: list[ApprovalInfo] = []
        self.setWindowTitle("Approvals and script progress")
        screen.fit(self, 1100, 560)
        self.approvals, self.approval_model = _table(APPROVAL_COLUMNS)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Reason (required to return; optional to approve)")
        self.approve_button = QPushButton("Approve")
        self.reject_button = QPushButton("Return to collector")
        self.approve_button.clicked.connect(self.approve)
        self.reject_button.clicked.connect(self.return_to_collector)
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
        """Read the pending approvals and the script progress (off the GUI thread)."""
        db, actor = self.db, self.actor
        self.runner.read(lambda: (approval_service.pending(db, actor), script_service.progress_for_team(db)),
                         lambda found: self._show(*found), key="approvals")  # fmt: skip

    def _show(self, pending: list[ApprovalInfo], progress: list[ScriptProgress]) -> None:
        self.pending = pending
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
        for p in progress:
            last = f"{p.last_step_at:%Y-%m-%d %H:%M}" if p.last_step_at else ""
            self.progress_model.appendRow(_row([
                p.owner, p.owner_role, f"#{p.issue_id}", p.pro, p.account_name, p.type_name,
                p.status.replace("_", " "), p.version, f"{p.done} / {p.total}", p.required_missing, last,
            ]))  # fmt: skip
        for view in (self.approvals, self.progress):
            view.resizeColumnsToContents()
        self.loaded.emit()

    def selected(self) -> ApprovalInfo | None:
        rows = self.approvals.selectionModel().selectedRows()
        return self.pending[rows[0].row()] if rows else None

    def approve(self) -> None:
        db, actor = self.db, self.actor
        self._decide(lambda a, reason: approval_service.approve(db, actor, a.id, reason))

    def return_to_collector(self) -> None:
        """Reject with the reason (not QDialog.reject: Escape only closes the window)."""
        db, actor = self.db, self.actor
        self._decide(lambda a, reason: approval_service.reject(db, actor, a.id, reason))

    def _decide(self, call: Callable[[ApprovalInfo, str], Changes]) -> None:
        approval, reason = self.selected(), self.reason.text()
        if approval is None:
            return

        def done(_changes: Changes) -> None:
            self.reason.clear()
            self.refresh()
            self.decided.emit(approval.issue_id)

        self.runner.write(
            Write("Recording the decision", lambda: call(approval, reason), done=done)
        )


class ApprovalsFeature:
    """Tools ▸ Approvals and script progress (supervisors)."""

    def __init__(self, ctx: WindowContext):
        self.ctx = ctx
        self.dialog: SupervisorDialog | None = None
        ctx.menus.add(Section.TOOLS, make_action(
            ctx.window, "&Approvals and script progress…", None,
            "Trainee resolutions and write-offs waiting for you; every item's script progress",
            self.open,
        ))  # fmt: skip

    def open(self) -> SupervisorDialog:
        if self.dialog is None:
            ctx = self.ctx
            self.dialog = SupervisorDialog(ctx.db, ctx.actor, ctx.runner, ctx.window)
        self.dialog.refresh()
        self.dialog.show()
        self.dialog.raise_()
        return self.dialog


def install(ctx: WindowContext) -> ApprovalsFeature | None:
    return ApprovalsFeature(ctx) if ctx.actor.is_supervisor else None
