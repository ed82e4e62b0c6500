"""Who is working? A small dialog listing the active users, remembering the last choice."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from arbench.services.organization.users import UserInfo


class UserPicker(QDialog):
    def __init__(self, users: list[UserInfo], last: str | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("arbench — who is working?")
        self.combo = QComboBox(self)
        for user in users:
            self.combo.addItem(f"{user.display_name} ({user.login}, {user.role})", user.login)
        index = self.combo.findData(last) if last else -1
        self.combo.setCurrentIndex(max(0, index))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Open the worklist of:"))
        layout.addWidget(self.combo)
        layout.addWidget(buttons)

    @property
    def login(self) -> str:
        return str(self.combo.currentData())
