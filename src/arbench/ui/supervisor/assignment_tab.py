"""Assignment tab: every account with its collector and load; multi-select and assign, pick
accounts by rule, and a rebalance preview (each book before and after) to apply."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from arbench.services.base import Actor, InvalidInput, ServiceError
from arbench.services.organization import assignments as assign_service
from arbench.services.organization.assignments import AccountRule, RebalancePlan
from arbench.services.reporting.book_stats import AccountLoad
from arbench.store.db import Database
from arbench.ui.supervisor.handover_dialog import LOAD_COLUMNS
from arbench.ui.supervisor.rows_model import Col, RowsModel, make_table, money, selected_rows
from arbench.ui.tasks import TaskRunner

COLUMNS: list[Col[AccountLoad]] = [
    Col("Account", lambda a: a.number),
    Col("Customer", lambda a: a.name.lower(), lambda a: a.name),
    Col("Region", lambda a: a.region or ""),
    Col("Collector", lambda a: a.collector or ""),
    Col("Open items", lambda a: a.open_items, right=True),
    Col("Open balance", lambda a: a.open_balance, lambda a: money(a.open_balance), right=True),
    Col("Follow-ups due", lambda a: a.due_follow_ups, right=True),
]


class AssignmentTab(QWidget):
    changed = Signal()
    loaded = Signal()

    def __init__(self, db: Database, actor: Actor, on: date, runner: TaskRunner, on_error: Any):
        super().__init__()
        self.db, self.actor, self.on, self.runner, self.on_error = db, actor, on, runner, on_error
        self.plan: RebalancePlan | None = None
        self.model: RowsModel[AccountLoad] = RowsModel(COLUMNS)
        self.table = make_table(self.model, multi=True)
        self.collector = QComboBox()
        self.assign_button = QPushButton("Assign selected to")
        self.rule_fields = {k: QLineEdit() for k in ("from", "to", "region", "min", "max")}
        self.rule_button = QPushButton("Show accounts the rule picks")
        self.rule_assign_button = QPushButton("Assign all the rule picks")
        self.preview_button = QPushButton("Rebalance preview")
        self.apply_button = QPushButton("Apply rebalance")
        self.apply_button.setEnabled(False)
        self.status = QLabel()
        self.loads: RowsModel[Any] = RowsModel(LOAD_COLUMNS)
        self._layout()
        self.assign_button.clicked.connect(self.assign_selected)
        self.rule_button.clicked.connect(lambda: self.reload(self._rule()))
        self.rule_assign_button.clicked.connect(self.assign_rule)
        self.preview_button.clicked.connect(self.preview)
        self.apply_button.clicked.connect(self.apply)

    def _layout(self) -> None:
        rule = QGroupBox("Assign by rule")
        row = QHBoxLayout(rule)
        for key, hint in (("from", "number from"), ("to", "number to"), ("region", "region"),
                          ("min", "balance from"), ("max", "balance to")):  # fmt: skip
            self.rule_fields[key].setPlaceholderText(hint)
            row.addWidget(self.rule_fields[key])
        row.addWidget(self.rule_button)
        row.addWidget(self.rule_assign_button)
        bar = QHBoxLayout()
        bar.addWidget(self.assign_button)
        bar.addWidget(self.collector)
        bar.addStretch(1)
        bar.addWidget(self.preview_button)
        bar.addWidget(self.apply_button)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.addWidget(QLabel("Rebalance: each book before → after"))
        lower_layout.addWidget(make_table(self.loads))
        split = QSplitter()
        split.setOrientation(split.orientation().Vertical)
        split.addWidget(self.table)
        split.addWidget(lower)
        layout = QVBoxLayout(self)
        layout.addWidget(rule)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addWidget(split, 1)

    def set_collectors(self, logins: list[str]) -> None:
        current = self.collector.currentText()
        self.collector.clear()
        self.collector.addItems(logins)
        if current in logins:
            self.collector.setCurrentText(current)

    def _rule(self) -> AccountRule | None:
        f = {k: w.text().strip() or None for k, w in self.rule_fields.items()}
        try:
            low = Decimal(f["min"]) if f["min"] else None
            high = Decimal(f["max"]) if f["max"] else None
        except InvalidOperation:
            self.on_error(InvalidInput("balance bounds must be amounts such as 2500.00"))
            return None
        return AccountRule(f["from"], f["to"], f["region"], low, high)

    def reload(self, rule: AccountRule | None = None) -> None:
        db, on = self.db, self.on
        self.status.setText("Loading accounts…")
        self.runner.run(
            lambda: assign_service.accounts(db, on, rule), self.show_accounts, self.on_error
        )

    def show_accounts(self, accounts: list[AccountLoad]) -> None:
        self.model.set_rows(accounts)
        self.status.setText(f"{len(accounts):,} accounts")
        self.loaded.emit()

    def _done(self, result: assign_service.AssignResult, what: str) -> None:
        self.status.setText(f"{len(result.moved)} account(s) {what}")
        self.changed.emit()
        self.reload(self._rule())

    def assign_selected(self) -> None:
        numbers = [a.number for a in selected_rows(self.table)]
        try:
            result = assign_service.assign_accounts(
                self.db, self.actor, numbers, self.collector.currentText()
            )
        except ServiceError as exc:
            self.on_error(exc)
            return
        self._done(result, f"assigned to {self.collector.currentText()}")

    def assign_rule(self) -> None:
        rule = self._rule()
        if rule is None:
            return
        try:
            result = assign_service.assign_by_rule(
                self.db, self.actor, rule, self.collector.currentText(), self.on
            )
        except ServiceError as exc:
            self.on_error(exc)
            return
        self._done(result, f"assigned to {self.collector.currentText()} by rule")

    def preview(self) -> None:
        try:
            self.plan = assign_service.rebalance_preview(self.db, self.actor, None, self.on)
        except ServiceError as exc:
            self.on_error(exc)
            return
        self.loads.set_rows(list(zip(self.plan.before, self.plan.after, strict=True)))
        self.status.setText(
            f"Rebalance would move {len(self.plan.moves)} account(s); review, then Apply"
        )
        self.apply_button.setEnabled(bool(self.plan.moves))

    def apply(self) -> None:
        if self.plan is None:
            return
        try:
            result = assign_service.apply_rebalance(self.db, self.actor, self.plan)
        except ServiceError as exc:
            self.on_error(exc)
            return
        self.plan = None
        self.apply_button.setEnabled(False)
        self._done(result, "moved by the rebalance")
