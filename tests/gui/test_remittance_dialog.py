"""The remittance dialog, the alias editor and the 210 lenient import, clicked through."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select
from tests.conftest import AS_OF
from tests.unit.test_imports import dump

from arbench.services.base import actor_for
from arbench.services.intake.aliases import list_aliases
from arbench.services.work.item_detail import item_detail
from arbench.store.db import Database
from arbench.store.models import Account, ImportBatch, Pro
from arbench.ui.alias_editor import AliasDialog
from arbench.ui.import_dialog import ImportDialog
from arbench.ui.item_panel import ItemPanel
from arbench.ui.remittance_dialog import RemittanceDialog
from arbench.ui.supervisor.console import SupervisorConsole
from arbench.ui.tasks import TaskRunner
from edi_cases import RETAILER_DUNS, deviated_210, expected_820, retailer_820
from helpers import NIGHTLY

SHOTS = os.environ.get("ARBENCH_SCREENSHOTS")


def _retailer_file(db: Database, tmp_path: Path) -> tuple[Path, str]:
    with db.session() as s:
        pros = s.scalars(
            select(Pro).where(Pro.status == "open", Pro.open_balance > 200,
                              Pro.invoice_number.is_not(None)).order_by(Pro.id).limit(4)
        ).all()  # fmt: skip
    roles = dict(zip(("full", "short", "addition", "by_invoice"),
                     [(p.pro, p.open_balance) for p in pros], strict=True))  # fmt: skip
    roles["credit"] = ("CM-NOT-ON-FILE", Decimal("-150.00"))
    text = retailer_820(roles)
    path = tmp_path / "megamart.820"
    path.write_text(text)
    return path, text


def _dialog(qtbot: QtBot, db: Database, path: Path) -> RemittanceDialog:
    runner = TaskRunner()
    dialog = RemittanceDialog(db, NIGHTLY, runner, path, on=AS_OF)
    qtbot.addWidget(dialog, before_close_func=lambda _: runner.wait())
    dialog.show()
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=15000)
    return dialog


def _rechecked(qtbot: QtBot, dialog: RemittanceDialog, click: object) -> None:
    """Click, then wait for the new check's summary (the old one is dropped at once)."""
    old = dialog.summary
    click.click()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: dialog.summary is not None and dialog.summary is not old, timeout=15000)


def _cells(model: object) -> list[list[str]]:
    """What a table model shows, as text."""
    m = model
    return [[m.data(m.index(r, c)) for c in range(m.columnCount())]  # type: ignore[attr-defined]
            for r in range(m.rowCount())]  # type: ignore[attr-defined]  # fmt: skip


