"""The department's word on a request: an answer (with the documents it brings: a POD, an
inspection certificate, a corrected bill, a new rate) or the reason it goes back.

`WordDialog` takes what it shows as arguments (no database access); `value()` is a
`DepartmentWord`: the text and the files to attach, each with its kind (chosen, or from its
name, as the item's Documents tab does). Files come from **Attach…** (a file dialog) or are
dropped on the dialog; they are read and checked by the service when the answer is saved, so
a file that cannot be attached refuses the answer with one message and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from arbench.domain.documents import DOCUMENT_KINDS, guess_kind
from arbench.services.correspondence.documents import FileToAttach
from arbench.services.organization.requests import QueueRow
from arbench.services.work.item_detail import ItemDetail
from arbench.ui.dialog_base import ActionDialog, Subject

FILE_FILTER = "Documents (*.pdf *.png *.jpg *.jpeg *.tif *.tiff *.gif);;All files (*)"


@dataclass(frozen=True)
class DepartmentWord:
    """What the dialog gives: the answer (or the reason) and the files to attach with it."""

    text: str
    files: tuple[FileToAttach, ...] = ()


class WordDialog(ActionDialog[DepartmentWord]):
    """The department's word on a request: an answer, or the reason it goes back. With
    `attach`, a list of documents to file with it (Attach…, or drop files on the dialog)."""

    def __init__(self, title: str, label: str, ok: str, detail: ItemDetail | None,
                 row: QueueRow, parent: QWidget | None = None, *, attach: bool = False):  # fmt: skip
        super().__init__(title, Subject(detail) if detail is not None else None, ok, parent)
        asked = QLabel(f"<i>{escape(row.asked_by or 'The collector')} asked on {row.asked_on}, "
                       f"due {row.due_on}:</i><br>{escape(row.question)}")  # fmt: skip
        asked.setWordWrap(True)
        self.text = QPlainTextEdit()
        self.text.setFixedHeight(100)
        self.form.addRow(asked)
        self.form.addRow(label, self.text)
        self.files = QListWidget()
        self.kind = QComboBox()
        self.attach_button = QPushButton("Attach…")
        self.remove_button = QPushButton("Remove")
        if attach:
            self.form.addRow("Documents", self._documents())
            self.setAcceptDrops(True)
        self.finish()

    def _documents(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        self.kind.addItem("Kind from the file name", None)
        for key, name in DOCUMENT_KINDS.items():
            self.kind.addItem(name, key)
        self.files.setFixedHeight(72)
        self.files.setToolTip("Filed on the item's pro with the answer; drop files here too")
        self.attach_button.clicked.connect(self.choose_files)
        self.remove_button.clicked.connect(self._remove_selected)
        buttons = QHBoxLayout()
        for widget in (self.kind, self.attach_button, self.remove_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addWidget(self.files)
        return box

    def choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Attach documents", "", FILE_FILTER)
        self.add_files([Path(n) for n in names])

    def add_files(self, paths: list[Path]) -> None:
        """List the files to attach, each with the kind chosen (or its name's)."""
        chosen = self.kind.currentData()
        for path in paths:
            self._add(FileToAttach(path, chosen or guess_kind(path.name)))

    def _add(self, file: FileToAttach) -> None:
        kind = DOCUMENT_KINDS.get(file.kind or "", file.kind or "")
        item = QListWidgetItem(f"{file.path.name} — {kind}")
        item.setData(Qt.ItemDataRole.UserRole, file)
        item.setToolTip(str(file.path))
        self.files.addItem(item)

    def _remove_selected(self) -> None:
        for item in self.files.selectedItems():
            self.files.takeItem(self.files.row(item))

    def attached(self) -> tuple[FileToAttach, ...]:
        return tuple(
            self.files.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.files.count())
        )

    def value(self) -> DepartmentWord:
        return DepartmentWord(self.text.toPlainText().strip(), self.attached())

    def set_value(self, value: DepartmentWord) -> None:
        self.text.setPlainText(value.text)
        self.files.clear()
        for file in value.files:
            self._add(file)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.add_files(paths)
