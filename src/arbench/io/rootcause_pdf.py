"""The root-cause report as a PDF: its HTML (io/rootcause_export.py) drawn by Qt (QTextDocument
printed to a QPdfWriter, landscape Letter), as the statement PDF is. Works without a screen."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument

from arbench.domain.rootcause_report import RootCauseReport
from arbench.io.rootcause_export import rootcause_html
from arbench.io.statement_pdf import ensure_app, is_pdf
from arbench.output_files import OutputError, check_output_file, written


def write_rootcause_pdf(report: RootCauseReport, path: str | Path) -> Path:
    """Write the report as a PDF (landscape Letter); return the path."""
    target = check_output_file(path)
    ensure_app()
    with written(target) as partial:
        writer = QPdfWriter(str(partial))
        writer.setPageSize(QPageSize(QPageSize.PageSizeId.Letter))
        writer.setPageOrientation(QPageLayout.Orientation.Landscape)
        writer.setPageMargins(QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter)
        writer.setResolution(96)
        writer.setTitle(f"Root causes {report.department or 'all'} {report.start} to {report.end}")
        document = QTextDocument()
        document.setHtml(rootcause_html(report))
        rect = writer.pageLayout().paintRectPixels(writer.resolution())
        document.setPageSize(QSizeF(rect.width(), rect.height()))
        document.print_(writer)
        if not is_pdf(partial):
            raise OutputError(f"could not write the PDF {target}: Qt wrote no PDF there")
    return target
