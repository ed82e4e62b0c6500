"""The remittance dialog: check a file, name an unknown payer, apply it, read where the money went.

Checking runs the whole application as a dry run (`apply_remittance(..., dry_run=True)`), off
the GUI thread, so the preview is exactly what applying will do: the bank amount and its four
totals (applied, unapplied, adjustments, variance) per account, every adjustment and the item it
becomes, the warnings of lenient mode, or every problem that refuses the file. A payer no alias
resolves is shown with the identifiers it carried; the user types its account number and
confirms, the file is checked again against that account, and applying it records those
identifiers as the account's aliases (audited). After applying, the same report shows what was
written.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from arbench.services.base import Actor, ServiceError
from arbench.services.intake.remittance import RemittanceSummary, apply_remittance
from arbench.store.db import Database
from arbench.ui.supervisor.rows_model import Col, RowsModel, make_table
from arbench.ui.tasks import TaskRunner

FILE_FILTER = "Remittances (*.csv *.xlsx *.xls *.txt *.820 *.edi *.x12);;All files (*)"
TOTALS = ("applied", "unapplied", "adjustments", "variance")


Row = tuple[Any, ...]


def _money(value: Any) -> str:
    return f"{Decimal(value):,.2f}"


def _model(*titles: str, money: tuple[int, ...] = ()) -> RowsModel[Row]:
    """A read-only model of tuples; the `money` columns are right-aligned and sort as numbers."""
    columns: list[Col[Row]] = [
        Col(title, (lambda r, i=i: Decimal(r[i]) if i in money else r[i]),  # type: ignore[misc]
            (lambda r, i=i: _money(r[i]) if i in money else str(r[i] or "")),  # type: ignore[misc]
            right=i in money)
        for i, title in enumerate(titles)
    ]  # fmt: skip
    return RowsModel(columns)


def _where(problem: dict[str, Any]) -> str:
    return "file" if problem["row"] == 0 else f"{problem.get('unit', 'row')} {problem['row']}"


class RemittanceDialog(QDialog):
    """Check, then apply, one remittance file (CSV, xlsx or X12 820)."""

    applied = Signal(object)  # RemittanceSummary

    def __init__(self, db: Database, actor: Actor, runner: TaskRunner, path: Path | None = None,
                 parent: QWidget | None = None, on: date | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.db, self.actor, self.runner, self.on = db, actor, runner, on
        self.path: Path | None = None
        self.account: str | None = None
        self.summary: RemittanceSummary | None = None
        self.is_applied = False
        self.setWindowTitle("Apply remittance")
        self.resize(1000, 680)
        self._build()
        if path is not None:
            self.load(Path(path))

    # ----- layout ------------------------------------------------------------------------
    def _build(self) -> None:
        self.file_label = QLabel("No file chosen")
        choose = QPushButton("Choose file…")
        choose.clicked.connect(self.choose_file)
        self.lenient = QCheckBox("Lenient: accept the deviations real senders make (six-digit "
                                 "dates, envelope counts, padded control numbers) and list them")  # fmt: skip
        self.lenient.toggled.connect(lambda _: self.check())
        self.payer_label = QLabel("")
        self.payer_label.setWordWrap(True)
        self.account_edit = QLineEdit()
        self.account_edit.setPlaceholderText("account number of the payer")
        self.account_button = QPushButton("This payer is this account…")
        self.account_button.clicked.connect(self.confirm_account)
        self.bank_label = QLabel("")
        self.bank_label.setWordWrap(True)
        self.totals_model = _model("Account", "Name", "Applied", "Unapplied", "Adjustments",
                                   "Variance", money=(2, 3, 4, 5))  # fmt: skip
        self.adjustments_model = _model("Amount", "Reason", "References", "On", "Item", money=(0,))
        self.problems_model = _model("Where", "Segment / column", "Value", "Problem")
        self.warnings_model = _model("Where", "Segment / column", "Value", "Warning")
        self.tabs = QTabWidget()
        for model, title in ((self.adjustments_model, "Adjustments"),
                             (self.problems_model, "Problems"), (self.warnings_model, "Warnings")):  # fmt: skip
            self.tabs.addTab(make_table(model), title)
        self.result_label = QLabel("")
        self.result_label.setWordWrap(True)
        self.check_button = QPushButton("Check file")
        self.check_button.clicked.connect(self.check)
        self.apply_button = QPushButton("Apply")
        self.apply_button.setDefault(True)
        self.apply_button.clicked.connect(self.commit)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        _row(layout, self.file_label, choose, stretch_first=True)
        layout.addWidget(self.lenient)
        layout.addWidget(self.payer_label)
        _row(layout, QLabel("Paying account:", self), self.account_edit, self.account_button)
        layout.addWidget(self.bank_label)
        layout.addWidget(make_table(self.totals_model), 1)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.result_label)
        _row(layout, QLabel("", self), self.check_button, self.apply_button, close,
             stretch_first=True)  # fmt: skip
        self._update_buttons()

    def _update_buttons(self) -> None:
        ready = self.summary is not None and self.summary.ok and not self.is_applied
        self.apply_button.setEnabled(ready)
        self.check_button.setEnabled(self.path is not None and not self.is_applied)
        self.lenient.setEnabled(not self.is_applied)

    # ----- checking ------------------------------------------------------------------------
    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Apply remittance", "", FILE_FILTER)
        if name:
            self.load(Path(name))

    def load(self, path: Path) -> None:
        self.path, self.account, self.is_applied = path, None, False
        self.file_label.setText(str(path))
        self.check()

    def check(self) -> None:
        """Run the application as a dry run, off the GUI thread, and show the preview."""
        if self.path is None or self.is_applied:
            return
        self.summary = None
        self.result_label.setText("Checking the file…")
        self._update_buttons()
        work = self._work(dry_run=True)
        self.runner.run(work, lambda s: self.show_summary(s, applied=False), self._failed)

    def _work(self, *, dry_run: bool) -> Any:
        db, path, actor, on = self.db, self.path, self.actor, self.on
        lenient, account = self.lenient.isChecked(), self.account
        assert path is not None
        return lambda: apply_remittance(db, path, actor=actor, on=on, lenient=lenient,
                                        account=account, dry_run=dry_run)  # fmt: skip

    def confirm_account(self) -> None:
        """Name the paying account; asks before the payer's identifiers become its aliases."""
        number = self.account_edit.text().strip()
        if not number or self.summary is None:
            return
        identifiers = "; ".join(_identifiers(p) for p in self.summary.payers) or "this file"
        answer = QMessageBox.question(
            self, "Paying account",
            f"Apply {self.summary.file} to account {number}, and remember {identifiers} as its "
            "aliases so the next file is recognized?",
        )  # fmt: skip
        if answer == QMessageBox.StandardButton.Yes:
            self.account = number
            self.check()

    # ----- showing ---------------------------------------------------------------------------
    def show_summary(self, summary: RemittanceSummary, *, applied: bool) -> None:
        self.summary, self.is_applied = summary, applied and summary.ok
        self.problems_model.set_rows([(_where(e), e["column"], e["value"], e["message"])
                                      for e in summary.errors])  # fmt: skip
        self.warnings_model.set_rows([(_where(w), w["column"], w["value"], w["message"])
                                      for w in summary.warnings])  # fmt: skip
        self.tabs.setTabText(1, f"Problems ({len(summary.errors)})")
        self.tabs.setTabText(2, f"Warnings ({len(summary.warnings)})")
        self._show_payers(summary)
        if summary.errors:
            self._show_totals(None)
            self.tabs.setCurrentIndex(1)
            self.result_label.setText(f"<b>Refused</b>: {len(summary.errors)} problem(s); nothing "
                                      "will be applied until they are fixed.")  # fmt: skip
        else:
            self._show_totals(summary)
            self.tabs.setCurrentIndex(2 if summary.warnings and not summary.adjustment_items else 0)
            verb = "Applied" if applied else "Ready to apply"
            self.result_label.setText(
                f"<b>{verb}</b>: {summary.payments_applied:,} payments on pros, "
                f"{len(summary.adjustment_items):,} adjustments as items, "
                f"{summary.issues_opened:,} items opened, {summary.pros_closed:,} pros closed"
                + ("." if applied else " when applied."))  # fmt: skip
        self._update_buttons()
        if applied and summary.ok:
            self.applied.emit(summary)

    def _show_payers(self, summary: RemittanceSummary) -> None:
        unknown = [p for p in summary.payers if p.get("account_number") is None]
        if unknown:
            who = "; ".join(_identifiers(p) for p in unknown)
            self.payer_label.setText(f"<b>Payer not recognized</b>: {who}. Type the account "
                                     "number it is and confirm; nothing is applied until then.")  # fmt: skip
        elif summary.payers:
            known = ", ".join(
                f"{_identifiers(p)} is account {p['account_number']}" for p in summary.payers
            )
            self.payer_label.setText(f"Payer: {known}")
        else:
            self.payer_label.setText("")

    def _show_totals(self, summary: RemittanceSummary | None) -> None:
        if summary is None:
            self.bank_label.setText("")
            self.totals_model.set_rows([])
            self.adjustments_model.set_rows([])
            return
        currency = f" {summary.currency}" if summary.currency else ""
        self.bank_label.setText(
            f"<b>Bank amount {_money(summary.bank_amount)}{currency}</b> ({summary.bank_source}) = "
            + " + ".join(f"{name} {_money(getattr(summary, name))}" for name in TOTALS))  # fmt: skip
        rows = [(a["account_number"], a["account_name"], *(a[k] for k in TOTALS))
                for a in summary.accounts]  # fmt: skip
        rows.append(("Total", "", *(getattr(summary, k) for k in TOTALS)))
        self.totals_model.set_rows(rows)
        self.adjustments_model.set_rows([
            (i["amount"], f"{i['reason_code']} {i['reason']}", "; ".join(i["references"]),
             f"PRO {i['pro']}" if i["pro"] else f"account {i['account_number']}",
             i["issue_type"].replace("_", " "))
            for i in summary.adjustment_items
        ])  # fmt: skip

    # ----- applying --------------------------------------------------------------------------
    def commit(self) -> None:
        if self.summary is None or not self.summary.ok or self.is_applied:
            return
        self.apply_button.setEnabled(False)
        self.result_label.setText("Applying…")
        self.runner.run(self._work(dry_run=False), lambda s: self.show_summary(s, applied=True),
                        self._failed)  # fmt: skip

    def _failed(self, exc: Exception) -> None:
        self.result_label.setText(str(exc))
        self._update_buttons()
        if not isinstance(exc, ServiceError):
            raise exc


def _identifiers(payer: dict[str, Any]) -> str:
    parts = [f"{payer.get('role') or 'payer'} {payer['name']!r}" if payer.get("name") else
             str(payer.get("role") or "payer")]  # fmt: skip
    if payer.get("id"):
        qualifier = f" (N103 {payer['qualifier']})" if payer.get("qualifier") else ""
        parts.append(f"id{qualifier} {payer['id']}")
    return ", ".join(parts)


def _row(layout: QVBoxLayout, *widgets: QWidget, stretch_first: bool = False) -> None:
    """A row of widgets at the bottom of `layout` (placed first, so each is parented at once)."""
    row = QHBoxLayout()
    layout.addLayout(row)
    for widget in widgets:
        row.addWidget(widget)
    if stretch_first:
        row.setStretch(0, 1)
