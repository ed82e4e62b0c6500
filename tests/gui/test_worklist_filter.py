"""Type-ahead on the worklist model: narrowing from the shown rows gives the same rows as a
fresh search, with and without a sort, and rows changed in place are found by their new text."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from tests.conftest import AS_OF

from arbench.services.worklist import WorkItem, items_for, split
from arbench.store.db import Database
from arbench.ui.models.worklist_model import PRO_COLUMNS, WorklistModel


def _items(db: Database) -> list[WorkItem]:
    with db.session() as s:
        return split(items_for(s, [], AS_OF))[0]


def _expected(items: list[WorkItem], needle: str) -> list[int]:
    return [i.id for i in items if needle in i.search_text]


def test_typing_on_narrows_to_the_same_rows_as_a_fresh_search(
    qtbot: QtBot, demo_db: Database
) -> None:
    items = _items(demo_db)
    model = WorklistModel(PRO_COLUMNS)
    model.set_items(items)
    name = items[len(items) // 2].account_name.lower()
    for typed in (name[:1], name[:3], name[:6], name[:3], "", name[1:4]):  # on, back, clear
        model.set_filter(typed)
        assert [i.id for i in model.items] == _expected(items, typed), typed
    assert 0 < model.rowCount() < len(items)


def test_sorted_and_filtered_rows_keep_the_sort(qtbot: QtBot, demo_db: Database) -> None:
    items = _items(demo_db)
    model = WorklistModel(PRO_COLUMNS)
    model.set_items(items)
    amount = [c[0] for c in PRO_COLUMNS].index("Open amount")
    model.sort(amount, Qt.SortOrder.DescendingOrder)
    model.set_filter("1")
    model.set_filter("12")
    shown = [i.open_amount for i in model.items]
    assert shown == sorted(shown, reverse=True)
    assert sorted(i.id for i in model.items) == sorted(_expected(items, "12"))


def test_an_updated_row_is_found_by_its_new_text(qtbot: QtBot, demo_db: Database) -> None:
    items = _items(demo_db)
    model = WorklistModel(PRO_COLUMNS)
    model.set_items(items)
    model.set_filter("zz-renamed")
    assert model.rowCount() == 0
    model.set_filter("")
    renamed = dataclasses.replace(items[3], account_name="ZZ-Renamed Freight")
    model.update_item(renamed)
    model.set_filter("zz-renamed")
    assert [i.id for i in model.items] == [renamed.id]
    assert model.row_of(renamed.id) == 0
    model.remove_item(renamed.id)
    assert model.rowCount() == 0 and model.row_of(renamed.id) is None
