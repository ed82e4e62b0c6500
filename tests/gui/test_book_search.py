"""Searching the whole book from the main window: the type-ahead offers it when the user's own
list has no match; opening someone else's item shows it read-only; one's own is selected."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from arbench.store.db import Database
from arbench.store.models import Issue, Pro, User
from arbench.ui.book_search import BookSearchDialog
from helpers import open_window, wait_idle

ON = date(2026, 11, 24)


def someone_elses_pro(db: Database, login: str) -> tuple[int, str, str]:
    with db.session() as s:
        row = s.execute(
            select(Issue.id, Pro.pro, User.display_name)
            .join(Pro, Pro.id == Issue.pro_id)
            .join(User, User.id == Issue.owner_id)
            .where(Issue.status == "open", User.login != login, User.role == "collector")
            .order_by(Issue.id)
        ).first()
        assert row is not None
        return row.id, row.pro, row.display_name


def test_type_ahead_offers_the_whole_book_and_opens_read_only(
    qtbot: QtBot, demo_db: Database
) -> None:
    window = open_window(qtbot, demo_db, "agarcia")
    issue_id, pro, owner = someone_elses_pro(demo_db, "agarcia")
    view = window.pro_view
    offer = window.features.book_search.offers[0]
    qtbot.keyClicks(view.search, pro)
    assert view.model.rowCount() == 0
    qtbot.waitUntil(offer.isVisible, timeout=60000)
    assert "Not on your list — 1 open item" in offer.text() and pro in offer.text()
    qtbot.mouseClick(offer, Qt.MouseButton.LeftButton)
    dialog = window.features.book_search.dialog
    assert isinstance(dialog, BookSearchDialog) and dialog.isVisible()
    assert [i.id for i in dialog.model.items] == [issue_id]
    collector = [c[0] for c in dialog.model.columns].index("Collector")
    assert dialog.model.index(0, collector).data() != "agarcia"
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    wait_idle(qtbot, window)
    assert not dialog.isVisible()
    assert window.panel.detail is not None and window.panel.detail.id == issue_id
    actions = window.features.item_actions.actions
    assert not actions["log"].isEnabled() and not actions["resolve"].isEnabled()
    assert f"on {owner}'s list — view only" in window.panel.header.text()
    view.search.clear()  # back to one's own list: actions come back
    view.select_row(0)
    wait_idle(qtbot, window)
    assert window.panel.detail is not None and window.panel.detail.id == view.model.items[0].id
    assert actions["log"].isEnabled() and actions["email"].isEnabled()
    assert "view only" not in window.panel.header.text()


def test_menu_search_selects_an_item_on_ones_own_list(qtbot: QtBot, demo_db: Database) -> None:
    window = open_window(qtbot, demo_db, "agarcia")
    mine = window.pro_view.model.items[5]
    assert mine.pro is not None
    action = window.features.book_search.action
    assert action in window.item_menu.actions() and "Ctrl+Shift+F" in action.toolTip()
    action.trigger()
    dialog = window.features.book_search.dialog
    assert dialog is not None
    qtbot.keyClicks(dialog.query, mine.account_name.upper()[:8])
    qtbot.keyClick(dialog.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.model.rowCount() > 0, timeout=60000)
    assert "on your list" in dialog.summary.text()
    dialog.table.selectRow(dialog.model.row_of(mine.id) or 0)
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert window.pro_view.current_item() == mine
    assert window.panel.detail is not None and window.panel.detail.id == mine.id
    assert window.features.item_actions.actions["log"].isEnabled()


def test_a_supervisor_keeps_the_actions_on_anyones_item(qtbot: QtBot, demo_db: Database) -> None:
    window = open_window(qtbot, demo_db, "kwright")
    issue_id, pro, owner = someone_elses_pro(demo_db, "kwright")
    dialog = window.features.book_search.open_dialog(pro)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=60000)
    dialog.open_selected()
    wait_idle(qtbot, window)
    assert window.panel.detail is not None and window.panel.detail.id == issue_id
    assert window.features.item_actions.actions["log"].isEnabled()
    assert f"on {owner}'s list — you act as supervisor" in window.panel.header.text()
