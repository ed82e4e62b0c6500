"""A row changed by an action moves to where it now ranks as a Qt row move (the selection goes
with it and stays in sight); a removed selected row is replaced by the row that took its
place; the rows of the model are the list's, whatever the search shows."""

from __future__ import annotations

import dataclasses

from pytestqt.qtbot import QtBot
from tests.conftest import AS_OF

from arbench.services.op_changes import Changes
from arbench.services.work.worklist import WorkItem, items_for, split
from arbench.store.db import Database
from arbench.ui.models.worklist_model import PRO_COLUMNS
from arbench.ui.worklist_state import RowList, ShownRows
from arbench.ui.worklist_view import WorklistView


def _view(qtbot: QtBot, db: Database, count: int = 300) -> tuple[RowList, WorklistView]:
    with db.session() as s:
        items: list[WorkItem] = split(items_for(s, [], AS_OF))[0][:count]
    rows = RowList("pro", "Pro-level", lambda i: i.level == "pro")
    view = WorklistView(PRO_COLUMNS, ShownRows(rows), "search")
    qtbot.addWidget(view)
    view.resize(900, 400)
    view.show()
    rows.reset(items)
    return rows, view


def test_the_view_keeps_a_moved_selection_in_sight(qtbot: QtBot, demo_db: Database) -> None:
    rows, view = _view(qtbot, demo_db)
    first = rows.items[0]
    view.select_row(0)
    resets: list[int] = []
    view.model.modelReset.connect(lambda: resets.append(1))
    with qtbot.waitSignal(view.model.rowsMoved, timeout=1000):
        rows.apply(Changes(items=(dataclasses.replace(first, bucket=99),)))
    current = view.table.currentIndex()
    assert resets == [] and current.row() == len(rows) - 1
    assert view.current_item() is not None and view.current_item().id == first.id  # type: ignore[union-attr]
    assert view.table.viewport().rect().intersects(view.table.visualRect(current))


def test_a_removed_selected_row_selects_the_next_item(qtbot: QtBot, demo_db: Database) -> None:
    rows, view = _view(qtbot, demo_db)
    view.select_row(4)
    following = rows.items[5]
    with qtbot.waitSignal(view.item_selected, timeout=1000) as selected:
        rows.apply(Changes(removed=frozenset({rows.items[4].id})))
    assert selected.args == [following] and view.current_item() == following


def test_the_selection_survives_a_search_that_still_shows_it(
    qtbot: QtBot, demo_db: Database
) -> None:
    rows, view = _view(qtbot, demo_db)
    view.select_row(10)
    chosen = rows.items[10]
    announced: list[object] = []
    view.item_selected.connect(announced.append)
    qtbot.keyClicks(view.search, chosen.account_name[:5])
    assert view.current_item() == chosen and announced == []  # no reload of the same item
    view.search.setText("no such customer zzz")
    assert view.current_item() is None and announced == [None]
