"""The worklist tabs of the main window: one WorklistView per list, titled with its counts.

Extension point for worklist views: `add_view` adds a tab over another list of the
controller (the collector's-day "Today" view, #17); the tab's title follows the view's counts
("Pro-level (3,594)", "Pro-level (12 of 3,594)" while a search narrows it).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QWidget

from arbench.services.worklist import WorkItem
from arbench.ui.models.worklist_model import ACCOUNT_COLUMNS, PRO_COLUMNS, Column
from arbench.ui.worklist_controller import WorklistController
from arbench.ui.worklist_view import WorklistView

SEARCH_HINT = "Type to search by PRO, BOL, invoice, customer number or name"


class WorklistTabs(QTabWidget):
    """The worklist views; `item_selected` carries the current view's selected item."""

    item_selected = Signal(object)  # WorkItem | None

    def __init__(self, controller: WorklistController, parent: QWidget | None = None):
        super().__init__(parent)
        self.controller = controller
        self.views: list[WorklistView] = []
        self.pro_view = self.add_view("pro", PRO_COLUMNS)
        self.account_view = self.add_view("account", ACCOUNT_COLUMNS)
        self.currentChanged.connect(lambda _: self.item_selected.emit(self.current_item()))

    def add_view(self, key: str, columns: list[Column]) -> WorklistView:
        """A tab over the controller's list `key`."""
        view = WorklistView(columns, self.controller.view(key), SEARCH_HINT)
        index = self.addTab(view, view.shown.title())
        view.title_changed.connect(lambda title, v=view: self.setTabText(self.indexOf(v), title))
        view.item_selected.connect(lambda item, v=view: self._selected(v, item))
        self.views.append(view)
        self.setTabText(index, view.shown.title())
        return view

    def _selected(self, view: WorklistView, item: WorkItem | None) -> None:
        if view is self.currentWidget():
            self.item_selected.emit(item)

    def current_view(self) -> WorklistView:
        widget = self.currentWidget()
        assert isinstance(widget, WorklistView)
        return widget

    def current_item(self) -> WorkItem | None:
        return self.current_view().current_item()

    def select_item(self, item_id: int) -> bool:
        """Select an item wherever it is listed (its tab comes to the front)."""
        for view in self.views:
            if item_id in view.shown.source:
                self.setCurrentWidget(view)
                return view.select_item(item_id)
        return False
