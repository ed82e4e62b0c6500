"""One worklist table with its type-ahead search box, observing one list of the controller.

The view shows a `ShownRows` (ui.worklist_state) through a `WorklistModel`; it keeps the
user's place: the selected items stay selected when their rows move, when the list is read
again, sorted, or filtered while it still shows them, and when the selected row leaves the
list the row that takes its place is selected. `item_selected` fires only when the current
item changes. Several rows can be selected (an action then covers all of them).

The user shapes the table: right-click on the header chooses the columns, headers can be
dragged into another order (`columns_changed` says so, to keep it in the settings), a click on
a number column sorts the largest first. Extension point: `add_tool(widget)` puts a control in
the row under the search box (the filter, saved views and export of ui.list_controls).

"Save and next": `mark_place()` remembers the item that follows the selection in the list's
order before an action; `go_on()` selects it afterwards (wherever the acted rows moved), and
the next Ctrl+J after an action continues from there too.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QByteArray,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from arbench.services.work.worklist import WorkItem
from arbench.ui.models.worklist_model import ITEM_ROLE, RIGHT, TYPICAL, Column, WorklistModel
from arbench.ui.worklist_state import ShownRows

ROW_LINES = 1.6  # row height in lines of the font


class WorklistView(QWidget):
    """A search box over a sortable table; emits the selected WorkItem (or None)."""

    item_selected = Signal(object)  # WorkItem | None
    title_changed = Signal(str)  # "Pro-level (12 of 3,594)"
    columns_changed = Signal()  # columns shown, hidden or moved by the user

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
        # before the table's own slots: the selected row is known before Qt moves it
        self._removed_row: int | None = None  # the selected row, while it is being removed
        self.model.rowsAboutToBeRemoved.connect(self._selected_leaving)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setSortingEnabled(False)
        self.table.setWordWrap(False)
        self._header()
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.setAlternatingRowColors(True)
        self._current_id: int | None = None
        self._kept: tuple[int | None, list[int]] = (None, [])  # current and selected, over a reset
        self._next: int | None = None  # "save and next": the item after the acted ones
        self._acted: set[int] = set()
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._announce())
        self.model.modelAboutToBeReset.connect(self._keep_selection)
        self.model.modelReset.connect(self._restore_selection)
        self.model.rowsRemoved.connect(self._select_in_place)
        self.model.rowsMoved.connect(self._follow_current)
        shown.listeners.append(lambda: self.title_changed.emit(shown.title()))
        self.tools = QHBoxLayout()
        self.tools.setContentsMargins(0, 0, 0, 0)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self.search)
        self._layout.addLayout(self.tools)
        self._layout.addWidget(self.table)
        self._sort_order: dict[int, Qt.SortOrder] = {}
        self.fit_columns()

    def _header(self) -> None:
        header = self.table.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSectionsMovable(True)
        header.sectionClicked.connect(self._sort_by)
        header.setStretchLastSection(True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        header.sectionMoved.connect(lambda *_: self.columns_changed.emit())

    def fit_columns(self) -> None:
        """Columns wide enough for their header (with the sort arrow) and a typical value."""
        fit_columns(self.table, [title for title, _, _ in self.model.columns])

    def add_tool(self, widget: QWidget) -> None:
        """A control in the row under the search box."""
        self.tools.addWidget(widget)

    def add_bar(self, widget: QWidget) -> None:
        """A full-width bar between the controls and the table (the filter bar)."""
        self._layout.insertWidget(self._layout.indexOf(self.table), widget)

    # ----- columns ----------------------------------------------------------------------------
    def column_menu(self) -> QMenu:
        """The header's menu: a checkable entry per column (the first one always shows)."""
        menu = QMenu(self)
        header = self.table.horizontalHeader()
        for column, (title, _, _) in enumerate(self.model.columns):
            action = QAction(title, menu)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            action.setEnabled(column != 0)
            action.toggled.connect(lambda on, c=column: self.show_column(c, on))
            menu.addAction(action)
        return menu

    def _column_menu(self, pos: QPoint) -> None:
        self.column_menu().popup(self.table.horizontalHeader().mapToGlobal(pos))

    def show_column(self, column: int, shown: bool) -> None:
        self.table.horizontalHeader().setSectionHidden(column, not shown)
        self.columns_changed.emit()

    def visible_columns(self) -> list[int]:
        """The columns shown, in the order the user sees them."""
        header = self.table.horizontalHeader()
        logical = [header.logicalIndex(v) for v in range(header.count())]
        return [c for c in logical if not header.isSectionHidden(c)]

    def header_state(self) -> QByteArray:
        return self.table.horizontalHeader().saveState()

    def restore_header(self, state: QByteArray) -> None:
        self.table.horizontalHeader().restoreState(state)
        self.table.horizontalHeader().setSortIndicatorShown(self.shown.sort is not None)

    # ----- the user's place ---------------------------------------------------------------
    def _announce(self) -> None:
        if self._removed_row is not None:
            return  # the selected row is leaving: its successor is announced once it is chosen
        item = self.current_item()
        item_id = item.id if item is not None else None
        if item_id != self._current_id:
            self._current_id = item_id
            self.item_selected.emit(item)

    def _keep_selection(self) -> None:
        self._kept = (self._current_id, [i.id for i in self.selected_items()])

    def _restore_selection(self) -> None:
        current, selected = self._kept
        rows = [r for r in (self.model.row_of(i) for i in selected) if r is not None]
        chosen = QItemSelection()
        for row in rows:
            chosen.select(
                self.model.index(row, 0), self.model.index(row, self.model.columnCount() - 1)
            )
        at = self.model.row_of(current) if current is not None else None
        if at is not None:
            flags = QItemSelectionModel.SelectionFlag.NoUpdate
            self.table.selectionModel().setCurrentIndex(self.model.index(at, 0), flags)
        self.table.selectionModel().select(chosen, QItemSelectionModel.SelectionFlag.ClearAndSelect)
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
        """Sort by a column; a first click sorts numbers largest first, text A to Z."""
        numbers = self.model.columns[column][0] in RIGHT
        first = Qt.SortOrder.DescendingOrder if numbers else Qt.SortOrder.AscendingOrder
        previous = self._sort_order.get(column)
        if previous is None:
            order = first
        elif previous == Qt.SortOrder.DescendingOrder:
            order = Qt.SortOrder.AscendingOrder
        else:
            order = Qt.SortOrder.DescendingOrder
        self._sort_order = {column: order}
        self.table.horizontalHeader().setSortIndicatorShown(True)
        self.table.horizontalHeader().setSortIndicator(column, order)
        self.model.sort(column, order)

    # ----- what others ask ----------------------------------------------------------------
    def current_item(self) -> WorkItem | None:
        index = self.table.currentIndex()
        return index.data(ITEM_ROLE) if index.isValid() else None

    def selected_items(self) -> list[WorkItem]:
        """The selected rows' items, in the order shown (the current one when none is)."""
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        items = [self.model.items[row] for row in rows if row < len(self.model.items)]
        current = self.current_item()
        return items or ([current] if current is not None else [])

    def holds(self, item_id: int) -> bool:
        return item_id in self.shown.source

    def title(self) -> str:
        """The tab's title: the list and its counts."""
        return self.shown.title()

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
        """Select the next (by=1) or previous (by=-1) item; right after an action, "next" is
        the item that followed the acted ones before it (see `mark_place`)."""
        current = self.current_item()
        if by > 0 and current is not None and current.id in self._acted and self.go_on():
            return
        row = self.table.currentIndex().row()
        self.select_row(max(0, row + by) if row >= 0 else 0)

    def mark_place(self) -> None:
        """Before an action on the selection: remember the item that follows it."""
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        if not rows and self.table.currentIndex().isValid():
            rows = [self.table.currentIndex().row()]
        self._acted = {self.model.items[r].id for r in rows if r < len(self.model.items)}
        following = self.model.items[rows[-1] + 1 :] if rows else []
        self._next = next((i.id for i in following if i.id not in self._acted), None)

    def go_on(self) -> bool:
        """Select the item remembered by `mark_place` (False: there was none, or it is gone)."""
        wanted, self._next, self._acted = self._next, None, set()
        if wanted is None or self.model.row_of(wanted) is None:
            return False
        self.select_row(self.model.row_of(wanted) or 0)
        return True


def fit_columns(table: QTableView, titles: list[str]) -> None:
    """Size a table's columns from its fonts (so at any scale no header is cut)."""
    metrics = table.fontMetrics()
    header = table.horizontalHeader()
    table.verticalHeader().setDefaultSectionSize(int(metrics.height() * ROW_LINES))
    for column, title in enumerate(titles[:-1]):  # the last one stretches
        head = header.fontMetrics().horizontalAdvance(title) + 2 * metrics.height() + 10
        body = metrics.horizontalAdvance(TYPICAL.get(title, "x" * 12)) + 14
        table.setColumnWidth(column, max(head, body))
