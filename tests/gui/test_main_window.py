"""The main window: opens on the user's worklist, counts match the database, details show."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from arbench.domain.catalogue import OPEN_STATUSES
from arbench.store.db import Database
from arbench.store.models import Issue, User
from arbench.ui import app as app_module
from arbench.ui.settings import UserSettings
from helpers import open_window, wait_idle

ON = date(2026, 11, 24)
OPEN = [s.value for s in OPEN_STATUSES]


def db_counts(db: Database, login: str) -> dict[str, int]:
    with db.session() as s:
        uid = s.scalar(select(User.id).where(User.login == login))
        rows = s.execute(
            select(Issue.level, func.count())
            .where(Issue.owner_id == uid, Issue.status.in_(OPEN))
            .group_by(Issue.level)
        ).all()
    return {level: n for level, n in rows}


def test_tab_counts_equal_the_database(qtbot: QtBot, demo_db: Database) -> None:
    window = open_window(qtbot, demo_db, "dokafor")
    counts = db_counts(demo_db, "dokafor")
    assert window.pro_view.model.rowCount() == counts["pro"]
    assert (
        window.tabs.tabText(window.tabs.indexOf(window.pro_view))
        == f"Pro-level ({counts['pro']:,})"
    )
    assert window.account_view.model.rowCount() == counts.get("account", 0)
    at = window.tabs.indexOf(window.account_view)
    assert window.tabs.tabText(at) == f"Account-level ({counts.get('account', 0):,})"


def test_selecting_a_row_shows_its_details(qtbot: QtBot, demo_db: Database) -> None:
    window = open_window(qtbot, demo_db, "dokafor")
    view = window.pro_view
    third = view.model.items[2]
    rect = view.table.visualRect(view.model.index(2, 1))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    wait_idle(qtbot, window)  # the detail is read off the GUI thread
    assert window.panel.detail is not None and window.panel.detail.id == third.id
    assert f"PRO {third.pro}" in window.panel.header.text()
    assert third.pro in window.panel.bill.toPlainText()
    assert third.account_name in window.panel.account.toPlainText()


def test_account_tab_shows_account_level_items(qtbot: QtBot, demo_db: Database) -> None:
    login = _owner_of_an_account_issue(demo_db)
    window = open_window(qtbot, demo_db, login)
    window.tabs.setCurrentWidget(window.account_view)
    window.account_view.select_row(0)
    wait_idle(qtbot, window)
    detail = window.panel.detail
    assert detail is not None and detail.level == "account" and detail.pro is None
    assert window.panel.tabs.tabText(0) == "Linked pros"


def _owner_of_an_account_issue(db: Database) -> str:
    with db.session() as s:
        login = s.scalar(
            select(User.login)
            .join(Issue, Issue.owner_id == User.id)
            .where(Issue.level == "account", Issue.status.in_(OPEN))
        )
    assert login
    return login


def test_type_ahead_search_filters_by_pro_and_customer(qtbot: QtBot, demo_db: Database) -> None:
    window = open_window(qtbot, demo_db, "dokafor")
    view = window.pro_view
    total = view.model.rowCount()
    target = view.model.items[5]
    qtbot.keyClicks(view.search, target.pro or "")
    assert view.model.rowCount() == 1 and view.model.items[0].id == target.id
    view.search.clear()
    assert view.model.rowCount() == total
    qtbot.keyClicks(view.search, target.account_name.upper())
    assert 1 <= view.model.rowCount() < total
    assert all(
        i.account_name == target.account_name or target.account_name.lower() in i.search_text
        for i in view.model.items
    )


def test_sorting_by_open_amount(qtbot: QtBot, demo_db: Database) -> None:
    window = open_window(qtbot, demo_db, "dokafor")
    view = window.pro_view
    header = view.table.horizontalHeader()
    column = [c[0] for c in view.model.columns].index("Open amount")
    qtbot.mouseClick(
        header.viewport(),
        Qt.MouseButton.LeftButton,
        pos=header.rect().topLeft() + _section_center(header, column),
    )
    amounts = [i.open_amount for i in view.model.items]
    assert amounts == sorted(amounts) or amounts == sorted(amounts, reverse=True)
    assert amounts[0] != amounts[-1]


def _section_center(header, column):  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QPoint

    return QPoint(
        header.sectionViewportPosition(column) + header.sectionSize(column) // 2,
        header.height() // 2,
    )


def test_keyboard_next_and_previous(qtbot: QtBot, demo_db: Database) -> None:
    window = open_window(qtbot, demo_db, "dokafor")
    first, second = window.pro_view.model.items[:2]
    assert window.panel.detail is not None and window.panel.detail.id == first.id
    next_action = next(a for a in window.item_menu.actions() if a.text() == "&Next item")
    assert "Ctrl+J" in next_action.toolTip()
    next_action.trigger()
    wait_idle(qtbot, window)
    assert window.panel.detail.id == second.id


def test_last_user_and_window_size_are_remembered(qtbot: QtBot, demo_db: Database) -> None:
    first = app_module.start_window(demo_db, "ekowalski", UserSettings())
    assert first is not None
    qtbot.addWidget(first)
    screen = (
        first.screen().availableGeometry()
    )  # a first start: 1400x820, or 94 % of a smaller screen
    assert (first.width(), first.height()) == (
        min(1400, int(screen.width() * 0.94)),
        min(820, int(screen.height() * 0.94)),
    )
    # smaller than the offscreen screen (800x800), no smaller than the window allows
    size = (max(720, first.minimumSizeHint().width()), max(530, first.minimumSizeHint().height()))
    first.resize(*size)
    assert (first.width(), first.height()) == size
    first.close()
    settings = UserSettings()  # read back from the ini file, as the next start does
    assert settings.last_user == "ekowalski"  # the "who is working?" question offers them
    again = app_module.start_window(demo_db, "ekowalski", settings)
    assert again is not None
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == size  # opens as the user left it


def test_a_supervisor_without_items_is_told_where_to_start(qtbot: QtBot, demo_db: Database) -> None:
    window = open_window(qtbot, demo_db, "kwright")
    assert window.pro_view.model.rowCount() == 0
    assert "Supervisor console" in window.panel.header.text()
    tools = [a.text() for a in window.tools_menu.actions()]
    assert any("Supervisor" in t for t in tools)
