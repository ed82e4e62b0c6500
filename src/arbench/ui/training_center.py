"""The training center (Tools menu): browse and search notes, the onboarding path with progress,
"Read and understood", and for supervisors each user's progress along the path."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from arbench.services.base import Actor, ServiceError
from arbench.services.knowledge import training
from arbench.services.knowledge.training import NoteView
from arbench.store.db import Database
from arbench.ui import screen
from arbench.ui.action_bar import make_action
from arbench.ui.context import Section, WindowContext
from arbench.ui.operations import OperationRunner, Write

KEY_ROLE = Qt.ItemDataRole.UserRole + 1
_Index = QModelIndex | QPersistentModelIndex


class NoteListModel(QAbstractListModel):
    """Notes (or search hits) as rows: title, with category and snippet as tooltip."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.rows: list[tuple[str, str, str]] = []  # key, title, tooltip

    def set_rows(self, rows: list[tuple[str, str, str]]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        key, title, tip = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return title
        if role == Qt.ItemDataRole.ToolTipRole:
            return tip
        if role == KEY_ROLE:
            return key
        return None


class TrainingCenter(QDialog):
    def __init__(self, db: Database, actor: Actor, runner: OperationRunner,
                 parent: QWidget | None = None):  # fmt: skip
        super().__init__(parent)
        self.db, self.actor, self.runner = db, actor, runner
        self.note: NoteView | None = None
        self.setWindowTitle("Training center")
        screen.fit(self, 1000, 680)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._notes_tab(), "Notes")
        self.tabs.addTab(self._path_tab(), "Onboarding path")
        if actor.is_supervisor:
            self.team = QTableView()
            self.team_model = QStandardItemModel(self)
            self.team.setModel(self.team_model)
            self.team.horizontalHeader().setStretchLastSection(True)
            self.tabs.addTab(self.team, "Team progress")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self.refresh()

    # ----- notes --------------------------------------------------------------------------
    def _notes_tab(self) -> QWidget:
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search notes: title, glossary terms and text")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.run_search)
        self.list_model = NoteListModel(self)
        self.list = QListView()
        self.list.setModel(self.list_model)
        self.list.setWordWrap(True)  # long titles wrap instead of being cut
        self.list.setUniformItemSizes(False)
        self.list.selectionModel().currentChanged.connect(
            lambda index, _old: self.show_note(index.data(KEY_ROLE)) if index.isValid() else None
        )
        self.viewer = QTextBrowser()
        self.viewer.setOpenExternalLinks(False)
        self.ack_button = QPushButton("Read and understood")
        self.ack_button.setToolTip("Record that you read and understood this version of the note")
        self.ack_button.clicked.connect(self.acknowledge)
        self.ack_state = QLabel()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.search)
        left_layout.addWidget(self.list)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.viewer)
        row = QHBoxLayout()
        row.addWidget(self.ack_state, 1)
        row.addWidget(self.ack_button)
        right_layout.addLayout(row)
        self.notes_split = QSplitter()
        self.notes_split.addWidget(left)
        self.notes_split.addWidget(right)
        self.notes_split.setSizes([300, 700])
        return self.notes_split

    def _fit_list(self) -> None:
        """The note list as wide as its longest title (up to half the window): none is cut."""
        metrics = self.list.fontMetrics()
        widest = max((metrics.horizontalAdvance(title) for _, title, _ in self.list_model.rows),
                     default=0)  # fmt: skip
        chrome = self.list.verticalScrollBar().sizeHint().width() + 4 * self.list.frameWidth() + 16
        total = sum(self.notes_split.sizes()) or self.width()
        left = min(widest + chrome, total // 2)
        self.notes_split.setSizes([left, max(total - left, 1)])

    def run_search(self, text: str) -> None:
        if text.strip():
            hits = training.search(self.db, text)
            self.list_model.set_rows([(h.key, h.title, h.snippet) for h in hits])
        else:
            notes = training.notes(self.db)
            self.list_model.set_rows([(n.key, n.title, n.category) for n in notes])

    def show_note(self, key: str | None) -> None:
        """Show one note (and select it in the list when listed)."""
        if not key:
            return
        try:
            self.note = training.note(self.db, key)
        except ServiceError as exc:
            self.viewer.setPlainText(str(exc))
            return
        self.tabs.setCurrentIndex(0)
        for row, (k, _, _) in enumerate(self.list_model.rows):
            if k == key and self.list.currentIndex().row() != row:
                self.list.setCurrentIndex(self.list_model.index(row))
        definition = f"> **{self.note.definition}**\n\n" if self.note.definition else ""
        self.viewer.setMarkdown(f"# {self.note.title}\n\n{definition}{self.note.body}")
        self._show_ack_state()

    def _show_ack_state(self) -> None:
        if self.note is None:
            return
        read = training.acknowledged(self.db, self.actor, self.note.key)
        self.ack_state.setText(
            f"Version {self.note.version} · "
            + ("✔ you read and understood this version" if read else "not yet acknowledged")
        )
        self.ack_button.setEnabled(not read)

    def acknowledge(self) -> None:
        if self.note is None:
            return
        db, actor, key = self.db, self.actor, self.note.key
        self.ack_button.setEnabled(False)
        self.runner.write(Write("Recording that you read the note",
                                lambda: training.acknowledge(db, actor, key),
                                done=lambda _changes: self.refresh()))  # fmt: skip

    # ----- onboarding path ----------------------------------------------------------------
    def _path_tab(self) -> QWidget:
        self.progress = QProgressBar()
        self.path_model = QStandardItemModel(self)
        self.path = QTreeView()
        self.path.setModel(self.path_model)
        self.path.setHeaderHidden(True)
        self.path.doubleClicked.connect(lambda index: self.show_note(index.data(KEY_ROLE)))
        hint = QLabel("Double-click a note to read it. Day by day, read each note and mark it "
                      "\"Read and understood\".")  # fmt: skip
        hint.setWordWrap(True)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.addWidget(self.progress)
        layout.addWidget(hint)
        layout.addWidget(self.path)
        return box

    def refresh(self) -> None:
        """Reload the list, the path with progress, and the team's progress."""
        self.run_search(self.search.text())
        self._fit_list()
        if self.note is None and self.list_model.rows:
            self.list.setCurrentIndex(self.list_model.index(0))  # a note to read, not a blank
        try:
            path = training.onboarding(self.db, self.actor.login)
        except ServiceError as exc:
            self.progress.setFormat(str(exc))
            return
        self.progress.setRange(0, max(path.total, 1))
        self.progress.setValue(path.done)
        self.progress.setFormat(f"{path.title}: {path.done} of {path.total} notes read (%p%)")
        self.path_model.clear()
        for day in path.days:
            done = sum(1 for n in day.notes if n.acknowledged)
            item = QStandardItem(f"Day {day.day}: {day.title}  ({done}/{len(day.notes)})")
            item.setEditable(False)
            item.setToolTip(day.text)
            for n in day.notes:
                child = QStandardItem(("✔ " if n.acknowledged else "○ ") + n.title)
                child.setData(n.key, KEY_ROLE)
                child.setEditable(False)
                item.appendRow(child)
            self.path_model.appendRow(item)
        self.path.expandAll()
        if self.actor.is_supervisor:
            self._team()
        self._show_ack_state()

    def _team(self) -> None:
        self.team_model.clear()
        self.team_model.setHorizontalHeaderLabels(
            ["User", "Name", "Role", "Notes read", "Progress"]
        )
        for p in training.team_onboarding(self.db):
            cells = [p.login, p.name, p.role, f"{p.done} / {p.total}",
                     f"{100 * p.done // max(p.total, 1)}%"]  # fmt: skip
            row = [QStandardItem(c) for c in cells]
            for cell in row:
                cell.setEditable(False)
            self.team_model.appendRow(row)
        self.team.resizeColumnsToContents()


class TrainingFeature:
    """Tools ▸ Training center (F1): one center per window, kept between openings."""

    def __init__(self, ctx: WindowContext):
        self.ctx = ctx
        self.center: TrainingCenter | None = None
        ctx.menus.add(Section.TOOLS, make_action(
            ctx.window, "&Training center…", "F1",
            "Training notes, glossary and the onboarding path", self.open,
        ))  # fmt: skip

    def _center(self) -> TrainingCenter:
        if self.center is None:
            ctx = self.ctx
            self.center = TrainingCenter(ctx.db, ctx.actor, ctx.runner, ctx.window)
        return self.center

    def open(self) -> TrainingCenter:
        center = self._center()
        center.refresh()
        center.show()
        center.raise_()
        return center

    def show_note(self, key: str) -> TrainingCenter:
        center = self._center()
        center.show_note(key)
        center.show()
        center.raise_()
        return center


def install(ctx: WindowContext) -> TrainingFeature:
    return TrainingFeature(ctx)
