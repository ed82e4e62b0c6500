"""The rows of a user's lists and what each view shows of them, without Qt.

- `RowList`: one list's rows in the list's order, found by id. `accepts` says which rows
  belong (the user's pro-level items, account-level items, ...); a list that does not `add`
  (search results) only updates and drops the rows it has.
- `ShownRows`: what one view shows of a list: the type-ahead search and a column sort. It
  tells its observer (the Qt model) every row inserted, removed, moved or changed, Qt-style
  (begin/end around each change), so selections follow their rows.

A change reaches a list as a `Changes` record (services.op_changes); the list finds its rows
by id, whatever any view's search shows, and hands the same delta to each of its views.
Filtering works on Python lists (fast at 100,000 rows): a keystroke that extends the search
only looks at the rows already shown; the sorted order is kept until the rows or sort change.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import contains
from typing import Any, Protocol

from arbench.domain.priority import needs_attention
from arbench.services.op_changes import Changes
from arbench.services.work.worklist import WorkItem, by_order
from arbench.ui.item_filter import ItemFilter

Order = Callable[[WorkItem], Any]
BIG_DELTA = 50  # more rows than this in one delta: a view recomputes instead of row by row


@dataclass
class ListDelta:
    """What one `Changes` did to one list: rows added, (old, new) rows changed, rows removed."""

    added: list[WorkItem] = field(default_factory=list)
    changed: list[tuple[WorkItem, WorkItem]] = field(default_factory=list)
    removed: list[WorkItem] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.added) + len(self.changed) + len(self.removed)


class RowsObserver(Protocol):
    """What a view's model is told (Qt's begin/end protocol; `to` as in beginMoveRows)."""

    def begin_reset(self) -> None: ...
    def end_reset(self) -> None: ...
    def begin_insert(self, row: int) -> None: ...
    def end_insert(self) -> None: ...
    def begin_remove(self, row: int) -> None: ...
    def end_remove(self) -> None: ...
    def begin_move(self, row: int, to: int) -> None: ...
    def end_move(self) -> None: ...
    def row_changed(self, row: int) -> None: ...


class _Nobody:
    """The observer of shown rows no view shows (yet)."""

    def begin_reset(self) -> None: ...
    def end_reset(self) -> None: ...
    def begin_insert(self, row: int) -> None: ...
    def end_insert(self) -> None: ...
    def begin_remove(self, row: int) -> None: ...
    def end_remove(self) -> None: ...
    def begin_move(self, row: int, to: int) -> None: ...
    def end_move(self) -> None: ...
    def row_changed(self, row: int) -> None: ...


NOBODY = _Nobody()


class RowList:
    """One list's rows in order (`order`), by id; the one owner of those rows."""

    def __init__(
        self,
        key: str,
        title: str,
        accepts: Callable[[WorkItem], bool],
        *,
        adds: bool = True,
        order: Order = by_order,
    ):
        self.key, self.title, self.accepts, self.adds, self.order = key, title, accepts, adds, order
        self.items: list[WorkItem] = []
        self.texts: list[str] = []  # search texts, row by row
        self.by_id: dict[int, WorkItem] = {}
        self.attention = 0  # rows due today (domain.priority.needs_attention)
        self.views: list[ShownRows] = []

    def __len__(self) -> int:
        return len(self.items)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self.by_id

    def reset(self, items: Iterable[WorkItem], *, ordered: bool = False) -> None:
        """Replace every row (sorted into the list's order unless `ordered` says they are);
        every view shows them again."""
        self.items = list(items) if ordered else sorted(items, key=self.order)
        self.texts = [item.search_text for item in self.items]
        self.by_id = {item.id: item for item in self.items}
        self.attention = sum(1 for item in self.items if needs_attention(item.bucket))
        for view in self.views:
            view.refresh()

    def apply(self, changes: Changes) -> ListDelta:
        """Take a change record: rows found by id are replaced, added or removed."""
        delta = ListDelta()
        for item_id in changes.removed:
            if item_id in self.by_id:
                delta.removed.append(self.by_id[item_id])
        for item in changes.items:
            old = self.by_id.get(item.id)
            if old is None:
                if self.adds and self.accepts(item):
                    delta.added.append(item)
            elif self.accepts(item):
                delta.changed.append((old, item))
            else:
                delta.removed.append(old)
        for old in delta.removed:
            self._take(old)
        for old, new in delta.changed:
            self._take(old)
            self._put(new)
        for new in delta.added:
            self._put(new)
        if delta:
            for view in self.views:
                view.apply(delta)
        return delta

    def _index(self, item: WorkItem) -> int:
        at = bisect_left(self.items, self.order(item), key=self.order)
        if at < len(self.items) and self.items[at].id == item.id:
            return at
        return next(n for n, i in enumerate(self.items) if i.id == item.id)  # not where it ranks

    def _take(self, item: WorkItem) -> None:
        at = self._index(self.by_id[item.id])
        del self.items[at], self.texts[at], self.by_id[item.id]
        self.attention -= needs_attention(item.bucket)

    def _put(self, item: WorkItem) -> None:
        at = bisect_left(self.items, self.order(item), key=self.order)
        self.items.insert(at, item)
        self.texts.insert(at, item.search_text)
        self.by_id[item.id] = item
        self.attention += needs_attention(item.bucket)


