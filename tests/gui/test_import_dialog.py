"""The import dialog clicked through: mapping, validation report, preview, import, cancel."""

from __future__ import annotations

import csv
import os
from pathlib import Path

from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select
from tests.conftest import AS_OF
from tests.unit.test_imports import dump

from arbench.services.intake.imports import save_mapping
from arbench.store.db import Database
from arbench.store.models import MappingProfile, Pro
from arbench.ui.import_dialog import ImportDialog
from arbench.ui.tasks import TaskRunner
from helpers import NIGHTLY

SHOTS = os.environ.get("ARBENCH_SCREENSHOTS")


def write(path: Path, rows: list[list[str]], headers: list[str]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def make_dialog(qtbot: QtBot, db: Database, path: Path) -> ImportDialog:
    runner = TaskRunner()
    dialog = ImportDialog(db, NIGHTLY, runner, path, on=AS_OF)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.data is not None, timeout=60000)
    return dialog


def test_pick_a_profile_preview_and_import(qtbot: QtBot, demo_db: Database, tmp_path: Path) -> None:
    headers = ["Freight Bill", "Payer", "Billed $", "Dt"]
    path = write(tmp_path / "odd.csv", [["G1", "NEWACC", "10.00", "2026-11-01"],
                                        ["G2", "NEWACC", "=2+3", "2026-11-02"]], headers)  # fmt: skip
    dialog = make_dialog(qtbot, demo_db, path)
    assert not dialog.import_button.isEnabled() and dialog.errors_model.rowCount() > 0
    if SHOTS:
        dialog.grab().save(f"{SHOTS}/import-errors.png")
    # adjust the mapping column by column, as the drop-downs do
    model = dialog.mapping_model
    for column, field in (
        ("Payer", "account_number"),
        ("Billed $", "amount"),
        ("Dt", "invoice_date"),
    ):
        model.setData(model.index(model.columns.index(column), 1), field, Qt.ItemDataRole.EditRole)
    dialog.check_button.click()
    qtbot.waitUntil(lambda: dialog.data is not None, timeout=60000)
    assert [(e.row, e.column) for e in dialog.data.errors] == [(3, "Billed $")]
    report = dialog.save_report(tmp_path / "report.xlsx")
    ws = load_workbook(report).active
    assert ws is not None and [c.value for c in ws[2]][:3] == [3, "Billed $", "'=2+3"]
    dialog.save_mapping_as("odd")
    with demo_db.session() as s:
        assert (
            s.scalar(select(MappingProfile.mapping).where(MappingProfile.name == "odd"))["Dt"]
            == "invoice_date"
        )
    fixed = write(tmp_path / "odd2.csv", [["G1", "NEWACC", "10.00", "2026-11-01"]], headers)
    second = make_dialog(qtbot, demo_db, fixed)
    second.profile.setCurrentIndex(second.profile.findData("odd"))
    second.profile.activated.emit(second.profile.currentIndex())
    qtbot.waitUntil(lambda: second.import_button.isEnabled(), timeout=60000)
    assert "1 new" in second.result_label.text()
    if SHOTS:
        second.grab().save(f"{SHOTS}/import-preview.png")
    with qtbot.waitSignal(second.imported, timeout=60000):
        second.import_button.click()
    assert second.summary is not None and second.summary.created == 1
    with demo_db.session() as s:
        assert s.scalar(select(func.count()).select_from(Pro).where(Pro.pro == "G1")) == 1


def test_cancel_leaves_the_database_unchanged(
    qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    rows = [[f"K{i:05d}", "NEWACC", "10.00", "2026-11-01"] for i in range(6000)]
    path = write(tmp_path / "big.csv", rows, ["PRO", "Account", "Amount", "Invoice Date"])
    save_mapping(demo_db, NIGHTLY, "unused", {})
    dialog = make_dialog(qtbot, demo_db, path)
    assert dialog.import_button.isEnabled()
    before = dump(demo_db)
    dialog.import_button.click()
    cancel = dialog.progress.findChild(QPushButton)
    assert cancel is not None and cancel.text() == "Cancel"
    cancel.click()  # pressed while the import runs
    qtbot.waitUntil(lambda: "cancelled" in dialog.result_label.text(), timeout=60000)
    assert dump(demo_db) == before
