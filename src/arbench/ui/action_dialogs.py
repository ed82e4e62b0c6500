"""Dialogs for the item actions: log a contact, promise, route, root cause, reopen, record a
department's answer (resolve: ui.resolve_dialog).

Each dialog is about a `Subject` (one item, or several items of one account) and takes what it
shows as arguments (no database access); it offers `value()` (a typed value: the input of its
service call, services.work.item_inputs) and `set_value()` (to reopen it with what the user typed
after an error or a conflict, so nothing is lost). The keyboard flow (Ctrl+Enter, Tab out of a
note, Escape asks, "… and next") is ui.dialog_base's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSpinBox,
    QWidget,
)

from arbench.domain.account_work import allocate
from arbench.domain.catalogue import ISSUE_TYPES, Department, Level, root_causes_for
from arbench.services.work.item_detail import ItemDetail
from arbench.services.work.item_inputs import (
    ContactLog,
    DepartmentAnswer,
    PromiseSplit,
    RouteRequest,
)
from arbench.ui.date_fields import date_edit, pydate, set_date
from arbench.ui.dialog_base import ActionDialog, Subject

OUTCOMES = (
    "Spoke to AP", "Left voicemail", "No answer", "AP asked for POD copy",
    "AP says paid, asked for remittance", "Invoice in approval", "Promised payment",
    "Disputes the charge", "Sent documents",
)  # fmt: skip

__all__ = [
    "ActionDialog", "AnswerDialog", "ContactDialog", "PromiseDialog", "ReopenDialog",
    "ReopenRequest", "RootCauseDialog", "RouteDialog", "Subject", "cause_combo", "select",
]  # fmt: skip


def select(combo: QComboBox, data: Any) -> None:
    index = combo.findData(data)
    if index >= 0:
        combo.setCurrentIndex(index)


def cause_combo(level: str, current: str | None) -> QComboBox:
    """The catalogue's root causes of a level, each with its X12 426 code."""
    combo = QComboBox()
    for cause in root_causes_for(Level(level)):
        x12 = f"  [X12 426: {cause.x12_426}]" if cause.x12_426 else ""
        combo.addItem(f"{cause.name}{x12}", cause.code)
    if current:
        select(combo, current)
    return combo


def default_cause(detail: ItemDetail) -> str | None:
    issue_type = ISSUE_TYPES.get(detail.type)
    return detail.root_cause or (issue_type.default_root_cause if issue_type else None)


class ContactDialog(ActionDialog[ContactLog]):
    """Log a call, email or note: contact, outcome, what was said, next follow-up."""

    def __init__(
        self, subject: Subject, on: date, kind: str = "call", parent: QWidget | None = None
    ):
        super().__init__("Log a contact", subject, "Log", parent)
        self.kind = QComboBox()
        for k in ("call", "email", "note"):
            self.kind.addItem(k.capitalize(), k)
        select(self.kind, kind)
        self.contact = QComboBox()
        self.contact.setEditable(True)
        self.contact.addItems([""] + [c.name for c in subject.detail.account.contacts])
        self.outcome = QComboBox()
        self.outcome.setEditable(True)
        self.outcome.addItems([""] + list(OUTCOMES))
        self.text = self.note_edit("What was said or done")
        self.set_follow_up = QCheckBox("Next follow-up on")
        self.set_follow_up.setChecked(True)
        self.follow_up = date_edit(on + timedelta(days=3))
        self.set_follow_up.toggled.connect(self.follow_up.setEnabled)
        self.minutes = QSpinBox()
        self.minutes.setRange(0, 600)
        self.minutes.setSpecialValueText("not entered")  # 0: the kind's default counts
        self.minutes.setSuffix(" min")
        self.minutes.setToolTip("How long it took (optional): the root-cause report's hours")
        for label, widget in (("Kind", self.kind), ("Contact", self.contact), ("Outcome", self.outcome),
                              ("Note", self.text), (self.set_follow_up, self.follow_up),
                              ("Time taken", self.minutes)):  # fmt: skip
            self.form.addRow(label, widget)
        if subject.several:
            self.form.addRow(QLabel(f"<i>One contact, logged on each of the {len(subject.items)} "
                                    "items (each keeps its timeline entry).</i>"))  # fmt: skip
        self.finish()

    def value(self) -> ContactLog:
        return ContactLog(
            kind=str(self.kind.currentData()),
            contact=self.contact.currentText().strip() or None,
            outcome=self.outcome.currentText().strip() or None,
            text=self.text.toPlainText().strip(),
            follow_up=pydate(self.follow_up) if self.set_follow_up.isChecked() else None,
            minutes=self.minutes.value() or None,
        )

    def set_value(self, value: ContactLog) -> None:
        select(self.kind, value.kind)
        self.contact.setEditText(value.contact or "")
        self.outcome.setEditText(value.outcome or "")
        self.text.setPlainText(value.text)
        self.set_follow_up.setChecked(value.follow_up is not None)
        if value.follow_up is not None:
            set_date(self.follow_up, value.follow_up)
        self.minutes.setValue(value.minutes or 0)