def test_an_unknown_payer_is_asked_for_then_the_file_is_applied_and_reported(
    qtbot: QtBot, demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, text = _retailer_file(demo_db, tmp_path)
    before = dump(demo_db)
    dialog = _dialog(qtbot, demo_db, path)
    assert not dialog.apply_button.isEnabled()
    assert "Payer not recognized" in dialog.payer_label.text()
    assert f"id (N103 1) {RETAILER_DUNS}" in dialog.payer_label.text()
    assert dialog.problems_model.rowCount() == 1
    with demo_db.session() as s:
        payer = s.scalars(select(Account).order_by(Account.id).limit(1)).one()
    asked: list[str] = []

    def answer(
        _parent: object, _title: str, text: str, *args: object
    ) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    qtbot.keyClicks(dialog.account_edit, payer.number)
    _rechecked(qtbot, dialog, dialog.account_button)
    assert RETAILER_DUNS in asked[0] and payer.number in asked[0]
    assert dialog.apply_button.isEnabled() and dump(demo_db) == before  # checked, not applied
    (one,) = expected_820(text)
    total = _cells(dialog.totals_model)[-1]
    assert total[0] == "Total"
    assert sum(Decimal(v.replace(",", "")) for v in total[2:]) == one.bank
    assert f"Bank amount {one.bank:,.2f} USD" in dialog.bank_label.text()
    assert dialog.adjustments_model.rowCount() == len(one.group_adx) + len(one.line_adx)
    if SHOTS:
        dialog.grab().save(f"{SHOTS}/remittance-preview.png")
    with qtbot.waitSignal(dialog.applied, timeout=15000):
        dialog.apply_button.click()
    assert dialog.result_label.text().startswith("<b>Applied</b>")
    assert not dialog.apply_button.isEnabled() and _cells(dialog.totals_model)[-1] == total
    with demo_db.session() as s:
        assert s.scalar(select(func.count()).select_from(ImportBatch).where(
            ImportBatch.file_name == "megamart.820")) == 1  # fmt: skip
    assert [(a.kind, a.value) for a in list_aliases(demo_db, payer.number)] == [
        ("duns", RETAILER_DUNS), ("name", "MEGAMART STORES INC")]  # fmt: skip
    # the collector sees the payer's reason and references on the item
    deduction = next(i for i in dialog.summary.adjustment_items if i["amount"] == "-1200.00")  # type: ignore[union-attr]
    panel = ItemPanel()
    qtbot.addWidget(panel)
    panel.show_detail(item_detail(demo_db, deduction["issue_id"]))
    assert (
        "Payer: reason ZZ Mutually defined · references CM CM-55501; PO PO-88812"
        in panel.header.text()
    )


def test_the_lenient_box_turns_the_deviations_into_warnings(
    qtbot: QtBot, demo_db: Database, shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = _dialog(qtbot, demo_db, shared_data / "edi/820_Example6_padded_control_numbers.txt")
    assert [r[1] for r in _cells(dialog.problems_model)] == ["GS", "SE"]
    _rechecked(qtbot, dialog, dialog.lenient)
    assert [r[1] for r in _cells(dialog.warnings_model)] == ["GS", "SE"]
    assert [r[1] for r in _cells(dialog.problems_model)] == ["N1"]  # the payer is still unknown


def test_a_supervisor_edits_aliases_and_a_collector_cannot(qtbot: QtBot, demo_db: Database) -> None:
    with demo_db.session() as s:
        number = s.scalars(select(Account.number).order_by(Account.id).limit(1)).one()
    dialog = AliasDialog(demo_db, actor_for(demo_db, "kwright"), number)
    qtbot.addWidget(dialog)
    editor = dialog.editor
    editor.kind.setCurrentText("payer_id")
    qtbot.keyClicks(editor.value, "AP-4471")
    editor.add_button.click()
    assert _cells(editor.model) == [
        [
            "payer_id",
            "AP-4471",
            "manual",
            editor.model.rows[0].created_at.strftime("%Y-%m-%d %H:%M"),
            "kwright",
        ]
    ]
    editor.table.selectRow(0)
    editor.remove_button.click()
    assert editor.model.rowCount() == 0 and list_aliases(demo_db, number) == []
    collector = AliasDialog(demo_db, actor_for(demo_db, "agarcia"), number)
    qtbot.addWidget(collector)
    assert not collector.editor.add_button.isEnabled()
    assert not collector.editor.remove_button.isEnabled()
    runner = TaskRunner()
    console = SupervisorConsole(
        demo_db, actor_for(demo_db, "kwright"), AS_OF, runner, lambda _changes: None
    )
    qtbot.addWidget(console, before_close_func=lambda _: runner.wait())
    titles = [console.tabs.tabText(i) for i in range(console.tabs.count())]
    assert titles[-1] == "Aliases" and console.aliases.add_button.isEnabled()


def test_the_import_dialog_reads_a_deviating_210_leniently(
    qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "carrier.210"
    path.write_text(deviated_210())
    runner = TaskRunner()
    dialog = ImportDialog(demo_db, NIGHTLY, runner, path, on=AS_OF)
    qtbot.addWidget(dialog, before_close_func=lambda _: runner.wait())
    dialog.show()
    qtbot.waitUntil(lambda: dialog.data is not None, timeout=10000)
    assert dialog.errors_model.rowCount() == 4 and not dialog.import_button.isEnabled()
    dialog.data = None
    dialog.lenient.click()
    qtbot.waitUntil(lambda: dialog.data is not None, timeout=10000)
    assert dialog.errors_model.rowCount() == 0 and dialog.warnings_model.rowCount() == 4
    assert dialog.import_button.isEnabled()
