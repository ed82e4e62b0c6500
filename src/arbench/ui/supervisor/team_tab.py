"""Team tab: each collector's book and what needs a supervisor's eye (no volume leaderboard)."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QPushButton, QVBoxLayout, QWidget

from arbench.services.organization.team import TeamMember, team_view
from arbench.store.db import Database
from arbench.ui.supervisor.rows_model import Col, RowsModel, make_table, money
from arbench.ui.tasks import TaskRunner


def _waits(m: TeamMember) -> str:
    """One line per department, "billing 2 (oldest 45 d)", never split: the row is exactly
    one line per department, whatever the column's width (its longest wait is the team's
    "Oldest wait" figure, so the table has no column of its own for it)."""
    return "\n".join(
        f"{w.department}\u00a0{w.items}\u00a0(oldest\u00a0{w.oldest_days}\u00a0d)"
        for w in m.waiting
    )


COLUMNS: list[Col[TeamMember]] = [
    Col("Collector", lambda m: m.login, lambda m: f"{m.display_name} ({m.login})"
        + ("" if m.active else " — inactive")),
    Col("Role", lambda m: m.role),
    Col("Accounts", lambda m: m.accounts, right=True),
    Col("Open balance", lambda m: m.open_balance, lambda m: money(m.open_balance), right=True),
    Col("Worklist", lambda m: m.worklist, right=True),
    Col("Overdue\nfollow-ups", lambda m: m.overdue_follow_ups, right=True),
    Col("Due\ntoday", lambda m: m.due_today, right=True),
    Col("Broken\npromises", lambda m: m.broken_promises, right=True),
    Col("Waiting on\ndepartments", lambda m: m.waiting_items, right=True),
    Col("Waiting on", _waits),
]  # fmt: skip


class TeamTab(QWidget):
    loaded = Signal()

    def __init__(self, db: Database, on: date, runner: TaskRunner, on_error: Any):
        super().__init__()
        self.db, self.on, self.runner, self.on_error = db, on, runner, on_error
        self.model: RowsModel[TeamMember] = RowsModel(COLUMNS)
        self.table = make_table(self.model)
        self.table.setWordWrap(True)  # "Waiting on": a line per department, never cut
        metrics = self.table.fontMetrics()
        self.table.verticalHeader().setMinimumSectionSize(metrics.height() + 10)
        self.table.horizontalHeader().setSectionResizeMode(
            len(COLUMNS) - 1, QHeaderView.ResizeMode.ResizeToContents
        )
        self.refresh_button = QPushButton("Refresh")
        self.handover_button = QPushButton("Hand over a book…")
        self.summary = QLabel()
        bar = QHBoxLayout()
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.handover_button)
        bar.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table)
        self.refresh_button.clicked.connect(self.reload)

    def reload(self) -> None:
        db, on = self.db, self.on
        self.summary.setText("Loading the team…")
        self.runner.run(lambda: team_view(db, on), self.show_members, self.on_error)

    def show_members(self, members: list[TeamMember]) -> None:
        self.model.set_rows(members)
        self.table.resizeRowsToContents()
        items = sum(m.worklist for m in members)
        self.summary.setText(
            f"{len(members)} people · {items:,} open items · as of {self.on.isoformat()}"
        )
        self.loaded.emit()

    def member(self, login: str) -> TeamMember | None:
        return next((m for m in self.model.rows if m.login == login), None)
