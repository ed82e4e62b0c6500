"""The root-cause report as a formatted workbook (openpyxl), and the HTML its PDF is drawn from
(io/rootcause_pdf.py, where Qt draws it).

Workbook sheets: Root causes (the Pareto list: count, share, running share, money at stake,
money tied up, days outstanding, average days, hours), the groups (by customer, lane ...) when
asked, Trend (items per cause per month), Fixed causes (recurrence after the fix) and How (how
each figure is computed). The PDF has the same tables, with a bar per cause. Text cells are
neutralized (no formula from a customer's name); files are replaced whole or not at all.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from arbench.domain.rootcause import DEFAULT_MINUTES, Totals
from arbench.domain.rootcause_report import RootCauseReport
from arbench.io.kpi_export import COUNT, DATE, DAYS, MONEY, TEXT, Column, _sheet
from arbench.output_files import check_output_file, written

PERCENT_1 = "0.0%"
BAR = 24  # characters of the longest bar in the PDF
HOW = (
    ("Items", "Issues with a root cause opened in the period"),
    ("Share", "The cause's items / all items; running share: biggest causes first (Pareto)"),
    ("Money at stake", "The disputed or short-paid amount of each item, else its pro's billed amount"),
    ("Money tied up", "Open items' open balance (an account-level item: its amount)"),
    ("Days outstanding", "Opened to resolved, or to the end of the period while open; summed"),
    ("Hours", "Contacts logged on the items (call, email, note): the minutes entered, else "
              + ", ".join(f"{k} {m} min" for k, m in DEFAULT_MINUTES.items())),
    ("Fixed causes", "Account-level items resolved with the root cause fixed in the period: pros "
                     "with its symptom causes opened after the fix to the period's end, against "
                     "as many days before the fix"),
)  # fmt: skip


def _totals(t: Totals) -> list[Any]:
    return [t.count, t.amount, t.open_amount, t.days, t.average_days, t.hours]


TOTAL_COLUMNS = [Column("Items", COUNT, 9), Column("Money at stake", MONEY, 16),
                 Column("Money tied up", MONEY, 16), Column("Days outstanding", COUNT, 12),
                 Column("Average days", DAYS, 10), Column("Hours", DAYS, 9)]  # fmt: skip


def write_rootcause_workbook(report: RootCauseReport, path: str | Path) -> Path:
    """Write the report as a workbook; return the path."""
    target = check_output_file(path)
    book = Workbook()
    if book.active is not None:
        book.remove(book.active)
    _sheet(book, "Root causes",
           [Column("Root cause", TEXT, 34), Column("Code", TEXT, 24), Column("Department", TEXT, 12),
            Column("Share", PERCENT_1, 8), Column("Running share", PERCENT_1, 10), *TOTAL_COLUMNS],
           [[c.name, c.code, c.department or "", c.share / 100, c.cumulative / 100,
             *_totals(c.totals)] for c in report.causes])  # fmt: skip
    if report.by:
        _sheet(book, f"By {report.by}",
               [Column("Root cause", TEXT, 24), Column(report.by.capitalize(), TEXT, 36), *TOTAL_COLUMNS],
               [[g.code, g.group, *_totals(g.totals)] for g in report.groups])  # fmt: skip
    _sheet(book, "Trend", [Column("Root cause", TEXT, 24), *[Column(m, COUNT, 9) for m in report.months]],
           [[code, *counts] for code, counts in report.trend.items()])  # fmt: skip
    _sheet(book, "Fixed causes",
           [Column("Account", TEXT, 12), Column("Customer", TEXT, 30), Column("Root cause", TEXT, 24),
            Column("Fixed on", DATE, 12), Column("Before", COUNT, 9), Column("After", COUNT, 9),
            Column("Verdict", TEXT, 12), Column("Symptoms", TEXT, 50)],
           [[r.account_number, r.account_name, r.root_cause or "", r.fixed_on, r.before, r.after,
             r.verdict, ", ".join(r.signals)] for r in report.recurrence])  # fmt: skip
    _sheet(book, "How", [Column("Figure", TEXT, 20), Column("How it is computed", TEXT, 100)],
           [list(row) for row in HOW] + [["Period", f"{report.start} to {report.end}"],
                                         ["Department", report.department or "all (management)"]])  # fmt: skip
    with written(target) as partial:
        book.save(partial)
    return target


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def rootcause_html(report: RootCauseReport) -> str:
    """The report as HTML for the PDF: the Pareto table with bars, groups, fixed causes."""
    top = max((c.totals.count for c in report.causes), default=1) or 1
    rows = "".join(
        f"<tr><td>{escape(c.name)}</td><td>{escape(c.department or '')}</td>"
        f"<td align='right'>{c.totals.count}</td><td align='right'>{c.share}%</td>"
        f"<td align='right'>{c.cumulative}%</td><td align='right'>{_money(c.totals.amount)}</td>"
        f"<td align='right'>{_money(c.totals.open_amount)}</td>"
        f"<td align='right'>{c.totals.average_days or ''}</td><td align='right'>{c.totals.hours}</td>"
        f"<td><font color='#3b6ea5'>{'█' * max(1, round(BAR * c.totals.count / top))}</font></td></tr>"
        for c in report.causes
    )  # fmt: skip
    groups = "".join(
        f"<tr><td>{escape(g.code)}</td><td>{escape(g.group)}</td><td align='right'>{g.totals.count}</td>"
        f"<td align='right'>{_money(g.totals.amount)}</td><td align='right'>{g.totals.hours}</td></tr>"
        for g in report.groups[:60]
    )  # fmt: skip
    fixed = "".join(
        f"<tr><td>{escape(r.account_number)} {escape(r.account_name)}</td><td>{escape(r.root_cause or '')}</td>"
        f"<td>{r.fixed_on}</td><td align='right'>{r.before}</td><td align='right'>{r.after}</td>"
        f"<td>{escape(r.verdict)}</td></tr>"
        for r in report.recurrence
    )  # fmt: skip
    t = report.totals
    head = "<table border='1' cellspacing='0' cellpadding='3' width='100%'>"
    by = (f"<h3>By {escape(report.by)} (first 60)</h3>{head}<tr><th>Cause</th><th>{escape(report.by)}</th>"
          f"<th>Items</th><th>Money</th><th>Hours</th></tr>{groups}</table>") if report.by else ""  # fmt: skip
    return (
        f"<h2>Root causes: {escape(report.department or 'all departments')}</h2>"
        f"<p>Items opened {report.start} to {report.end}: {t.count}, money at stake "
        f"${_money(t.amount)}, still tied up ${_money(t.open_amount)}, {t.hours} collector hours.</p>"
        f"{head}<tr><th>Root cause</th><th>Dept.</th><th>Items</th><th>Share</th><th>Running</th>"
        f"<th>Money</th><th>Tied up</th><th>Avg days</th><th>Hours</th><th></th></tr>{rows}</table>"
        f"{by}<h3>Causes fixed at account level: did the pros stop?</h3>{head}<tr><th>Account</th>"
        f"<th>Cause</th><th>Fixed on</th><th>Before</th><th>After</th><th>Verdict</th></tr>{fixed}</table>"
        "<p><small>" + " ".join(f"{escape(k)}: {escape(v)}." for k, v in HOW) + "</small></p>"
    )  # fmt: skip
