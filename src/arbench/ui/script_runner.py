"""The "Script" tab of the item panel: the item's resolution script as a checklist.

Shows the script version the item started with, each step with its note (inline for trainees)
and its action: a step's note opens in the training center, a step with a template opens the
email dialog filled with the item's data, with attachments (sending, saving or logging the
email ticks the step). Also adds "Email…" to the Item menu and the panel's action bar. The
script is read off the GUI thread; ticking a step and sending, saving or logging an email are
writes through the operation runner, and the tab redraws when a change record touches its item
(or publishes its script).
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from arbench.domain.catalogue import RESOLUTION_CODES
from arbench.services.correspondence import email as email_service
from arbench.services.correspondence import mail_out
from arbench.services.correspondence.email import EmailDraft
from arbench.services.correspondence.mail_out import ItemEmail
from arbench.services.knowledge import content as content_service
from arbench.services.op_changes import Changes
from arbench.services.work import account_actions
from arbench.services.work import scripts as script_service
from arbench.services.work.item_detail import ItemDetail
from arbench.services.work.item_run import Target
from arbench.services.work.scripts import IssueScript, StepState
from arbench.ui import theme
from arbench.ui.action_bar import make_action
from arbench.ui.context import Section, WindowContext
from arbench.ui.email_dialog import EmailActions, EmailDialog
from arbench.ui.operations import Write

KIND_LABEL = {"check": "Check", "call": "Call", "email": "Email", "route": "Route",
              "wait": "Wait", "decide": "Decide"}  # fmt: skip
EMPTY = "Select an item to see its resolution script."
VIA = {"call": "call logged", "email": "email logged", "promise": "promise recorded",
       "route": "routed", "answer": "department answered"}  # fmt: skip


def note_style() -> str:
    """A trainee's inline note: tinted background, accent bar, text readable on both."""
    c = theme.colors()
    return (f"background: {c.note_background.name()}; border-left: 3px solid {c.heading.name()};"
            f" padding: 6px; color: {c.text.name()};")  # fmt: skip


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
        if step.by_action:  # a [call] or [email] step: the action ticks it
            self.check.setEnabled(False)
            what = (
                "Log the call (Ctrl+L)" if step.kind == "call" else "Send or log the email (Ctrl+M)"
            )
            self.check.setToolTip(f"{what}: this step ticks itself")
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
        self.description: QLabel | None = None
        if extra:
            self.description = _label(extra, indent=True)  # the palette's own text colour
            self.description.setObjectName("step_description")
            layout.addWidget(self.description)
        if step.done and step.done_by and step.done_at:
            via = f" ({VIA[step.via]})" if step.via in VIA else ""
            done = f"Done by {step.done_by} on {step.done_at:%Y-%m-%d %H:%M}{via}"
            layout.addWidget(_label(done, f"color: {theme.colors().good.name()};", indent=True))
        if trainee and step.note_body:
            note = _label(
                f"**{step.note_title or ''}**\n\n{step.note_body}", note_style(), indent=True
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


def _label(text: str, style: str = "", indent: bool = False, rich: bool = False) -> QLabel:
    """A word-wrapped label; content text is Markdown (paragraphs reflow, lists stay lists)."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.MarkdownText)
    label.setWordWrap(True)
    label.setStyleSheet(style + (" margin-left: 22px;" if indent else ""))
    return label


class ScriptTab(QWidget):
    """The script of the item shown in the panel; `show_issue(id)` loads it (off-thread)."""

    def __init__(self, ctx: WindowContext, open_note: Callable[[str], object],
                 parent: QWidget | None = None):  # fmt: skip
        super().__init__(parent)
        self.ctx, self.open_note = ctx, open_note
        self.issue_id: int | None = None
        self.script: IssueScript | None = None
        self.rows: list[StepRow] = []
        self.email: EmailDialog | None = None  # the compose dialog opened last
        self.header = QLabel(EMPTY)
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
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll_area)

    def show_issue(self, issue_id: int | None) -> None:
        self.issue_id = issue_id
        if issue_id is None:
            self.ctx.runner.cancel("script")
            self._show(None)
            return
        db, actor, on = self.ctx.db, self.ctx.actor, self.ctx.on
        self.ctx.runner.read(lambda: script_service.script_for_issue(db, issue_id, actor, on),
                             self._show, lambda exc: self._show(None, str(exc)),
                             key="script")  # fmt: skip

    def _show(self, script: IssueScript | None, message: str | None = None) -> None:
        self.script = script
        for row in self.rows:
            row.setParent(None)
            row.deleteLater()
        self.rows = []
        if script is None:
            self.header.setText(message or EMPTY)
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
        """Tick (or untick) a step: a write; the tab redraws when its record comes back."""
        if self.issue_id is None:
            return
        db, actor, on, issue_id = self.ctx.db, self.ctx.actor, self.ctx.on, self.issue_id
        verb = "Ticking" if done else "Unticking"
        self.ctx.runner.write(Write(
            f"{verb} step {number}",
            lambda: script_service.mark_step(db, actor, issue_id, number, done, on=on),
            retry=lambda: self.show_issue(issue_id),  # the box shows the state as stored
        ))  # fmt: skip

    def changed(self, changes: Changes) -> None:
        """A change record: redraw when it touched this item or published its script."""
        script_key = f"script/{self.script.issue_type}" if self.script else None
        if self.issue_id is not None and (
            self.issue_id in changes.touched or script_key in changes.content
        ):
            self.show_issue(self.issue_id)

    def compose(self, step: StepState) -> EmailDialog | None:
        """Open the email dialog for a step's template; logging the email ticks the step (the
        service does, in the same transaction)."""
        if self.issue_id is None or step.template is None:
            return None
        dialog = email_dialog(self.ctx, [self.issue_id], step.template, self)
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
        f"<li><b>{escape(RESOLUTION_CODES.get(code, code))}</b>: {escape(when)}</li>"
        for code, when in script.close_options
    )

    def para(text: str) -> str:
        return escape(text).replace("\n\n", "<br><br>")

    return (
        f"{theme.css()}<h4>Talk track</h4><p>{para(script.talk_track)}</p>"
        f"<h4>Escalate when</h4><p>{para(script.escalate)}</p>"
        f"<h4>How to close</h4><ul>{closes}</ul><p>{para(script.close_notes)}</p>"
    )  # fmt: skip


def email_dialog(ctx: WindowContext, issue_ids: list[int], template: str | None,
                 parent: QWidget, versions: dict[int, int] | None = None) -> EmailDialog:  # fmt: skip
    """The compose dialog about one item or several of one account, filled off the GUI thread:
    the templates, what can be attached and the draft are reads; logging (each item's timeline
    and [email] step), sending over SMTP and saving an .eml are writes through the runner.
    An email sent or saved about several items is recorded on the first, logged on the others."""
    db, actor, on = ctx.db, ctx.actor, ctx.on
    first, others = issue_ids[0], issue_ids[1:]
    targets = [Target(i, (versions or {}).get(i)) for i in issue_ids]

    def write(label: str, work: Callable[[], Changes], how: Callable[[], str]) -> None:
        ctx.runner.write(Write(label, work, done=lambda _changes: dialog.logged_ok(how()),
                               retry=lambda: dialog.log_failed()))  # fmt: skip

    def log(draft: EmailDraft, how: str) -> None:
        write("Logging the email",
              lambda: account_actions.log_emails(db, actor, targets, draft, how, on=on),
              lambda: how)  # fmt: skip

    def then_log_others(changes: Changes, email: ItemEmail, how: str) -> Changes:
        if not others:
            return changes
        draft = EmailDraft(email.to, email.subject, email.body, email.template, first)
        more = account_actions.log_emails(db, actor, targets[1:], draft, how, on=on)
        return changes.merge(more)

    def send(email: ItemEmail) -> None:
        write("Sending the email",
              lambda: then_log_others(mail_out.send_item_email(db, actor, email, on).changes,
                                      email, "sent"),
              lambda: "sent")  # fmt: skip

    def save(email: ItemEmail, path: Path) -> None:
        write("Saving the email",
              lambda: then_log_others(
                  mail_out.save_item_eml(db, actor, email, path.parent, on, path.name).changes,
                  email, f"saved as {path.name}"),
              lambda: f"saved as {path.name}")  # fmt: skip

    def compose(key: str) -> None:
        def read() -> tuple[EmailDraft, str]:
            if others:
                draft = account_actions.compose_for_items(db, actor, issue_ids, key, on)
            else:
                draft = email_service.compose(db, actor, first, key, on)
            return draft, mail_out.suggested_eml_name(db, first, key)

        ctx.runner.read(read, lambda found: dialog.show_draft(*found), key="email draft")

    def choices() -> tuple[list[tuple[str, str]], list[mail_out.AttachmentChoice]]:
        templates = [(t.key, t.title) for t in content_service.list_current(db, "template")]
        return templates, mail_out.attachment_choices(db, first)

    dialog = EmailDialog(first, EmailActions(compose, log, send, save), template, parent)
    ctx.runner.read(choices, lambda found: dialog.fill(*found))
    return dialog


class ScriptFeature:
    """The Script tab and the Item menu's "Email…"."""

    def __init__(self, ctx: WindowContext, open_note: Callable[[str], object]):
        self.ctx = ctx
        self.tab = ScriptTab(ctx, open_note)
        ctx.panel.add_tab(self.tab, "Script")
        ctx.panel.detail_shown.connect(self._shown)
        ctx.controller.applied.connect(self.tab.changed)
        self.email_action = make_action(ctx.window, "E&mail…", "Ctrl+M",
                                        "Email the customer from a template (about every selected item)",
                                        self.compose)  # fmt: skip
        ctx.panel.action_bar.add("email", self.email_action, "Email…")
        ctx.menus.add(Section.ITEM_ACTIONS, self.email_action)

    def _shown(self, detail: ItemDetail | None) -> None:
        wanted = detail.id if detail is not None else None
        if wanted != self.tab.issue_id or wanted is None:
            self.tab.show_issue(wanted)

    def compose(self) -> EmailDialog | None:
        """Email about the item shown, from the script's first template (or any)."""
        detail = self.ctx.panel.detail
        if detail is None:
            self.ctx.show_message("Select an item first", 4000)
            return None
        script = self.tab.script
        suggested = next((s.template for s in script.steps if s.template), None) if script else None
        rows = self.ctx.worklists.current_view().selected_items()
        if detail.id not in {r.id for r in rows} or len({r.account_number for r in rows}) != 1:
            rows = []
        ids = [r.id for r in rows] or [detail.id]
        versions = {r.id: r.version for r in rows} if len(rows) > 1 else {detail.id: detail.version}
        dialog = email_dialog(self.ctx, ids, suggested, self.ctx.window, versions)
        self.email = dialog
        dialog.open()
        return dialog

    def current_script(self) -> IssueScript | None:
        """The script the tab shows (the Resolve dialog offers its open steps)."""
        return self.tab.script


def install(ctx: WindowContext, open_note: Callable[[str], object]) -> ScriptFeature:
    return ScriptFeature(ctx, open_note)
