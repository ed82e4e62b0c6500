"""The worklist tabs of the main window: one view per list, titled with its counts.

Extension points for worklist views: `add_view(key, columns)` adds a table tab over another
list of the controller; `add_list_view(view, index)` adds any view that behaves like one
(`ListView`: the collector's-day "Today" tree, ui.today_view). A tab's title follows its
view's counts ("Pro-level (3,594)", "Pro-level (12 of 3,594)" while a search narrows it).
`views` are the table views (features that decorate tables use them); `list_views` all.
"""

from __future__ import annotations

from typing import Protocol, cast

from PySide6.QtCore import Signal, SignalInstance
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QTabWidget, QWidget

from arbench.services.work.worklist import WorkItem
from arbench.ui.models.worklist_model import ACCOUNT_COLUMNS, PRO_COLUMNS, Column
from arbench.ui.worklist_controller import WorklistController
from arbench.ui.worklist_view import WorklistView

SEARCH_HINT = "Type to search by PRO, BOL, invoice, customer number or name"


class ListView(Protocol):
    """What the window asks of a worklist view (a table, or the Today tree)."""

    item_selected: SignalInstance
    title_changed: SignalInstance
    search: QLineEdit

    @property
    def table(self) -> QAbstractItemView: ...

    def current_item(self) -> WorkItem | None: ...
    def selected_items(self) -> list[WorkItem]: ...
    def holds(self, item_id: int) -> bool: ...
    def select_item(self, item_id: int) -> bool: ...
    def select_row(self, row: int) -> None: ...
    def step(self, by: int) -> None: ...
    def mark_place(self) -> None: ...
    def go_on(self) -> bool: ...
    def title(self) -> str: ...


class WorklistTabs(QTabWidget):
    """The worklist views; `item_selected` carries the current view's selected item."""

    item_selected = Signal(object)  # WorkItem | None

    def __init__(self, controller: WorklistController, parent: QWidget | None = None):
        super().__init__(parent)
        self.controller = controller
        self.views: list[WorklistView] = []
        self.list_views: list[ListView] = []
        self.pro_view = self.add_view("pro", PRO_COLUMNS)
        self.account_view = self.add_view("account", ACCOUNT_COLUMNS)
        self.currentChanged.connect(lambda _: self.item_selected.emit(self.current_item()))

    def add_view(self, key: str, columns: list[Column]) -> WorklistView:
        """A table tab over the controller's list `key`."""
        view = WorklistView(columns, self.controller.view(key), SEARCH_HINT)
        self.views.append(view)
        self.add_list_view(view)
        return view

    def add_list_view(self, view: ListView, index: int = -1) -> None:
        """A tab over any list view (at `index`; -1: last)."""
        widget = cast(QWidget, view)
        at = self.insertTab(index, widget, view.title())
        view.title_changed.connect(lambda title, w=widget: self.setTabText(self.indexOf(w), title))
        view.item_selected.connect(lambda item, w=widget: self._selected(w, item))
        self.list_views.append(view)
        self.setTabText(at, view.title())

    def _selected(self, view: QWidget, item: WorkItem | None) -> None:
        if view is self.currentWidget():
            self.item_selected.emit(item)

    def current_view(self) -> ListView:
        widget = self.currentWidget()
        assert widget is not None
        return cast(ListView, widget)

    def current_item(self) -> WorkItem | None:
        return self.current_view().current_item()

    def select_item(self, item_id: int) -> bool:
        """Select an item where it is listed: in the current view when it holds it, else in the
        first view that does (its tab comes to the front)."""
        current = self.current_view()
        if current.holds(item_id):
            return current.select_item(item_id)
        for view in self.list_views:
            if view.holds(item_id):
                self.setCurrentWidget(cast(QWidget, view))
                return view.select_item(item_id)
        return False
