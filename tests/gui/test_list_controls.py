"""Control over the lists, through the real window: a filter counts "n of N", saved views come
back, columns chosen on the header are kept for the next window, the export holds exactly what
the view shows, amounts sort largest first and the selection stays; the Account tab's items
open with Enter; the shortcut sheet lists the window's shortcuts."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from arbench.store.db import Database
from arbench.ui.item_filter import ItemFilter
from helpers import open_window, wait_idle


def test_filter_counts_views_columns_and_export(
    qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    window = open_window(qtbot, demo_db, "agarcia")
    view = window.pro_view
    controls = window.features.list_controls[0]
    total = len(view.shown.source)
    bar = controls.filters
    qtbot.keyClicks(bar.min_amount, "1000")
    bar.type.setCurrentIndex(bar.type.findData("past_due"))
    expected = [i.id for i in view.shown.source.items
                if i.open_amount >= Decimal(1000) and i.type == "past_due"]  # fmt: skip
    assert [i.id for i in view.model.items] == expected and 0 < len(expected) < total
    title = window.tabs.tabText(window.tabs.indexOf(view))
    assert title == f"Pro-level ({len(expected):,} of {total:,})"

    # amounts: the first click sorts the largest first; the selected item stays selected
    view.select_row(3)
    chosen = view.current_item()
    column = next(n for n, c in enumerate(view.model.columns) if c[0] == "Open amount")
    view.table.horizontalHeader().sectionClicked.emit(column)
    amounts = [i.open_amount for i in view.model.items]
    assert amounts == sorted(amounts, reverse=True)
    assert view.current_item() == chosen

    # hide a column (the header's menu) and save the view under a name
    menu = view.column_menu()
    status = next(a for a in menu.actions() if a.text() == "Status")
    status.trigger()
    assert view.table.horizontalHeader().isSectionHidden(8)
    controls.save_view("big past due")

    # the export holds exactly the rows and columns shown, in their order
    out = tmp_path / "view.xlsx"
    controls.export_to(out)
    wait_idle(qtbot, window)
    sheet = load_workbook(out).active
    assert sheet is not None
    rows = [r for r in sheet.iter_rows(values_only=True)]
    header_at = next(n for n, r in enumerate(rows) if r and r[0] == "PRO")
    shown_titles = [view.model.columns[c][0] for c in view.visible_columns()]
    assert list(rows[header_at]) == shown_titles and "Status" not in shown_titles
    body = rows[header_at + 1 :]
    assert [r[0] for r in body] == [i.pro for i in view.model.items]
    at = shown_titles.index("Open amount")
    assert [Decimal(str(r[at])) for r in body] == [i.open_amount for i in view.model.items]

    # clear everything, then the saved view brings filter, sort and columns back
    bar.clear()
    view.show_column(8, True)
    assert len(view.model.items) == total
    assert controls.apply_view("big past due")
    assert [i.id for i in view.model.items] == sorted(
        expected, key=lambda i: -view.shown.source.by_id[i].open_amount
    )
    assert view.table.horizontalHeader().isSectionHidden(8) and bar.current() != ItemFilter()

    # the columns chosen are kept for the user's next window
    view.show_column(8, False)
    window.close()
    again = open_window(qtbot, demo_db, "agarcia")
    assert again.pro_view.table.horizontalHeader().isSectionHidden(8)


def test_the_account_tab_opens_its_items_with_enter(qtbot: QtBot, demo_db: Database) -> None:
    window = open_window(qtbot, demo_db, "agarcia")
    panel = window.panel
    detail = panel.detail
    assert detail is not None
    panel.tabs.setCurrentWidget(panel.account_tab)
    table = panel.account_items
    assert table.items_model.rowCount() == len(detail.other_open_items) + sum(
        1 for i in detail.account_issues if i.id != detail.id
    )
    assert f"Balance ${detail.account.balance:,.2f}" in panel.account.toPlainText()
    assert sum(detail.account.aging.values()) == detail.account.balance
    row = next(r for r in range(table.items_model.rowCount()) if table.items_model.rows[r].pro)
    wanted = table.items_model.rows[row]
    table.setCurrentIndex(table.items_model.index(row, 0))
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Return)
    wait_idle(qtbot, window)
    assert panel.detail is not None and panel.detail.id == wanted.id
    assert (
        window.pro_view.current_item() is not None
        and window.pro_view.current_item().id == wanted.id
    )  # type: ignore[union-attr]


def test_the_shortcut_sheet_lists_the_windows_shortcuts(qtbot: QtBot, demo_db: Database) -> None:
    window = open_window(qtbot, demo_db, "agarcia")
    sheet = window.features.shortcuts.show()
    text = sheet.findChild(type(window.panel.account)).toPlainText()  # type: ignore[union-attr]
    for keys, what in (("Ctrl+L", "Log call"), ("Ctrl+R", "Route to department"),
                       ("Ctrl+M", "Email"), ("Ctrl+Z", "Undo last action"), ("Ctrl+1", "Today"),
                       ("Ctrl+Enter", "save"), ("Ctrl+Shift+Enter", "next item")):  # fmt: skip
        assert keys in text and what in text, (keys, what)
