"""The "Script" tab of the item panel: the item's resolution script as a checklist.

Shows the script version the item started with, each step with its note (inline for trainees)
and its action: a step's note opens in the training center, a step with a template opens the
email dialog filled with the item's data (logging the email ticks the step). Also adds
"Email…" to the Item menu.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from arbench.services import content as content_service
from arbench.services import scripts as script_service
from arbench.services.base import Actor, ServiceError
from arbench.services.scripts import IssueScript, StepState
from arbench.store.db import Database
from arbench.ui.email_dialog import EmailDialog

if TYPE_CHECKING:
    from arbench.ui.main_window import MainWindow

KIND_LABEL = {"check": "Check", "call": "Call", "email": "Email", "route": "Route",
              "wait": "Wait", "decide": "Decide"}  # fmt: skip


class StepRow(QFrame):
    """One step: the checkbox, its detail, its note (inline for trainees) and its actions."""

    def __init__(self, step: StepState, trainee: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.step = step
        self.setFrameShape(QFrame.Shape.StyledPanel)
        optional = "" if step.required else " <i>(optional)</i>"
        kind = KIND_LABEL.get(step.kind, step.kind)
        self.check = QCheckBox()
        self.check.setChecked(step.done)
        self.check.setToolTip("Tick when this step is done")
        self.title = _label(
            f"<b>{step.number}. [{kind}] {escape(step.text)}</b>{optional}", rich=True
        )
        self.title.setBuddy(self.check)
        top = QHBoxLayout()
        top.addWidget(self.check, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.title, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(top)
        extra = step.detail
        if step.department:
            extra = f"**Route to {step.department}.** {extra}".strip()
        if extra:
            layout.addWidget(_label(extra, "color: #333;", indent=True))
        if step.done and step.done_by and step.done_at:
            done = f"Done by {step.done_by} on {step.done_at:%Y-%m-%d %H:%M}"
            layout.addWidget(_label(done, "color: #2e7d32;", indent=True))
        if trainee and step.note_body:
            note = _label(
                f"**{step.note_title or ''}**\n\n{step.note_body}", NOTE_STYLE, indent=True
            )
            note.setObjectName("inline_note")
            layout.addWidget(note)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(22, 0, 0, 0)
        self.note_button: QPushButton | None = None
        self.email_button: QPushButton | None = None
        if step.note:
            self.note_button = QPushButton(f"Open note: {step.note_title or step.note}")
            buttons.addWidget(self.note_button)
        if step.template:
            self.email_button = QPushButton(f"Compose email ({step.template})…")
            buttons.addWidget(self.email_button)
        buttons.addStretch(1)
        if step.note or step.template:
            layout.addLayout(buttons)


NOTE_STYLE = "background: #f3f7fb; border-left: 3px solid #6b9bd1; padding: 6px; color: #1f3b57;"


def _label(text: str, style: str = "", indent: bool = False, rich: bool = False) -> QLabel:
    """A word-wrapped label; content text is Markdown (paragraphs reflow, lists stay lists)."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.MarkdownText)
    label.setWordWrap(True)
    label.setStyleSheet(style + (" margin-left: 22px;" if indent else ""))
    return label


