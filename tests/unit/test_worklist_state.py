"""The worklist's state without Qt: a list's rows found by id whatever a view's search shows,
rows moved to where they rank, searches that narrow, counts that say "12 of 99"."""

from __future__ import annotations

import dataclasses

import pytest
from tests.conftest import AS_OF

from arbench.services.op_changes import Changes
from arbench.services.work.worklist import WorkItem, items_for, split
from arbench.store.db import Database
from arbench.ui.models.worklist_model import PRO_COLUMNS
from arbench.ui.worklist_state import RowList, ShownRows, Sort


def ranked(items: list[WorkItem]) -> list[WorkItem]:
    """The worklist order, computed here: bucket, then higher priority, then id."""
    return sorted(items, key=lambda i: (i.bucket, -i.priority, i.id))


class Recorder:
    """Records what a ShownRows tells its observer (what a Qt model would be told)."""

    def __init__(self) -> None:
        self.calls: list[tuple[object, ...]] = []

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return lambda *args: self.calls.append((name, *args))


@pytest.fixture
def items(demo_db: Database) -> list[WorkItem]:
    with demo_db.session() as s:
        return split(items_for(s, [], AS_OF))[0]  # every pro-level item of the book


def make(items: list[WorkItem]) -> tuple[RowList, ShownRows, Recorder]:
    rows = RowList("pro", "Pro-level", lambda i: i.level == "pro")
    shown = ShownRows(rows)
    recorder = Recorder()
    shown.observer = recorder  # type: ignore[assignment]
    rows.reset(items)
    recorder.calls.clear()
    return rows, shown, recorder


def ids(items: list[WorkItem]) -> list[int]:
    return [i.id for i in items]


def test_a_changed_row_moves_to_its_rank_without_a_reset(items: list[WorkItem]) -> None:
    rows, shown, recorder = make(items)
    first = rows.items[0]
    later = dataclasses.replace(first, bucket=rows.items[-1].bucket, priority=-1.0)  # now last
    rows.apply(Changes(items=(later,)))
    names = [c[0] for c in recorder.calls]
    assert "begin_reset" not in names and ("begin_move", 0, len(items)) in recorder.calls
    assert shown.row_of(later.id) == len(items) - 1 and shown.rows[-1] is later
    assert ids(shown.rows) == ids(ranked(list(items[1:]) + [later]))
    sooner = dataclasses.replace(rows.items[-2], bucket=0, priority=1000.0)
    rows.apply(Changes(items=(sooner,)))
    assert shown.row_of(sooner.id) == 0 and len(shown.rows) == len(items) == len(rows)


def test_under_a_search_the_row_moves_among_the_shown_rows(items: list[WorkItem]) -> None:
    rows, shown, _ = make(items)
    needle = rows.items[0].account_name.lower()[:4]
    shown.set_search(needle)
    before = list(shown.rows)
    assert len(before) > 2 and before[0].id == rows.items[0].id
    rows.apply(Changes(items=(dataclasses.replace(before[0], bucket=99),)))
    assert ids(shown.rows) == ids(before[1:]) + [before[0].id]
    shown.set_search("")
    assert ids(shown.rows) == ids(ranked(rows.items)) and shown.rows[-1].id == before[0].id


def test_an_item_changed_while_the_search_hides_it_is_not_added_twice(
    items: list[WorkItem],
) -> None:
    rows, shown, _ = make(items)
    hidden = next(i for i in rows.items if "zz" not in i.search_text)
    shown.set_search("no such customer")
    assert shown.rows == []
    rows.apply(Changes(items=(dataclasses.replace(hidden, reason="changed elsewhere"),)))
    assert shown.rows == [] and len(rows) == len(items)
    shown.set_search("")
    assert len(shown.rows) == len(items)
    assert [i.reason for i in shown.rows if i.id == hidden.id] == ["changed elsewhere"]


def test_a_row_hidden_by_the_search_is_removed_by_id(items: list[WorkItem]) -> None:
    rows, shown, _ = make(items)
    gone = rows.items[3]
    shown.set_search("no such customer")
    rows.apply(Changes(removed=frozenset({gone.id})))
    shown.set_search("")
    assert gone.id not in ids(shown.rows) and len(shown.rows) == len(items) - 1


