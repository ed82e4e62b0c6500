"""A statement of account as PDF, drawn by Qt (QTextDocument printed to a QPdfWriter).

Works without a screen: when no Qt application is running (the CLI), an offscreen
QGuiApplication is started for the fonts. All text is HTML-escaped. Letter size, with the
account, its open items oldest first, the total due and the aging buckets.

Qt reports a file it could not open only as a console warning ("QPainter::begin(): Returned
false"), so the writer checks that a PDF really is on disk, and raises `OutputError` if not.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from html import escape
from pathlib import Path

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QGuiApplication, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from arbench.output_files import OutputError, check_output_file, written

_APP: QGuiApplication | None = None


@dataclass(frozen=True)
class StatementPage:
    """What a statement shows, as plain values (built from `services.reporting.reports.Statement`)."""

    company: str
    account_number: str
    account_name: str
    address: str
    on: date
    lines: Sequence[
        tuple[str, str, str, str, Decimal, Decimal, int]
    ]  # pro, inv, inv date, due, amount, open, dpd
    aging: Sequence[tuple[str, Decimal]]
    total: Decimal


def _ensure_app() -> None:
    global _APP
    if QGuiApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _APP = QGuiApplication([])


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def statement_html(page: StatementPage) -> str:
    rows = "".join(
        f"<tr><td>{escape(pro)}</td><td>{escape(inv)}</td><td>{escape(invoiced)}</td>"
        f"<td>{escape(due)}</td><td align='right'>{_money(amount)}</td>"
        f"<td align='right'>{_money(open_)}</td><td align='right'>{dpd}</td></tr>"
        for pro, inv, invoiced, due, amount, open_, dpd in page.lines
    )
    aging = "".join(f"<th>{escape(name)}</th>" for name, _ in page.aging)
    aging_values = "".join(f"<td align='right'>{_money(v)}</td>" for _, v in page.aging)
    return f"""
<h2>{escape(page.company)}: statement of account</h2>
<p><b>{escape(page.account_name)}</b> (account {escape(page.account_number)})<br>
{escape(page.address)}<br>Statement date: {page.on.isoformat()}</p>
<p><b>Total due: ${_money(page.total)}</b></p>
<table border='1' cellspacing='0' cellpadding='3' width='100%'>
<tr><th>PRO</th><th>Invoice</th><th>Invoice date</th><th>Due date</th><th>Amount</th>
<th>Open</th><th>Days past due</th></tr>{rows}</table>
<h3>Aging</h3>
<table border='1' cellspacing='0' cellpadding='3'><tr>{aging}</tr><tr>{aging_values}</tr></table>
<p>Please remit to the address on your invoices, quoting the PRO numbers paid.</p>
"""


def write_statement_pdf(page: StatementPage, path: str | Path) -> Path:
    """Write the statement as a PDF and return its path (replaced whole, or left as it was)."""
    target = check_output_file(path)
    _ensure_app()
    with written(target) as partial:
        _print(page, partial)
        if not _is_pdf(partial):
            raise OutputError(f"could not write the PDF {target}: Qt wrote no PDF there")
    return target


def _print(page: StatementPage, path: Path) -> None:
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.Letter))
    writer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter)
    writer.setResolution(96)
    writer.setTitle(f"Statement {page.account_number} {page.on.isoformat()}")
    document = QTextDocument()
    document.setHtml(statement_html(page))
    layout = writer.pageLayout()
    rect = layout.paintRectPixels(writer.resolution())
    document.setPageSize(QSizeF(rect.width(), rect.height()))
    document.print_(writer)  # the painter ends here: the file is complete and closed


def _is_pdf(path: Path) -> bool:
    if not path.is_file() or path.stat().st_size == 0:
        return False
    with path.open("rb") as handle:
        return handle.read(5) == b"%PDF-"
