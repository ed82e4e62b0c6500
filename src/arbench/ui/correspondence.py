"""Hooks documents and mail into today's main window, thinly: a Documents tab in the item panel
and a Mail menu (inbox, the day's reminders, send a statement). The widgets themselves take
explicit inputs (ui/documents_panel.py, ui/mail_dialogs.py); this module only wires them to the
window's item panel, menus and `refresh_item`, and is the one place to rewire them to the
window's extension points.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QVBoxLayout

from arbench.services.item_detail import ItemDetail
from arbench.services.reports import statement
from arbench.ui.documents_panel import DocumentsPanel
from arbench.ui.mail_dialogs import InboxDialog, ReminderQueue, StatementDialog

if TYPE_CHECKING:
    from arbench.ui.main_window import MainWindow


@dataclass
class Correspondence:
    """What this feature added to a window (tests and the lead's rewiring reach it here)."""

    documents: DocumentsPanel
    dialogs: list[QDialog] = field(default_factory=list)


def _refresh(window: MainWindow, ids: list[int]) -> None:
    for issue_id in dict.fromkeys(ids):
        window.refresh_item(issue_id)


def open_inbox(window: MainWindow) -> InboxDialog:
    dialog = InboxDialog(window.db, window.actor, lambda ids: _refresh(window, ids), window)
    dialog.open()
    return dialog


def open_reminders(window: MainWindow) -> QDialog:
    dialog = QDialog(window)
    dialog.setWindowTitle(f"Reminders to send on {window.on}")
    dialog.resize(760, 420)
    queue = ReminderQueue(
        window.db, window.actor, window.on, lambda ids: _refresh(window, ids), dialog
    )
    QVBoxLayout(dialog).addWidget(queue)
    dialog.queue = queue  # type: ignore[attr-defined]
    dialog.open()
    return dialog


def open_statement(window: MainWindow, detail: ItemDetail | None) -> StatementDialog | None:
    if detail is None:
        QMessageBox.information(window, "arbench", "Select an item first.")
        return None
    data = statement(window.db, detail.account.number, window.on)
    wanted = {p.pro for p in detail.linked_pros if p.pro} | (
        {detail.pro.pro} if detail.pro else set()
    )
    pros = [
        (x.pro, f"PRO {x.pro}  ${x.open_balance:,.2f}  due {x.due_date or ''}") for x in data.lines
    ]
    dialog = StatementDialog(window.db, window.actor, detail.account.number, window.on, pros, detail.id,
                             lambda ids: _refresh(window, ids), window)  # fmt: skip
    if wanted:  # from a pro item: that pro (or an account item's linked pros) ticked, the rest not
        for i in range(dialog.pros.count()):
            item = dialog.pros.item(i)
            if item.data(Qt.ItemDataRole.UserRole) not in wanted:
                item.setCheckState(Qt.CheckState.Unchecked)
    dialog.open()
    return dialog


def install(window: MainWindow) -> None:
    """Add the Documents tab and the Mail menu to the window."""
    panel = DocumentsPanel(window.db, window.actor,
                           lambda: window.refresh_item(window.panel.detail.id) if window.panel.detail else None)  # fmt: skip
    window.panel.tabs.addTab(panel, "Documents")

    def follow(detail: ItemDetail | None) -> None:
        if detail is None:
            panel.show_target(None, None)
        else:
            panel.show_target(detail.pro.pro if detail.pro else None, detail.account.number)

    window.panel.detail_shown.connect(follow)
    menu = window.menuBar().addMenu("&Mail")
    menu.addAction(
        window._action("&Inbox…", None, lambda: open_inbox(window), "Replies that matched no item")
    )
    menu.addAction(window._action("&Reminders…", None, lambda: open_reminders(window),
                                  "The day's reminders, to send in one click"))  # fmt: skip
    menu.addAction(window._action("Send a &statement…", None, lambda: open_statement(window, window.panel.detail),
                                  "Email a statement of this account's pros"))  # fmt: skip
    window.correspondence = Correspondence(panel)  # type: ignore[attr-defined]
