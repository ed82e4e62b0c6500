"""Users tab: add a user, change a role, deactivate or reactivate (services check permission)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from arbench.domain.catalogue import Role
from arbench.services.base import Actor, ServiceError
from arbench.services.organization import users as user_service
from arbench.services.organization.users import UserInfo
from arbench.store.db import Database
from arbench.ui.supervisor.rows_model import Col, RowsModel, make_table, selected_rows

ROLES = tuple(role.value for role in Role)
COLUMNS: list[Col[UserInfo]] = [
    Col("Login", lambda u: u.login),
    Col("Name", lambda u: u.display_name),
    Col("Role", lambda u: u.role),
    Col("Active", lambda u: u.active, lambda u: "yes" if u.active else "no"),
    Col("Email", lambda u: u.email or ""),
]


class UsersTab(QWidget):
    changed = Signal()

    def __init__(self, db: Database, actor: Actor, on_error: Any):
        super().__init__()
        self.db, self.actor, self.on_error = db, actor, on_error
        self.model: RowsModel[UserInfo] = RowsModel(COLUMNS)
        self.table = make_table(self.model)
        self.login, self.name = QLineEdit(), QLineEdit()
        self.login.setPlaceholderText("login")
        self.name.setPlaceholderText("display name")
        self.new_role, self.role = QComboBox(), QComboBox()
        self.new_role.addItems(ROLES)
        self.role.addItems(ROLES)
        self.add_button = QPushButton("Add user")
        self.role_button = QPushButton("Set role of selected")
        self.deactivate_button = QPushButton("Deactivate selected")
        self.activate_button = QPushButton("Reactivate selected")
        add_row = QHBoxLayout()
        for w in (self.login, self.name, self.new_role, self.add_button):
            add_row.addWidget(w)
        edit_row = QHBoxLayout()
        for w in (self.role, self.role_button, self.deactivate_button, self.activate_button):
            edit_row.addWidget(w)
        edit_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(edit_row)
        layout.addLayout(add_row)
        self.add_button.clicked.connect(self.add)
        self.role_button.clicked.connect(
            lambda: self._each(
                lambda u: user_service.set_role(
                    self.db, self.actor, u.login, self.role.currentText()
                )
            )
        )
        self.deactivate_button.clicked.connect(
            lambda: self._each(
                lambda u: user_service.set_active(self.db, self.actor, u.login, False)
            )
        )
        self.activate_button.clicked.connect(lambda: self._each(
            lambda u: user_service.set_active(self.db, self.actor, u.login, True)))  # fmt: skip

    def reload(self) -> None:
        self.model.set_rows(user_service.list_users(self.db))

    def _each(self, change: Any) -> None:
        try:
            for user in selected_rows(self.table):
                change(user)
        except ServiceError as exc:
            self.on_error(exc)
        self.reload()
        self.changed.emit()

    def add(self) -> None:
        try:
            user_service.add_user(
                self.db, self.actor, self.login.text().strip(), self.name.text().strip() or
                self.login.text().strip(), self.new_role.currentText(),
            )  # fmt: skip
        except ServiceError as exc:
            self.on_error(exc)
            return
        self.login.clear()
        self.name.clear()
        self.reload()
        self.changed.emit()