def _amount(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "").replace("$", "").strip() or "0")
    except InvalidOperation:
        return None


class PromiseDialog(ActionDialog[PromiseSplit]):
    """Promise to pay by a date: one amount for one item; for several, a total on the account
    spread oldest first (each pro up to its balance), or each pro's share typed."""

    def __init__(self, subject: Subject, on: date, parent: QWidget | None = None):
        super().__init__("Promise to pay", subject, "Record promise", parent)
        self.due_on = date_edit(on + timedelta(days=7))
        self.shares: dict[int, QLineEdit] = {}
        self._spreading = False
        total = subject.open_amount
        self.form.addRow("Open balance", QLabel(f"${total:,.2f}"))
        self.amount = QLineEdit(f"{total:.2f}")
        self.amount.setPlaceholderText("e.g. 1250.00")
        self.form.addRow("Amount promised" if not subject.several else "Total on the account",
                         self.amount)  # fmt: skip
        if subject.several:
            self._share_rows(subject)
            self.amount.textEdited.connect(self._spread)
        self.form.addRow("Will pay by", self.due_on)
        self.form.addRow(QLabel("<i>The follow-up moves to the day after; the promise is marked kept "
                                "or broken automatically.</i>"))  # fmt: skip
        self.finish()

    def _share_rows(self, subject: Subject) -> None:
        self.order = sorted(subject.items, key=lambda i: (-i.days_past_due, i.id))  # oldest first
        box = QWidget()
        rows = QFormLayout(box)
        for item in self.order:
            edit = QLineEdit(f"{item.open_amount:.2f}")
            edit.textEdited.connect(lambda _t: self._added_up())
            self.shares[item.id] = edit
            label = f"{item.pro or f'account issue #{item.id}'} (${item.open_amount:,.2f}, {item.days_past_due} days)"
            rows.addRow(label, edit)
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setWidget(box)
        area.setMaximumHeight(min(260, 34 * len(self.order) + 12))
        self.form.addRow(QLabel("Split across the pros (oldest first; edit any share):"))
        self.form.addRow(area)

    def _spread(self, text: str) -> None:
        """A total typed for the account: shared out oldest first."""
        total = _amount(text)
        if total is None or self._spreading:
            return
        self._spreading = True
        for item, share in zip(
            self.order, allocate(total, [i.open_amount for i in self.order]), strict=True
        ):
            self.shares[item.id].setText(f"{share:.2f}")
        self._spreading = False

    def _added_up(self) -> None:
        if self._spreading:
            return
        parts = [_amount(e.text()) for e in self.shares.values()]
        if all(p is not None for p in parts):
            self.amount.setText(f"{sum((p for p in parts if p is not None), Decimal(0)):.2f}")

    def value(self) -> PromiseSplit:
        if not self.shares:
            assert self.subject is not None
            return PromiseSplit(
                pydate(self.due_on), ((self.subject.detail.id, self.amount.text().strip()),)
            )
        return PromiseSplit(pydate(self.due_on),
                            tuple((i, e.text().strip()) for i, e in self.shares.items()))  # fmt: skip

    def set_value(self, value: PromiseSplit) -> None:
        set_date(self.due_on, value.due_on)
        if not self.shares and value.shares:
            self.amount.setText(str(value.shares[0][1]))
        for issue_id, amount in value.shares:
            if issue_id in self.shares:
                self.shares[issue_id].setText(str(amount))
        if self.shares:
            self._added_up()


