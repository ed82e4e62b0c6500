"""The first run on an empty database, clicked through: start your own book (company, remit-to,
first supervisor, then the import dialog with a register), or load the demo book."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QStyleOptionViewItem
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from arbench.services.admin.company import get_profile
from arbench.services.organization.users import list_users
from arbench.store.db import Database
from arbench.store.models import Pro
from arbench.ui import app
from arbench.ui.first_run import FirstRunDialog
from arbench.ui.import_dialog import ImportDialog
from arbench.ui.models.import_models import FieldDelegate
from arbench.ui.settings import UserSettings
from helpers import NIGHTLY


def when_dialog_opens(qtbot: QtBot, act: Callable[[FirstRunDialog], None]) -> None:
    """Act on the first-run dialog once its own event loop runs (it is modal)."""

    def step() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, FirstRunDialog):
            QTimer.singleShot(20, step)
            return
        act(dialog)

    QTimer.singleShot(0, step)


def fill_and_create(qtbot: QtBot, dialog: FirstRunDialog, login: str) -> None:
    qtbot.mouseClick(dialog.own_button, Qt.MouseButton.LeftButton)
    assert dialog.pages.currentIndex() == 1
    qtbot.keyClicks(dialog.company, "Blue Ridge Freight")
    qtbot.keyClicks(dialog.address, "100 Depot Rd, Roanoke VA 24012")
    qtbot.keyClicks(dialog.remit_name, "Blue Ridge Freight - Lockbox")
    qtbot.keyClicks(dialog.remit_address, "PO Box 7788, Richmond VA 23218")
    qtbot.keyClicks(dialog.login, login)
    qtbot.keyClicks(dialog.full_name, "Kim Wright")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)


def register(path: Path) -> Path:
    with path.open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["invoiceNumber", "customerID", "InvoiceDate", "InvoiceAmount", "Notes"])
        out.writerow(["9001", "C-1", "2026-10-01", "120.00", "first"])
        out.writerow(["9002", "C-2", "2026-10-02", "80.00", ""])
    return path


def test_start_your_own_book_then_import_a_register(
    qtbot: QtBot, empty_db: Database, tmp_path: Path
) -> None:
    when_dialog_opens(qtbot, lambda dialog: fill_and_create(qtbot, dialog, "kwright"))
    window = app.start_window(empty_db, None, UserSettings())
    assert window is not None
    qtbot.addWidget(window)
    assert [(u.login, u.display_name, u.role) for u in list_users(empty_db)] == [
        ("kwright", "Kim Wright", "supervisor")]  # fmt: skip
    profile = get_profile(empty_db)
    assert (profile.name, profile.address, profile.remit_to_name) == (
        "Blue Ridge Freight", "100 Depot Rd, Roanoke VA 24012", "Blue Ridge Freight - Lockbox")  # fmt: skip
    assert profile.remit_to_address == "PO Box 7788, Richmond VA 23218"
    assert window.actor.login == "kwright"
    (dialog,) = [w for w in window.findChildren(ImportDialog) if w.isVisible()]
    dialog.load(register(tmp_path / "ar.csv"))
    qtbot.waitUntil(
        lambda: dialog.data is not None and dialog.import_button.isEnabled(), timeout=10000
    )
    assert "columns not imported: Notes" in dialog.result_label.text()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=20000)
    assert dialog.summary is not None and dialog.summary.created == 2
    with empty_db.session() as s:
        assert s.scalar(select(func.count()).select_from(Pro)) == 2
    window.close()


def test_a_missing_login_is_said_in_the_dialog_and_nothing_is_created(
    qtbot: QtBot, empty_db: Database
) -> None:
    dialog = FirstRunDialog(empty_db)
    qtbot.addWidget(dialog)
    dialog.show()
    fill_and_create(qtbot, dialog, "")
    assert dialog.isVisible() and dialog.choice is None
    assert "login" in dialog.problem.text()
    assert list_users(empty_db) == []


def test_load_the_demo_book_instead(
    qtbot: QtBot, empty_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from arbench.services.admin import demo

    def small(db: Database, progress: Callable[[int, int], None] | None = None) -> object:
        return demo.create_demo(db, accounts=20, pros=200, seed=3, progress=progress)

    monkeypatch.setattr(app, "create_demo", small)
    when_dialog_opens(qtbot, lambda d: qtbot.mouseClick(d.demo_button, Qt.MouseButton.LeftButton))
    window = app.start_window(empty_db, "agarcia", UserSettings())
    assert window is not None
    qtbot.addWidget(window)
    assert window.actor.login == "agarcia" and not window.findChildren(ImportDialog)
    with empty_db.session() as s:
        assert s.scalar(select(func.count()).select_from(Pro)) == 200
    window.close()


def test_the_mapping_offers_ignore(qtbot: QtBot, empty_db: Database, tmp_path: Path) -> None:
    from arbench.ui.tasks import TaskRunner

    dialog = ImportDialog(empty_db, NIGHTLY, TaskRunner(), register(tmp_path / "r.csv"))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.data is not None, timeout=10000)
    model = dialog.mapping_model
    row = model.columns.index("InvoiceDate")
    editor = FieldDelegate().createEditor(dialog, QStyleOptionViewItem(), model.index(row, 1))
    assert isinstance(editor, QComboBox) and editor.itemText(1) == "Ignore"
    model.setData(model.index(model.columns.index("Notes"), 1), "ignore", Qt.ItemDataRole.EditRole)
    assert model.data(model.index(model.columns.index("Notes"), 1)) == "Ignore"
    dialog.check_button.click()
    qtbot.waitUntil(lambda: dialog.data is not None, timeout=10000)
    assert dialog.data is not None and dialog.data.mapping["Notes"] == "ignore"
    assert "columns not imported: Notes" in dialog.result_label.text()
