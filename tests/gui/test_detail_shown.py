"""The item panel announces each item it shows (`detail_shown`); the Script tab follows it."""

from __future__ import annotations

from datetime import date

from pytestqt.qtbot import QtBot

from arbench.services.base import actor_for
from arbench.store.db import Database
from arbench.ui.item_panel import ItemPanel
from arbench.ui.main_window import MainWindow
from arbench.ui.settings import UserSettings
from helpers import wait_idle

ON = date(2026, 11, 24)


def test_detail_shown_follows_the_panel_and_drives_the_script_tab(
    qtbot: QtBot, demo_db: Database
) -> None:
    window = MainWindow(demo_db, actor_for(demo_db, "agarcia"), UserSettings(), on=ON)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.worklist_loaded, timeout=20000):
        window.reload()
    wait_idle(qtbot, window)
    assert "show_detail" not in vars(window.panel)  # no per-instance wrapper
    window.tabs.setCurrentWidget(window.pro_view)  # the window opens on Today
    wait_idle(qtbot, window)
    second = window.pro_view.model.items[1]
    with qtbot.waitSignal(window.panel.detail_shown, timeout=60000) as shown:
        window.pro_view.select_row(1)
    assert shown.args is not None and shown.args[0].id == second.id
    tab = window.features.script.tab
    assert tab.issue_id == second.id
    with qtbot.waitSignal(window.panel.detail_shown, timeout=60000) as cleared:
        window.panel.show_detail(None)
    assert cleared.args == [None] and tab.issue_id is None
    assert isinstance(window.panel, ItemPanel)


def test_a_cleared_panel_shows_no_stale_counts(qtbot: QtBot, demo_db: Database) -> None:
    window = MainWindow(demo_db, actor_for(demo_db, "agarcia"), UserSettings(), on=ON)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.worklist_loaded, timeout=20000):
        window.reload()
    wait_idle(qtbot, window)
    window.tabs.setCurrentWidget(window.pro_view)  # the window opens on Today
    window.pro_view.select_row(0)
    wait_idle(qtbot, window)
    assert window.panel.tabs.tabText(2).startswith("Timeline (")
    window.pro_view.search.setText("no such customer zzz")
    assert window.panel.detail is None and window.panel.tabs.tabText(2) == "Timeline"
