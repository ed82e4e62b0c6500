"""Search the whole book from the main window: for a customer calling about someone else's bill.

Item ▸ "Search the whole book…" (Ctrl+Shift+F) opens a small dialog over `services.search`
(open items by PRO, BOL, invoice, customer number or name, any case). When the worklist's
type-ahead finds nothing on the user's own list, a bar under the search box offers the matches
from the whole book. Opening a match shows it in the item panel: items on the user's list are
selected there; anyone else's are shown with the actions switched off for collectors and
trainees (a header line says whose list it is on; the services refuse such changes anyway).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from arbench.services import item_detail as detail_service
from arbench.services import search as search_service
from arbench.services.item_detail import ItemDetail
from arbench.services.worklist import WorkItem
from arbench.store.db import Database
from arbench.ui.models.worklist_model import ITEM_ROLE, PRO_COLUMNS, Column, WorklistModel

if TYPE_CHECKING:
    from arbench.ui.main_window import MainWindow
    from arbench.ui.worklist_view import WorklistView

LIMIT = 200
OFFER_DELAY_MS = 400  # the type-ahead waits for a pause in typing before asking the database
READ_ONLY = ("log", "promise", "route", "answer", "cause", "resolve", "account", "email")

Found = tuple[str, list[WorkItem], dict[int, str]]  # text searched, items, owner login by id


def find(db: Database, text: str, on: date, limit: int = LIMIT) -> Found:
    """The whole-book search and the owner of each match (runs off the GUI thread)."""
    items = search_service.search_open_items(db, text, on, limit)
    items = [i for i in items if i.level == "pro"] + [i for i in items if i.level == "account"]
    return text, items, search_service.owner_logins(db, [i.id for i in items])


def _columns(owners: dict[int, str]) -> list[Column]:
    by_name = {c[0]: c for c in PRO_COLUMNS}
    what: Column = ("PRO / account", lambda i: i.pro or i.account_number,
                    lambda i: i.pro or f"Account {i.account_number}")  # fmt: skip
    owner: Column = ("Collector", lambda i: owners.get(i.id, ""), lambda i: owners.get(i.id, ""))
    names = ("Customer", "Issue type", "Open amount", "Days past due", "Status")
    return [what, *(by_name[n] for n in names), owner, by_name["Why today"]]


class BookSearchDialog(QDialog):
    """A search box over the whole book's open items; `opened` gives the chosen item."""

    opened = Signal(object)  # WorkItem

    def __init__(self, window: MainWindow, text: str = "", found: Found | None = None):
        super().__init__(window)
        self.w = window
        self.setWindowTitle("Search the whole book")
        self.owners: dict[int, str] = {}
        self.query = QLineEdit(text)
        self.query.setPlaceholderText("PRO, BOL, invoice, customer number or name (any case)")
        self.query.setClearButtonEnabled(True)
        self.query.returnPressed.connect(self.search)
        self.search_button = QPushButton("&Search")
        self.search_button.setAutoDefault(False)
        self.search_button.clicked.connect(self.search)
        self.model = WorklistModel(_columns(self.owners), self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.activated.connect(lambda _index: self.open_selected())
        self.summary = QLabel("Type the start of a PRO, BOL, invoice or customer, then Enter.")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.open_button = self.buttons.addButton("&Open", QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button.setAutoDefault(False)
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self.open_selected)
        self.buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.query, 1)
        row.addWidget(self.search_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)
        self.resize(1080, 420)
        for column, width in enumerate((120, 200, 170, 100, 100, 70, 80)):
            self.table.setColumnWidth(column, width)
        if found is not None:
            self.show_found(found)
        elif text.strip():
            self.search()

    def search(self) -> None:
        text = self.query.text().strip()
        if not text:
            self.summary.setText("Type the start of a PRO, BOL, invoice or customer first.")
            return
        self.summary.setText(f"Searching the whole book for “{text}”…")
        db, on = self.w.db, self.w.on
        self.w.runner.run(lambda: find(db, text, on), self.show_found, self._failed)

    def _failed(self, exc: Exception) -> None:
        self.summary.setText(f"The search failed: {exc}")

    def show_found(self, found: Found) -> None:
        text, items, owners = found
        if text != self.query.text().strip():
            return  # the user has typed something else since
        self.owners.clear()
        self.owners.update(owners)
        self.model.set_items(items)
        mine = sum(1 for i in items if owners.get(i.id) == self.w.actor.login)
        more = " (the first ones: type more to narrow)" if len(items) >= LIMIT else ""
        self.summary.setText(
            f"{len(items):,} open item{'s' if len(items) != 1 else ''} match “{text}”{more}; "
            f"{mine:,} on your list. Enter or double-click opens one."
            if items
            else f"No open item in the whole book matches “{text}”."
        )
        self.open_button.setEnabled(bool(items))
        if items:
            self.table.selectRow(0)
            self.table.setFocus()

    def open_selected(self) -> None:
        index = self.table.currentIndex()
        item = index.data(ITEM_ROLE) if index.isValid() else None
        if item is not None:
            self.opened.emit(item)
            self.accept()


