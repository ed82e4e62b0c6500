"""The account alias editor: the DUNS, payer ids, bill-to codes and names a payer uses.

Reachable from Tools ▸ Account aliases… (prefilled with the selected item's account) and from
the supervisor console's Aliases tab. Supervisors add and remove; the service refuses anyone
else, and an identifier already used by another account is refused naming it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from arbench.services.base import Actor, ServiceError
from arbench.services.intake import aliases as alias_service
from arbench.services.intake.aliases import ALIAS_KINDS, AliasInfo
from arbench.store.db import Database
from arbench.ui.supervisor.rows_model import Col, RowsModel, make_table, selected_rows

COLUMNS: list[Col[AliasInfo]] = [
    Col("Kind", lambda a: a.kind),
    Col("Value", lambda a: a.value),
    Col("Learnt from", lambda a: a.source),
    Col("Added", lambda a: a.created_at, lambda a: f"{a.created_at:%Y-%m-%d %H:%M}"),
    Col("By", lambda a: a.created_by or ""),
]


class AliasEditor(QWidget):
    """Lists one account's aliases; add and remove them (supervisors)."""

    def __init__(self, db: Database, actor: Actor, on_error: Callable[[Exception], None],
                 account: str = "", parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.db, self.actor, self.on_error = db, actor, on_error
        self.account = QLineEdit(account)
        self.account.setPlaceholderText("account number")
        self.show_button = QPushButton("Show aliases")
        self.title = QLabel("")
        self.model: RowsModel[AliasInfo] = RowsModel(COLUMNS)
        self.table = make_table(self.model)
        self.kind = QComboBox()
        self.kind.addItems(ALIAS_KINDS)
        self.value = QLineEdit()
        self.value.setPlaceholderText("identifier as the payer's files write it")
        self.add_button = QPushButton("Add alias")
        self.remove_button = QPushButton("Remove selected")
        top = QHBoxLayout()
        for widget in (QLabel("Account:"), self.account, self.show_button):
            top.addWidget(widget)
        top.addStretch(1)
        edit = QHBoxLayout()
        for part in (self.kind, self.value, self.add_button, self.remove_button):
            edit.addWidget(part)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.title)
        layout.addWidget(self.table)
        layout.addLayout(edit)
        for widget in (self.add_button, self.remove_button):
            widget.setEnabled(actor.is_supervisor)
            widget.setToolTip("" if actor.is_supervisor else "Only supervisors edit aliases")
        self.show_button.clicked.connect(self.reload)
        self.account.returnPressed.connect(self.reload)
        self.add_button.clicked.connect(self.add)
        self.remove_button.clicked.connect(self.remove)

    def reload(self) -> None:
        number = self.account.text().strip()
        if not number:
            self.model.set_rows([])
            self.title.setText("Enter an account number.")
            return
        try:
            rows = alias_service.list_aliases(self.db, number)
        except ServiceError as exc:
            self.model.set_rows([])
            self.title.setText(str(exc))
            return
        self.model.set_rows(rows)
        self.title.setText(f"{len(rows)} alias(es) of account {number}: remittances and 210s that "
                           "carry one of these identifiers are applied to this account.")  # fmt: skip

    def add(self) -> None:
        try:
            alias_service.add_alias(self.db, self.actor, self.account.text().strip(),
                                    self.kind.currentText(), self.value.text())  # fmt: skip
        except ServiceError as exc:
            self.on_error(exc)
            return
        self.value.clear()
        self.reload()

    def remove(self) -> None:
        try:
            for alias in selected_rows(self.table):
                alias_service.remove_alias(self.db, self.actor, alias.account_number, alias.kind,
                                           alias.value)  # fmt: skip
        except ServiceError as exc:
            self.on_error(exc)
        self.reload()


class AliasDialog(QDialog):
    """The alias editor in a window of its own (Tools ▸ Account aliases…)."""

    def __init__(self, db: Database, actor: Actor, account: str = "",
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setWindowTitle("Account aliases")
        self.editor = AliasEditor(db, actor, self.show_error, account, self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.editor)
        self.resize(720, 420)
        self.editor.reload()

    def show_error(self, exc: Exception) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.warning(self, "Account aliases", str(exc))
