"""Handover dialog: from one collector to one or several, optional cover end date, a preview
of what moves (accounts, open items, follow-ups, promises, requests; books before and after)."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
)

from arbench.domain.catalogue import Role
from arbench.services.base import Actor, ServiceError
from arbench.services.organization import handover as handover_service
from arbench.services.organization.handover import HandoverPlan, HandoverResult
from arbench.services.organization.users import UserInfo
from arbench.services.reporting.book_stats import CollectorLoad
from arbench.store.db import Database
from arbench.ui import screen
from arbench.ui.date_fields import date_edit
from arbench.ui.supervisor.rows_model import Col, RowsModel, make_table, money

LOAD_COLUMNS: list[Col[tuple[CollectorLoad, CollectorLoad]]] = [
    Col("Collector", lambda p: p[0].login),
    Col("Accounts", lambda p: p[1].accounts, lambda p: f"{p[0].accounts} → {p[1].accounts}", right=True),
    Col("Open items", lambda p: p[1].open_items, lambda p: f"{p[0].open_items} → {p[1].open_items}", right=True),
    Col("Open balance", lambda p: p[1].open_balance,
        lambda p: f"{money(p[0].open_balance)} → {money(p[1].open_balance)}", right=True),
    Col("Follow-ups due", lambda p: p[1].due_follow_ups,
        lambda p: f"{p[0].due_follow_ups} → {p[1].due_follow_ups}", right=True),
]  # fmt: skip


class HandoverDialog(QDialog):
    """Pick who leaves, who takes over, and (for a cover) until when; preview, then confirm."""

    def __init__(self, db: Database, actor: Actor, on: date, users: list[UserInfo], parent=None):  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self.setWindowTitle("Hand over a collector's book")
        self.db, self.actor, self.on = db, actor, on
        self.result_: HandoverResult | None = None
        holders = [u for u in users if u.role != Role.SUPERVISOR or u.active]
        self.source = QComboBox()
        for u in holders:
            self.source.addItem(f"{u.display_name} ({u.login})", u.login)
        self.targets = QListWidget()
        for u in users:
            if u.active:
                item = QListWidgetItem(f"{u.display_name} ({u.login}) — {u.role}")
                item.setData(Qt.ItemDataRole.UserRole, u.login)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
                self.targets.addItem(item)
        self.cover = QCheckBox("Temporary cover (vacation): give the book back on")
        back = on + timedelta(days=14)
        self.until = date_edit(back)
        self.until.setEnabled(False)
        self.cover.toggled.connect(self.until.setEnabled)
        self.preview_button = QPushButton("Preview")
        self.summary = QLabel("Choose who hands over and who takes over, then Preview.")
        self.summary.setWordWrap(True)
        self.loads: RowsModel[tuple[CollectorLoad, CollectorLoad]] = RowsModel(LOAD_COLUMNS)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.confirm = self.buttons.addButton("Hand over", QDialogButtonBox.ButtonRole.AcceptRole)
        self.confirm.setEnabled(False)
        self._layout()
        self.preview_button.clicked.connect(self.preview)
        self.buttons.accepted.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        for signal in (
            self.source.currentIndexChanged,
            self.targets.itemChanged,
            self.cover.toggled,
        ):
            signal.connect(lambda *_: self.confirm.setEnabled(False))

    def _layout(self) -> None:
        form = QFormLayout()
        form.addRow("Hand over the book of", self.source)
        form.addRow("To (one or several)", self.targets)
        form.addRow(self.cover, self.until)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.preview_button, alignment=Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.summary)
        layout.addWidget(make_table(self.loads))
        layout.addWidget(self.buttons)
        screen.fit(self, 760, 620)

    def choose(self, source: str, targets: list[str], until: date | None = None) -> None:
        """Fill the form (used by keyboard-free flows and tests)."""
        self.source.setCurrentIndex(self.source.findData(source))
        for row in range(self.targets.count()):
            item = self.targets.item(row)
            wanted = item.data(Qt.ItemDataRole.UserRole) in targets
            item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)
        self.cover.setChecked(until is not None)
        if until is not None:
            self.until.setDate(QDate(until.year, until.month, until.day))

    def _args(self) -> tuple[str, list[str], date | None]:
        chosen = [
            self.targets.item(r).data(Qt.ItemDataRole.UserRole)
            for r in range(self.targets.count())
            if self.targets.item(r).checkState() == Qt.CheckState.Checked
        ]
        until = self.until.date().toPython() if self.cover.isChecked() else None
        return self.source.currentData(), chosen, until  # type: ignore[return-value]

    def preview(self) -> None:
        source, targets, until = self._args()
        try:
            plan = handover_service.handover_preview(
                self.db, self.actor, source, targets, until, self.on
            )
        except ServiceError as exc:
            self.summary.setText(f"⚠ {exc}")
            self.confirm.setEnabled(False)
            return
        self.show_plan(plan)

    def show_plan(self, plan: HandoverPlan) -> None:
        c = plan.carried
        per = {t: sum(1 for m in plan.moves if m.to_login == t) for t in plan.to_logins}
        split = ", ".join(f"{n} to {t}" for t, n in per.items())
        cover = f" until {plan.until.isoformat()} (then given back)" if plan.until else ""
        self.summary.setText(
            f"{len(plan.moves)} account(s) move{cover}: {split}. With them: {c.open_items} open "
            f"items, {c.follow_ups} follow-ups, {c.promises} open promises, {c.requests} pending "
            f"department requests. Each account gets a handover note on its timeline."
        )
        self.loads.set_rows(list(zip(plan.before, plan.after, strict=True)))
        self.confirm.setEnabled(True)

    def apply(self) -> None:
        source, targets, until = self._args()
        try:
            self.result_ = handover_service.handover(
                self.db, self.actor, source, targets, until, self.on
            )
        except ServiceError as exc:
            QMessageBox.warning(self, "Handover", str(exc))
            return
        self.accept()
