"""One worklist table with its type-ahead search box, observing one list of the controller.

The view shows a `ShownRows` (ui.worklist_state) through a `WorklistModel`; it keeps the
user's place: the selected item stays selected when its row moves, when the list is read
again or while a search still shows it, and when the selected row leaves the list the row
that takes its place is selected. `item_selected` fires only when the selected item changes.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from arbench.services.worklist import WorkItem
from arbench.ui.models.worklist_model import ITEM_ROLE, TYPICAL, Column, WorklistModel
from arbench.ui.worklist_state import ShownRows

ROW_LINES = 1.6  # row height in lines of the font


class WorklistView(QWidget):
    """A search box over a sortable table; emits the selected WorkItem (or None)."""

    item_selected = Signal(object)  # WorkItem | None
    title_changed = Signal(str)  # "Pro-level (12 of 3,594)"

    def __init__(self, columns: list[Column], shown: ShownRows, placeholder: str,
                 parent: QWidget | None = None):  # fmt: skip
        super().__init__(parent)
        self.shown = shown
        self.model = WorklistModel(columns, shown, self)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(placeholder)
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.model.set_filter)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionsClickable(True)
        header.sectionClicked.connect(self._sort_by)
        header.setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.setAlternatingRowColors(True)
        self._current_id: int | None = None
        self._kept_id: int | None = None  # the selection across a reset
        self._removed_row: int | None = None  # the selected row, while it is being removed
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._announce())
        self.model.modelAboutToBeReset.connect(self._keep_selection)
        self.model.modelReset.connect(self._restore_selection)
        self.model.rowsAboutToBeRemoved.connect(self._selected_leaving)
        self.model.rowsRemoved.connect(self._select_in_place)
        self.model.rowsMoved.connect(self._follow_current)
        shown.listeners.append(lambda: self.title_changed.emit(shown.title()))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.table)
        self._sort_order: dict[int, Qt.SortOrder] = {}
        self.fit_columns()

    def fit_columns(self) -> None:
        """Columns wide enough for their header (with the sort arrow) and a typical value."""
        fit_columns(self.table, [title for title, _, _ in self.model.columns])

    # ----- the user's place ---------------------------------------------------------------
    def _announce(self) -> None:
        item = self.current_item()
        item_id = item.id if item is not None else None
        if item_id != self._current_id:
            self._current_id = item_id
            self.item_selected.emit(item)

    def _keep_selection(self) -> None:
        self._kept_id = self._current_id

    def _restore_selection(self) -> None:
        row = self.model.row_of(self._kept_id) if self._kept_id is not None else None
        if row is not None:
            self.table.selectRow(row)
        self._announce()

    def _selected_leaving(self, _parent: QModelIndex, first: int, last: int) -> None:
        current = self.table.currentIndex().row()
        self._removed_row = current if first <= current <= last else None

    def _select_in_place(self, *_args: object) -> None:
        row, self._removed_row = self._removed_row, None
        if row is not None and self.model.rowCount():
            self.select_row(min(row, self.model.rowCount() - 1))
        self._announce()

    def _follow_current(self, *_args: object) -> None:
        """Keep the selected row in sight after it moved to its new rank."""
        index = self.table.currentIndex()
        if index.isValid():
            self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    def _sort_by(self, column: int) -> None:
        order = self._sort_order.get(column, Qt.SortOrder.DescendingOrder)
        order = (
            Qt.SortOrder.AscendingOrder
            if order == Qt.SortOrder.DescendingOrder
            else Qt.SortOrder.DescendingOrder
        )
        self._sort_order[column] = order
        self.table.horizontalHeader().setSortIndicatorShown(True)
        self.table.horizontalHeader().setSortIndicator(column, order)
        self.model.sort(column, order)

    # ----- what others ask ----------------------------------------------------------------
    def current_item(self) -> WorkItem | None:
        index = self.table.currentIndex()
        return index.data(ITEM_ROLE) if index.isValid() else None

    def selected_items(self) -> list[WorkItem]:
        """The selected rows' items (one today; several once multi-selection comes, #17)."""
        rows = self.table.selectionModel().selectedRows()
        return [self.model.items[index.row()] for index in rows]

    def select_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def select_item(self, item_id: int) -> bool:
        """Select an item of this list, clearing the search when it hides the item."""
        if item_id not in self.shown.source:
            return False
        if self.model.row_of(item_id) is None:
            self.search.clear()
        row = self.model.row_of(item_id)
        if row is None:
            return False
        self.select_row(row)
        return True

    def step(self, by: int) -> None:
        """Select the next (by=1) or previous (by=-1) item."""
        row = self.table.currentIndex().row()
        self.select_row(max(0, row + by) if row >= 0 else 0)


def fit_columns(table: QTableView, titles: list[str]) -> None:
    """Size a table's columns from its fonts (so at any scale no header is cut)."""
    metrics = table.fontMetrics()
    header = table.horizontalHeader()
    table.verticalHeader().setDefaultSectionSize(int(metrics.height() * ROW_LINES))
    for column, title in enumerate(titles[:-1]):  # the last one stretches
        head = header.fontMetrics().horizontalAdvance(title) + 2 * metrics.height() + 10
        body = metrics.horizontalAdvance(TYPICAL.get(title, "x" * 12)) + 14
        table.setColumnWidth(column, max(head, body))
