"""The Documents tab of the item panel: the documents of the pro (or account) shown, a viewer
(QtPdf for PDFs, images scaled to fit), attaching by drag-and-drop or a file dialog (the kind
from the file name), export and remove. Dropping .eml/.msg files files them as replies
(`mail_in.import_files`) instead of attaching them.

Reads (the list, a document's bytes) and writes (attach, remove, file replies) run on the
window's operation runner; each write returns the change record of the items it concerns, which
the worklist controller applies (the item panel shows the new "POD on file" and timeline); the
list is read again when the write is done. The list is read only while the tab is shown, and
the viewer (ui/document_viewer.py, QtPdf) is created when the tab is first shown. Without
`editable` (the department window: documents come with an answer) it views and exports only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from arbench.domain.documents import DOCUMENT_KINDS, guess_kind
from arbench.services.base import Actor, ServiceError
from arbench.services.correspondence import documents as document_service
from arbench.services.correspondence import mail_in
from arbench.services.correspondence.documents import DocumentInfo
from arbench.services.op_changes import Changes
from arbench.store.db import Database
from arbench.ui import theme
from arbench.ui.operations import OperationRunner, Write

if TYPE_CHECKING:
    from arbench.ui.document_viewer import DocumentViewer

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


def documents_for(db: Database, pro: str | None, account_number: str | None) -> list[DocumentInfo]:
    """A pro's documents and its account's own, or an account's with its pros' (off the GUI
    thread)."""
    if pro is not None:
        rows = document_service.documents_of(db, pro=pro)
        if account_number:
            rows += document_service.documents_of(db, account_number=account_number)
        return rows
    if account_number is not None:
        return document_service.documents_of(db, account_number=account_number, include_pros=True)
    return []


class DocumentsPanel(QWidget):
    """List, view, attach (drop or dialog), export and remove the documents of a pro or account."""

    def __init__(self, db: Database, actor: Actor, on: date, runner: OperationRunner,
                 parent: QWidget | None = None, *, editable: bool = True):  # fmt: skip
        super().__init__(parent)
        self.db, self.actor, self.on, self.runner = db, actor, on, runner
        self.editable = editable
        self.pro: str | None = None
        self.account_number: str | None = None
        self._stale = False  # the target changed while the tab was hidden
        self.viewer: DocumentViewer | None = None  # created when the tab is first shown
        self.notice: QMessageBox | None = None  # the last "saved" message
        self.setAcceptDrops(editable)
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
        self.placeholder = QLabel("Select a document to view it.")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
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
        self.hint.setStyleSheet(f"color: {theme.colors().muted.name()}")  # readable in dark too
        buttons = QHBoxLayout()
        for widget in (self.kind, self.attach_button, self.export_button, self.remove_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        for control in (self.kind, self.attach_button, self.remove_button, self.hint):
            control.setVisible(editable)
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.addWidget(self.table)
        self.split.addWidget(self.placeholder)
        self.split.setSizes([120, 360])
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.hint)
        layout.addWidget(self.split, 1)
        self._enable()

    # ----- what is shown ------------------------------------------------------------------
    def show_target(self, pro: str | None, account_number: str | None) -> None:
        """Show the documents of a pro (with its account's), or of an account; None clears.
        The list is read now if the tab is shown, else when it is next shown."""
        self.pro, self.account_number = pro, account_number
        if self.isVisible():
            self.reload()
        else:
            self._stale = True
            self.model.set_rows([])
            self._enable()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.viewer is None:
            from arbench.ui.document_viewer import DocumentViewer

            self.viewer = DocumentViewer()
            self.split.replaceWidget(1, self.viewer)
            self.placeholder.hide()
        if self._stale:
            self.reload()

    def reload(self) -> None:
        """Read the list again (off the GUI thread)."""
        self._stale = False
        db, pro, account = self.db, self.pro, self.account_number
        self.runner.read(lambda: documents_for(db, pro, account), self._show_rows, key="documents")

    def _show_rows(self, rows: list[DocumentInfo]) -> None:
        self.model.set_rows(rows)
        self._message("Select a document to view it." if rows else "No documents yet.")
        if rows:
            self.table.selectRow(0)
        self._enable()

    def _message(self, text: str) -> None:
        if self.viewer is not None:
            self.viewer.show_message(text)
        self.placeholder.setText(text)

    def _enable(self) -> None:
        has_target = self.pro is not None or self.account_number is not None
        selected = self.table.currentIndex().isValid()
        self.attach_button.setEnabled(has_target and self.editable)
        self.export_button.setEnabled(selected)
        self.remove_button.setEnabled(selected and self.editable)

    def _selected(self) -> DocumentInfo | None:
        row = self.table.currentIndex().row()
        return self.model.rows[row] if 0 <= row < len(self.model.rows) else None

    def _view(self, row: int) -> None:
        self._enable()
        if not 0 <= row < len(self.model.rows):
            return
        db, document_id = self.db, self.model.rows[row].id

        def shown(found: tuple[DocumentInfo, bytes]) -> None:
            if self.viewer is not None:
                self.viewer.show_content(*found)

        self.runner.read(lambda: document_service.content_of(db, document_id), shown,
                         key="document")  # fmt: skip

    # ----- writes -------------------------------------------------------------------------
    def choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Attach documents", "",
                                                "Documents (*.pdf *.png *.jpg *.jpeg *.tif *.tiff *.gif);;All files (*)")  # fmt: skip
        if names:
            self.attach_files([Path(n) for n in names])

    def attach_files(self, paths: list[Path]) -> None:
        """Attach files to the pro (or account) shown and file replies (.eml/.msg) as mail, as
        one write; a file refused is named in a message, the others are attached."""
        if self.pro is None and self.account_number is None:
            return
        db, actor, on, kind = self.db, self.actor, self.on, self.kind.currentData()
        pro, account = self.pro, None if self.pro else self.account_number
        mail = [p for p in paths if p.suffix.lower() in MAIL_SUFFIXES]
        files = [p for p in paths if p.suffix.lower() not in MAIL_SUFFIXES]
        refused: list[ServiceError] = []

        def attach(path: Path) -> Changes:
            return document_service.attach_file(db, actor, path, kind or guess_kind(path.name),
                                                pro=pro, account_number=account, on=on).changes  # fmt: skip

        def file_replies() -> Changes:
            return mail_in.import_files(db, actor, mail, on=on).changes

        steps: list[Callable[[], Changes]] = [file_replies] if mail else []
        steps += [partial(attach, p) for p in files]

        def work() -> Changes:
            changes = Changes()
            for step in steps:
                try:
                    changes = changes.merge(step())
                except ServiceError as exc:
                    refused.append(exc)
            if refused and len(refused) == len(steps):
                raise refused[0]  # nothing was attached: the runner shows why
            return changes

        def done(_changes: Changes) -> None:
            self.reload()
            if refused:
                self.runner.show_error(ServiceError("\n".join(str(e) for e in refused)))

        self.runner.write(Write("Attaching documents", work, done))

    def export_selected(self) -> None:
        info = self._selected()
        directory = QFileDialog.getExistingDirectory(self, "Export to folder") if info else ""
        if info is None or not directory:
            return
        db = self.db
        self.runner.read(
            lambda: document_service.export(db, info.id, Path(directory)),
            self._exported,
        )

    def _exported(self, path: Path) -> None:
        self.notice = QMessageBox(QMessageBox.Icon.Information, "arbench", f"Saved {path}",
                                  QMessageBox.StandardButton.Ok, self)  # fmt: skip
        self.notice.open()

    def remove_selected(self) -> None:
        info = self._selected()
        if info is None:
            return
        asked = QMessageBox.question(self, "arbench", f"Remove {info.file_name} from this item?")
        if asked != QMessageBox.StandardButton.Yes:
            return
        db, actor, on = self.db, self.actor, self.on
        self.runner.write(Write("Removing the document",
                                lambda: document_service.remove(db, actor, info.id, on=on),
                                lambda _changes: self.reload()))  # fmt: skip

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and (self.pro or self.account_number):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.attach_files(paths)
