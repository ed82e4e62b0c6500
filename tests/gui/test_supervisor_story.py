"""A supervisor hands a departing collector's book to two others in the console; the team view
shows the new balance; the KPI workbook exported from the console is formatted."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from arbench.services.base import actor_for
from arbench.services.organization import team as team_service
from arbench.store.db import Database
from arbench.ui.main_window import MainWindow
from arbench.ui.settings import UserSettings
from arbench.ui.supervisor.console import SupervisorConsole
from arbench.ui.supervisor.handover_dialog import HandoverDialog
from helpers import wait_idle

ON = date(2026, 11, 24)


def open_console(qtbot: QtBot, db: Database) -> tuple[MainWindow, SupervisorConsole]:
    window = MainWindow(db, actor_for(db, "kwright"), UserSettings(), on=ON)
    qtbot.addWidget(window)
    action = next(a for a in window.tools_menu.actions() if "Supervisor" in a.text())
    action.trigger()
    assert window.features.supervisor is not None
    console = window.features.supervisor.console
    assert console is not None
    qtbot.waitUntil(lambda: console.team.model.rowCount() > 0, timeout=20000)
    return window, console


def test_collectors_do_not_get_the_console(qtbot: QtBot, demo_db: Database) -> None:
    window = MainWindow(demo_db, actor_for(demo_db, "agarcia"), UserSettings(), on=ON)
    qtbot.addWidget(window)
    assert not any("Supervisor" in a.text() for a in window.tools_menu.actions())


def test_handover_to_two_collectors_shows_in_the_team_view(qtbot: QtBot, demo_db: Database) -> None:
    window, console = open_console(qtbot, demo_db)
    before = {m.login: m for m in console.team.model.rows}
    departing = before["dokafor"]
    assert departing.accounts > 0
    qtbot.mouseClick(console.team.handover_button, Qt.MouseButton.LeftButton)
    dialog = console.findChildren(HandoverDialog)[-1]
    dialog.choose("dokafor", ["agarcia", "bchen"])
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    assert (
        dialog.confirm.isEnabled()
        and f"{departing.accounts} account(s) move" in dialog.summary.text()
    )
    with qtbot.waitSignal(console.team.loaded, timeout=20000):
        qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)
    after = {m.login: m for m in console.team.model.rows}
    assert after["dokafor"].accounts == 0 and after["dokafor"].worklist == 0
    moved = sum(
        (after[x].open_balance - before[x].open_balance for x in ("agarcia", "bchen")), Decimal(0)
    )
    assert moved == departing.open_balance
    assert after["agarcia"].accounts > before["agarcia"].accounts
    assert after["bchen"].accounts > before["bchen"].accounts
    truth = {m.login: m for m in team_service.team_view(demo_db, ON)}
    assert all(after[x].open_balance == truth[x].open_balance for x in ("agarcia", "bchen"))
    window.runner.wait()


def test_kpi_export_is_formatted(qtbot: QtBot, demo_db: Database, tmp_path: Path) -> None:
    window, console = open_console(qtbot, demo_db)
    console.tabs.setCurrentWidget(console.kpis)
    with qtbot.waitSignal(console.kpis.loaded, timeout=30000):
        qtbot.mouseClick(console.kpis.compute_button, Qt.MouseButton.LeftButton)
    assert console.kpis.model.rowCount() > 10 and console.kpis.chart.series()
    target = tmp_path / "kpis.xlsx"
    with qtbot.waitSignal(console.kpis.exported, timeout=30000):
        console.kpis.export_to(str(target))
    book = load_workbook(target)
    for name in ("KPIs", "Aging by collector", "Trend"):
        sheet = book[name]
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == sheet.dimensions
        assert sheet["A1"].font.bold
    aging = book["Aging by collector"]
    assert aging["C2"].number_format == "#,##0.00" and isinstance(aging["C2"].value, (int, float))
    assert book["Trend"]["A2"].number_format == "yyyy-mm-dd"
    kpis = book["KPIs"]
    units = {row[0].value: row[1].number_format for row in kpis.iter_rows(min_row=2)}
    assert units["CEI"] == "0.00%" and units["DSO (countback)"] == "#,##0.0"
    assert aging.column_dimensions["B"].width == 24
    window.runner.wait()


def test_opening_the_window_ends_no_cover_the_menu_does(qtbot: QtBot, demo_db: Database) -> None:
    from datetime import timedelta

    from sqlalchemy import func, select

    from arbench.services.organization.handover import handover
    from arbench.store.models import Account, AuditEvent, User

    def held(login: str) -> int:
        with demo_db.session() as s:
            uid = s.scalar(select(User.id).where(User.login == login))
            return int(s.scalar(select(func.count()).where(Account.collector_id == uid)) or 0)

    accounts = held("ekowalski")
    handover(demo_db, actor_for(demo_db, "kwright"), "ekowalski", ["fnguyen"],
             until=ON - timedelta(days=1), on=ON - timedelta(days=8))  # fmt: skip
    with demo_db.session() as s:
        events = s.scalar(select(func.count()).select_from(AuditEvent))
    trainee = MainWindow(demo_db, actor_for(demo_db, "nbrown"), UserSettings(), on=ON)
    qtbot.addWidget(trainee)
    qtbot.waitUntil(
        lambda: (
            "Cover ended, book not given back yet: ekowalski"
            in trainee.statusBar().currentMessage()
        ),
        timeout=10000,
    )
    assert not any("End due covers" in a.text() for a in trainee.tools_menu.actions())
    window = MainWindow(demo_db, actor_for(demo_db, "fnguyen"), UserSettings(), on=ON)
    qtbot.addWidget(window)
    with demo_db.session() as s:  # two windows opened: nothing written
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == events
    assert held("ekowalski") == 0
    wait_idle(qtbot, window)
    action = next(a for a in window.tools_menu.actions() if "End due covers" in a.text())
    action.trigger()
    qtbot.waitUntil(
        lambda: "Covers ended, books given back: ekowalski" in window.statusBar().currentMessage(),
        timeout=20000,
    )
    assert held("ekowalski") == accounts
