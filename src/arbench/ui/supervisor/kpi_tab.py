"""KPIs tab: a period and a scope (team or one collector), the report beside trend charts
(QtCharts), and export to a formatted Excel workbook. Everything heavy runs off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCharts import QBarCategoryAxis, QChart, QChartView, QLineSeries, QValueAxis
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from arbench.domain.kpis import KpiReport, Period
from arbench.services.reporting import kpis as kpi_service
from arbench.services.reporting.kpis import CollectorAging, TrendPoint
from arbench.store.db import Database
from arbench.ui import theme
from arbench.ui.date_fields import date_edit, pydate
from arbench.ui.supervisor.rows_model import Col, RowsModel, make_table
from arbench.ui.tasks import TaskRunner


@dataclass(frozen=True)
class KpiBundle:
    report: KpiReport
    trend: list[TrendPoint]
    aging: list[CollectorAging]


@dataclass(frozen=True)
class Line:
    measure: str
    value: str
    basis: str


def _pct(value: Any) -> str:
    return "n/a" if value is None else f"{value:.2f}%"


def _money_lines(d: dict[str, Any], suffix: str) -> list[Line]:
    """Aging, DSO, CEI and ADD of one currency (`suffix` names it when the book has several)."""
    return [
        *[Line(f"Aging {b}{suffix}", f"{v:,.2f}", "receivable at period end") for b, v in d["aging"].items()],
        Line(f"DSO (countback){suffix}", f"{d['dso']['days']} days",
             "covered" if d["dso"]["receivable_covered"] else "lower bound"),
        Line(f"CEI{suffix}", _pct(d["cei"]), "collection effectiveness"),
        Line(f"ADD{suffix}", f"{d['add']['days']} days", f"best possible DSO {d['add']['best_possible_dso']}"),
    ]  # fmt: skip


def _lines(r: KpiReport) -> list[Line]:
    d = r.to_json_dict()

    def rate(k: str) -> Line:
        return Line(k.replace("_", " ").capitalize(), _pct(d[k]["percent"]),
                    f"{d[k]['count']} of {d[k]['out_of']}")  # fmt: skip

    cycle = d["dispute_cycle_days"]["overall"]
    return [
        *[line for currency, money in d["by_currency"].items()
          for line in _money_lines(money, f" ({currency})" if len(d["by_currency"]) > 1 else "")],
        rate("promise_kept_rate"), rate("root_cause_fixed_rate"), rate("reopen_rate"),
        rate("recurrence_rate"),
        Line("Dispute cycle (median)", f"{cycle['median_days']} days", f"{cycle['count']} disputes"),
        Line("Promotions", str(d["promotions"]["count"]), f"{d['promotions']['pros_retired']} pros retired"),
        *[Line(f"Waiting on {k}", f"{w['requests']} requests", f"{w['total_days']} days in all")
          for k, w in d["waiting_on_departments"].items()],
    ]  # fmt: skip


LINE_COLUMNS: list[Col[Line]] = [
    Col("Measure", lambda x: x.measure), Col("Value", lambda x: x.value, right=True),
    Col("Based on", lambda x: x.basis),
]  # fmt: skip
SERIES: tuple[tuple[str, Callable[[TrendPoint], Decimal | None]], ...] = (
          ("DSO (days)", lambda p: p.dso), ("ADD (days)", lambda p: p.add),
          ("CEI %", lambda p: p.cei), ("Promise kept %", lambda p: p.promise_kept_rate),
          ("Root cause fixed %", lambda p: p.root_cause_fixed_rate))  # fmt: skip


class KpiTab(QWidget):
    loaded = Signal()
    exported = Signal(str)

    def __init__(self, db: Database, on: date, runner: TaskRunner, on_error: Any):
        super().__init__()
        self.db, self.on, self.runner, self.on_error = db, on, runner, on_error
        self.bundle: KpiBundle | None = None
        period = kpi_service.default_period(on)
        self.start, self.end = date_edit(period.start), date_edit(period.end)
        self.scope = QComboBox()
        self.scope.addItem(
            "The team", ""
        )  # "" not None: None userData trips a PySide6 refcount bug
        self.compute_button = QPushButton("Show KPIs")
        self.export_button = QPushButton("Export to Excel…")
        self.export_button.setEnabled(False)
        self.model: RowsModel[Line] = RowsModel(LINE_COLUMNS)
        self.chart = QChart()
        if theme.colors().dark:  # QtCharts draws its own background: follow the palette
            self.chart.setTheme(QChart.ChartTheme.ChartThemeDark)
        self.chart.setTitle("Trend by month")
        self.chart_view = QChartView(self.chart)
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.status = QLabel("Pick a period and press Show KPIs.")
        bar = QHBoxLayout()
        for label, w in (("From", self.start), ("to", self.end), ("for", self.scope)):
            bar.addWidget(QLabel(label))
            bar.addWidget(w)
        bar.addWidget(self.compute_button)
        bar.addStretch(1)
        bar.addWidget(self.export_button)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(make_table(self.model))
        split.addWidget(self.chart_view)
        split.setSizes([420, 640])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addWidget(split, 1)
        self.compute_button.clicked.connect(self.compute)
        self.export_button.clicked.connect(self.ask_export)

    def set_collectors(self, logins: list[str]) -> None:
        while self.scope.count() > 1:
            self.scope.removeItem(1)
        for login in logins:
            self.scope.addItem(login, login)

    def period(self) -> Period:
        return kpi_service.default_period(pydate(self.end), pydate(self.start))

    def compute(self) -> None:
        db, login = self.db, str(self.scope.currentData() or "") or None
        try:
            period = self.period()
        except Exception as exc:
            self.on_error(exc)
            return
        self.status.setText("Computing…")
        self.compute_button.setEnabled(False)

        def work() -> KpiBundle:
            return KpiBundle(kpi_service.kpi_report(db, period, login),
                             kpi_service.kpi_trend(db, period, login),
                             kpi_service.aging_by_collector(db, period.end))  # fmt: skip

        self.runner.run(work, self.show_bundle, self._failed)

    def _failed(self, exc: Exception) -> None:
        self.compute_button.setEnabled(True)
        self.on_error(exc)

    def show_bundle(self, bundle: KpiBundle) -> None:
        self.bundle = bundle
        self.compute_button.setEnabled(True)
        self.export_button.setEnabled(True)
        self.model.set_rows(_lines(bundle.report))
        self._draw(bundle.trend)
        who = bundle.report.user or "the team"
        p = bundle.report.period
        self.status.setText(f"KPIs for {who}, {p.start} to {p.end}")
        self.loaded.emit()

    def _draw(self, trend: list[TrendPoint]) -> None:
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)
        months = QBarCategoryAxis()
        months.append([p.period.start.strftime("%b %Y") for p in trend])
        values = QValueAxis()
        values.setLabelFormat("%.0f")
        self.chart.addAxis(months, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
        top = Decimal(10)
        for name, pick in SERIES:
            series = QLineSeries()
            series.setName(name)
            for x, point in enumerate(trend):
                value = pick(point)
                if value is not None:
                    series.append(x, float(value))
                    top = max(top, value)
            self.chart.addSeries(series)
            series.attachAxis(months)
            series.attachAxis(values)
        values.setRange(0, float(top) * 1.1)

    def ask_export(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export KPIs", "kpis.xlsx", "Excel (*.xlsx)")
        if name:
            self.export_to(name)

    def export_to(self, path: str) -> None:
        """Write the shown report, aging by collector and trend to `path` (off the GUI thread)."""
        if self.bundle is None:
            return
        from arbench.io.kpi_export import write_kpi_workbook

        b = self.bundle
        self.runner.run(lambda: write_kpi_workbook(path, b.report, b.aging, b.trend),
                        lambda target: self._exported(str(target)), self.on_error)  # fmt: skip

    def _exported(self, path: str) -> None:
        self.status.setText(f"Exported to {Path(path).name}")
        self.exported.emit(path)
