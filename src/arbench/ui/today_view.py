"""The Today view: the day's accounts in order, each expandable to the items behind it.

`TodayModel` is a two-level Qt model over the `ShownRows` of the controller's Today list
(ui.today_state): an account row (rank, number, customer, why today, open amount, oldest
days past due, items) with its items under it. It holds no rows: every change the list takes
(the user's action, someone else's, a reload) regroups it once, and `TodayView` keeps what
the user had open and selected across it. Selecting an account row means all its items (an
action then covers the whole account); the item panel shows its first item.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QTreeView, QVBoxLayout, QWidget

from arbench.services.work.worklist import WorkItem
from arbench.ui import theme
from arbench.ui.today_state import AccountRow, TodayList
from arbench.ui.worklist_state import ShownRows

Index = QModelIndex | QPersistentModelIndex
ITEM_ROLE = Qt.ItemDataRole.UserRole + 2
ACCOUNT_ROLE = Qt.ItemDataRole.UserRole + 3
COLUMNS = ("Account / PRO", "Customer / issue", "Open amount", "Days past due", "Why today")
RIGHT = {2, 3}
TYPICAL = ("99. C1000000", "Silver Creek Pharma Mfg. (99)", "(123,456.78)", "999",
           "2 follow-ups due; 1 broken promise")  # fmt: skip
Key = tuple[str, str]  # ("a", account number) or ("i", item id)


def _money(value: Decimal) -> str:
    return f"({-value:,.2f})" if value < 0 else f"{value:,.2f}"


def account_text(row: AccountRow, column: int) -> str:
    """An account's row: place, customer and how many items, open, oldest, why today."""
    head = ["✓ worked"] if row.worked else []
    why = "; ".join([*head, *(row.reasons or (("nothing open left",) if row.done else ()))])
    values = (
        f"later · {row.number}" if row.later else f"{row.rank}. {row.number}",
        f"{row.name} ({row.facts.items})", _money(row.facts.open_amount),
        str(row.facts.oldest_days_past_due), why,
    )  # fmt: skip
    return values[column]


def item_text(item: WorkItem, column: int) -> str:
    """An item's row: PRO, issue type, open, days past due, why today (status in it)."""
    values = (
        item.pro or f"Account issue #{item.id}", item.type_name, _money(item.open_amount),
        str(item.days_past_due), item.reason,
    )  # fmt: skip
    return values[column]


class TodayModel(QAbstractItemModel):
    """Accounts (top level) and their items (children) of the shown Today rows."""

    def __init__(self, shown: ShownRows, today: TodayList, parent: Any = None):
        super().__init__(parent)
        self.shown, self.today = shown, today
        self.groups: list[AccountRow] = []
        self._resetting = False
        shown.observer = self
        shown.listeners.insert(0, self._settle)  # before the title: the groups are current
        self._regroup()

    # ----- what the ShownRows tells (every change regroups once, at its end) -----------------
    def _begin(self, *_args: object) -> None:
        if not self._resetting:
            self._resetting = True
            self.beginResetModel()

    begin_reset = begin_insert = begin_remove = begin_move = row_changed = _begin

    def _end(self) -> None:
        """Each change ends in `_settle` (the ShownRows' listeners run after it)."""

    end_reset = end_insert = end_remove = end_move = _end

    def _settle(self) -> None:
        if self._resetting:
            self._regroup()
            self._resetting = False
            self.endResetModel()

    def refresh(self) -> None:
        """The plan or the worked accounts changed: draw the accounts again."""
        self._begin()
        self._settle()

    def _regroup(self) -> None:
        self.groups = self.today.accounts(self.shown.rows, self.shown.narrowed)

    # ----- Qt's questions --------------------------------------------------------------------
    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not parent.isValid():
            return (
                self.createIndex(row, column, 0) if 0 <= row < len(self.groups) else QModelIndex()
            )
        if parent.internalId() != 0 or not 0 <= row < len(self.groups[parent.row()].items):
            return QModelIndex()
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(int(index.internalId()) - 1, 0, 0)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self.groups)
        if parent.internalId() == 0 and parent.column() == 0:
            return len(self.groups[parent.row()].items)
        return 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # fmt: skip
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def group_of(self, index: Index) -> AccountRow:
        row = index.row() if index.internalId() == 0 else int(index.internalId()) - 1
        return self.groups[row]

    def item_at(self, index: Index) -> WorkItem | None:
        if not index.isValid() or index.internalId() == 0:
            return None
        return self.group_of(index).items[index.row()]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        group, item = self.group_of(index), self.item_at(index)
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return item_text(item, column) if item else account_text(group, column)
        if role == ITEM_ROLE:
            return item if item else (group.items[0] if group.items else None)
        if role == ACCOUNT_ROLE:
            return group.number
        if role == Qt.ItemDataRole.ToolTipRole:
            return item.reason if item else "; ".join(group.reasons)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in RIGHT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and item is None:
            font = QFont()
            font.setBold(not group.later)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and item is None and (group.later or group.done):
            return QBrush(theme.colors().muted)
        if role == Qt.ItemDataRole.ForegroundRole and item is None and group.worked and column == 4:
            return QBrush(theme.colors().good)
        return None

    def find(self, key: Key) -> QModelIndex:
        """The index of an account ("a", number) or an item ("i", id), invalid when not shown."""
        kind, value = key
        for g, group in enumerate(self.groups):
            if kind == "a" and group.number == value:
                return self.index(g, 0)
            if kind == "i":
                for r, item in enumerate(group.items):
                    if str(item.id) == value:
                        return self.index(r, 0, self.index(g, 0))
        return QModelIndex()

    def key(self, index: Index) -> Key:
        item = self.item_at(index)
        return ("i", str(item.id)) if item else ("a", self.group_of(index).number)