@dataclass(frozen=True)
class Sort:
    """A column sort chosen by the user: the column's sort value, and the direction."""

    column: int
    key: Order
    descending: bool


class ShownRows:
    """The rows one view shows of a list: search and sort; `observer` is the Qt model."""

    def __init__(self, source: RowList):
        self.source = source
        self.observer: RowsObserver = NOBODY
        self.listeners: list[Callable[[], None]] = []  # told when the counts may have changed
        self.search = ""
        self.filter: ItemFilter | None = None  # the filter bar's conditions (None: none)
        self.sort: Sort | None = None
        self.rows: list[WorkItem] = []
        self._texts: list[str] = []  # search texts of `rows`
        self._shown_search: str | None = None  # the search `rows` were chosen with
        self._shown_filter: ItemFilter | None = None  # and the filter
        self._sorted: tuple[list[WorkItem], list[str]] | None = None  # every row, user-sorted
        self._row_of: dict[int, int] | None = None
        source.views.append(self)

    def close(self) -> None:
        """The view is gone: stop following the list."""
        if self in self.source.views:
            self.source.views.remove(self)
        self.observer, self.listeners = NOBODY, []

    # ----- what the view asks -------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.rows)

    def row_of(self, item_id: int) -> int | None:
        """The shown row of an item (None when the search hides it or it is not listed)."""
        if self._row_of is None:
            self._row_of = {item.id: row for row, item in enumerate(self.rows)}
        return self._row_of.get(item_id)

    @property
    def narrowed(self) -> bool:
        """Whether a search or a filter hides rows of the list."""
        return bool(self.search) or (self.filter is not None and self.filter.active)

    def count_text(self) -> str:
        """'3,594', or '12 of 3,594' while a search or a filter narrows the list."""
        total = len(self.source)
        return f"{len(self.rows):,} of {total:,}" if self.narrowed else f"{total:,}"

    def title(self) -> str:
        return f"{self.source.title} ({self.count_text()})"

    # ----- what the user changes ----------------------------------------------------------
    def set_search(self, text: str) -> None:
        """Type-ahead: keep rows whose PRO, BOL, invoice, customer number or name contain text."""
        self.search = text.strip().lower()
        self._show()

    def set_filter(self, item_filter: ItemFilter | None) -> None:
        """Keep only the rows the filter matches (None or an empty filter: every row)."""
        self.filter = item_filter if item_filter is not None and item_filter.active else None
        self._shown_search = None  # the filter changed: choose from every row again
        self._show()

    def set_sort(self, sort: Sort | None) -> None:
        self.sort = sort
        self.refresh()

    def refresh(self) -> None:
        """The rows or the sort changed wholesale: choose and show the rows again."""
        self._sorted, self._shown_search = None, None
        self._show()

    # ----- choosing the rows --------------------------------------------------------------
    def _every_row(self) -> tuple[list[WorkItem], list[str]]:
        if self.sort is None:
            return self.source.items, self.source.texts
        if self._sorted is None:
            key = self.sort.key
            pairs = sorted(
                zip(self.source.items, self.source.texts, strict=True),
                key=lambda pair: key(pair[0]),
                reverse=self.sort.descending,
            )
            self._sorted = ([p[0] for p in pairs], [p[1] for p in pairs])
        return self._sorted

    def _show(self) -> None:
        needle = self.search
        same_filter = self._shown_filter == self.filter
        if same_filter and self._shown_search is not None and self._shown_search in needle:
            rows, texts = self.rows, self._texts  # typing on: only shown rows can match
        else:
            rows, texts = self._every_row()
            if self.filter is not None:
                keep = list(map(self.filter.matches, rows))
                rows, texts = list(compress(rows, keep)), list(compress(texts, keep))
        if needle:
            keep = list(map(contains, texts, repeat(needle)))
            rows, texts = list(compress(rows, keep)), list(compress(texts, keep))
        self.observer.begin_reset()
        self.rows, self._texts = list(rows), list(texts)
        self._shown_search, self._shown_filter, self._row_of = needle, self.filter, None
        self.observer.end_reset()
        self._counts()

    # ----- taking a delta row by row ------------------------------------------------------
    def apply(self, delta: ListDelta) -> None:
        """Show what the list's delta did: rows found by id, moved to where they rank."""
        self._sorted = None
        if len(delta) > BIG_DELTA:
            self.refresh()
            return
        for old in delta.removed:
            self._remove(old)
        for old, new in delta.changed:
            self._change(old, new)
        for new in delta.added:
            if self._matches(new):
                self._insert(new)
        self._counts()

    def _matches(self, item: WorkItem) -> bool:
        if self.filter is not None and not self.filter.matches(item):
            return False
        return not self.search or self.search in item.search_text

    def _position(self, item: WorkItem, rows: Sequence[WorkItem]) -> int:
        """Where the item belongs among `rows`: list order, or the user's sort."""
        if self.sort is None:
            order = self.source.order
            return bisect_left(rows, order(item), key=order)
        key, descending, value = self.sort.key, self.sort.descending, self.sort.key(item)
        low, high = 0, len(rows)
        while low < high:  # bisect on a key that may sort either way
            middle = (low + high) // 2
            other = key(rows[middle])
            if (other > value) if descending else (other < value):
                low = middle + 1
            else:
                high = middle
        return low

    def _find(self, item: WorkItem) -> int | None:
        """The shown row of `item` as stored: by bisection in list order (no dict to rebuild
        after each change of a batch), by the id map under the user's sort."""
        if self.sort is not None:
            return self.row_of(item.id)
        order = self.source.order
        row = bisect_left(self.rows, order(item), key=order)
        return row if row < len(self.rows) and self.rows[row].id == item.id else None

    def _remove(self, item: WorkItem) -> None:
        row = self._find(item)
        if row is None:
            return
        self.observer.begin_remove(row)
        del self.rows[row], self._texts[row]
        self._row_of = None
        self.observer.end_remove()

    def _insert(self, item: WorkItem) -> None:
        row = self._position(item, self.rows)
        self.observer.begin_insert(row)
        self.rows.insert(row, item)
        self._texts.insert(row, item.search_text)
        self._row_of = None
        self.observer.end_insert()

    def _change(self, old: WorkItem, new: WorkItem) -> None:
        row = self._find(old)
        if row is None:
            if self._matches(new):
                self._insert(new)  # it matches the search now
            return
        if not self._matches(new):
            self._remove(old)
            return
        if self.sort is not None:  # under the user's sort a row keeps its place
            self.rows[row], self._texts[row] = new, new.search_text
            self.observer.row_changed(row)
            return
        to = self._position(new, self.rows)  # among the rows with `old` still in place...
        to -= to > row  # ...so one less past it (keys are unique: the id breaks ties)
        if to != row:
            self.observer.begin_move(row, to + (to > row))
        del self.rows[row], self._texts[row]
        self.rows.insert(to, new)
        self._texts.insert(to, new.search_text)
        self._row_of = None
        if to != row:
            self.observer.end_move()
        self.observer.row_changed(to)

    def _counts(self) -> None:
        for listener in self.listeners:
            listener()