class ScriptTab(QWidget):
    """The script of the item shown in the panel; `show_issue(id)` loads it."""

    def __init__(self, db: Database, actor: Actor, open_note: Callable[[str], None],
                 changed: Callable[[int], None], parent: QWidget | None = None):  # fmt: skip
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.open_note, self.changed = open_note, changed
        self.issue_id: int | None = None
        self.script: IssueScript | None = None
        self.rows: list[StepRow] = []
        self.email: EmailDialog | None = None  # the compose dialog opened last
        self.header = QLabel("Select an item to see its resolution script.")
        self.header.setWordWrap(True)
        self.steps_box = QWidget()
        self.steps_layout = QVBoxLayout(self.steps_box)
        self.steps_layout.setContentsMargins(0, 0, 0, 0)
        self.guide = QTextBrowser()
        self.guide.setOpenLinks(False)
        self.guide.setMinimumHeight(160)
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.addWidget(self.header)
        inner_layout.addWidget(self.steps_box)
        inner_layout.addWidget(self.guide)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    def show_issue(self, issue_id: int | None) -> None:
        self.issue_id = issue_id
        if issue_id is None:
            self._show(None)
            return
        try:
            self._show(script_service.script_for_issue(self.db, issue_id, self.actor))
        except ServiceError as exc:
            self._show(None, str(exc))

    def _show(self, script: IssueScript | None, message: str | None = None) -> None:
        self.script = script
        for row in self.rows:
            row.setParent(None)
            row.deleteLater()
        self.rows = []
        if script is None:
            self.header.setText(message or "Select an item to see its resolution script.")
            self.guide.clear()
            return
        self.header.setText(_header(script))
        for step in script.steps:
            row = StepRow(step, script.trainee_mode, self.steps_box)
            row.check.toggled.connect(lambda done, n=step.number: self.mark(n, done))
            if row.note_button and step.note:
                row.note_button.clicked.connect(lambda _=False, k=step.note: self.open_note(k))
            if row.email_button and step.template:
                row.email_button.clicked.connect(lambda _=False, s=step: self.compose(s))
            self.steps_layout.addWidget(row)
            row.show()  # now, not on the layout's queued show: the row is clickable at once
            self.rows.append(row)
        self.guide.setHtml(_guide_html(script))

    def row(self, number: int) -> StepRow:
        return next(r for r in self.rows if r.step.number == number)

    def mark(self, number: int, done: bool) -> None:
        if self.issue_id is None:
            return
        try:
            script_service.mark_step(self.db, self.actor, self.issue_id, number, done)
        except ServiceError as exc:
            QMessageBox.warning(self, "arbench", str(exc))
        self.show_issue(self.issue_id)

    def compose(self, step: StepState) -> EmailDialog | None:
        """Open the email dialog for a step's template; logging the email ticks the step."""
        if self.issue_id is None or step.template is None:
            return None
        dialog = email_dialog(self.db, self.actor, self.issue_id, step.template, self)
        issue_id = self.issue_id

        def logged(_how: str) -> None:
            if not step.done:
                self.mark(step.number, True)
            self.changed(issue_id)

        dialog.logged.connect(logged)
        self.email = dialog
        dialog.open()
        return dialog


def _header(script: IssueScript) -> str:
    version = f"version {script.version}"
    if script.version != script.current_version:
        version += f" (this item started on it; version {script.current_version} is current)"
    elif not script.started:
        version += " (starts when you tick the first step)"
    required = sum(1 for s in script.steps if s.required)
    done_required = sum(1 for s in script.steps if s.required and s.done)
    mode = "<br><i>Trainee mode: every step is required; the notes are shown beside each step.</i>" if script.trainee_mode else ""  # fmt: skip
    return (f"<b>{escape(script.title)}</b> · script {version}<br>"
            f"{script.done_count} of {len(script.steps)} steps done · "
            f"{done_required} of {required} required{mode}")  # fmt: skip


def _guide_html(script: IssueScript) -> str:
    closes = "".join(
        f"<li><b>{escape(code)}</b>: {escape(when)}</li>" for code, when in script.close_options
    )

    def para(text: str) -> str:
        return escape(text).replace("\n\n", "<br><br>")

    return (
        f"<h4>Talk track</h4><p>{para(script.talk_track)}</p>"
        f"<h4>Escalate when</h4><p>{para(script.escalate)}</p>"
        f"<h4>How to close</h4><ul>{closes}</ul><p>{para(script.close_notes)}</p>"
    )  # fmt: skip


def email_dialog(db: Database, actor: Actor, issue_id: int, template: str | None,
                 parent: QWidget) -> EmailDialog:  # fmt: skip
    templates = [(t.key, t.title) for t in content_service.list_current(db, "template")]
    return EmailDialog(db, actor, issue_id, templates, template, parent)


def install(window: MainWindow) -> None:
    from arbench.ui.training_center import show_note

    tab = ScriptTab(window.db, window.actor, lambda key: show_note(window, key),
                    window.refresh_item)  # fmt: skip
    window.script_tab = tab  # type: ignore[attr-defined]
    window.panel.tabs.addTab(tab, "Script")
    window.panel.detail_shown.connect(
        lambda detail: tab.show_issue(detail.id if detail is not None else None)
    )

    def compose_for_item() -> None:
        detail = window.panel.detail
        if detail is None:
            QMessageBox.information(window, "arbench", "Select an item first.")
            return
        suggested = (
            next((s.template for s in tab.script.steps if s.template), None) if tab.script else None
        )
        dialog = email_dialog(window.db, window.actor, detail.id, suggested, window)
        dialog.logged.connect(lambda _how: window.refresh_item(detail.id))
        dialog.open()

    action = getattr(window, "email_action", None)  # the Item menu's placeholder (ui/actions.py)
    if action is None:
        action = window._action(
            "E&mail…", None, compose_for_item, "Email the customer from a template"
        )
        window.item_menu.addAction(action)
    else:
        action.triggered.connect(compose_for_item)
        action.setEnabled(True)
