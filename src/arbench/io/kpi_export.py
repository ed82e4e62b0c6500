"""The KPI report and the aging by collector as a formatted Excel workbook (openpyxl).

Sheets: KPIs (each measure with its count, base and how it is computed), Dispute cycle (by
root cause), Waiting on departments, Promotions, Aging by collector, and Trend when given.
Every sheet has a styled, frozen, filterable header, number and date formats and column
widths; every text cell goes through `error_report.neutralize` (no formula injection from a
customer name or a login).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from arbench.domain.kpis import AGING_BUCKETS, KpiReport, Period, Ratio
from arbench.io.error_report import neutralize
from arbench.output_files import check_output_file, written

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet


class CollectorAging(Protocol):
    """What the aging sheet reads of one collector's row (services.reporting.kpis.CollectorAging)."""

    @property
    def login(self) -> str | None: ...
    @property
    def display_name(self) -> str: ...
    @property
    def buckets(self) -> dict[str, Decimal]: ...
    @property
    def total(self) -> Decimal: ...
    @property
    def currency(self) -> str: ...


class TrendPoint(Protocol):
    """What the trend sheet reads of one month (services.reporting.kpis.TrendPoint)."""

    @property
    def period(self) -> Period: ...
    @property
    def receivable(self) -> Decimal: ...
    @property
    def dso(self) -> Decimal: ...
    @property
    def cei(self) -> Decimal | None: ...
    @property
    def add(self) -> Decimal | None: ...
    @property
    def promise_kept_rate(self) -> Decimal | None: ...
    @property
    def root_cause_fixed_rate(self) -> Decimal | None: ...
    @property
    def reopen_rate(self) -> Decimal | None: ...
    @property
    def recurrence_rate(self) -> Decimal | None: ...
    @property
    def dispute_cycle_median_days(self) -> Decimal | None: ...


MONEY = "#,##0.00"
DAYS = "#,##0.0"
PERCENT = "0.00%"
COUNT = "#,##0"
DATE = "yyyy-mm-dd"
TEXT = "@"
HEADER_FILL = PatternFill("solid", start_color="1F3A5F", end_color="1F3A5F")
HEADER_FONT = Font(bold=True, color="FFFFFF")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Column:
    title: str
    number_format: str | None
    width: int


def _cell(value: Any) -> Any:
    return neutralize(value) if isinstance(value, str) else value