def test_someone_elses_row_leaves_and_new_rows_come_in_where_they_rank(
    items: list[WorkItem],
) -> None:
    mine = items[0].owner_id
    rows = RowList("pro", "Pro-level", lambda i: i.owner_id == mine)
    shown = ShownRows(rows)
    rows.reset(i for i in items if i.owner_id == mine)
    theirs = next(i for i in items if i.owner_id != mine)
    handed_over = dataclasses.replace(theirs, owner_id=mine)
    given_away = dataclasses.replace(rows.items[1], owner_id=theirs.owner_id)
    rows.apply(Changes(items=(handed_over, given_away, theirs)))  # `theirs` is not mine: ignored
    expected = [i for i in items if i.owner_id == mine and i.id != given_away.id] + [handed_over]
    assert ids(shown.rows) == ids(ranked(expected))


def test_a_users_sort_keeps_the_row_in_place(items: list[WorkItem]) -> None:
    rows, shown, _ = make(items)
    amount = [c[0] for c in PRO_COLUMNS].index("Open amount")
    shown.set_sort(Sort(amount, PRO_COLUMNS[amount][1], descending=True))
    before = ids(shown.rows)
    assert [i.open_amount for i in shown.rows] == sorted(
        (i.open_amount for i in items), reverse=True
    )
    rows.apply(Changes(items=(dataclasses.replace(shown.rows[0], bucket=99, reason="changed"),)))
    assert ids(shown.rows) == before and shown.rows[0].reason == "changed"
    new = dataclasses.replace(items[7], id=10**9, open_amount=shown.rows[3].open_amount)
    rows.apply(Changes(items=(new,)))  # a new row goes where the sort puts it
    amounts = [i.open_amount for i in shown.rows]
    assert amounts == sorted(amounts, reverse=True) and 10**9 in ids(shown.rows)


def test_typing_on_narrows_to_the_same_rows_as_a_fresh_search(items: list[WorkItem]) -> None:
    rows, shown, _ = make(items)
    name = items[len(items) // 2].account_name.lower()
    for typed in (name[:1], name[:3], name[:6], name[:3], "", name[1:4]):  # on, back, clear
        shown.set_search(typed)
        assert ids(shown.rows) == [i.id for i in ranked(items) if typed in i.search_text], typed
    assert 0 < len(shown) < len(items)


def test_sorted_and_searched_rows_keep_the_sort(items: list[WorkItem]) -> None:
    rows, shown, _ = make(items)
    amount = [c[0] for c in PRO_COLUMNS].index("Open amount")
    shown.set_sort(Sort(amount, PRO_COLUMNS[amount][1], descending=True))
    shown.set_search("1")
    shown.set_search("12")
    amounts = [i.open_amount for i in shown.rows]
    assert amounts == sorted(amounts, reverse=True)
    assert sorted(ids(shown.rows)) == sorted(i.id for i in items if "12" in i.search_text)


def test_a_changed_row_is_found_by_its_new_text(items: list[WorkItem]) -> None:
    rows, shown, _ = make(items)
    shown.set_search("zz-renamed")
    assert len(shown) == 0
    renamed = dataclasses.replace(rows.items[3], account_name="ZZ-Renamed Freight")
    rows.apply(Changes(items=(renamed,)))  # it matches the search now: it appears
    assert ids(shown.rows) == [renamed.id] and shown.row_of(renamed.id) == 0
    rows.apply(Changes(removed=frozenset({renamed.id})))
    assert len(shown) == 0 and shown.row_of(renamed.id) is None


def test_counts_say_how_many_of_how_many(items: list[WorkItem]) -> None:
    rows, shown, _ = make(items)
    titles: list[str] = []
    shown.listeners.append(lambda: titles.append(shown.title()))
    total = len(items)
    assert shown.title() == f"Pro-level ({total:,})"
    needle = items[0].account_name.lower()
    shown.set_search(needle)
    matching = sum(1 for i in items if needle in i.search_text)
    assert titles[-1] == f"Pro-level ({matching:,} of {total:,})"
    rows.apply(Changes(removed=frozenset({items[-1].id})))
    expected_shown = sum(1 for i in items[:-1] if needle in i.search_text)
    assert titles[-1] == f"Pro-level ({expected_shown:,} of {total - 1:,})"
    due = sum(1 for i in items[:-1] if i.bucket <= 4)
    assert rows.attention == due
