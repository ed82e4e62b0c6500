"""The documents of a pro (or an account): a list, a viewer (QtPdf for PDFs, images scaled to
fit), and attaching by drag-and-drop or a file dialog, with the kind chosen from the file name.

Self-contained: it takes the database, the acting user and a callback for "something changed";
`show_target(pro, account_number)` says whose documents to show. Dropping .eml/.msg files
files them as replies (`mail_in.import_files`) instead of attaching them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QBuffer, QByteArray, QIODevice, QModelIndex, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QPixmap, QResizeEvent
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from arbench.domain.documents import DOCUMENT_KINDS, guess_kind, is_image
from arbench.services import documents as document_service
from arbench.services import mail_in
from arbench.services.base import Actor, ServiceError
from arbench.services.documents import DocumentInfo
from arbench.store.db import Database

COLUMNS = ("Kind", "File", "Size", "Added", "By")
MAIL_SUFFIXES = (".eml", ".msg")


class DocumentsModel(QAbstractTableModel):
    """The documents shown; rows are handed in by the panel (no database reads here)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[DocumentInfo] = []

    def set_rows(self, rows: list[DocumentInfo]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | Any = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | Any = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: QModelIndex | Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or not index.isValid():
            return None
        d = self.rows[index.row()]
        values = (DOCUMENT_KINDS.get(d.kind, d.kind), d.file_name, f"{d.size / 1024:,.0f} KB",
                  d.added_at.strftime("%Y-%m-%d %H:%M"), d.added_by or "")  # fmt: skip
        return values[index.column()]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None


class DocumentViewer(QStackedWidget):
    """A PDF in a QPdfView, an image scaled to fit, or a line saying what cannot be shown."""

    def __init__(self) -> None:
        super().__init__()
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


class DocumentsPanel(QWidget):
    """List, view, attach (drop or dialog), export and remove the documents of a pro or account."""

    def __init__(self, db: Database, actor: Actor, on_changed: Callable[[], None] | None = None,
                 parent: QWidget | None = None):  # fmt: skip
        super().__init__(parent)
        self.db, self.actor, self.on_changed = db, actor, on_changed
        self.pro: str | None = None
        self.account_number: str | None = None
        self.setAcceptDrops(True)
        self.model = DocumentsModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)  # the file name
        self.table.verticalHeader().hide()
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _prev: self._view(current.row())
        )
        self.viewer = DocumentViewer()
        self.kind = QComboBox()
        self.kind.addItem("Kind from the file name", None)
        for key, label in DOCUMENT_KINDS.items():
            self.kind.addItem(label, key)
        self.attach_button = QPushButton("Attach…")
        self.export_button = QPushButton("Export…")
        self.remove_button = QPushButton("Remove")
        self.attach_button.clicked.connect(self.choose_files)
        self.export_button.clicked.connect(self.export_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        self.hint = QLabel(
            "Drop PDFs or images here to attach them; drop .eml or .msg replies to file them."
        )
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: palette(mid)")
        buttons = QHBoxLayout()
        for widget in (self.kind, self.attach_button, self.export_button, self.remove_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.viewer)
        split.setSizes([120, 360])
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.hint)
        layout.addWidget(split, 1)
        self._enable()

    def show_target(self, pro: str | None, account_number: str | None) -> None:
        """Show the documents of a pro (with its account's), or of an account; None clears."""
        self.pro, self.account_number = pro, account_number
        self.reload()

    def reload(self) -> None:
        rows: list[DocumentInfo] = []
        try:
            if self.pro is not None:
                rows = document_service.documents_of(self.db, pro=self.pro)
                if self.account_number:
                    rows += document_service.documents_of(
                        self.db, account_number=self.account_number
                    )
            elif self.account_number is not None:
                rows = document_service.documents_of(
                    self.db, account_number=self.account_number, include_pros=True
                )
        except ServiceError as exc:
            self.viewer.show_message(str(exc))
        self.model.set_rows(rows)
        self.viewer.show_message("Select a document to view it." if rows else "No documents yet.")
        if rows:
            self.table.selectRow(0)
        self._enable()

    def _enable(self) -> None:
        has_target = self.pro is not None or self.account_number is not None
        selected = self.table.currentIndex().isValid()
        self.attach_button.setEnabled(has_target)
        self.export_button.setEnabled(selected)
        self.remove_button.setEnabled(selected)

    def _selected(self) -> DocumentInfo | None:
        row = self.table.currentIndex().row()
        return self.model.rows[row] if 0 <= row < len(self.model.rows) else None

    def _view(self, row: int) -> None:
        self._enable()
        if not 0 <= row < len(self.model.rows):
            return
        try:
            info, content = document_service.content_of(self.db, self.model.rows[row].id)
        except ServiceError as exc:
            self.viewer.show_message(str(exc))
            return
        self.viewer.show_content(info, content)

    def choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Attach documents", "",
                                                "Documents (*.pdf *.png *.jpg *.jpeg *.tif *.tiff *.gif);;All files (*)")  # fmt: skip
        if names:
            self.attach_files([Path(n) for n in names])

    def attach_files(self, paths: list[Path]) -> list[DocumentInfo]:
        """Attach files to the pro (or account) shown; replies (.eml/.msg) are filed as mail."""
        mail = [p for p in paths if p.suffix.lower() in MAIL_SUFFIXES]
        files = [p for p in paths if p.suffix.lower() not in MAIL_SUFFIXES]
        added: list[DocumentInfo] = []
        try:
            if mail:
                mail_in.import_files(self.db, self.actor, mail)
            for path in files:
                kind = self.kind.currentData() or guess_kind(path.name)
                added.append(document_service.attach_file(
                    self.db, self.actor, path, kind, pro=self.pro,
                    account_number=None if self.pro else self.account_number))  # fmt: skip
        except ServiceError as exc:
            QMessageBox.warning(self, "arbench", str(exc))
        self.reload()
        if (added or mail) and self.on_changed is not None:
            self.on_changed()
        return added

    def export_selected(self) -> None:
        info = self._selected()
        if info is None:
            return
        directory = QFileDialog.getExistingDirectory(self, "Export to folder")
        if directory:
            try:
                path = document_service.export(self.db, info.id, Path(directory))
            except ServiceError as exc:
                QMessageBox.warning(self, "arbench", str(exc))
                return
            QMessageBox.information(self, "arbench", f"Saved {path}")

    def remove_selected(self) -> None:
        info = self._selected()
        if info is None:
            return
        asked = QMessageBox.question(self, "arbench", f"Remove {info.file_name} from this item?")
        if asked != QMessageBox.StandardButton.Yes:
            return
        try:
            document_service.remove(self.db, self.actor, info.id)
        except ServiceError as exc:
            QMessageBox.warning(self, "arbench", str(exc))
            return
        self.reload()
        if self.on_changed is not None:
            self.on_changed()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and (self.pro or self.account_number):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.attach_files(paths)