class BookSearch:
    """The whole-book search of one main window: menu action, type-ahead offers, opening."""

    def __init__(self, window: MainWindow):
        self.w = window
        self.dialog: BookSearchDialog | None = None
        self.saved_enabled: dict[str, bool] | None = None
        self.action = QAction("Search the whole &book…", window)
        self.action.setShortcut(QKeySequence("Ctrl+Shift+F"))
        tip = "Find open items on anyone's list by PRO, BOL, invoice or customer (Ctrl+Shift+F)"
        self.action.setToolTip(tip)
        self.action.setStatusTip(tip)
        self.action.triggered.connect(lambda: self.open_dialog(self._typed()))
        _insert_after_search(window, self.action)
        self.offers = [TypeAheadOffer(window, view, self) for view in _views(window)]
        window.panel.detail_shown.connect(self.mark_ownership)

    def _typed(self) -> str:
        return self.w.current_view().search.text().strip()

    def open_dialog(self, text: str = "", found: Found | None = None) -> BookSearchDialog:
        dialog = BookSearchDialog(self.w, text, found)
        dialog.opened.connect(self.show_item)
        self.dialog = dialog
        dialog.open()
        return dialog

    def show_item(self, item: WorkItem) -> None:
        """Select the item on the user's list, or show someone else's in the panel."""
        for index, view in enumerate(_views(self.w)):
            hidden = view.model.row_of(item.id) is None
            if hidden and any(i.id == item.id for i in view.model.all_items):
                view.search.clear()  # on the list, hidden by the type-ahead
            row = view.model.row_of(item.id)
            if row is not None:
                self.w.tabs.setCurrentIndex(index)
                view.select_row(row)
                return
        view = self.w.current_view()
        view.table.selectionModel().clearCurrentIndex()
        view.table.clearSelection()
        self.w.panel.show_detail(detail_service.item_detail(self.w.db, item.id), item.reason)

    def mark_ownership(self, detail: ItemDetail | None) -> None:
        """Someone else's item: say whose, and switch the actions off for non-supervisors."""
        item_actions = getattr(self.w, "item_actions", None)
        actions: dict[str, QAction] = getattr(item_actions, "actions", {})
        buttons: dict[str, Any] = getattr(item_actions, "buttons", {})
        labels = {name: button.text() for name, button in buttons.items()}
        mine = (
            detail is None
            or detail.owner == self.w.actor.display_name
            or any(v.model.row_of(detail.id) is not None for v in _views(self.w))
        )
        if mine or self.w.actor.is_supervisor:
            if self.saved_enabled is not None:
                for name, enabled in self.saved_enabled.items():
                    actions[name].setEnabled(enabled)
                self.saved_enabled = None
        elif self.saved_enabled is None:
            self.saved_enabled = {n: actions[n].isEnabled() for n in READ_ONLY if n in actions}
            for name in self.saved_enabled:
                actions[name].setEnabled(False)
        for name, text in labels.items():  # a changed action resets its button to the menu text
            buttons[name].setText(text)
        if detail is not None and not mine:
            whose = f"{detail.owner}'s list" if detail.owner else "no one's list"
            note = "you act as supervisor" if self.w.actor.is_supervisor else "view only"
            self.w.panel.header.setText(
                f"{self.w.panel.header.text()}<br><span style='color:#8a4b00'>"
                f"From the whole book: on {whose} — {note}.</span>"
            )


class TypeAheadOffer(QPushButton):
    """Under a worklist's search box: when nothing on the list matches, offer the whole book."""

    def __init__(self, window: MainWindow, view: WorklistView, search: BookSearch):
        super().__init__(view)
        self.w, self.view, self.book = window, view, search
        self.found: Found | None = None
        self.setFlat(True)
        self.setObjectName("book_search_offer")
        self.setStyleSheet("text-align: left; padding: 3px 6px; background: #fff4d6;")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.hide()
        self.clicked.connect(self._open)
        layout = view.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(1, self)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(OFFER_DELAY_MS)
        self.timer.timeout.connect(self._ask)
        view.search.textChanged.connect(self._typed)

    def _typed(self, _text: str) -> None:
        self.hide()
        self.found = None
        self.timer.start()

    def _ask(self) -> None:
        text = self.view.search.text().strip()
        if len(text) < 2 or self.view.model.rowCount() > 0:
            return
        db, on = self.w.db, self.w.on
        self.w.runner.run(lambda: find(db, text, on), self._show, lambda _exc: None)

    def _show(self, found: Found) -> None:
        text, items, _owners = found
        if text != self.view.search.text().strip() or self.view.model.rowCount() > 0:
            return
        self.found = found
        if items:
            count = f"{len(items):,}{'+' if len(items) >= LIMIT else ''}"
            self.setText(f"Not on your list — {count} open item{'s' if len(items) != 1 else ''} "
                         f"in the whole book match “{text}”. Show them (Ctrl+Shift+F)")  # fmt: skip
        else:
            self.setText(f"No open item in the whole book matches “{text}” either.")
        self.setEnabled(bool(items))
        self.show()

    def _open(self) -> None:
        if self.found is not None:
            self.book.open_dialog(self.found[0], self.found)


def _views(window: MainWindow) -> tuple[WorklistView, WorklistView]:
    return window.pro_view, window.account_view


def _insert_after_search(window: MainWindow, action: QAction) -> None:
    """Put the action right after Item ▸ Search (Ctrl+F), or at the end of the menu."""
    entries = window.item_menu.actions()
    ctrl_f = QKeySequence("Ctrl+F")
    for n, entry in enumerate(entries):
        if entry.shortcut() == ctrl_f and n + 1 < len(entries):
            window.item_menu.insertAction(entries[n + 1], action)
            return
    window.item_menu.addAction(action)


def install(window: MainWindow) -> None:
    """Add Item ▸ Search the whole book… and the type-ahead offers to the main window."""
    window.book_search = BookSearch(window)  # type: ignore[attr-defined]


__all__ = ["BookSearch", "BookSearchDialog", "find", "install"]