class RouteDialog(ActionDialog[RouteRequest]):
    """Route to a department with a request, the person there and a due date."""

    def __init__(self, subject: Subject, on: date, parent: QWidget | None = None,
                 sla: Mapping[str, int] | None = None):  # fmt: skip
        super().__init__("Route to a department", subject, "Route", parent)
        self.on, self.sla = on, sla or {}
        self.department = QComboBox()
        for d in Department:
            self.department.addItem(d.value.capitalize(), d.value)
        detail = subject.detail
        usual = ISSUE_TYPES[detail.type].department if detail.type in ISSUE_TYPES else None
        if usual is not None:
            select(self.department, usual.value)
        self.request = self.note_edit("What you need from them (e.g. the signed POD)")
        self.owner = QLineEdit()
        self.owner.setPlaceholderText("Person or desk in that department (optional)")
        self.due_on = date_edit(on + timedelta(days=5))
        self._due_by_sla()
        self.department.currentIndexChanged.connect(lambda _i: self._due_by_sla())
        for label, widget in (("Department", self.department), ("Request", self.request),
                              ("Owner", self.owner), ("Answer due", self.due_on)):  # fmt: skip
            self.form.addRow(label, widget)
        self.finish()

    def _due_by_sla(self) -> None:
        """The answer is due after the chosen department's service level."""
        days = self.sla.get(str(self.department.currentData()))
        if days:
            set_date(self.due_on, self.on + timedelta(days=days))

    def value(self) -> RouteRequest:
        return RouteRequest(
            department=str(self.department.currentData()),
            request=self.request.toPlainText().strip(),
            owner=self.owner.text().strip() or None,
            due_on=pydate(self.due_on),
        )

    def set_value(self, value: RouteRequest) -> None:
        select(self.department, value.department)
        self.request.setPlainText(value.request)
        self.owner.setText(value.owner or "")
        if value.due_on is not None:
            set_date(self.due_on, value.due_on)


class RootCauseDialog(ActionDialog[str]):
    """Choose the root cause (its catalogue code is the value)."""

    def __init__(self, subject: Subject, parent: QWidget | None = None):
        super().__init__("Set root cause", subject, "Set root cause", parent)
        self.cause = cause_combo(subject.detail.level, default_cause(subject.detail))
        self.form.addRow("Root cause", self.cause)
        self.finish()

    def value(self) -> str:
        return str(self.cause.currentData())

    def set_value(self, value: str) -> None:
        select(self.cause, value)


@dataclass(frozen=True)
class ReopenRequest:
    """Which item to reopen (empty: the one shown; else a PRO number or #id), why, and whether
    the resolve was a mistake (a correction: not counted as a reopen)."""

    which: str
    reason: str
    correction: bool = False


class ReopenDialog(ActionDialog[ReopenRequest]):
    """Reopen a resolved item (the selected one, or one found by PRO number or #id)."""

    def __init__(self, detail: ItemDetail | None, parent: QWidget | None = None):
        super().__init__("Reopen item", Subject(detail) if detail else None, "Reopen", parent)
        self.which = QLineEdit()
        self.which.setPlaceholderText("PRO number or #issue id")
        if detail is None:
            self.form.addRow("Item", self.which)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Why it came back")
        self.form.addRow("Reason", self.reason)
        self.correction = QCheckBox(
            "The resolve was a &mistake: correct it (not counted as a reopen)"
        )
        self.form.addRow(self.correction)
        self.form.addRow(QLabel("<i>A reopen is counted, and the same cause on the same account within "
                                "the recurrence window counts as a recurrence. A correction is neither: "
                                "it clears the mistaken resolution and cancels what it left open.</i>"))  # fmt: skip
        self.finish()

    def value(self) -> ReopenRequest:
        return ReopenRequest(self.which.text().strip(), self.reason.text().strip(),
                             self.correction.isChecked())  # fmt: skip

    def set_value(self, value: ReopenRequest) -> None:
        self.which.setText(value.which)
        self.reason.setText(value.reason)
        self.correction.setChecked(value.correction)


class AnswerDialog(ActionDialog[DepartmentAnswer]):
    """Record a department's answer to one of the item's open requests."""

    def __init__(self, subject: Subject, requests: list[tuple[int, str, str, date]],
                 parent: QWidget | None = None):  # fmt: skip
        super().__init__("Department answer", subject, "Record answer", parent)
        self.request = QComboBox()
        for rid, department, text, due in requests:
            self.request.addItem(f"{department.capitalize()} (due {due}): {text[:60]}", rid)
        self.answer = self.note_edit("What the department answered")
        self.form.addRow("Request", self.request)
        self.form.addRow("Answer", self.answer)
        self.finish()

    def value(self) -> DepartmentAnswer:
        return DepartmentAnswer(int(self.request.currentData()), self.answer.toPlainText().strip())

    def set_value(self, value: DepartmentAnswer) -> None:
        select(self.request, value.request_id)
        self.answer.setPlainText(value.answer)
