"""The register import dialog: mapping, validation report, preview, then import with cancel.

Reading and checking the file, and the import itself, run off the GUI thread (the window's
TaskRunner); progress arrives through a signal, and Cancel sets a flag the service checks
between chunks, which rolls the whole import back. For an X12 210, the **Lenient** checkbox
accepts the deviations real senders make (listed under Warnings), and a bill-to that no alias
resolves can be named: type its account number and confirm, and the import records the
bill-to's identifiers as that account's aliases.
"""

from __future__ import annotations

import html
import threading
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from arbench.io.error_report import write_error_report
from arbench.io.errors import RowError
from arbench.services.base import Actor, ServiceError
from arbench.services.intake.import_read import InvoiceFile, read_invoice_file
from arbench.services.intake.imports import (
    ImportCancelled,
    ImportSummary,
    get_mapping,
    import_invoices,
    list_mappings,
    preview_invoices,
    save_mapping,
)
from arbench.services.work.bill_to import resolve_bill_to
from arbench.store.db import Database
from arbench.ui import screen
from arbench.ui.models.import_models import FieldDelegate, MappingModel, RowsModel
from arbench.ui.tasks import TaskRunner

GUESSED = "(guessed from the headers)"
FILE_FILTER = "Registers and 210 files (*.xlsx *.xls *.csv *.txt *.210 *.edi *.x12);;All files (*)"


class _Relay(QObject):
    progress = Signal(int, int)


def _table(model: Any) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    view.verticalHeader().setVisible(False)
    return view


