"""The worklist table model: WorkItem rows, display text, raw sort values, one-row updates."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from itertools import compress, repeat
from operator import contains
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from arbench.services.worklist import WorkItem

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ITEM_ROLE = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex


def worklist_order(item: WorkItem) -> tuple[int, float, int]:
    """The worklist's own order: bucket, then higher priority first, then id."""
    return (item.bucket, -item.priority, item.id)


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


class WorklistModel(QAbstractTableModel):
    """Rows are WorkItems handed in by the view; the model never reads the database.

    Filtering and sorting work on Python lists, which stays fast at 100,000 rows where a proxy
    model calling data() per row would not: the sorted order is kept until the rows or the sort
    change, a keystroke that extends the search only looks at the rows already shown, and the
    id -> row map is built only when asked for.
    """

    def __init__(self, columns: list[Column], parent: Any = None):
        super().__init__(parent)
        self.columns = columns
        self.all_items: list[WorkItem] = []
        self.items: list[WorkItem] = []
        self._search: list[str] = []
        self._shown_search: list[str] = []  # search texts of `items`, row by row
        self._shown_filter: str | None = None  # the filter `items` were chosen with
        self._ordered: tuple[list[WorkItem], list[str]] | None = None  # every row, sorted
        self._row_of_cache: dict[int, int] | None = None
        self._filter = ""
        self._sort: tuple[int, Qt.SortOrder] | None = None

    def set_items(self, items: Sequence[WorkItem]) -> None:
        """Replace every row (worklist order), keeping the current filter and sort."""
        self.all_items = list(items)
        self._search = [item.search_text for item in self.all_items]
        self._changed()

    def set_filter(self, text: str) -> None:
        """Type-ahead: keep rows whose PRO, BOL, invoice, customer number or name contain text."""
        self._filter = text.strip().lower()
        self._apply()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (column, order)
        self._changed()

    def _changed(self) -> None:
        """The rows or the sort changed: forget the derived lists and show the rows again."""
        self._ordered, self._shown_filter = None, None
        self._apply()

    def _every_row(self) -> tuple[list[WorkItem], list[str]]:
        """All rows in display order, with their search texts (sorted once per sort)."""
        if self._sort is None:
            return self.all_items, self._search
        if self._ordered is None:
            key = self.columns[self._sort[0]][1]
            pairs = sorted(
                zip(self.all_items, self._search, strict=True),
                key=lambda pair: key(pair[0]),
                reverse=self._sort[1] == Qt.SortOrder.DescendingOrder,
            )
            self._ordered = ([p[0] for p in pairs], [p[1] for p in pairs])
        return self._ordered

    def _apply(self) -> None:
        needle = self._filter
        if self._shown_filter is not None and self._shown_filter in needle:
            rows, texts = self.items, self._shown_search  # typing on: only shown rows can match
        else:
            rows, texts = self._every_row()
        if needle:
            keep = list(map(contains, texts, repeat(needle)))
            rows, texts = list(compress(rows, keep)), list(compress(texts, keep))
        self.beginResetModel()
        self.items, self._shown_search = list(rows), list(texts)
        self._shown_filter = needle
        self._row_of_cache = None
        self.endResetModel()

    @property
    def _row_of(self) -> dict[int, int]:
        if self._row_of_cache is None:
            self._row_of_cache = {item.id: row for row, item in enumerate(self.items)}
        return self._row_of_cache

    def update_item(self, item: WorkItem) -> None:
        """Replace one row after an action, without reloading the list.

        In the default (worklist) order the row moves to where the item now ranks (bucket,
        then priority, then id), as a Qt row move, so the selection goes with it; under a
        user's sort it stays where it is until the next sort or reload.
        """
        row = self._row_of.get(item.id)
        if row is None:
            return
        at = next(n for n, i in enumerate(self.all_items) if i.id == item.id)
        if self._sort is not None:
            self.items[row], self._shown_search[row] = item, item.search_text
            self.all_items[at], self._search[at] = item, item.search_text
            self._ordered = None
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))
            return
        del self.all_items[at], self._search[at]
        where = bisect_left(self.all_items, worklist_order(item), key=worklist_order)
        self.all_items.insert(where, item)
        self._search.insert(where, item.search_text)
        self._ordered = None
        self._move_shown(row, item)

    def _move_shown(self, row: int, item: WorkItem) -> None:
        """Put the shown row `row` (now `item`) where it ranks among the shown rows."""
        rest = self.items[:row] + self.items[row + 1 :]
        to = bisect_left(rest, worklist_order(item), key=worklist_order)
        if to != row:
            self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), to + (to > row))
        del self.items[row], self._shown_search[row]
        self.items.insert(to, item)
        self._shown_search.insert(to, item.search_text)
        self._row_of_cache = None
        if to != row:
            self.endMoveRows()
        self.dataChanged.emit(self.index(to, 0), self.index(to, len(self.columns) - 1))

    def add_item(self, item: WorkItem) -> None:
        """Add one row (a new or reopened item) where it ranks, without reloading the list."""
        where = bisect_left(self.all_items, worklist_order(item), key=worklist_order)
        self.all_items.insert(where, item)
        self._search.insert(where, item.search_text)
        self._ordered = None
        if self._sort is not None:
            self._changed()  # under a user's sort: sort again (keeps the filter)
            return
        if self._filter and self._filter not in item.search_text:
            return  # not shown under the current search
        to = bisect_left(self.items, worklist_order(item), key=worklist_order)
        self.beginInsertRows(QModelIndex(), to, to)
        self.items.insert(to, item)
        self._shown_search.insert(to, item.search_text)
        self._row_of_cache = None
        self.endInsertRows()

    def remove_item(self, item_id: int) -> None:
        row = self._row_of.get(item_id)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self.items[row]
        del self._shown_search[row]
        self.endRemoveRows()
        keep = [i for i in range(len(self.all_items)) if self.all_items[i].id != item_id]
        self.all_items = [self.all_items[i] for i in keep]
        self._search = [self._search[i] for i in keep]
        self._ordered = None
        self._row_of_cache = None

    def row_of(self, item_id: int) -> int | None:
        return self._row_of.get(item_id)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

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
        item = self.items[index.row()]
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
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and name == "Open amount"
            and item.open_amount < 0
        ):
            return QBrush(QColor("#1b7f3b"))
        if role == Qt.ItemDataRole.ForegroundRole and name == "Status" and item.status == "waiting":
            return QBrush(QColor("#8a6d00"))
        return None
