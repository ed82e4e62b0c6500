"""Dialogs for account-level issues: create one (or link pros to one), and promotion proposals.

Both lists are short (an account's open pro items, a collector's proposals), so a checkable
QListWidget is enough here.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QListWidget, QListWidgetItem, QWidget

from arbench.domain.catalogue import ISSUE_TYPES, ROOT_CAUSES, Level, issue_types_for
from arbench.services.work.item_detail import ItemDetail, RelatedIssue
from arbench.services.work.item_inputs import AccountIssueRequest
from arbench.services.work.promotion import PromotionProposal
from arbench.ui.action_dialogs import ActionDialog, Subject, cause_combo
from arbench.ui.action_dialogs import select as _select


def _checklist(rows: list[tuple[str, Any, bool]]) -> QListWidget:
    widget = QListWidget()
    for text, data, checked in rows:
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, data)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        widget.addItem(item)
    return widget


def _checked(widget: QListWidget) -> list[Any]:
    return [
        widget.item(i).data(Qt.ItemDataRole.UserRole)
        for i in range(widget.count())
        if widget.item(i).checkState() == Qt.CheckState.Checked
    ]


def _set_checked(widget: QListWidget, data: list[Any]) -> None:
    for i in range(widget.count()):
        item = widget.item(i)
        on = item.data(Qt.ItemDataRole.UserRole) in data
        item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)


def _pro_row(issue: RelatedIssue) -> str:
    return f"PRO {issue.pro}: {issue.type_name} ({issue.status.replace('_', ' ')})"


class AccountIssueDialog(ActionDialog[AccountIssueRequest]):
    """Create an account-level issue with pros linked, or (on an account issue) link more pros."""

    def __init__(self, detail: ItemDetail, parent: QWidget | None = None):
        self.linking = detail.level == Level.ACCOUNT
        title = "Link pro issues" if self.linking else "Create account-level issue"
        super().__init__(title, Subject(detail), "Link" if self.linking else "Create", parent)
        self.type = QComboBox()
        for t in issue_types_for(Level.ACCOUNT):
            self.type.addItem(t.name, t.code)
        self.cause = cause_combo(Level.ACCOUNT.value, None)
        self.type.currentIndexChanged.connect(self._default_cause)
        signalled = (
            ROOT_CAUSES[detail.root_cause].promotes_to if detail.root_cause in ROOT_CAUSES else None
        )
        if signalled:
            _select(self.type, signalled)
        self._default_cause()
        if not self.linking:
            self.form.addRow("Issue type", self.type)
            self.form.addRow("Root cause", self.cause)
        linked = {p.id for p in detail.linked_pros}
        candidates = [i for i in detail.other_open_items if i.id not in linked]
        if not self.linking and detail.pro is not None:
            candidates.insert(
                0, RelatedIssue(detail.id, "pro", detail.type_name, detail.pro.pro, detail.status)
            )
        self.pros = _checklist([(_pro_row(i), i.id, i.id == detail.id) for i in candidates])
        self.form.addRow(QLabel(f"Pro issues of {detail.account.name} to link:"))
        self.form.addRow(self.pros)
        self.finish()

    def _default_cause(self) -> None:
        code = self.type.currentData()
        if code in ISSUE_TYPES:
            _select(self.cause, ISSUE_TYPES[code].default_root_cause)

    def value(self) -> AccountIssueRequest:
        return AccountIssueRequest(str(self.type.currentData()), str(self.cause.currentData()),
                                   tuple(int(i) for i in _checked(self.pros)))  # fmt: skip

    def set_value(self, value: AccountIssueRequest) -> None:
        _select(self.type, value.issue_type)
        _select(self.cause, value.root_cause)
        _set_checked(self.pros, list(value.pro_issue_ids))


class ProposalsDialog(ActionDialog[tuple[PromotionProposal, ...]]):
    """The promotion proposals for the collector's accounts; accept the checked ones."""

    def __init__(self, proposals: list[PromotionProposal], parent: QWidget | None = None):
        super().__init__("Promotion proposals", None, "Accept checked", parent, with_next=False)
        self.proposals = proposals
        text = (
            f"{len(proposals)} pattern(s) of repeated pro-level causes point to an account-level cause."
            if proposals else "No promotion proposals: no account has enough pros with one repeating cause."
        )  # fmt: skip
        intro = QLabel(text)
        intro.setWordWrap(True)
        self.form.addRow(intro)
        rows = [(f"{p.summary}\n    PROs: {', '.join(p.pros[:8])}{' …' if len(p.pros) > 8 else ''}", n, False)
                for n, p in enumerate(proposals)]  # fmt: skip
        self.list = _checklist(rows)
        self.list.setMinimumWidth(640)
        self.form.addRow(self.list)
        self.ok_button.setEnabled(bool(proposals))
        self.finish()

    def value(self) -> tuple[PromotionProposal, ...]:
        return tuple(self.proposals[n] for n in _checked(self.list))

    def set_value(self, value: tuple[PromotionProposal, ...]) -> None:
        _set_checked(self.list, [n for n, p in enumerate(self.proposals) if p in value])
