"""Dialogs for the item actions: log a contact, promise, route, root cause, resolve, reopen,
record a department's answer.

Each dialog takes what it shows as arguments (no database access), and offers `value()` (a
typed value: the input of its service call, services.item_inputs) and `set_value()` (to reopen
it with what the user typed after an error or a conflict, so nothing is lost).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from arbench.domain.catalogue import (
    ISSUE_TYPES,
    RESOLUTION_CODES,
    Department,
    IssueStatus,
    Level,
    root_causes_for,
)
from arbench.services.item_detail import ItemDetail
from arbench.services.item_inputs import (
    ContactLog,
    DepartmentAnswer,
    PromiseToPay,
    Resolution,
    RouteRequest,
)

V = TypeVar("V")

OUTCOMES = (
    "Spoke to AP", "Left voicemail", "No answer", "AP asked for POD copy",
    "AP says paid, asked for remittance", "Invoice in approval", "Promised payment",
    "Disputes the charge", "Sent documents",
)  # fmt: skip


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _pydate(edit: QDateEdit) -> date:
    d = edit.date()
    return date(d.year(), d.month(), d.day())


def _date_edit(value: date) -> QDateEdit:
    edit = QDateEdit(_qdate(value))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def _select(combo: QComboBox, data: Any) -> None:
    index = combo.findData(data)
    if index >= 0:
        combo.setCurrentIndex(index)


def item_title(detail: ItemDetail) -> str:
    what = f"PRO {detail.pro.pro}" if detail.pro else f"account issue #{detail.id}"
    return f"{what} — {detail.type_name} — {detail.account.name}"


class ActionDialog(QDialog, Generic[V]):
    """A form with OK/Cancel; the OK button carries the action's name; `value()` is a V."""

    def __init__(self, title: str, detail: ItemDetail | None, ok_text: str, parent: QWidget | None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self.form = QFormLayout(self)
        if detail is not None:
            heading = QLabel(f"<b>{item_title(detail)}</b>")
            heading.setWordWrap(True)
            self.form.addRow(heading)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def finish(self) -> None:
        self.form.addRow(self.buttons)

    def value(self) -> V:
        raise NotImplementedError

    def set_value(self, value: V) -> None:
        raise NotImplementedError


class ContactDialog(ActionDialog[ContactLog]):
    """Log a call, email or note: contact, outcome, what was said, next follow-up."""

    def __init__(
        self, detail: ItemDetail, on: date, kind: str = "call", parent: QWidget | None = None
    ):
        super().__init__("Log a contact", detail, "Log", parent)
        self.kind = QComboBox()
        for k in ("call", "email", "note"):
            self.kind.addItem(k.capitalize(), k)
        _select(self.kind, kind)
        self.contact = QComboBox()
        self.contact.setEditable(True)
        self.contact.addItems([""] + [c.name for c in detail.account.contacts])
        self.outcome = QComboBox()
        self.outcome.setEditable(True)
        self.outcome.addItems([""] + list(OUTCOMES))
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText("What was said or done")
        self.text.setFixedHeight(80)
        self.set_follow_up = QCheckBox("Next follow-up on")
        self.set_follow_up.setChecked(True)
        self.follow_up = _date_edit(on + timedelta(days=3))
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
        self.finish()

    def value(self) -> ContactLog:
        return ContactLog(
            kind=str(self.kind.currentData()),
            contact=self.contact.currentText().strip() or None,
            outcome=self.outcome.currentText().strip() or None,
            text=self.text.toPlainText().strip(),
            follow_up=_pydate(self.follow_up) if self.set_follow_up.isChecked() else None,
            minutes=self.minutes.value() or None,
        )

    def set_value(self, value: ContactLog) -> None:
        _select(self.kind, value.kind)
        self.contact.setEditText(value.contact or "")
        self.outcome.setEditText(value.outcome or "")
        self.text.setPlainText(value.text)
        self.set_follow_up.setChecked(value.follow_up is not None)
        if value.follow_up is not None:
            self.follow_up.setDate(_qdate(value.follow_up))
        self.minutes.setValue(value.minutes or 0)


class PromiseDialog(ActionDialog[PromiseToPay]):
    """Promise to pay: amount (at most the open balance) and date; follow-up the day after."""

    def __init__(self, detail: ItemDetail, on: date, balance: str, parent: QWidget | None = None):
        super().__init__("Promise to pay", detail, "Record promise", parent)
        self.amount = QLineEdit(balance)
        self.amount.setPlaceholderText("e.g. 1250.00")
        self.due_on = _date_edit(on + timedelta(days=7))
        self.form.addRow("Open balance", QLabel(f"${balance}"))
        self.form.addRow("Amount promised", self.amount)
        self.form.addRow("Will pay by", self.due_on)
        self.form.addRow(QLabel("<i>The follow-up moves to the day after; the promise is marked kept "
                                "or broken automatically.</i>"))  # fmt: skip
        self.finish()

    def value(self) -> PromiseToPay:
        return PromiseToPay(self.amount.text().strip(), _pydate(self.due_on))

    def set_value(self, value: PromiseToPay) -> None:
        self.amount.setText(str(value.amount))
        self.due_on.setDate(_qdate(value.due_on))


class RouteDialog(ActionDialog[RouteRequest]):
    """Route to a department with a request, the person there and a due date."""

    def __init__(self, detail: ItemDetail, on: date, parent: QWidget | None = None,
                 sla: Mapping[str, int] | None = None):  # fmt: skip
        super().__init__("Route to a department", detail, "Route", parent)
        self.on, self.sla = on, sla or {}
        self.department = QComboBox()
        for d in Department:
            self.department.addItem(d.value.capitalize(), d.value)
        usual = ISSUE_TYPES[detail.type].department if detail.type in ISSUE_TYPES else None
        if usual is not None:
            _select(self.department, usual.value)
        self.request = QPlainTextEdit()
        self.request.setPlaceholderText("What you need from them (e.g. the signed POD)")
        self.request.setFixedHeight(80)
        self.owner = QLineEdit()
        self.owner.setPlaceholderText("Person or desk in that department (optional)")
        self.due_on = _date_edit(on + timedelta(days=5))
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
            self.due_on.setDate(_qdate(self.on + timedelta(days=days)))

    def value(self) -> RouteRequest:
        return RouteRequest(
            department=str(self.department.currentData()),
            request=self.request.toPlainText().strip(),
            owner=self.owner.text().strip() or None,
            due_on=_pydate(self.due_on),
        )

    def set_value(self, value: RouteRequest) -> None:
        _select(self.department, value.department)
        self.request.setPlainText(value.request)
        self.owner.setText(value.owner or "")
        if value.due_on is not None:
            self.due_on.setDate(_qdate(value.due_on))


def cause_combo(level: str, current: str | None) -> QComboBox:
    """The catalogue's root causes of a level, each with its X12 426 code."""
    combo = QComboBox()
    for cause in root_causes_for(Level(level)):
        x12 = f"  [X12 426: {cause.x12_426}]" if cause.x12_426 else ""
        combo.addItem(f"{cause.name}{x12}", cause.code)
    if current:
        _select(combo, current)
    return combo


class RootCauseDialog(ActionDialog[str]):
    """Choose the root cause (its catalogue code is the value)."""

    def __init__(self, detail: ItemDetail, parent: QWidget | None = None):
        super().__init__("Set root cause", detail, "Set root cause", parent)
        default = (
            ISSUE_TYPES[detail.type].default_root_cause if detail.type in ISSUE_TYPES else None
        )
        self.cause = cause_combo(detail.level, detail.root_cause or default)
        self.form.addRow("Root cause", self.cause)
        self.finish()

    def value(self) -> str:
        return str(self.cause.currentData())

    def set_value(self, value: str) -> None:
        _select(self.cause, value)


class ResolveDialog(ActionDialog[Resolution]):
    """Resolution code, root cause fixed yes/no, the cause, and the linked pros of an account issue."""

    def __init__(self, detail: ItemDetail, supervisor: bool, parent: QWidget | None = None):
        super().__init__("Resolve", detail, "Resolve", parent)
        self.code = QComboBox()
        for code, name in RESOLUTION_CODES.items():
            if code != "resolved_with_account":
                self.code.addItem(name, code)
        default = (
            ISSUE_TYPES[detail.type].default_root_cause if detail.type in ISSUE_TYPES else None
        )
        self.cause = cause_combo(detail.level, detail.root_cause or default)
        self.fixed = QComboBox()
        self.fixed.addItem("Yes — it will not happen again", True)
        self.fixed.addItem("No — only this item was fixed", False)
        self.form.addRow("Resolution", self.code)
        self.form.addRow("Root cause", self.cause)
        self.form.addRow("Root cause fixed?", self.fixed)
        open_linked = [p for p in detail.linked_pros if p.status != IssueStatus.RESOLVED]
        self.with_linked = QCheckBox(
            f"Also resolve its {len(open_linked)} linked open pro issue(s)"
        )
        self.with_linked.setChecked(bool(open_linked))
        self.with_linked.setVisible(detail.level == Level.ACCOUNT and bool(open_linked))
        self.form.addRow(self.with_linked)
        self.override = QLineEdit()
        self.override.setPlaceholderText("Only to resolve without the script's required steps")
        if supervisor:
            self.form.addRow("Override reason", self.override)
        self.finish()

    def value(self) -> Resolution:
        return Resolution(
            code=str(self.code.currentData()),
            root_cause=str(self.cause.currentData()),
            root_cause_fixed=bool(self.fixed.currentData()),
            with_linked=self.with_linked.isVisible() and self.with_linked.isChecked(),
            override_reason=self.override.text().strip() or None,
        )

    def set_value(self, value: Resolution) -> None:
        _select(self.code, value.code)
        _select(self.cause, value.root_cause)
        _select(self.fixed, value.root_cause_fixed)
        self.with_linked.setChecked(value.with_linked)
        self.override.setText(value.override_reason or "")


@dataclass(frozen=True)
class ReopenRequest:
    """Which item to reopen (empty: the one shown; else a PRO number or #id) and why."""

    which: str
    reason: str


class ReopenDialog(ActionDialog[ReopenRequest]):
    """Reopen a resolved item (the selected one, or one found by PRO number or #id)."""

    def __init__(self, detail: ItemDetail | None, parent: QWidget | None = None):
        super().__init__("Reopen item", detail, "Reopen", parent)
        self.which = QLineEdit()
        self.which.setPlaceholderText("PRO number or #issue id")
        if detail is None:
            self.form.addRow("Item", self.which)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Why it came back")
        self.form.addRow("Reason", self.reason)
        self.form.addRow(QLabel("<i>Counted as a reopen; the same cause on the same account within the "
                                "recurrence window counts as a recurrence.</i>"))  # fmt: skip
        self.finish()

    def value(self) -> ReopenRequest:
        return ReopenRequest(self.which.text().strip(), self.reason.text().strip())

    def set_value(self, value: ReopenRequest) -> None:
        self.which.setText(value.which)
        self.reason.setText(value.reason)


class AnswerDialog(ActionDialog[DepartmentAnswer]):
    """Record a department's answer to one of the item's open requests."""

    def __init__(
        self,
        detail: ItemDetail,
        requests: list[tuple[int, str, str, date]],
        parent: QWidget | None = None,
    ):
        super().__init__("Department answer", detail, "Record answer", parent)
        self.request = QComboBox()
        for rid, department, text, due in requests:
            self.request.addItem(f"{department.capitalize()} (due {due}): {text[:60]}", rid)
        self.answer = QPlainTextEdit()
        self.answer.setFixedHeight(80)
        self.form.addRow("Request", self.request)
        self.form.addRow("Answer", self.answer)
        self.finish()

    def value(self) -> DepartmentAnswer:
        return DepartmentAnswer(int(self.request.currentData()), self.answer.toPlainText().strip())

    def set_value(self, value: DepartmentAnswer) -> None:
        _select(self.request, value.request_id)
        self.answer.setPlainText(value.answer)
