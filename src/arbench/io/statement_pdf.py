"""A statement of account a customer can receive, as PDF, drawn by Qt (QPainter on QPdfWriter).

Every page carries the company's heading (logo, name, address, contact), the statement's date and
account, "Page N of M" and the column headers; the first page also the customer's bill-to
address; the last the totals, the aging summary and where to remit. Letter size, points as
units. Works without a screen: with no Qt application running (the CLI), an offscreen
QGuiApplication is started for the fonts.

Qt reports a file it could not open only as a console warning ("QPainter::begin(): Returned
false"), so the writer checks that a PDF really is on disk, and raises `OutputError` if not.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QLineF, QMarginsF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
)

from arbench.output_files import OutputError, check_output_file, written

_APP: QGuiApplication | None = None

COLUMNS: tuple[tuple[str, float, bool], ...] = (  # title, share of the width, right-aligned
    ("PRO", 0.12, False), ("Invoice", 0.11, False), ("BOL", 0.11, False),
    ("Invoice date", 0.12, False), ("Due date", 0.11, False), ("Amount", 0.13, True),
    ("Open balance", 0.14, True), ("Days past due", 0.16, True),
)  # fmt: skip


@dataclass(frozen=True)
class StatementLine:
    pro: str
    invoice: str
    bol: str
    invoice_date: str
    due_date: str
    amount: Decimal
    open_balance: Decimal
    days_past_due: int


@dataclass(frozen=True)
class StatementPage:
    """What a statement shows, as plain values (built from `services.reporting.reports.Statement`)."""

    company: str
    company_address: str
    company_contact: str
    remit_to: str
    logo: bytes | None
    account_number: str
    account_name: str
    bill_to: Sequence[str]  # address lines
    on: date
    lines: Sequence[StatementLine]
    aging: Sequence[tuple[str, Decimal]]

    @property
    def total_amount(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))

    @property
    def total_open(self) -> Decimal:
        return sum((line.open_balance for line in self.lines), Decimal(0))


def ensure_app() -> None:
    """A Qt application for the fonts (an offscreen one when none runs, e.g. the CLI)."""
    global _APP
    if QGuiApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _APP = QGuiApplication([])


def money(value: Decimal) -> str:
    return f"{value:,.2f}" if value >= 0 else f"({-value:,.2f})"


def _font(size: float, bold: bool = False) -> QFont:
    font = QFont("DejaVu Sans")
    font.setPointSizeF(size)
    font.setBold(bold)
    return font


ROW_H = 15.0
HEAD_H = 92.0  # company heading band on every page
BILL_TO_H = 84.0  # the first page's bill-to block
CONT_H = 22.0  # later pages' "continued" line
FOOT_H = 26.0
END_H = 170.0  # totals, aging summary and remit-to on the last page


@dataclass(frozen=True)
class _Plan:
    pages: list[range]  # the line indexes on each page
    end_page: int  # the page that carries the totals


def plan_pages(rows: int, height: float) -> _Plan:
    """Which lines go on which page, and where the totals go (a page of their own if need be)."""
    pages: list[range] = []
    start = 0
    while True:
        top = HEAD_H + (BILL_TO_H if not pages else CONT_H) + ROW_H  # + column headers
        fit = max(1, int((height - top - FOOT_H) // ROW_H))
        end = min(rows, start + fit)
        pages.append(range(start, end))
        if end >= rows:
            used = top + (end - start) * ROW_H
            if used + END_H > height - FOOT_H:
                pages.append(range(end, end))
            return _Plan(pages, len(pages) - 1)
        start = end


class _Drawer:
    def __init__(self, painter: QPainter, page: StatementPage, width: float, height: float):
        self.p, self.s, self.w, self.h = painter, page, width, height
        self.logo = QImage.fromData(page.logo) if page.logo else QImage()

    def text(self, rect: QRectF, value: str, size: float = 8.5, bold: bool = False,
             align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft) -> None:  # fmt: skip
        font = _font(size, bold)
        self.p.setFont(font)
        flags = int(align | Qt.AlignmentFlag.AlignVCenter)
        metrics = QFontMetricsF(font, self.p.device())  # at the PDF's own resolution
        elided = metrics.elidedText(value, Qt.TextElideMode.ElideRight, rect.width())
        self.p.drawText(rect, flags, elided)

    def heading(self, number: int, count: int) -> None:
        s, w = self.s, self.w
        left = 0.0
        if not self.logo.isNull():
            scaled = self.logo.scaledToHeight(48, Qt.TransformationMode.SmoothTransformation)
            self.p.drawImage(QRectF(0, 0, min(scaled.width(), 120), 48), scaled)
            left = min(scaled.width(), 120) + 10
        self.text(QRectF(left, 0, w * 0.6 - left, 22), s.company, 15, True)
        lines = [line for line in (s.company_address, s.company_contact) if line]
        for i, line in enumerate(lines[:2]):
            self.text(QRectF(left, 24 + i * 13, w * 0.6 - left, 13), line, 8)
        right = QRectF(w * 0.6, 0, w * 0.4, 20)
        self.text(right, "STATEMENT OF ACCOUNT", 12, True, Qt.AlignmentFlag.AlignRight)
        facts = (f"Statement date: {s.on.isoformat()}", f"Account: {s.account_number}",
                 f"Page {number} of {count}")  # fmt: skip
        for i, line in enumerate(facts):
            self.text(QRectF(w * 0.6, 22 + i * 13, w * 0.4, 13), line, 8.5, i == 2,
                      Qt.AlignmentFlag.AlignRight)  # fmt: skip
        self.p.setPen(QColor("#1f3b57"))
        self.p.drawLine(QLineF(0, HEAD_H - 14, w, HEAD_H - 14))
        self.p.setPen(QColor("black"))

    def bill_to(self) -> float:
        s = self.s
        self.text(QRectF(0, HEAD_H, 200, 13), "Bill to", 8, True)
        lines = [s.account_name, *s.bill_to][:4]
        for i, line in enumerate(lines):
            self.text(QRectF(0, HEAD_H + 14 + i * 13, self.w * 0.55, 13), line, 9, i == 0)
        self.text(QRectF(self.w * 0.6, HEAD_H, self.w * 0.4, 13), "Total open", 8, True,
                  Qt.AlignmentFlag.AlignRight)  # fmt: skip
        self.text(QRectF(self.w * 0.6, HEAD_H + 14, self.w * 0.4, 20), f"$ {money(s.total_open)}",
                  14, True, Qt.AlignmentFlag.AlignRight)  # fmt: skip
        return HEAD_H + BILL_TO_H

    def continued(self) -> float:
        self.text(QRectF(0, HEAD_H, self.w, 14),
                  f"{self.s.account_name} · account {self.s.account_number} (continued)", 9, True)  # fmt: skip
        return HEAD_H + CONT_H

    def cells(self, y: float, values: Sequence[str], bold: bool = False) -> None:
        x = 0.0
        for (_title, share, right), value in zip(COLUMNS, values, strict=True):
            width = self.w * share
            align = Qt.AlignmentFlag.AlignRight if right else Qt.AlignmentFlag.AlignLeft
            self.text(QRectF(x + 3, y, width - 6, ROW_H), value, 8, bold, align)
            x += width

    def column_headers(self, y: float) -> float:
        self.p.fillRect(QRectF(0, y, self.w, ROW_H), QColor("#dde5ee"))
        self.cells(y, [c[0] for c in COLUMNS], bold=True)
        return y + ROW_H

    def rows(self, y: float, lines: Sequence[StatementLine], first: int) -> float:
        for i, line in enumerate(lines):
            if (first + i) % 2:
                self.p.fillRect(QRectF(0, y, self.w, ROW_H), QColor("#f4f6f8"))
            self.cells(y, [line.pro, line.invoice, line.bol, line.invoice_date, line.due_date,
                           money(line.amount), money(line.open_balance), str(line.days_past_due)])  # fmt: skip
            y += ROW_H
        return y

    def end(self, y: float) -> None:
        s, w = self.s, self.w
        self.p.drawLine(QLineF(0, y, w, y))
        self.cells(y + 2, ["Total", f"{len(s.lines)} items", "", "", "", money(s.total_amount),
                           money(s.total_open), ""], bold=True)  # fmt: skip
        y += ROW_H + 14
        self.text(QRectF(0, y, w, 14), "Aging summary (days past due)", 9, True)
        y += 16
        share = w / max(1, len(s.aging) + 1)
        for i, (name, value) in enumerate([*s.aging, ("Total", s.total_open)]):
            self.p.fillRect(QRectF(i * share, y, share - 2, ROW_H), QColor("#dde5ee"))
            self.text(
                QRectF(i * share + 3, y, share - 8, ROW_H),
                name,
                8,
                True,
                Qt.AlignmentFlag.AlignRight,
            )
            self.text(QRectF(i * share + 3, y + ROW_H, share - 8, ROW_H), money(value), 8.5,
                      name == "Total", Qt.AlignmentFlag.AlignRight)  # fmt: skip
        y += 2 * ROW_H + 14
        self.text(QRectF(0, y, w, 14), "Please remit to", 9, True)
        remit = [
            line
            for line in (s.remit_to or f"{s.company}\n{s.company_address}").splitlines()
            if line
        ]
        for i, line in enumerate(remit[:4]):
            self.text(QRectF(0, y + 15 + i * 13, w * 0.6, 13), line, 9)
        self.text(QRectF(w * 0.6, y + 15, w * 0.4, 13),
                  "Please quote the PRO numbers you pay.", 8, False, Qt.AlignmentFlag.AlignRight)  # fmt: skip

    def footer(self, number: int, count: int) -> None:
        y = self.h - FOOT_H + 8
        self.p.setPen(QColor("#888888"))
        self.p.drawLine(QLineF(0, y, self.w, y))
        self.p.setPen(QColor("black"))
        self.text(QRectF(0, y + 2, self.w * 0.8, 14),
                  f"{self.s.company} · statement of {self.s.account_name} · {self.s.on.isoformat()}", 7.5)  # fmt: skip
        self.text(QRectF(self.w * 0.8, y + 2, self.w * 0.2, 14), f"Page {number} of {count}", 8,
                  True, Qt.AlignmentFlag.AlignRight)  # fmt: skip


def write_statement_pdf(page: StatementPage, path: str | Path) -> Path:
    """Write the statement as a PDF and return its path (replaced whole, or left as it was)."""
    target = check_output_file(path)
    ensure_app()
    with written(target) as partial:
        _print(page, partial)
        if not is_pdf(partial):
            raise OutputError(f"could not write the PDF {target}: Qt wrote no PDF there")
    return target


def _print(page: StatementPage, path: Path) -> None:
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.Letter))
    writer.setPageMargins(QMarginsF(15, 15, 15, 12), QPageLayout.Unit.Millimeter)
    writer.setResolution(72)  # painter units are points
    writer.setTitle(f"Statement {page.account_number} {page.on.isoformat()}")
    writer.setCreator(page.company)
    rect = writer.pageLayout().paintRectPixels(72)
    width, height = float(rect.width()), float(rect.height())
    plan = plan_pages(len(page.lines), height)
    painter = QPainter()
    if not painter.begin(writer):
        return  # Qt could not open the file (it only warns): the caller finds no PDF
    try:
        drawer = _Drawer(painter, page, width, height)
        count = len(plan.pages)
        for index, rows in enumerate(plan.pages):
            if index:
                writer.newPage()
            drawer.heading(index + 1, count)
            y = drawer.bill_to() if index == 0 else drawer.continued()
            y = drawer.column_headers(y)
            y = drawer.rows(y, page.lines[rows.start : rows.stop], rows.start)
            if index == plan.end_page:
                drawer.end(y + 4)
            drawer.footer(index + 1, count)
    finally:
        painter.end()


def is_pdf(path: Path) -> bool:
    """Whether a PDF (not an empty or missing file) is at `path`."""
    if not path.is_file() or path.stat().st_size == 0:
        return False
    with path.open("rb") as handle:
        return handle.read(5) == b"%PDF-"
