"""The Resolve dialog: only the resolutions that can be true of the items, nothing assumed.

The codes offered depend on the items (domain.account_work.resolution_codes): a "paid" code
only when the balance is zero or cash on the account covers it; write-off and credit only with
an open balance, and then with their amount. Nothing is preselected: the user chooses the code
and says whether the root cause was fixed; a note is asked for every code but paid in full. The
script's [check], [wait] and [decide] steps still open on a single item can be ticked here
(a [call] or [email] step ticks itself when the call or email is logged). A trainee is told
beforehand when the resolution will wait for a supervisor.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QWidget

from arbench.domain.account_work import AMOUNT_CODES, NO_NOTE_CODES, ItemBalance, resolution_codes
from arbench.domain.catalogue import RESOLUTION_CODES, IssueStatus, Level
from arbench.services.work.item_inputs import Resolution
from arbench.services.work.scripts import StepState
from arbench.ui.action_dialogs import cause_combo, default_cause, select
from arbench.ui.dialog_base import ActionDialog, Subject

CHOOSE = "Choose how it was resolved…"


def offered_codes(subject: Subject, unapplied_cash: Decimal) -> list[str]:
    """The codes true of every item of the subject (catalogue order)."""
    balances = [i.open_amount for i in subject.items] if subject.several else [subject.open_amount]
    allowed = [set(resolution_codes(ItemBalance(b, unapplied_cash))) for b in balances]
    common = set.intersection(*allowed) if allowed else set()
    if subject.several:
        common -= AMOUNT_CODES  # one item at a time: each needs its own amount
    return [code for code in RESOLUTION_CODES if code in common]


class ResolveDialog(ActionDialog[Resolution]):
    """Resolution, root cause, whether it was fixed, the note, an amount, steps done with it."""

    def __init__(self, subject: Subject, supervisor: bool, *, trainee_limit: Decimal | None = None,
                 open_steps: list[StepState] | None = None, parent: QWidget | None = None):  # fmt: skip
        super().__init__("Resolve", subject, "Resolve", parent)
        detail = subject.detail
        self.code = QComboBox()
        self.code.addItem(CHOOSE, None)
        offered = offered_codes(subject, detail.account.unapplied_cash)
        for code in offered:
            self.code.addItem(RESOLUTION_CODES[code], code)
        self.cause = cause_combo(detail.level, default_cause(detail))
        self.fixed = QComboBox()
        self.fixed.addItem("Choose: was the root cause fixed?", None)
        self.fixed.addItem("Yes — it will not happen again", True)
        self.fixed.addItem("No — only this item was fixed", False)
        self.amount = QLineEdit()
        self.amount.setPlaceholderText("The amount written off or credited")
        self.note = self.note_edit("What was done (required, except for paid in full)", lines=3)
        for label, widget in (("Resolution", self.code), ("Root cause", self.cause),
                              ("Root cause fixed?", self.fixed), ("Amount", self.amount),
                              ("Note", self.note)):  # fmt: skip
            self.form.addRow(label, widget)
        self._why(offered, subject)
        open_linked = [p for p in detail.linked_pros if p.status != IssueStatus.RESOLVED]
        self.with_linked = QCheckBox(
            f"Also resolve its {len(open_linked)} linked open pro issue(s)"
        )
        self.with_linked.setChecked(bool(open_linked))
        self.with_linked.setVisible(detail.level == Level.ACCOUNT and bool(open_linked))
        self.form.addRow(self.with_linked)
        self.steps: dict[int, QCheckBox] = {}
        for step in open_steps or []:
            box = QCheckBox(f"Step {step.number} done: {step.text}")
            self.steps[step.number] = box
            self.form.addRow(box)
        self.override = QLineEdit()
        self.override.setPlaceholderText("Only to resolve without the script's required steps")
        if supervisor:
            self.form.addRow("Override reason", self.override)
        if trainee_limit is not None:
            self.form.addRow(self._label(
                f"<i>As a trainee: a resolution above ${trainee_limit:,.2f}, a write-off or a credit "
                "waits for a supervisor's approval; the item stays on your list as "
                "“pending approval” until then.</i>"))  # fmt: skip
        self.code.currentIndexChanged.connect(lambda _: self._code_changed())
        self._code_changed()
        self.finish()

    @staticmethod
    def _label(html: str) -> QLabel:
        label = QLabel(html)
        label.setWordWrap(True)
        return label

    def _why(self, offered: list[str], subject: Subject) -> None:
        """Say why paid codes or amounts are missing, so the list is not a puzzle."""
        missing = []
        if "paid_in_full" not in offered:
            missing.append("the paid codes appear once the balance is paid or cash on the "
                           "account covers it")  # fmt: skip
        if "written_off" not in offered and subject.several:
            missing.append("write-offs and credits are done one item at a time")
        if missing:
            self.form.addRow(self._label("<i>" + "; ".join(missing).capitalize() + ".</i>"))

    def _code_changed(self) -> None:
        code = self.code.currentData()
        self.amount.setEnabled(code in AMOUNT_CODES)
        self.note.setPlaceholderText(
            "Note (optional for paid in full)" if code in NO_NOTE_CODES
            else "What was done (required)"
        )  # fmt: skip

    def value(self) -> Resolution:
        code = self.code.currentData()
        return Resolution(
            code=str(code) if code else "",
            root_cause=str(self.cause.currentData()),
            root_cause_fixed=self.fixed.currentData(),
            with_linked=self.with_linked.isVisible() and self.with_linked.isChecked(),
            override_reason=self.override.text().strip() or None,
            note=self.note.toPlainText().strip(),
            amount=self.amount.text().strip() or None if code in AMOUNT_CODES else None,
            steps_done=tuple(n for n, box in self.steps.items() if box.isChecked()),
        )

    def set_value(self, value: Resolution) -> None:
        select(self.code, value.code or None)
        select(self.cause, value.root_cause)
        select(self.fixed, value.root_cause_fixed)
        self.with_linked.setChecked(value.with_linked)
        self.override.setText(value.override_reason or "")
        self.note.setPlainText(value.note)
        self.amount.setText(str(value.amount) if value.amount is not None else "")
        for number, box in self.steps.items():
            box.setChecked(number in value.steps_done)
