"""The worklist table model: a Qt view of one `ShownRows` (ui.worklist_state).

The model owns no rows: the worklist controller's lists do. It displays the rows a ShownRows
chose (search and sort are done there, without Qt) and turns each row change it is told
about into Qt's begin/end calls, so a moved row keeps its selection. Columns are (title, sort
value, display text); the sort role carries the raw value.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush

from arbench.domain.catalogue import IssueStatus
from arbench.services.work.worklist import WorkItem
from arbench.ui import theme
from arbench.ui.worklist_state import ShownRows, Sort

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ITEM_ROLE = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex


def _money(value: Decimal) -> str:
    return f"({-value:,.2f})" if value < 0 else f"{value:,.2f}"


def _date(value: date | None) -> str:
    return value.isoformat() if value else ""


Column = tuple[str, Callable[[WorkItem], Any], Callable[[WorkItem], str]]

PRO_COLUMNS: list[Column] = [
    ("PRO", lambda i: i.pro or "", lambda i: i.pro or ""),
    ("Customer", lambda i: i.account_name.lower(), lambda i: i.account_name),
    ("Issue type", lambda i: i.type_name, lambda i: i.type_name),
    ("Why today", lambda i: i.reason, lambda i: i.reason),
    ("Open amount", lambda i: i.open_amount, lambda i: _money(i.open_amount)),
    ("Days past due", lambda i: i.days_past_due, lambda i: str(i.days_past_due)),
    ("Follow-up", lambda i: i.follow_up or date.max, lambda i: _date(i.follow_up)),
    ("Root cause", lambda i: i.root_cause_name or "", lambda i: i.root_cause_name or "not set"),
    ("Status", lambda i: i.status, lambda i: i.status.replace("_", " ")),
    ("Priority", lambda i: (-i.bucket, i.priority), lambda i: f"{i.priority:.0f}"),
]
ACCOUNT_COLUMNS: list[Column] = [
    ("Account", lambda i: i.account_number, lambda i: i.account_number),
    *PRO_COLUMNS[1:],
]
RIGHT = {"Open amount", "Days past due", "Priority"}
# A typical value of each column: a column is as wide as this or its header, whichever is wider.
TYPICAL = {"PRO": "0179383175", "Account": "C1000000", "Customer": "Silver Creek Pharmacy",
           "Issue type": "Accessorial disputed", "Why today": "Follow-up due 1 day ago; 125 days",
           "Open amount": "(12,345.67)", "Days past due": "999", "Follow-up": "2026-12-31",
           "Root cause": "POD missing or unsigned", "Status": "pending approval", "Priority": "99",
           "Collector": "agarcia", "PRO / account": "Account C1000000"}  # fmt: skip


class WorklistModel(QAbstractTableModel):
    """Rows of one ShownRows; the model never reads the database and holds no rows itself."""

    def __init__(self, columns: list[Column], shown: ShownRows, parent: Any = None):
        super().__init__(parent)
        self.columns = columns
        self.shown = shown
        shown.observer = self
        self._move_to = 0

    # ----- what the ShownRows tells (ui.worklist_state.RowsObserver) ----------------------
    def begin_reset(self) -> None:
        self.beginResetModel()

    def end_reset(self) -> None:
        self.endResetModel()

    def begin_insert(self, row: int) -> None:
        self.beginInsertRows(QModelIndex(), row, row)

    def end_insert(self) -> None:
        self.endInsertRows()

    def begin_remove(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)

    def end_remove(self) -> None:
        self.endRemoveRows()

    def begin_move(self, row: int, to: int) -> None:
        self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), to)

    def end_move(self) -> None:
        self.endMoveRows()

    def row_changed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))

    # ----- what the view asks -------------------------------------------------------------
    @property
    def items(self) -> list[WorkItem]:
        """The rows shown, in display order."""
        return self.shown.rows

    def row_of(self, item_id: int) -> int | None:
        return self.shown.row_of(item_id)

    def set_filter(self, text: str) -> None:
        self.shown.set_search(text)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        descending = order == Qt.SortOrder.DescendingOrder
        self.shown.set_sort(Sort(column, self.columns[column][1], descending))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.shown.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section][0]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self.shown.rows[index.row()]
        name, sort_value, display = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return display(item)
        if role == SORT_ROLE:
            return sort_value(item)
        if role == ITEM_ROLE:
            return item
        if role == Qt.ItemDataRole.ToolTipRole:
            return item.reason
        if role == Qt.ItemDataRole.TextAlignmentRole and name in RIGHT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._foreground(name, item)
        return None

    def _foreground(self, name: str, item: WorkItem) -> QBrush | None:
        if name == "Open amount" and item.open_amount < 0:
            return QBrush(theme.colors().good)
        if name == "Status" and item.status == IssueStatus.WAITING:
            return QBrush(theme.colors().warn)
        return None
