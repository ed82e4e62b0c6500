"""One worklist table (pro-level or account-level) with its type-ahead search box."""

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
from arbench.ui.models.worklist_model import ITEM_ROLE, Column, WorklistModel


class WorklistView(QWidget):
    """A search box over a sortable table; emits the selected WorkItem."""

    item_selected = Signal(object)  # WorkItem | None

    def __init__(self, columns: list[Column], placeholder: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = WorklistModel(columns, self)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(placeholder)
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.model.set_filter)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(False)
        self.table.horizontalHeader().setSectionsClickable(True)
        self.table.horizontalHeader().sectionClicked.connect(self._sort_by)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setAlternatingRowColors(True)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.model.modelReset.connect(lambda: self.item_selected.emit(self.current_item()))
        self.model.rowsMoved.connect(self._follow_current)  # a re-ranked row keeps the selection
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.table)
        self._sort_order: dict[int, Qt.SortOrder] = {}

    def set_items(self, items: list[WorkItem]) -> None:
        self.model.set_items(items)
        widths = [90, 170, 150, 235, 85, 95, 82, 170, 62]
        for column, width in enumerate(widths[: self.model.columnCount() - 1]):
            self.table.setColumnWidth(column, width)

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

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.item_selected.emit(current.data(ITEM_ROLE) if current.isValid() else None)

    def _follow_current(self, *_args: object) -> None:
        """Keep the selected row in sight after it moved to its new rank."""
        index = self.table.currentIndex()
        if index.isValid():
            self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    def current_item(self) -> WorkItem | None:
        index = self.table.currentIndex()
        return index.data(ITEM_ROLE) if index.isValid() else None

    def select_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def move(self, step: int) -> None:
        """Select the next (step=1) or previous (step=-1) item."""
        row = self.table.currentIndex().row()
        self.select_row(max(0, row + step) if row >= 0 else 0)
