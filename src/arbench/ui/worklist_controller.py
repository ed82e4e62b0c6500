"""The worklist controller: the one owner of a window's lists, their counts and status line.

It holds the user's lists (pro-level, account-level) and the whole-book search results, each a
`RowList` (ui.worklist_state) in work order, and creates the `ShownRows` each view observes.
Every change goes through `apply(changes)`: the user's own action (the operation runner's
`completed`), someone else's (live updates), an import or a cover that ended (`reload`).
Rows are found by id in every list, whatever a view's search shows; views, tab titles and the
status bar only observe (`applied`, `loaded`, `status_changed`, and each ShownRows' listeners).

Extension point: `add_list` registers another list (the collector's-day "Today" view, #17);
it receives every change like the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from PySide6.QtCore import QObject, Signal

from arbench.domain.catalogue import Level
from arbench.services.base import Actor
from arbench.services.op_changes import Changes
from arbench.services.work import worklist as worklist_service
from arbench.services.work.worklist import WorkItem, by_order
from arbench.store.db import Database
from arbench.ui.operations import OperationRunner
from arbench.ui.worklist_state import RowList, ShownRows


def search_order(item: WorkItem) -> tuple[bool, int, float, int]:
    """Whole-book search results: pro-level first, each level in work order."""
    return (item.level != Level.PRO, *by_order(item))


class WorklistController(QObject):
    """Owns the rows, order, counts and status line of one window's lists."""

    loaded = Signal()  # the user's lists were read again
    applied = Signal(object)  # Changes, after every list and view took it
    status_changed = Signal(str)  # "3,599 open items · 1,127 need attention today"

    def __init__(self, db: Database, actor: Actor, on: date, runner: OperationRunner,
                 parent: QObject | None = None):  # fmt: skip
        super().__init__(parent)
        self.db, self.actor, self.on, self.runner = db, actor, on, runner
        mine = actor.id
        self.pro = RowList("pro", "Pro-level",
                           lambda i: i.owner_id == mine and i.level == Level.PRO)  # fmt: skip
        self.account = RowList("account", "Account-level",
                               lambda i: i.owner_id == mine and i.level == Level.ACCOUNT)  # fmt: skip
        self.search = RowList("search", "Whole book", lambda _i: True, adds=False,
                              order=search_order)  # fmt: skip
        self.lists: dict[str, RowList] = {}
        for row_list in (self.pro, self.account, self.search):
            self.add_list(row_list)
        self.own = (self.pro, self.account)  # the user's own items: the status line counts them
        self.loading = False
        self._during_load: list[Changes] | None = None
        self.has_loaded = False

    # ----- lists and views ---------------------------------------------------------------
    def add_list(self, row_list: RowList) -> RowList:
        """Register a list: it takes every change from now on, and a list that adds rows is
        filled from every load of the user's items (by its `accepts`)."""
        self.lists[row_list.key] = row_list
        return row_list

    def view(self, key: str) -> ShownRows:
        """New shown rows over the list `key`, for one view to observe."""
        return ShownRows(self.lists[key])

    def own_items(self) -> list[WorkItem]:
        """The user's open items (pro-level, then account-level), each list in work order."""
        return [item for row_list in self.own for item in row_list.items]

    def is_mine(self, item_id: int) -> bool:
        """Whether the item is on one of the user's own lists."""
        return any(item_id in row_list for row_list in self.own)

    def status_text(self) -> str:
        total = sum(len(row_list) for row_list in self.own)
        due = sum(row_list.attention for row_list in self.own)
        return f"{total:,} open items · {due:,} need attention today"

    # ----- reading the lists -------------------------------------------------------------
    def reload(self) -> None:
        """Read the user's lists again off the GUI thread; `loaded` when they are shown."""
        self.loading = True
        self._during_load = []
        self.status_changed.emit("Loading worklist…")
        db, login, on = self.db, self.actor.login, self.on

        def load() -> list[WorkItem]:
            items = worklist_service.worklist(db, login, on)
            for item in items:
                _ = item.search_text  # computed here, off the GUI thread, once per row
            return items

        self.runner.read(load, self._loaded, self._load_failed, key="worklist")

    def _loaded(self, items: list[WorkItem]) -> None:
        replay, self._during_load, self.loading = self._during_load or [], None, False
        self.show_items(items)
        for changes in replay:  # written while the list was read: in order, so none is lost
            self._apply_rows(changes)
        self.status_changed.emit(self.status_text())
        self.has_loaded = True
        self.loaded.emit()

    def _load_failed(self, exc: Exception) -> None:
        self.loading, self._during_load = False, None
        self.status_changed.emit("")
        self.runner.show_error(exc)

    def show_items(self, items: Iterable[WorkItem]) -> None:
        """Replace the user's lists with these rows (a load; benchmarks feed big lists here)."""
        rows = list(items)  # in work order (the worklist service sorts them)
        for row_list in self.lists.values():
            if row_list.adds:
                row_list.reset([i for i in rows if row_list.accepts(i)],
                               ordered=row_list.order is by_order)  # fmt: skip
        self.status_changed.emit(self.status_text())

    def set_search_results(self, items: Iterable[WorkItem]) -> None:
        """The whole-book search's rows (any owner); later changes update them by id."""
        self.search.reset(items)

    # ----- the one way a change comes in -------------------------------------------------
    def apply(self, changes: Changes) -> None:
        """Apply a change record to every list by id; then tell the observers."""
        if self._during_load is not None:
            self._during_load.append(changes)
        self._apply_rows(changes)
        self.status_changed.emit(self.status_text())
        self.applied.emit(changes)
        if changes.reload:
            self.reload()

    def _apply_rows(self, changes: Changes) -> None:
        for row_list in self.lists.values():
            row_list.apply(changes)
