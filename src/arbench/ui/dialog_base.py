"""What every item-action dialog shares: its subject, and a keyboard flow a professional keeps.

- `Subject`: what the action is about: the item shown in the panel and the selected rows
  (one item, several pros of one account, or a whole account from Today).
- `ActionDialog`: a form with OK, "… and next" and Cancel. Ctrl+Enter submits from anywhere
  (a note field included); Ctrl+Shift+Enter submits and moves on to the next item; Tab leaves
  a note field (`note_edit`); Escape asks before throwing typed text away (`confirm`). The
  dialog gives a typed value (`value()`, services.work.item_inputs) and takes one back
  (`set_value()`) when an error or a conflict reopens it, so nothing typed is lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from arbench.services.work.item_detail import ItemDetail
from arbench.services.work.item_run import Target
from arbench.services.work.worklist import WorkItem

V = TypeVar("V")
SUBMIT = ("Ctrl+Return", "Ctrl+Enter")
SUBMIT_AND_NEXT = ("Ctrl+Shift+Return", "Ctrl+Shift+Enter")


@dataclass(frozen=True)
class Subject:
    """The item shown in the panel, and the rows the action covers (empty: that item alone)."""

    detail: ItemDetail
    items: tuple[WorkItem, ...] = ()

    @property
    def several(self) -> bool:
        return len(self.items) > 1

    def targets(self) -> list[Target]:
        """What the service acts on: the shown item at the version the panel read, or every
        selected row at the version it was listed with."""
        if not self.several:
            return [Target(self.detail.id, self.detail.version)]
        return [Target(i.id, i.version) for i in self.items]

    @property
    def open_amount(self) -> Decimal:
        if self.several:
            return sum((i.open_amount for i in self.items), Decimal(0))
        pro = self.detail.pro
        return pro.open_balance if pro is not None else self.detail.amount or Decimal(0)

    def title(self) -> str:
        d = self.detail
        if not self.several:
            what = f"PRO {d.pro.pro}" if d.pro else f"account issue #{d.id}"
            return f"{what} — {d.type_name} — {d.account.name}"
        pros = ", ".join(i.pro or f"account issue #{i.id}" for i in self.items[:6])
        more = f" and {len(self.items) - 6} more" if len(self.items) > 6 else ""
        return (f"{len(self.items)} items of {d.account.number} {d.account.name} — "
                f"${self.open_amount:,.2f} open: {pros}{more}")  # fmt: skip


class ActionDialog(QDialog, Generic[V]):
    """A form with OK / "… and next" / Cancel; `value()` is a V (see the module docstring)."""

    def __init__(self, title: str, subject: Subject | None, ok_text: str, parent: QWidget | None,
                 *, with_next: bool = True):  # fmt: skip
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        self.form = QFormLayout(self)
        self.subject = subject
        self.and_next = False  # submitted with "… and next"
        self.confirm: QMessageBox | None = None  # "discard what you typed?", when asked
        self._initial: Any = None
        if subject is not None:
            heading = QLabel(f"<b>{subject.title()}</b>")
            heading.setWordWrap(True)
            self.form.addRow(heading)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.ok_button.setToolTip("Ctrl+Enter")
        self.next_button = self.buttons.addButton(f"{ok_text} and &next",
                                                  QDialogButtonBox.ButtonRole.ActionRole)  # fmt: skip
        self.next_button.setToolTip(
            "Save, then go on to the next item of the list (Ctrl+Shift+Enter)"
        )
        self.next_button.clicked.connect(self.submit_and_next)
        self.next_button.setVisible(with_next)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        for keys, slot in ((SUBMIT, self.submit), (SUBMIT_AND_NEXT, self.submit_and_next)):
            for key in keys:
                QShortcut(QKeySequence(key), self, slot, context=Qt.ShortcutContext.WindowShortcut)

    def finish(self) -> None:
        self.form.addRow(self.buttons)
        self._initial = self.value()

    def note_edit(self, placeholder: str, lines: int = 4) -> QPlainTextEdit:
        """A note field: Tab leaves it, Ctrl+Enter submits the dialog from it."""
        edit = QPlainTextEdit()
        edit.setPlaceholderText(placeholder)
        edit.setTabChangesFocus(True)
        edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + 12)
        edit.installEventFilter(self)
        return edit

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            if enter and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                shifted = event.modifiers() & Qt.KeyboardModifier.ShiftModifier
                (self.submit_and_next if shifted else self.submit)()
                return True
        return super().eventFilter(watched, event)

    # ----- submitting and leaving ---------------------------------------------------------------
    def submit(self) -> None:
        self.and_next = False
        self.accept()

    def submit_and_next(self) -> None:
        self.and_next = True
        self.accept()

    def typed(self) -> bool:
        """Whether the user changed anything since the dialog opened."""
        return bool(self.value() != self._initial)

    def reject(self) -> None:
        """Escape or Cancel: ask first when something was typed."""
        if not self.typed():
            super().reject()
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Discard what you typed?",
                          "You typed something in this form. Close it and lose what you typed?",
                          QMessageBox.StandardButton.NoButton, self)  # fmt: skip
        discard = box.addButton("&Discard", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("&Keep editing", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.finished.connect(
            lambda _: QDialog.reject(self) if box.clickedButton() is discard else None
        )
        self.confirm = box
        box.open()

    def value(self) -> V:
        raise NotImplementedError

    def set_value(self, value: V) -> None:
        raise NotImplementedError
