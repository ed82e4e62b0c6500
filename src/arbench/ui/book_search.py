"""Search the whole book from the main window: for a customer calling about someone else's bill.

Item ▸ "Search the whole book…" (Ctrl+Shift+F) opens a small dialog over `services.work.search`
(open items by PRO, BOL, invoice, customer number or name, any case). When the worklist's
type-ahead finds nothing on the user's own list, a bar under the search box offers the matches
from the whole book. Opening a match shows it in the item panel: items on the user's list are
selected there; anyone else's are shown with the actions switched off for collectors and
trainees (a header note says whose list it is on; the action bar switches them off; the
services refuse such changes anyway). The matches are the worklist controller's search
list: changes to them (by anyone) update the rows by id while the window is open.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

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

from arbench.services.work import search as search_service
from arbench.services.work.item_detail import ItemDetail
from arbench.services.work.worklist import WorkItem
from arbench.store.db import Database
from arbench.ui import screen, theme
from arbench.ui.context import Section, WindowContext
from arbench.ui.models.worklist_model import ITEM_ROLE, PRO_COLUMNS, Column, WorklistModel

if TYPE_CHECKING:
    from arbench.ui.worklist_view import WorklistView

LIMIT = 200
OFFER_DELAY_MS = 400  # the type-ahead waits for a pause in typing before asking the database

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

    def __init__(self, ctx: WindowContext, text: str = "", found: Found | None = None):
        super().__init__(ctx.window)
        self.ctx = ctx
        self.setWindowTitle("Search the whole book")
        self.owners: dict[int, str] = {}
        self.query = QLineEdit(text)
        self.query.setPlaceholderText("PRO, BOL, invoice, customer number or name (any case)")
        self.query.setClearButtonEnabled(True)
        self.query.returnPressed.connect(self.search)
        self.search_button = QPushButton("&Search")
        self.search_button.setAutoDefault(False)
        self.search_button.clicked.connect(self.search)
        self.shown = ctx.controller.view("search")
        self.model = WorklistModel(_columns(self.owners), self.shown, self)
        self.finished.connect(lambda _: self.shown.close())
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
        close = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAutoDefault(False)  # Enter in the search box searches; it never closes
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
        screen.fit(self, 1080, 420)
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
        db, on = self.ctx.db, self.ctx.on
        self.ctx.runner.run(lambda: find(db, text, on), self.show_found, self._failed)

    def _failed(self, exc: Exception) -> None:
        self.summary.setText(f"The search failed: {exc}")

    def show_found(self, found: Found) -> None:
        text, items, owners = found
        if text != self.query.text().strip():
            return  # the user has typed something else since
        self.owners.clear()
        self.owners.update(owners)
        self.ctx.controller.set_search_results(items)
        mine = sum(1 for i in items if owners.get(i.id) == self.ctx.actor.login)
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

    def __init__(self, ctx: WindowContext):
        self.ctx = ctx
        self.dialog: BookSearchDialog | None = None
        self.action = QAction("Search the whole &book…", ctx.window)
        self.action.setShortcut(QKeySequence("Ctrl+Shift+F"))
        tip = "Find open items on anyone's list by PRO, BOL, invoice or customer (Ctrl+Shift+F)"
        self.action.setToolTip(tip)
        self.action.setStatusTip(tip)
        self.action.triggered.connect(lambda: self.open_dialog(self._typed()))
        ctx.menus.add(Section.ITEM_FIND, self.action)
        self.offers = [TypeAheadOffer(ctx, view, self) for view in ctx.worklists.views]
        ctx.panel.add_header_note(self.whose)

    def _typed(self) -> str:
        return self.ctx.worklists.current_view().search.text().strip()

    def open_dialog(self, text: str = "", found: Found | None = None) -> BookSearchDialog:
        dialog = BookSearchDialog(self.ctx, text, found)
        dialog.opened.connect(self.show_item)
        self.dialog = dialog
        dialog.open()
        return dialog

    def show_item(self, item: WorkItem) -> None:
        """Select the item on the user's list, or show someone else's in the panel."""
        if self.ctx.worklists.select_item(item.id):
            return
        view = self.ctx.worklists.current_view()
        view.table.selectionModel().clearCurrentIndex()
        view.table.clearSelection()
        self.ctx.loader.open_id(item.id, item.reason)

    def whose(self, detail: ItemDetail) -> str | None:
        """The panel's note for an item that is not on the user's lists: whose it is."""
        actor = self.ctx.actor
        if detail.owner_id == actor.id or self.ctx.controller.is_mine(detail.id):
            return None
        whose = f"{detail.owner}'s list" if detail.owner else "no one's list"
        note = "you act as supervisor" if actor.is_supervisor else "view only"
        color = theme.colors().warn.name()
        return f"<span style='color:{color}'>From the whole book: on {whose} — {note}.</span>"


class TypeAheadOffer(QPushButton):
    """Under a worklist's search box: when nothing on the list matches, offer the whole book."""

    def __init__(self, ctx: WindowContext, view: WorklistView, search: BookSearch):
        super().__init__(view)
        self.ctx, self.view, self.book = ctx, view, search
        self.found: Found | None = None
        self.setFlat(True)
        self.setObjectName("book_search_offer")
        c = theme.colors()
        self.setStyleSheet(f"text-align: left; padding: 3px 6px; color: {c.text.name()};"
                           f" background: {c.offer_background.name()};")  # fmt: skip
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
        db, on = self.ctx.db, self.ctx.on
        self.ctx.runner.run(lambda: find(db, text, on), self._show, lambda _exc: None)

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


def install(ctx: WindowContext) -> BookSearch:
    """Add Item ▸ Search the whole book… and the type-ahead offers to the main window."""
    return BookSearch(ctx)


__all__ = ["BookSearch", "BookSearchDialog", "find", "install"]