def _sheet(
    book: Workbook, title: str, columns: Sequence[Column], rows: Sequence[Sequence[Any]]
) -> Worksheet:
    sheet = book.create_sheet(title)
    sheet.append([c.title for c in columns])
    for cell in sheet[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for row in rows:
        sheet.append([_cell(v) for v in row])
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = column.number_format
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    return sheet


def _fraction(percent: Decimal | None) -> Decimal | None:
    return None if percent is None else percent / HUNDRED


def _rate(name: str, ratio: Ratio, how: str) -> list[Any]:
    return [name, _fraction(ratio.percent), "percent", ratio.count, ratio.out_of, how]


def _kpi_rows(r: KpiReport) -> list[list[Any]]:
    total = sum(r.aging.values(), Decimal(0))
    cycle = r.dispute_cycle_days.overall
    rows: list[list[Any]] = [
        ["Receivable at period end", total, "money", None, None, "Billed pros invoiced by the end date, less payments received by then"
         + (f" (in {r.currency}; each currency's: arbench kpis --format json)" if r.by_currency else "")],
        *[[f"Aging {b}", r.aging[b], "money", None, None, "Receivable at period end by days past due"] for b in AGING_BUCKETS],
        ["DSO (countback)", r.dso.days, "days", None, None, "Walk back month by month through credit sales until the receivable is covered"
         + ("" if r.dso.receivable_covered else " (lower bound: 24 months did not cover it)")],
        ["CEI", _fraction(r.cei), "percent", None, None, "(beginning + sales - ending total) / (beginning + sales - ending current)"],
        ["Best possible DSO", r.best_possible_dso, "days", None, None, "Current receivable / credit sales x days in period"],
        ["ADD", r.add, "days", None, None, "DSO - best possible DSO"],
        _rate("Promise-kept rate", r.promise_kept_rate, "Promises kept / kept or broken, due in the period"),
        _rate("Root cause fixed", r.root_cause_fixed_rate, "Resolved with the root cause fixed / resolved in the period"),
        _rate("Reopen rate", r.reopen_rate, "Reopened in the period / resolved or reopened in it"),
        _rate("Recurrence rate", r.recurrence_rate, "Recurrences opened / issues resolved in the period"),
        ["Dispute cycle, mean", cycle.mean_days, "days", cycle.count, None, "Days opened to resolved, disputes resolved in the period"],
        ["Dispute cycle, median", cycle.median_days, "days", cycle.count, None, "Middle value of the same"],
        ["Promotions", r.promotions.count, "count", None, None, "Account-level issues created by promotion in the period"],
        ["Pros retired by promotions", r.promotions.pros_retired, "count", None, None, "Linked pros resolved with their account-level issue"],
    ]  # fmt: skip
    return rows


def _format_kpi_values(sheet: Worksheet) -> None:
    formats = {"money": MONEY, "days": DAYS, "percent": PERCENT, "count": COUNT}
    for value_cell, unit_cell in sheet.iter_rows(min_row=2, min_col=2, max_col=3):
        value_cell.number_format = formats.get(str(unit_cell.value), "General")


def write_kpi_workbook(
    path: str | Path,
    report: KpiReport,
    aging: Sequence[CollectorAging],
    trend: Sequence[TrendPoint] = (),
) -> Path:
    """Write the KPI report, the aging by collector and (optionally) the trend; return the path."""
    target = check_output_file(path)
    book = Workbook()
    default = book.active
    if default is not None:
        book.remove(default)
    who = report.user or "team"
    kpi = _sheet(book, "KPIs", [Column("Measure", TEXT, 30), Column("Value", None, 16),
                                Column("Unit", TEXT, 10), Column("Count", COUNT, 10),
                                Column("Out of", COUNT, 10), Column("How it is computed", TEXT, 80)],
                 [["Period from", report.period.start, "date", None, None, "First day included"],
                  ["Period to", report.period.end, "date", None, None, "Last day included (the as-of date)"],
                  ["Scope", who, "text", None, None, "A collector's login, or the team"],
                  *_kpi_rows(report)])  # fmt: skip
    _format_kpi_values(kpi)
    for row in (2, 3):
        kpi.cell(row=row, column=2).number_format = DATE
    _sheet(book, "Dispute cycle", [Column("Root cause", TEXT, 30), Column("Disputes", COUNT, 10),
                                   Column("Mean days", DAYS, 12), Column("Median days", DAYS, 12)],
           [[cause, s.count, s.mean_days, s.median_days]
            for cause, s in report.dispute_cycle_days.by_root_cause.items()])  # fmt: skip
    _sheet(book, "Waiting on departments",
           [Column("Department", TEXT, 16), Column("Requests", COUNT, 10), Column("Still open", COUNT, 12),
            Column("Total days", COUNT, 12), Column("Mean days", DAYS, 12)],
           [[d, w.requests, w.still_open, w.total_days, w.mean_days]
            for d, w in report.waiting_on_departments.items()])  # fmt: skip
    _sheet(book, "Promotions",
           [Column("Issue", COUNT, 8), Column("Account", TEXT, 14), Column("Type", TEXT, 24),
            Column("Opened", DATE, 12), Column("Resolved", DATE, 12), Column("Linked pros", COUNT, 12),
            Column("Pros retired", COUNT, 12)],
           [[p.issue_id, p.account, p.type, p.opened_on, p.resolved_on, p.linked_pros, p.pros_retired]
            for p in report.promotions.items])  # fmt: skip
    _aging_sheet(book, aging)
    if trend:
        _trend_sheet(book, trend)
    with written(target) as partial:
        book.save(partial)
    return target


def _aging_sheet(book: Workbook, aging: Sequence[CollectorAging]) -> None:
    columns = [Column("Collector", TEXT, 14), Column("Name", TEXT, 24)]
    columns += [Column(b, MONEY, 14) for b in AGING_BUCKETS] + [Column("Total", MONEY, 16)]
    columns += [Column("Currency", TEXT, 9)]
    rows = [
        [a.login or "", a.display_name, *(a.buckets[b] for b in AGING_BUCKETS), a.total,
         a.currency]
        for a in aging
    ]  # fmt: skip
    _sheet(book, "Aging by collector", columns, rows)


def _trend_sheet(book: Workbook, trend: Sequence[TrendPoint]) -> None:
    columns = [Column("From", DATE, 12), Column("To", DATE, 12), Column("Receivable", MONEY, 16),
               Column("DSO", DAYS, 10), Column("CEI", PERCENT, 10), Column("ADD", DAYS, 10),
               Column("Promise kept", PERCENT, 12), Column("Root cause fixed", PERCENT, 14),
               Column("Reopen", PERCENT, 10), Column("Recurrence", PERCENT, 12),
               Column("Dispute cycle median", DAYS, 14)]  # fmt: skip
    rows = [[p.period.start, p.period.end, p.receivable, p.dso, _fraction(p.cei), p.add,
             _fraction(p.promise_kept_rate), _fraction(p.root_cause_fixed_rate),
             _fraction(p.reopen_rate), _fraction(p.recurrence_rate), p.dispute_cycle_median_days]
            for p in trend]  # fmt: skip
    _sheet(book, "Trend", columns, rows)