class ImportDialog(QDialog):
    """Import an open-item register or a 210 file."""

    imported = Signal(object)  # ImportSummary

    def __init__(self, db: Database, actor: Actor, runner: TaskRunner, path: Path | None = None,
                 parent: QWidget | None = None, on: date | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.db, self.actor, self.runner, self.on = db, actor, runner, on
        self.path: Path | None = None
        self.account: str | None = None  # the account named for unresolved 210 bill-tos
        self.data: InvoiceFile | None = None
        self.preview: ImportSummary | None = None
        self.summary: ImportSummary | None = None
        self.cancel_flag = threading.Event()
        self.relay = _Relay()
        self.setWindowTitle("Import register")
        screen.fit(self, 1000, 720)
        self._build()
        if path is not None:
            self.load(Path(path))

    # ----- layout ------------------------------------------------------------------------
    def _build(self) -> None:
        self.file_label = QLabel("No file chosen")
        choose = QPushButton("Choose file…")
        choose.clicked.connect(self.choose_file)
        self.profile = QComboBox()
        self.profile.addItem(GUESSED, "")
        for info in list_mappings(self.db, "invoices"):
            self.profile.addItem(info.name, info.name)
        self.profile.activated.connect(lambda _: self.apply_profile())
        self.save_profile = QPushButton("Save mapping as…")
        self.save_profile.clicked.connect(self.ask_save_mapping)
        top = QHBoxLayout()
        for widget in (
            self.file_label,
            choose,
            QLabel("Mapping:"),
            self.profile,
            self.save_profile,
        ):
            top.addWidget(widget)
        top.setStretch(0, 1)
        self.mapping_model = MappingModel()
        self.mapping_view = _table(self.mapping_model)
        self.mapping_view.setItemDelegateForColumn(1, FieldDelegate(self.mapping_view))
        self.mapping_view.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.sample_model = RowsModel([])
        self.sample_view = _table(self.sample_model)
        self.errors_model = RowsModel(("Row", "Column", "Value", "Expected"))
        self.errors_view = _table(self.errors_model)
        self.warnings_model = RowsModel(("Segment", "Column", "Value", "Read as"))
        self.warnings_view = _table(self.warnings_model)
        split = QSplitter(Qt.Orientation.Vertical)
        for title, view in (("Columns", self.mapping_view), ("First rows", self.sample_view),
                            ("Problems (nothing is imported until there are none)", self.errors_view),
                            ("Warnings (lenient mode)", self.warnings_view)):  # fmt: skip
            box = QWidget()
            inner = QVBoxLayout(box)
            inner.setContentsMargins(0, 0, 0, 0)
            inner.addWidget(QLabel(f"<b>{title}</b>"))
            inner.addWidget(view)
            split.addWidget(box)
        self.result_label = QLabel("")
        self.result_label.setWordWrap(True)
        self.lenient = QCheckBox("Lenient (X12): accept senders' deviations and list them")
        self.lenient.toggled.connect(lambda _: self.check(guess=not self.mapping_model.mapping))
        self.account_edit = QLineEdit()
        self.account_edit.setPlaceholderText("account number for an unknown bill-to")
        self.account_button = QPushButton("This bill-to is this account…")
        self.account_button.clicked.connect(self.confirm_account)
        bill_to = QHBoxLayout()
        for part in (self.lenient, QLabel("Bill-to account:"), self.account_edit,
                       self.account_button):  # fmt: skip
            bill_to.addWidget(part)
        bill_to.insertStretch(1)
        self.close_missing = QCheckBox("Close open pros absent from this full register")
        self.merge_zeros = QCheckBox("One account for numbers differing only by leading zeros")
        self.merge_zeros.setToolTip("0200769623 and 200769623 are imported as one account")
        self.merge_zeros.toggled.connect(lambda _: self.check())
        self.check_button = QPushButton("Check file")
        self.check_button.clicked.connect(self.check)
        self.report_button = QPushButton("Save report as xlsx…")
        self.report_button.clicked.connect(self.ask_save_report)
        self.import_button = QPushButton("Import")
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.commit)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        widgets: tuple[QWidget, ...] = (
            self.close_missing,
            self.merge_zeros,
            self.check_button,
            self.report_button,
            self.import_button,
            close,
        )
        for button in widgets:
            buttons.addWidget(button)
        buttons.insertStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addLayout(bill_to)
        layout.addWidget(self.result_label)
        layout.addLayout(buttons)
        self._update_buttons()

    def _update_buttons(self) -> None:
        ok = self.data is not None and not self.data.errors
        self.import_button.setEnabled(ok)
        self.report_button.setEnabled(self.data is not None and bool(self.data.errors))
        self.check_button.setEnabled(self.path is not None)
        register = self.data is None or self.data.kind == "invoices"
        for widget in (self.profile, self.save_profile, self.mapping_view, self.close_missing,
                       self.merge_zeros):  # fmt: skip
            widget.setEnabled(register)
        edi = self.data is not None and self.data.kind == "210"
        for control in (self.account_edit, self.account_button):
            control.setEnabled(edi)

    # ----- reading and checking -----------------------------------------------------------
    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Import register", "", FILE_FILTER)
        if name:
            self.load(Path(name))

    def load(self, path: Path) -> None:
        """Read `path` with the guessed mapping and show what it holds."""
        self.path, self.account = path, None
        self.file_label.setText(str(path))
        self.mapping_model.mapping = {}
        self.check(guess=True)

    def confirm_account(self) -> None:
        """Name the account of the 210's unresolved bill-tos; asks before learning aliases."""
        number = self.account_edit.text().strip()
        if not number or self.data is None:
            return
        answer = QMessageBox.question(
            self, "Bill-to account",
            f"Bill the invoices whose bill-to is not recognized to account {number}, and remember "
            "the bill-to's identifiers as its aliases when the file is imported?",
        )  # fmt: skip
        if answer == QMessageBox.StandardButton.Yes:
            self.account = number
            self.check(guess=True)

    def apply_profile(self) -> None:
        name = self.profile.currentData()
        if name:
            self.mapping_model.mapping = get_mapping(self.db, name)
        self.check(guess=not name)

    def check(self, guess: bool = False) -> None:
        """Read and validate the file with the mapping shown, then preview (off the GUI thread)."""
        if self.path is None:
            return
        path, db, merge = self.path, self.db, self.merge_zeros.isChecked()
        lenient, account = self.lenient.isChecked(), self.account
        mapping = None if guess else dict(self.mapping_model.mapping)
        self.result_label.setText("Reading and checking the file…")
        self.data = self.preview = None
        self._update_buttons()

        def work() -> tuple[InvoiceFile, ImportSummary]:
            data = read_invoice_file(path, mapping, lenient=lenient)
            resolve_bill_to(db, data, account)
            return data, preview_invoices(db, data, merge_leading_zeros=merge)

        self.runner.run(work, self._show_check, self._show_error)

    def _show_check(self, result: tuple[InvoiceFile, ImportSummary]) -> None:
        self.data, self.preview = result
        data = self.data
        if data.kind == "invoices":
            samples = {
                h: ", ".join(r[i] for r in data.sample[:3] if r[i])
                for i, h in enumerate(data.headers)
            }
            self.mapping_model.load(data.headers, samples, data.mapping)
            self.mapping_view.resizeColumnsToContents()
            self.sample_model.headers = data.headers
            self.sample_model.set_rows(data.sample)
        self.errors_model.set_rows(
            [(e.row or "file", e.column, e.value, e.message) for e in data.errors]
        )
        self.warnings_model.set_rows(
            [(w.row or "file", w.column, w.value, w.message) for w in data.warnings]
        )
        self.result_label.setText(self._describe(self.preview))
        self._update_buttons()

    def _describe(self, s: ImportSummary) -> str:
        if s.errors:
            rows = len({e["row"] for e in s.errors})
            return f"<b>{len(s.errors)} problem(s) in {rows} row(s)</b>: fix the file or the mapping; nothing will be imported."
        absent = (
            f"; {s.absent:,} open pros are not in this file"
            if s.kind == "invoices" and s.absent
            else ""
        )
        ready = (f"Ready: {s.rows:,} rows — <b>{s.created:,} new</b>, <b>{s.updated:,} changed</b>, "
                 f"{s.unchanged:,} unchanged, <b>{s.closed:,} to close</b> (zero balance or paid), "
                 f"{s.credits:,} credits, {s.accounts_created:,} new accounts, "
                 f"{s.movements:,} dated payments or adjustments{absent}.")  # fmt: skip
        return "<br>".join([ready, *(html.escape(line) for line in s.remarks())])

    def _show_error(self, exc: Exception) -> None:
        self.result_label.setText(str(exc))
        if not isinstance(exc, ServiceError):
            raise exc

    # ----- saving -------------------------------------------------------------------------
    def ask_save_mapping(self) -> None:
        name, ok = QInputDialog.getText(self, "Save mapping", "Profile name:")
        if ok and name.strip():
            self.save_mapping_as(name.strip())

    def save_mapping_as(self, name: str) -> None:
        save_mapping(self.db, self.actor, name, dict(self.mapping_model.mapping))
        if self.profile.findData(name) < 0:
            self.profile.addItem(name, name)
        self.profile.setCurrentIndex(self.profile.findData(name))

    def ask_save_report(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Save error report", "import-errors.xlsx", "Excel (*.xlsx)"
        )
        if name:
            self.save_report(Path(name))

    def save_report(self, path: Path) -> Path:
        assert self.data is not None
        errors: list[RowError] = self.data.errors
        return write_error_report(errors, path)

    # ----- importing ----------------------------------------------------------------------
    def commit(self) -> None:
        """Import off the GUI thread with a progress dialog whose Cancel rolls everything back."""
        if self.data is None or self.data.errors or self.path is None:
            return
        preview = self.preview
        close_missing = self.close_missing.isChecked() and self.data.kind == "invoices"
        if close_missing and preview is not None and preview.absent:
            answer = QMessageBox.question(
                self, "Close absent pros",
                f"{preview.absent:,} open pros are not in this register and will be closed as "
                "paid, their open items resolved. Continue?",
            )  # fmt: skip
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.cancel_flag.clear()
        self.progress = QProgressDialog("Importing…", "Cancel", 0, 100, self)
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(0)
        self.progress.canceled.connect(self.cancel_flag.set)
        self.relay.progress.connect(self._on_progress)
        db, path, data, actor, on = self.db, self.path, self.data, self.actor, self.on
        relay, flag = self.relay, self.cancel_flag

        merge = self.merge_zeros.isChecked()

        def work() -> ImportSummary:
            return import_invoices(db, path, actor=actor, data=data, close_missing=close_missing, on=on,
                                   merge_leading_zeros=merge, progress=relay.progress.emit,
                                   cancelled=flag.is_set)  # fmt: skip

        self.import_button.setEnabled(False)
        self.runner.run(work, self._done, self._failed)

    def _on_progress(self, done: int, total: int) -> None:
        if total and not self.cancel_flag.is_set():
            self.progress.setValue(int(done * 100 / total))

    def _done(self, summary: ImportSummary) -> None:
        self.progress.reset()
        self.summary = summary
        self.result_label.setText(
            f"Imported: {summary.created:,} new, {summary.updated:,} changed, "
            f"{summary.closed:,} closed, {summary.issues_opened:,} items opened."
            if summary.batch_id else "Nothing changed: the book already matches this file."
        )  # fmt: skip
        self.imported.emit(summary)
        self._update_buttons()

    def _failed(self, exc: Exception) -> None:
        self.progress.reset()
        self._update_buttons()
        if isinstance(exc, ImportCancelled):
            self.result_label.setText("Import cancelled: the database is unchanged.")
            return
        self._show_error(exc)
