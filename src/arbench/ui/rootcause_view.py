"""The root-cause report on screen: a Pareto chart (QtCharts), the causes and their groups,
exported to Excel or PDF. The report is read, and the files written, off the GUI thread.

Shown as the Root causes tab of the supervisor console, and in its own window for department
staff (Tools ▸ Root causes), where only their departments are offered.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from arbench.domain.catalogue import Department, Role
from arbench.domain.rootcause import DIMENSIONS
from arbench.domain.rootcause_report import CauseLine, GroupLine, RootCauseReport
from arbench.services.base import Actor
from arbench.services.organization.departments import user_departments
from arbench.services.reporting import rootcauses as service
from arbench.store.db import Database
from arbench.ui import screen, theme
from arbench.ui.date_fields import date_edit, pydate
from arbench.ui.supervisor.rows_model import Col, RowsModel, make_table, money
from arbench.ui.tasks import TaskRunner

CAUSES: list[Col[CauseLine]] = [
    Col("Root cause", lambda c: c.name), Col("Department", lambda c: c.department),
    Col("Items", lambda c: c.totals.count, right=True), Col("Share %", lambda c: c.share, right=True),
    Col("Running %", lambda c: c.cumulative, right=True),
    Col("Money at stake", lambda c: c.totals.amount, lambda c: money(c.totals.amount), right=True),
    Col("Tied up", lambda c: c.totals.open_amount, lambda c: money(c.totals.open_amount), right=True),
    Col("Avg days", lambda c: c.totals.average_days, right=True),
    Col("Hours", lambda c: c.totals.hours, right=True),
]  # fmt: skip
GROUPS: list[Col[GroupLine]] = [
    Col("Root cause", lambda g: g.code), Col("Group", lambda g: g.group),
    Col("Items", lambda g: g.totals.count, right=True),
    Col("Money at stake", lambda g: g.totals.amount, lambda g: money(g.totals.amount), right=True),
    Col("Hours", lambda g: g.totals.hours, right=True),
]  # fmt: skip
TOP = 12  # causes on the chart


class RootCauseView(QWidget):
    """Period, department and grouping; the Pareto chart and tables; Excel and PDF exports."""

    loaded = Signal()
    exported = Signal(str)

    def __init__(self, db: Database, actor: Actor, on: date, runner: TaskRunner, on_error: Any):
        super().__init__()
        self.db, self.actor, self.runner, self.on_error = db, actor, runner, on_error
        self.report: RootCauseReport | None = None
        query = service.default_query(on)
        self.start, self.end = date_edit(query.start), date_edit(query.end)
        self.department, self.by = QComboBox(), QComboBox()
        self.by.addItem("causes only", "")
        for name in DIMENSIONS:
            self.by.addItem(f"by {name}", name)
        self.show_button = QPushButton("Show")
        self.xlsx_button, self.pdf_button = QPushButton("Excel…"), QPushButton("PDF…")
        self.causes: RowsModel[CauseLine] = RowsModel(CAUSES)
        self.groups: RowsModel[GroupLine] = RowsModel(GROUPS)
        self.chart = QChart()
        if theme.colors().dark:
            self.chart.setTheme(QChart.ChartTheme.ChartThemeDark)
        self.chart.setTitle("Pareto: items by root cause, running share")
        self.chart_view = QChartView(self.chart)
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.status = QLabel("Pick a period and press Show.")
        self._layout()
        self._fill_departments()

    def _layout(self) -> None:
        bar = QHBoxLayout()
        for label, widget in (("From", self.start), ("to", self.end), ("for", self.department),
                              ("", self.by)):  # fmt: skip
            if label:
                bar.addWidget(QLabel(label))
            bar.addWidget(widget)
        bar.addWidget(self.show_button)
        bar.addStretch(1)
        bar.addWidget(self.xlsx_button)
        bar.addWidget(self.pdf_button)
        tables = QSplitter(Qt.Orientation.Vertical)
        tables.addWidget(make_table(self.causes))
        self.groups_table = make_table(self.groups)
        self.groups_table.setVisible(False)  # shown when the report is grouped
        tables.addWidget(self.groups_table)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(tables)
        split.addWidget(self.chart_view)
        split.setSizes([620, 560])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addWidget(split, 1)
        for button in (self.xlsx_button, self.pdf_button):
            button.setEnabled(False)
        self.show_button.clicked.connect(self.compute)
        self.xlsx_button.clicked.connect(lambda: self.ask_export("xlsx"))
        self.pdf_button.clicked.connect(lambda: self.ask_export("pdf"))

    def _fill_departments(self) -> None:
        if self.actor.role != Role.DEPARTMENT:
            self.department.addItem("All departments", "")
            for d in Department:
                self.department.addItem(d.value.capitalize(), d.value)
            return
        self.department.addItem("My departments", "")
        db, login = self.db, self.actor.login
        self.runner.run(lambda: user_departments(db, login), self._mine, self.on_error)

    def _mine(self, names: tuple[str, ...]) -> None:
        for name in names:
            self.department.addItem(name.capitalize(), name)

    def compute(self) -> None:
        db, actor = self.db, self.actor
        try:
            query = service.default_query(pydate(self.end), pydate(self.start),
                                          str(self.department.currentData() or "") or None,
                                          str(self.by.currentData() or "") or None)  # fmt: skip
        except Exception as exc:
            self.on_error(exc)
            return
        self.status.setText("Computing…")
        self.show_button.setEnabled(False)
        self.runner.run(lambda: service.rootcause_report(db, query, actor), self.show_report,
                        self._failed)  # fmt: skip

    def _failed(self, exc: Exception) -> None:
        self.show_button.setEnabled(True)
        self.on_error(exc)

    def show_report(self, report: RootCauseReport) -> None:
        self.report = report
        self.show_button.setEnabled(True)
        for button in (self.xlsx_button, self.pdf_button):
            button.setEnabled(True)
        self.causes.set_rows(report.causes)
        self.groups.set_rows(report.groups)
        self.groups_table.setVisible(report.by is not None)
        self._draw(report)
        t = report.totals
        self.status.setText(
            f"{report.department or 'All departments'}, items opened {report.start} to "
            f"{report.end}: {t.count:,} items, {money(t.amount)} at stake, {money(t.open_amount)} "
            f"tied up, {t.hours} collector hours; {len(report.recurrence)} cause(s) fixed"
        )
        self.loaded.emit()

    def _draw(self, report: RootCauseReport) -> None:
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)
        shown = report.causes[:TOP]
        counts = QBarSet("Items")
        running = QLineSeries()
        running.setName("Running share %")
        for x, line in enumerate(shown):
            counts.append(line.totals.count)
            running.append(x, float(line.cumulative))
        bars = QBarSeries()
        bars.append(counts)
        causes = QBarCategoryAxis()
        causes.append([line.code.replace("_", " ") for line in shown])
        causes.setLabelsAngle(-45)
        items, share = QValueAxis(), QValueAxis()
        items.setLabelFormat("%d")
        items.setRange(0, max([line.totals.count for line in shown] + [1]) * 1.1)
        share.setRange(0, 100)
        share.setLabelFormat("%d%%")
        self.chart.addSeries(bars)
        self.chart.addSeries(running)
        self.chart.addAxis(causes, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(items, Qt.AlignmentFlag.AlignLeft)
        self.chart.addAxis(share, Qt.AlignmentFlag.AlignRight)
        for series, axis in ((bars, items), (running, share)):
            series.attachAxis(causes)
            series.attachAxis(axis)

    def ask_export(self, kind: str) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Export the root-cause report", f"rootcauses.{kind}",
            "Excel (*.xlsx)" if kind == "xlsx" else "PDF (*.pdf)",
        )  # fmt: skip
        if name:
            self.export_to(name)

    def export_to(self, path: str) -> None:
        """Write the report shown to `path` (.xlsx or .pdf), off the GUI thread."""
        if self.report is None:
            return
        from arbench.io.rootcause_export import write_rootcause_workbook
        from arbench.io.rootcause_pdf import write_rootcause_pdf

        report = self.report
        write = write_rootcause_pdf if path.lower().endswith(".pdf") else write_rootcause_workbook
        self.runner.run(lambda: write(report, path), lambda target: self._exported(str(target)),
                        self.on_error)  # fmt: skip

    def _exported(self, path: str) -> None:
        self.status.setText(f"Exported to {Path(path).name}")
        self.exported.emit(path)


class RootCauseWindow(QMainWindow):
    """The root-cause report in its own window (department staff: their departments)."""

    def __init__(
        self, db: Database, actor: Actor, on: date, runner: Any, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setWindowTitle(f"Root causes — {actor.display_name}")
        self.view = RootCauseView(db, actor, on, runner, runner.show_error)
        self.setCentralWidget(self.view)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        screen.fit(self, 1240, 720)
