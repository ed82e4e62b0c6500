"""The supervisor console: Team, Assignment, Users, KPIs, Root causes and Aliases tabs, and the
handover dialog.

Opened from Tools ▸ Supervisor console (shown to supervisors; the services refuse anyone
else anyway). Context (database, acting user, date, the window's runner, and where changes go)
is passed in; assignments and handovers move books, so the window's lists are read again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtWidgets import QMainWindow, QMessageBox, QTabWidget, QWidget

from arbench.services.base import Actor
from arbench.services.op_changes import RELOAD, Changes
from arbench.services.organization import users as user_service
from arbench.store.db import Database
from arbench.ui import screen
from arbench.ui.alias_editor import AliasEditor
from arbench.ui.rootcause_view import RootCauseView
from arbench.ui.supervisor.assignment_tab import AssignmentTab
from arbench.ui.supervisor.handover_dialog import HandoverDialog
from arbench.ui.supervisor.kpi_tab import KpiTab
from arbench.ui.supervisor.team_tab import TeamTab
from arbench.ui.supervisor.users_tab import UsersTab
from arbench.ui.tasks import TaskRunner


class SupervisorConsole(QMainWindow):
    def __init__(self, db: Database, actor: Actor, on: date, runner: TaskRunner,
                 changed: Callable[[Changes], None], parent: QWidget | None = None):  # fmt: skip
        super().__init__(parent)
        self.db, self.actor, self.on, self.runner = db, actor, on, runner
        self.changed = changed  # books moved: the worklist controller reads the lists again
        self.setWindowTitle(f"Supervisor console — {actor.display_name} — {on.isoformat()}")
        self.team = TeamTab(db, on, runner, self.show_error)
        self.assignment = AssignmentTab(db, actor, on, runner, self.show_error)
        self.users = UsersTab(db, actor, self.show_error)
        self.kpis = KpiTab(db, on, runner, self.show_error)
        self.aliases = AliasEditor(db, actor, self.show_error)
        self.rootcauses = RootCauseView(db, actor, on, runner, self.show_error)
        self.tabs = QTabWidget()
        for widget, title in ((self.team, "Team"), (self.assignment, "Assignment"),
                              (self.users, "Users"), (self.kpis, "KPIs"),
                              (self.rootcauses, "Root causes"), (self.aliases, "Aliases")):  # fmt: skip
            self.tabs.addTab(widget, title)
        self.setCentralWidget(self.tabs)
        self.team.handover_button.clicked.connect(self.open_handover)
        self.assignment.changed.connect(self.team.reload)
        self.assignment.changed.connect(lambda: self.changed(RELOAD))
        self.users.changed.connect(self.refresh_people)
        screen.fit(self, 1280, 760)

    def load(self) -> None:
        """Fill every tab (the heavy ones off the GUI thread)."""
        self.refresh_people()
        self.team.reload()
        self.assignment.reload()

    def refresh_people(self) -> None:
        self.users.reload()
        active = [u.login for u in user_service.list_users(self.db, active_only=True)]
        self.assignment.set_collectors(active)
        self.kpis.set_collectors(active)

    def open_handover(self) -> HandoverDialog:
        dialog = HandoverDialog(
            self.db, self.actor, self.on, user_service.list_users(self.db), self
        )
        dialog.accepted.connect(lambda: self.after_handover(dialog))
        dialog.open()
        return dialog

    def after_handover(self, dialog: HandoverDialog) -> None:
        if dialog.result_ is not None:
            plan = dialog.result_.plan
            self.statusBar().showMessage(
                f"{plan.from_login}'s {len(plan.moves)} account(s) handed to {', '.join(plan.to_logins)}"
            )
        self.team.reload()
        self.assignment.reload()
        self.changed(RELOAD)

    def show_error(self, exc: Exception) -> None:
        QMessageBox.warning(self, "Supervisor console", str(exc))
