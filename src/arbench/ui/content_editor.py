"""The supervisor's content editor (Tools menu): edit a script, note or template with a live
preview, publish it as a new version, and read its version history with a diff. Publishing is a
write through the window's operation runner; its change record names the content published
(the Script tab of an item following that script redraws)."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from arbench.domain.content import ContentError, Note, Script, Template
from arbench.services.base import Actor
from arbench.services.knowledge import content as content_service
from arbench.services.knowledge.content import ContentVersionInfo
from arbench.services.op_changes import Changes
from arbench.store.db import Database
from arbench.ui import screen, theme
from arbench.ui.action_bar import make_action
from arbench.ui.context import Section, WindowContext
from arbench.ui.operations import OperationRunner, Write

KINDS = (("script", "Resolution scripts"), ("note", "Training notes"),
         ("template", "Email templates"), ("onboarding", "Onboarding path"))  # fmt: skip


def preview_html(kind: str, key: str, text: str) -> str:
    """How the text reads once published, or the parse error naming the line."""
    try:
        obj = content_service.parse(kind, key, text)
    except ContentError as error:
        bad = theme.colors().bad.name()
        return f"<p style='color:{bad}'><b>Cannot publish:</b> {escape(str(error))}</p>"
    if isinstance(obj, Script):
        muted = theme.colors().muted.name()
        steps = "".join(
            f"<li><b>[{escape(s.kind)}]</b> {escape(s.text)}"
            + ("" if s.required else " <i>(optional)</i>")
            + (f"<br><span style='color:{muted}'>note: {escape(s.note)}</span>" if s.note else "")
            + (f"<br><span style='color:{muted}'>template: {escape(s.template)}</span>" if s.template else "")
            + "</li>"
            for s in obj.steps
        )  # fmt: skip
        closes = "".join(
            f"<li><b>{escape(o.code)}</b>: {escape(o.when)}</li>" for o in obj.close_options
        )
        return (f"<h3>{escape(obj.title)}</h3><p><i>{escape(obj.level)}-level · {escape(obj.issue_type)}</i></p>"
                f"<p>{escape(obj.applies)}</p><h4>Steps</h4><ol>{steps}</ol>"
                f"<h4>How to close</h4><ul>{closes}</ul>")  # fmt: skip
    if isinstance(obj, Note):
        return f"<h3>{escape(obj.title)}</h3><p>{escape(obj.body).replace(chr(10) * 2, '<br><br>')}</p>"
    if isinstance(obj, Template):
        return f"<h3>{escape(obj.title)}</h3><p><b>Subject:</b> {escape(obj.subject)}</p><pre>{escape(obj.body)}</pre>"
    days = "".join(
        f"<li><b>Day {d.day}: {escape(d.title)}</b> — {len(d.notes)} notes</li>" for d in obj.days
    )
    return f"<h3>{escape(obj.title)}</h3><ul>{days}</ul>"


class ContentEditor(QDialog):
    def __init__(self, db: Database, actor: Actor, runner: OperationRunner,
                 parent: QWidget | None = None):  # fmt: skip
        super().__init__(parent)
        self.db, self.actor, self.runner = db, actor, runner
        self.current: ContentVersionInfo | None = None
        self.versions: list[ContentVersionInfo] = []
        self.setWindowTitle("Content editor — scripts, notes and templates")
        screen.fit(self, 1280, 760)
        self.kind = QComboBox()
        for kind, label in KINDS:
            self.kind.addItem(label, kind)
        self.keys_model = QStandardItemModel(self)
        self.keys = QListView()
        self.keys.setModel(self.keys_model)
        self.editor = QPlainTextEdit()
        self.editor.setFont(QFont("monospace"))
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)  # the file's own lines
        self.preview = QTextBrowser()
        self.status = QLabel()
        self.publish_button = QPushButton("Publish as new version")
        self.history_model = QStandardItemModel(self)
        self.history = QListView()
        self.history.setModel(self.history_model)
        self.diff = QPlainTextEdit()
        self.diff.setReadOnly(True)
        self.diff.setFont(QFont("monospace"))
        self._timer = QTimer(self, singleShot=True, interval=250)
        self._timer.timeout.connect(self.update_preview)
        self._layout()
        self.kind.currentIndexChanged.connect(lambda _: self.load_keys())
        self.keys.selectionModel().currentChanged.connect(
            lambda index, _old: self.open_key(index.data())
        )
        self.editor.textChanged.connect(self._timer.start)
        self.publish_button.clicked.connect(self.publish)
        self.history.selectionModel().currentChanged.connect(
            lambda index, _old: self.show_diff(index.row())
        )
        self.load_keys()

    def _layout(self) -> None:
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self.kind)
        left_layout.addWidget(self.keys)
        tabs = QTabWidget()
        tabs.addTab(self.preview, "Preview")
        history = QSplitter()
        history.addWidget(self.history)
        history.addWidget(self.diff)
        history.setSizes([160, 440])
        tabs.addTab(history, "History and diff")
        self.side_tabs = tabs
        middle = QWidget()
        middle_layout = QVBoxLayout(middle)
        middle_layout.addWidget(self.editor)
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(self.publish_button)
        middle_layout.addLayout(row)
        splitter = QSplitter()
        for widget in (left, middle, tabs):
            splitter.addWidget(widget)
        splitter.setSizes([220, 560, 500])
        QVBoxLayout(self).addWidget(splitter)

    def kind_value(self) -> str:
        return str(self.kind.currentData())

    def load_keys(self, select: str | None = None) -> None:
        """Refill the key list for the chosen kind and open `select` (or the first key)."""
        selection = self.keys.selectionModel()
        selection.blockSignals(True)  # no open_key() with a stale kind while refilling
        try:
            self.keys_model.clear()
            for info in content_service.list_current(self.db, self.kind_value()):
                self.keys_model.appendRow(QStandardItem(info.key))
            rows = [self.keys_model.item(r).text() for r in range(self.keys_model.rowCount())]
            if rows:
                row = rows.index(select) if select in rows else 0
                self.keys.setCurrentIndex(self.keys_model.index(row, 0))
        finally:
            selection.blockSignals(False)
        if rows:
            self.open_key(rows[row])

    def open_key(self, key: str | None) -> None:
        if not key:
            return
        self.current = content_service.current(self.db, self.kind_value(), key)
        self.editor.setPlainText(self.current.body)
        self.update_preview()
        self.load_history()

    def update_preview(self) -> None:
        if self.current is None:
            return
        text = self.editor.toPlainText()
        self.preview.setHtml(preview_html(self.current.kind, self.current.key, text))
        changed = text != self.current.body
        self.status.setText(
            f"{self.current.kind} {self.current.key} · version {self.current.version}"
            + (" · edited, not published" if changed else "")
        )
        self.publish_button.setEnabled(changed)

    def publish(self) -> None:
        if self.current is None:
            return
        db, actor = self.db, self.actor
        kind, key, text = self.current.kind, self.current.key, self.editor.toPlainText()

        def published(_changes: Changes) -> None:
            self.current = content_service.current(db, kind, key)
            self.update_preview()
            self.load_history()

        self.publish_button.setEnabled(False)
        self.runner.write(Write(f"Publishing {kind} {key}",
                                lambda: content_service.publish(db, actor, kind, key, text),
                                done=published, retry=self.update_preview))  # fmt: skip

    def load_history(self) -> None:
        if self.current is None:
            return
        self.versions = content_service.history(self.db, self.current.kind, self.current.key)
        self.history_model.clear()
        for v in self.versions:
            who = v.published_by or "shipped"
            self.history_model.appendRow(
                QStandardItem(f"v{v.version}  {v.published_at:%Y-%m-%d %H:%M}  {who}")
            )
        self.history.setCurrentIndex(self.history_model.index(0, 0))

    def show_diff(self, row: int) -> None:
        """The diff of the selected version against the one before it."""
        if not 0 <= row < len(self.versions):
            return
        newer = self.versions[row]
        older = self.versions[row + 1] if row + 1 < len(self.versions) else None
        self.diff.setPlainText(
            content_service.diff(older, newer)
            if older
            else f"Version {newer.version}: the first version."
        )


class ContentEditorFeature:
    """Tools ▸ Content editor (supervisors)."""

    def __init__(self, ctx: WindowContext):
        self.ctx = ctx
        self.editor: ContentEditor | None = None
        ctx.menus.add(Section.TOOLS, make_action(
            ctx.window, "&Content editor…", None,
            "Edit and publish resolution scripts, notes and templates", self.open,
        ))  # fmt: skip

    def open(self) -> ContentEditor:
        if self.editor is None:
            ctx = self.ctx
            self.editor = ContentEditor(ctx.db, ctx.actor, ctx.runner, ctx.window)
        self.editor.show()
        self.editor.raise_()
        return self.editor


def install(ctx: WindowContext) -> ContentEditorFeature | None:
    return ContentEditorFeature(ctx) if ctx.actor.is_supervisor else None
