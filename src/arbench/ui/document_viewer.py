"""The document viewer: a PDF in a QPdfView (QtPdf), an image scaled to fit, or a line saying
what cannot be shown. QtPdf is imported here only, and this module only when the Documents tab
is first shown (ui/documents_panel.py), so starting the window does not load it.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QPixmap, QResizeEvent
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QLabel, QStackedWidget, QWidget

from arbench.domain.documents import is_image
from arbench.services.correspondence.documents import DocumentInfo


class DocumentViewer(QStackedWidget):
    """Shows one document's bytes: PDFs page by page, images scaled to fit."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pdf = QPdfDocument(self)
        self.pdf_view = QPdfView()
        self.pdf_view.setDocument(self.pdf)
        self.pdf_view.setPageMode(QPdfView.PageMode.MultiPage)
        self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.image = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.message = QLabel(
            "Select a document to view it.", alignment=Qt.AlignmentFlag.AlignCenter
        )
        self.message.setWordWrap(True)
        for widget in (self.message, self.pdf_view, self.image):
            self.addWidget(widget)
        self.pixmap = QPixmap()
        self._buffer: QBuffer | None = None

    def show_content(self, info: DocumentInfo, content: bytes) -> None:
        if info.media_type == "application/pdf":
            self.pdf.close()
            self._buffer = QBuffer(self)
            self._buffer.setData(QByteArray(content))
            self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
            self.pdf.load(self._buffer)
            if self.pdf.status() == QPdfDocument.Status.Error:
                self.show_message(
                    f"{info.file_name} could not be read as a PDF ({self.pdf.error().name})."
                )
                return
            self.setCurrentWidget(self.pdf_view)
        elif is_image(info.media_type) and self.pixmap.loadFromData(content):
            self.setCurrentWidget(self.image)
            self._scale()
        else:
            self.show_message(
                f"{info.file_name} ({info.media_type}) cannot be shown here: export it."
            )

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.setCurrentWidget(self.message)

    def _scale(self) -> None:
        if not self.pixmap.isNull():
            self.image.setPixmap(self.pixmap.scaled(self.image.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                                    Qt.TransformationMode.SmoothTransformation))  # fmt: skip

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._scale()
