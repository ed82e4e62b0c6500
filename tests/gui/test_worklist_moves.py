"""A row changed by an action moves to where it now ranks (default order), without a reset;
new rows are inserted where they rank; a user's sort keeps rows where they are."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from tests.conftest import AS_OF

from arbench.services.worklist import WorkItem, items_for, split
from arbench.store.db import Database
from arbench.ui.models.worklist_model import PRO_COLUMNS, WorklistModel, worklist_order


def _model(db: Database) -> tuple[WorklistModel, list[WorkItem]]:
    with db.session() as s:
        items = split(items_for(s, [], AS_OF))[0]
    model = WorklistModel(PRO_COLUMNS)
    model.set_items(items)
    return model, items


def _ids(items: list[WorkItem]) -> list[int]:
    return [i.id for i in items]


def test_an_updated_row_moves_to_its_rank_without_a_reset(qtbot: QtBot, demo_db: Database) -> None:
    model, items = _model(demo_db)
    later = dataclasses.replace(items[0], bucket=items[-1].bucket, priority=-1.0)  # now last
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    with qtbot.waitSignal(model.rowsMoved, timeout=60000):
        model.update_item(later)
    assert resets == [] and model.row_of(later.id) == len(items) - 1
    assert model.items == sorted(model.items, key=worklist_order) and model.items[-1] is later
    sooner = dataclasses.replace(items[-1], bucket=0, priority=1000.0)
    model.update_item(sooner)
    assert model.row_of(sooner.id) == 0 and len(model.items) == len(items)
    model.set_filter(sooner.search_text[:4])  # the caches follow the moves
    assert _ids(model.items) == [
        i.id for i in model.all_items if sooner.search_text[:4] in i.search_text
    ]
    assert model.items[0] is sooner


def test_under_a_search_the_row_moves_among_the_shown_rows(qtbot: QtBot, demo_db: Database) -> None:
    model, items = _model(demo_db)
    needle = items[0].account_name.lower()[:4]
    model.set_filter(needle)
    shown = list(model.items)
    assert len(shown) > 2 and shown[0] is items[0]
    model.update_item(dataclasses.replace(shown[0], bucket=99))
    assert _ids(model.items) == _ids(shown[1:]) + [shown[0].id]
    model.set_filter("")
    assert _ids(model.items) == _ids(sorted(model.all_items, key=worklist_order))
    assert model.items[-1].id == shown[0].id


def test_a_users_sort_keeps_the_row_in_place(qtbot: QtBot, demo_db: Database) -> None:
    model, items = _model(demo_db)
    amount = [c[0] for c in PRO_COLUMNS].index("Open amount")
    model.sort(amount, Qt.SortOrder.DescendingOrder)
    before = _ids(model.items)
    model.update_item(dataclasses.replace(model.items[0], bucket=99, reason="changed"))
    assert _ids(model.items) == before and model.items[0].reason == "changed"


def test_a_new_row_is_inserted_where_it_ranks(qtbot: QtBot, demo_db: Database) -> None:
    model, items = _model(demo_db)
    gone = items[5]
    model.remove_item(gone.id)
    model.set_filter("no such text")
    model.add_item(gone)  # hidden by the search, shown when it is cleared
    assert model.rowCount() == 0
    model.set_filter("")
    assert _ids(model.items) == _ids(items)
    model.remove_item(gone.id)
    with qtbot.waitSignal(model.rowsInserted, timeout=60000):
        model.add_item(gone)
    assert model.row_of(gone.id) == 5 and _ids(model.items) == _ids(items)


def test_the_view_keeps_a_moved_selection_in_sight(qtbot: QtBot, demo_db: Database) -> None:
    from arbench.ui.models.worklist_model import PRO_COLUMNS as COLUMNS
    from arbench.ui.worklist_view import WorklistView

    with demo_db.session() as s:
        items = split(items_for(s, [], AS_OF))[0][:300]
    view = WorklistView(COLUMNS, "search")
    qtbot.addWidget(view)
    view.resize(900, 400)
    view.show()
    view.set_items(items)
    view.select_row(0)
    view.model.update_item(dataclasses.replace(items[0], bucket=99))
    current = view.table.currentIndex()
    assert current.row() == len(items) - 1 and view.current_item().id == items[0].id  # type: ignore[union-attr]
    assert view.table.viewport().rect().intersects(view.table.visualRect(current))