class TodayView(QWidget):
    """A search box over the Today tree; behaves as a worklist view (ui.worklist_tabs)."""

    item_selected = Signal(object)  # WorkItem | None
    title_changed = Signal(str)

    def __init__(self, shown: ShownRows, today: TodayList, parent: QWidget | None = None):
        super().__init__(parent)
        self.shown, self.today = shown, today
        self.model = TodayModel(shown, today, self)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(
            "Type to search today's accounts by PRO, BOL, invoice or customer"
        )
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(shown.set_search)
        self.table = QTreeView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setUniformRowHeights(True)
        self.table.setAlternatingRowColors(True)
        self.table.setAllColumnsShowFocus(True)
        self.fit_columns()
        self._current: Key | None = None
        self._announced: int | None = None
        self._kept: tuple[set[str], Key | None, list[Key]] = (set(), None, [])
        self._next: Key | None = None
        self._acted: set[Key] = set()
        self.model.modelAboutToBeReset.connect(self._keep)
        self.model.modelReset.connect(self._restore)
        self.table.selectionModel().currentChanged.connect(lambda *_: self._announce())
        shown.listeners.append(lambda: self.title_changed.emit(self.title()))
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self.search)
        self._layout.addWidget(self.table)

    def fit_columns(self) -> None:
        """Columns as wide as their header or a typical value, at any font size."""
        metrics, head = self.table.fontMetrics(), self.table.header().fontMetrics()
        for column, (title, typical) in enumerate(zip(COLUMNS[:-1], TYPICAL, strict=False)):
            width = max(head.horizontalAdvance(title) + 2 * metrics.height(),
                        metrics.horizontalAdvance(typical) + 3 * metrics.height())  # fmt: skip
            self.table.setColumnWidth(column, width)

    def add_section(self, widget: QWidget) -> None:
        """A part of the day shown above the accounts (once; see ui.today.add_section)."""
        if self._layout.indexOf(widget) < 0:
            self._layout.insertWidget(1, widget)

    def title(self) -> str:
        today, worked, later = self.today.counts()
        if self.shown.narrowed:
            shown = sum(1 for g in self.model.groups if not g.later)
            return f"Today ({shown} of {today} accounts)"
        return f"Today ({today} accounts · {worked} worked · {later:,} later)"

    # ----- the user's place across a regroup ---------------------------------------------------
    def _keep(self) -> None:
        expanded = {g.number for n, g in enumerate(self.model.groups)
                    if self.table.isExpanded(self.model.index(n, 0))}  # fmt: skip
        selected = [self.model.key(i) for i in self.table.selectionModel().selectedRows()]
        current = self.table.currentIndex()
        self._kept = (expanded, self.model.key(current) if current.isValid() else None, selected)

    def _restore(self) -> None:
        expanded, current, selected = self._kept
        for n, group in enumerate(self.model.groups):
            if group.number in expanded:
                self.table.expand(self.model.index(n, 0))
        chosen = QItemSelection()
        for key in selected:
            index = self.model.find(key)
            if index.isValid():
                chosen.select(index, index.siblingAtColumn(len(COLUMNS) - 1))
        at = self.model.find(current) if current else QModelIndex()
        model = self.table.selectionModel()
        if at.isValid():
            model.setCurrentIndex(at, QItemSelectionModel.SelectionFlag.NoUpdate)
        model.select(chosen, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self._announce()

    def _announce(self) -> None:
        item = self.current_item()
        item_id = item.id if item is not None else None
        if item_id != self._announced:
            self._announced = item_id
            self.item_selected.emit(item)

    # ----- what the window asks -----------------------------------------------------------------
    def current_item(self) -> WorkItem | None:
        index = self.table.currentIndex()
        return index.data(ITEM_ROLE) if index.isValid() else None

    def selected_items(self) -> list[WorkItem]:
        """Selected items; a selected account row stands for all its items shown."""
        out: dict[int, WorkItem] = {}
        for index in sorted(self.table.selectionModel().selectedRows(),
                            key=lambda i: (self.model.group_of(i).rank, i.internalId() != 0, i.row())):  # fmt: skip
            item = self.model.item_at(index)
            for chosen in (item,) if item else self.model.group_of(index).items:
                out.setdefault(chosen.id, chosen)
        if not out and (current := self.current_item()) is not None:
            out[current.id] = current
        return list(out.values())

    def holds(self, item_id: int) -> bool:
        return item_id in self.shown.source

    def select_row(self, row: int) -> None:
        """Select an account (its row among the accounts shown)."""
        if 0 <= row < self.model.rowCount():
            self._select(self.model.index(row, 0))

    def select_account(self, number: str) -> bool:
        index = self.model.find(("a", number))
        if index.isValid():
            self._select(index)
        return index.isValid()

    def select_item(self, item_id: int) -> bool:
        if item_id not in self.shown.source:
            return False
        index = self.model.find(("i", str(item_id)))
        if not index.isValid() and self.search.text():
            self.search.clear()
            index = self.model.find(("i", str(item_id)))
        if index.isValid():
            self.table.expand(index.parent())
            self._select(index)
        return index.isValid()

    def _select(self, index: QModelIndex) -> None:
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.selectionModel().setCurrentIndex(index, flags)
        self.table.scrollTo(index)

    def step(self, by: int) -> None:
        """The next (by=1) or previous account, or item when an item is selected; right after
        an action, "next" continues from where the acted rows were (see `mark_place`)."""
        current = self.table.currentIndex()
        if by > 0 and current.isValid() and self.model.key(current) in self._acted and self.go_on():
            return
        if not current.isValid():
            self.select_row(0)
            return
        if current.internalId() == 0:
            target = self.model.index(current.row() + by, 0)
        else:
            target = self.table.indexBelow(current) if by > 0 else self.table.indexAbove(current)
        if target.isValid():
            self._select(target)

    def mark_place(self) -> None:
        """Before an action: remember the row that follows the selection (the next account
        when whole accounts are selected, else the next item below)."""
        rows = self.table.selectionModel().selectedRows() or [self.table.currentIndex()]
        rows = [r for r in rows if r.isValid()]
        self._acted = {self.model.key(r) for r in rows}
        self._next = None
        if not rows:
            return
        last = max(rows, key=lambda i: (self.model.group_of(i).rank, i.internalId() != 0, i.row()))
        below = (
            self.model.index(last.row() + 1, 0)
            if last.internalId() == 0
            else self.table.indexBelow(last)
        )
        while below.isValid() and self.model.key(below) in self._acted:
            below = self.table.indexBelow(below)
        self._next = self.model.key(below) if below.isValid() else None

    def go_on(self) -> bool:
        wanted, self._next, self._acted = self._next, None, set()
        index = self.model.find(wanted) if wanted else QModelIndex()
        if index.isValid():
            if index.internalId() != 0:
                self.table.expand(index.parent())
            self._select(index)
        return index.isValid()
