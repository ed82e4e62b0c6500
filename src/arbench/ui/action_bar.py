"""The item panel's action bar: every item action, as a menu entry and an optional button.

Features register their actions here (`add`), and the bar alone decides when they are on:
an action on the shown item is off while no item is shown and while the item is someone
else's and the user is not a supervisor (view only); every write is off while one runs. Buttons keep
their size whatever their state, so the panel's layout does not move.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QToolButton, QWidget

from arbench.ui.flow_layout import FlowLayout


def make_action(parent: QWidget, text: str, shortcut: str | None, tip: str,
                slot: Callable[[], object] | None = None) -> QAction:  # fmt: skip
    """A menu action whose tooltip and status tip say its shortcut."""
    action = QAction(text, parent)
    if shortcut:
        action.setShortcut(QKeySequence(shortcut))
        shown = QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)
        tip = f"{tip} ({shown})"
    action.setToolTip(tip)
    action.setStatusTip(tip)
    if slot is not None:
        action.triggered.connect(lambda _checked=False: slot())
    return action


@dataclass
class _Entry:
    action: QAction
    needs_item: bool
    writes: bool


class ActionBar(QWidget):
    """A row of tool buttons over the item's tabs; `named` actions and `buttons` by name."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.named: dict[str, QAction] = {}
        self.buttons: dict[str, QToolButton] = {}
        self._entries: dict[str, _Entry] = {}
        self._layout = FlowLayout(self)  # buttons wrap onto a second line when narrow
        self._state = (False, False, False)  # item shown, view only, writing

    def add(self, name: str, action: QAction, button: str | None = None, *,
            needs_item: bool = True, writes: bool = True) -> QAction:  # fmt: skip
        """Register an action (and a button with the text `button`); returns the action."""
        self.named[name] = action
        self._entries[name] = _Entry(action, needs_item, writes)
        if button:
            tool = QToolButton(self)
            tool.setDefaultAction(action)
            tool.setText(button)
            tool.setObjectName(f"action_{name}")
            action.changed.connect(lambda t=tool, b=button: t.setText(b))  # keep the short text
            self._layout.addWidget(tool)
            self.buttons[name] = tool
        self._apply(name)
        return action

    def update_state(self, shown: bool, view_only: bool, writing: bool) -> None:
        """The item shown, whether it is view only for this user, and whether a write runs."""
        self._state = (shown, view_only, writing)
        for name in self._entries:
            self._apply(name)

    def _apply(self, name: str) -> None:
        entry = self._entries[name]
        shown, view_only, writing = self._state
        on_item = not entry.needs_item or (shown and not view_only)
        entry.action.setEnabled(on_item and not (entry.writes and writing))
