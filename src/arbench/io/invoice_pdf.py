"""A copy of one freight bill as PDF (attached to emails): the company's heading, the bill's
facts, its charge lines and payments, the open balance. Drawn by Qt (QTextDocument printed to a
QPdfWriter); works without a screen like the statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from pathlib import Path

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument

from arbench.io.statement_pdf import ensure_app, is_pdf, money
from arbench.output_files import OutputError, check_output_file, written


@dataclass(frozen=True)
class InvoiceCopy:
    company: str
    company_address: str
    company_contact: str
    remit_to: str
    account_number: str
    account_name: str
    bill_to: Sequence[str]
    facts: Sequence[tuple[str, str]]  # (label, value): PRO, BOL, invoice, dates, lane ...
    charges: Sequence[tuple[str, Decimal]]
    payments: Sequence[tuple[str, Decimal]]
    amount: Decimal
    open_balance: Decimal


def invoice_html(copy: InvoiceCopy) -> str:
    facts = "".join(
        f"<tr><th align='left'>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in copy.facts
    )
    charges = "".join(
        f"<tr><td>{escape(d)}</td><td align='right'>{money(a)}</td></tr>" for d, a in copy.charges
    )
    paid = "".join(
        f"<tr><td>{escape(d)}</td><td align='right'>{money(a)}</td></tr>" for d, a in copy.payments
    )
    bill_to = "<br>".join(escape(line) for line in (copy.account_name, *copy.bill_to))
    remit = "<br>".join(escape(line) for line in copy.remit_to.splitlines() if line)
    return f"""
<h2>{escape(copy.company)}</h2>
<p>{escape(copy.company_address)}<br>{escape(copy.company_contact)}</p>
<h3>Freight bill (copy)</h3>
<table width='100%'><tr><td width='50%' valign='top'><b>Bill to</b><br>{bill_to}<br>
Account {escape(copy.account_number)}</td><td valign='top'><table>{facts}</table></td></tr></table>
<h4>Charges</h4>
<table width='100%' border='1' cellspacing='0' cellpadding='3'>{charges}
<tr><th align='left'>Total billed</th><th align='right'>{money(copy.amount)}</th></tr></table>
{f"<h4>Payments and adjustments</h4><table width='100%' border='1' cellspacing='0' cellpadding='3'>{paid}</table>" if paid else ""}
<p><b>Open balance: $ {money(copy.open_balance)}</b></p>
{f"<p><b>Please remit to</b><br>{remit}</p>" if remit else ""}
"""


def write_invoice_pdf(copy: InvoiceCopy, path: str | Path) -> Path:
    """Write the freight bill copy as a one-page PDF and return its path (complete, or
    OutputError and no file)."""
    target = check_output_file(path)
    ensure_app()
    with written(target) as partial:
        _print(copy, partial)
        if not is_pdf(partial):
            raise OutputError(f"could not write the PDF {target}: Qt wrote no PDF there")
    return target


def _print(copy: InvoiceCopy, path: Path) -> None:
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.Letter))
    writer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter)
    writer.setResolution(96)
    writer.setTitle(f"Freight bill {dict(copy.facts).get('PRO', '')}")
    document = QTextDocument()
    document.setHtml(invoice_html(copy))
    rect = writer.pageLayout().paintRectPixels(writer.resolution())
    document.setPageSize(QSizeF(rect.width(), rect.height()))
    document.print_(writer)  # the painter ends here: the file is complete and closed
