"""One owner for the worklist's state, proved through the real window: a change made by
someone else while the search hides the item, an action under a search, a resolve, and a
write that must show up once, correctly counted, in every open view.

Counts are computed here from the database with plain SQL (open items of the user); "need
attention today" comes from a fresh read of the worklist service, not from the window."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from arbench.domain.catalogue import OPEN_STATUSES
from arbench.services.base import actor_for
from arbench.services.work import items as service
from arbench.services.work import worklist as worklist_service
from arbench.services.work.item_inputs import ContactLog
from arbench.store.db import Database
from arbench.store.models import Issue, User
from arbench.ui.action_dialogs import ContactDialog
from arbench.ui.main_window import MainWindow
from arbench.ui.resolve_dialog import ResolveDialog
from helpers import open_window, wait_idle

ON = date(2026, 11, 24)
OPEN = [s.value for s in OPEN_STATUSES]


def open_count(db: Database, login: str, level: str | None = None) -> int:
    with db.session() as s:
        uid = s.scalar(select(User.id).where(User.login == login))
        where = [Issue.owner_id == uid, Issue.status.in_(OPEN)]
        if level:
            where.append(Issue.level == level)
        return int(s.scalar(select(func.count()).select_from(Issue).where(*where)) or 0)


def status_from_db(db: Database, login: str) -> str:
    total = open_count(db, login)
    due = sum(1 for i in worklist_service.worklist(db, login, ON) if i.bucket <= 4)
    return f"{total:,} open items · {due:,} need attention today"


def choose_resolution(qtbot: QtBot, dialog: ResolveDialog) -> None:
    """Rebilled, the root cause fixed, with a note (the item still has a balance)."""
    dialog.code.setCurrentIndex(dialog.code.findData("rebilled"))
    dialog.fixed.setCurrentIndex(dialog.fixed.findData(True))
    qtbot.keyClicks(dialog.note, "Rebilled to the right party")


def click(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def press(qtbot: QtBot, window: MainWindow, name: str) -> object:
    click(qtbot, window.features.item_actions.buttons[name])
    return window.features.item_actions.dialog


def test_a_change_elsewhere_while_the_search_hides_the_item_is_not_added_twice(
    qtbot: QtBot, demo_db: Database
) -> None:
    window = open_window(qtbot, demo_db, "agarcia")
    view = window.pro_view
    total = open_count(demo_db, "agarcia", "pro")
    target = view.model.items[0]
    other = next(i for i in view.model.items if i.account_name != target.account_name)
    qtbot.keyClicks(view.search, other.account_name)  # the search hides the target
    assert view.model.row_of(target.id) is None
    service.log_contact(demo_db, actor_for(demo_db, "kwright"), target.id, None,
                        ContactLog("call", "AP promised a date", follow_up=ON + timedelta(days=6)),
                        on=ON)  # fmt: skip
    window.features.live_updates.poll()
    qtbot.waitUntil(
        lambda: window.controller.pro.by_id[target.id].follow_up == ON + timedelta(days=6),
        timeout=10000,
    )
    assert window.tabs.tabText(window.tabs.indexOf(window.pro_view)).endswith(f" of {total:,})")
    view.search.clear()
    shown = [i.id for i in view.model.items]
    assert len(shown) == total and shown.count(target.id) == 1
    assert window.tabs.tabText(window.tabs.indexOf(window.pro_view)) == f"Pro-level ({total:,})"


def test_after_an_action_under_a_search_the_tab_reads_the_full_count(
    qtbot: QtBot, demo_db: Database
) -> None:
    window = open_window(qtbot, demo_db, "agarcia")
    view = window.pro_view
    total = open_count(demo_db, "agarcia", "pro")
    target = view.model.items[3]
    qtbot.keyClicks(view.search, target.pro or "")
    assert (
        window.tabs.tabText(window.tabs.indexOf(window.pro_view)) == f"Pro-level (1 of {total:,})"
    )
    rect = view.table.visualRect(view.model.index(0, 1))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    wait_idle(qtbot, window)
    dialog = press(qtbot, window, "log")
    assert isinstance(dialog, ContactDialog)
    qtbot.keyClicks(dialog.text, "Left a voicemail for AP")
    click(qtbot, dialog.ok_button)
    wait_idle(qtbot, window)
    assert (
        window.tabs.tabText(window.tabs.indexOf(window.pro_view)) == f"Pro-level (1 of {total:,})"
    )
    assert (
        window.tabs.tabText(window.tabs.indexOf(window.account_view))
        == f"Account-level ({open_count(demo_db, 'agarcia', 'account'):,})"
    )
    view.search.clear()
    assert (
        window.tabs.tabText(window.tabs.indexOf(window.pro_view)) == f"Pro-level ({total:,})"
        and view.model.rowCount() == total
    )


def test_the_status_bar_is_right_after_a_resolve(qtbot: QtBot, demo_db: Database) -> None:
    window = open_window(qtbot, demo_db, "agarcia")
    assert window.status_label.text() == status_from_db(demo_db, "agarcia")
    view = window.pro_view
    target = next(i for i in view.model.items if i.root_cause is not None)
    view.select_row(view.model.row_of(target.id) or 0)
    wait_idle(qtbot, window)
    dialog = press(qtbot, window, "resolve")
    assert isinstance(dialog, ResolveDialog)
    choose_resolution(qtbot, dialog)
    dialog.override.setText("")  # a collector: no override; the demo's scripts are not loaded
    click(qtbot, dialog.ok_button)
    wait_idle(qtbot, window)
    assert view.model.row_of(target.id) is None
    assert window.status_label.text() == status_from_db(demo_db, "agarcia")
    assert (
        window.tabs.tabText(window.tabs.indexOf(window.pro_view))
        == f"Pro-level ({open_count(demo_db, 'agarcia', 'pro'):,})"
    )


def test_a_write_shows_up_once_correctly_counted_in_every_open_view(
    qtbot: QtBot, demo_db: Database
) -> None:
    mine = open_window(qtbot, demo_db, "agarcia")
    boss = open_window(qtbot, demo_db, "kwright")
    target = mine.pro_view.model.items[0]
    search = boss.features.book_search.open_dialog(target.pro or "")
    qtbot.waitUntil(lambda: search.model.rowCount() == 1, timeout=10000)
    mine_search = mine.features.book_search.open_dialog(target.account_name)
    qtbot.waitUntil(lambda: mine_search.model.rowCount() > 0, timeout=10000)
    listed = mine_search.model.rowCount()

    mine.pro_view.select_row(0)
    wait_idle(qtbot, mine)
    dialog = press(qtbot, mine, "resolve")
    assert isinstance(dialog, ResolveDialog)
    choose_resolution(qtbot, dialog)
    click(qtbot, dialog.ok_button)
    wait_idle(qtbot, mine)
    # In the window that wrote: its lists, its status line, its own whole-book results.
    assert mine.pro_view.model.row_of(target.id) is None
    assert [i.id for i in mine.controller.own_items()].count(target.id) == 0
    assert mine.status_label.text() == status_from_db(demo_db, "agarcia")
    assert (
        mine_search.model.rowCount() == listed - 1 and mine_search.model.row_of(target.id) is None
    )
    # In another window (the supervisor's), through live updates: the search row leaves.
    boss.features.live_updates.poll()
    qtbot.waitUntil(lambda: search.model.rowCount() == 0, timeout=10000)
    assert boss.status_label.text() == status_from_db(demo_db, "kwright")


def _geometry(window: MainWindow) -> list[tuple[str, QPoint, int, int]]:
    bar = window.panel.action_bar
    shapes = [(name, b.mapTo(window, QPoint(0, 0)), b.width(), b.height())
              for name, b in bar.buttons.items()]  # fmt: skip
    tabs = window.panel.tabs
    return [*shapes, ("tabs", tabs.mapTo(window, QPoint(0, 0)), tabs.width(), tabs.height())]


def test_the_item_panel_does_not_move_after_an_action(qtbot: QtBot, demo_db: Database) -> None:
    window = open_window(qtbot, demo_db, "agarcia")
    window.resize(1400, 820)
    view = window.pro_view
    target = next(i for i in view.model.items if i.status == "open")
    view.select_row(view.model.row_of(target.id) or 0)
    wait_idle(qtbot, window)
    qtbot.waitExposed(window)
    before = _geometry(window)
    dialog = press(qtbot, window, "route")  # the header grows a "waiting on …" part
    qtbot.keyClicks(dialog.request, "The signed POD, please")  # type: ignore[attr-defined]
    click(qtbot, dialog.ok_button)  # type: ignore[attr-defined]
    wait_idle(qtbot, window)
    assert "waiting on operations" in window.panel.header.text()
    assert _geometry(window) == before
    window.pro_view.select_row(5)  # another item, another header: still nothing moves
    wait_idle(qtbot, window)
    assert _geometry(window) == before


def test_another_list_registered_later_takes_every_change_too(
    qtbot: QtBot, demo_db: Database
) -> None:
    """The extension point the collector's day builds on: a list and a tab added by a feature
    (here: what needs attention today) follow the same change records as the others."""
    from arbench.ui.models.worklist_model import PRO_COLUMNS
    from arbench.ui.worklist_state import RowList

    window = open_window(qtbot, demo_db, "agarcia")
    me = window.actor.id
    today = window.controller.add_list(
        RowList("due", "Due", lambda i: i.owner_id == me and i.bucket <= 4)
    )
    view = window.tabs.add_view("due", PRO_COLUMNS)
    with qtbot.waitSignal(window.worklist_loaded, timeout=20000):
        window.reload()
    wait_idle(qtbot, window)
    due = sum(1 for i in worklist_service.worklist(demo_db, "agarcia", ON) if i.bucket <= 4)
    assert len(today) == due and window.tabs.tabText(window.tabs.indexOf(view)) == f"Due ({due:,})"
    window.tabs.setCurrentWidget(view)
    view.select_row(0)
    wait_idle(qtbot, window)
    first = view.current_item()
    assert first is not None and window.panel.detail is not None
    dialog = press(qtbot, window, "log")  # a follow-up next week: no longer due today
    assert isinstance(dialog, ContactDialog)
    qtbot.keyClicks(dialog.text, "Spoke to AP, call back next week")
    click(qtbot, dialog.ok_button)
    wait_idle(qtbot, window)
    due = sum(1 for i in worklist_service.worklist(demo_db, "agarcia", ON) if i.bucket <= 4)
    assert len(today) == due and window.tabs.tabText(window.tabs.indexOf(view)) == f"Due ({due:,})"
    assert first.id not in today and window.controller.is_mine(first.id)
