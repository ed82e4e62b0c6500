"""The item panel's Account tab: the customer at a glance, and its open items to open.

`account_html` draws the account: balance and aging by bucket, open promises, invoicing
requirements, the agreement, the AP contacts with phone and email (never broken across
lines). `AccountItems` is the table of the account's other open items with their amounts and
days past due; double-click or Enter asks to open one (`open_requested`), which the window
selects in the list that holds it or shows from the whole book.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from arbench.domain.kpi_financial import AGING_BUCKETS
from arbench.services.work.item_detail import AccountInfo, ItemDetail, RelatedIssue
from arbench.ui import theme

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("PRO / issue", "Issue type", "Status", "Open amount", "Days past due")
ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def _v(value: object) -> str:
    return escape("" if value is None else str(value))


def _money(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"(${-value:,.2f})" if value < 0 else f"${value:,.2f}"


def _contact_html(name: str, role: str | None, email: str | None, phone: str | None,
                  channel: str) -> str:  # fmt: skip
    """One contact on two lines; an email address or phone number is never broken."""
    how = " · ".join(f"<span class='nowrap'>{_v(x)}</span>" for x in (email, phone) if x)
    return (
        f"<p style='margin: 0 0 6px 0'><b>{_v(name)}</b>{' — ' + _v(role) if role else ''}<br>"
        f"{how} <span class='muted'>(prefers {_v(channel)})</span></p>"
    )


def _facts(rows: list[tuple[str, object]]) -> str:
    return (
        "<table>"
        + "".join(f"<tr><th>{escape(k)}</th><td>{_v(v)}</td></tr>" for k, v in rows)
        + "</table>"
    )


def account_html(detail: ItemDetail) -> str:
    """The account: balance and aging, promises, contacts, requirements, agreement."""
    a = detail.account
    aging = "".join(f"<th class='num'>{escape(b)}</th>" for b in AGING_BUCKETS)
    amounts = "".join(f"<td class='num'>{_money(a.aging[b])}</td>" for b in AGING_BUCKETS)
    promises = "".join(
        f"<li>{_v(p.pro or f'account issue #{p.issue_id}')}: {_money(p.amount)} by {p.due_on}</li>"
        for p in a.promises
    )
    unapplied = f" · unapplied cash {_money(a.unapplied_cash)}" if a.unapplied_cash else ""
    facts = _facts([
        ("Account", f"{a.number} {a.name}"), ("Bill-to address", a.address),
        ("Payment terms", f"Net {a.payment_terms_days}"), ("Credit limit", _money(a.credit_limit)),
        ("Risk", f"{a.risk_score}/100" + (" — CREDIT HOLD" if a.credit_hold else "")),
        ("Pricing agreement", f"{a.pricing_agreement_ref or 'none'} (expires {a.pricing_agreement_expiry or '?'})"),
        ("Collector", a.collector),
    ])  # fmt: skip
    contacts = "".join(_contact_html(c.name, c.role, c.email, c.phone, c.preferred_channel)
                       for c in a.contacts)  # fmt: skip
    reqs = "".join(f"<li>{escape(r)}</li>" for r in a.requirements)
    return (
        f"{theme.css()}<h3>Balance {_money(a.balance)}{unapplied}</h3>"
        f"<table><tr>{aging}</tr><tr>{amounts}</tr></table>"
        f"<h3>Promises to pay ({len(a.promises)})</h3><ul>{promises or '<li class=muted>none open</li>'}</ul>"
        f"<h3>AP contacts</h3>{contacts or '<p class=muted>none on file</p>'}"
        f"<h3>Account</h3>{facts}{onboarding_html(a)}<h3>Invoicing requirements</h3><ul>{reqs}</ul>"
    )


def onboarding_html(a: AccountInfo) -> str:
    """A new account's onboarding: the tasks still open, and a warning when it was invoiced
    before the checklist was done (pre-audit flags its bills too)."""
    if a.onboarding_open is None:
        return ""
    if not a.onboarding_open:
        return "<p>Onboarding checklist: done.</p>"
    warn = theme.colors().warn.name()
    flag = (
        f"<p style='color:{warn}'><b>Invoiced before its onboarding checklist was done.</b></p>"
        if a.invoiced_before_onboarding
        else ""
    )
    tasks = "".join(f"<li>{escape(t)}</li>" for t in a.onboarding_open)
    return f"<h3>Onboarding ({len(a.onboarding_open)} task(s) open)</h3>{flag}<ul>{tasks}</ul>"


def related_items(detail: ItemDetail) -> list[RelatedIssue]:
    """The account's other open items: its account-level issues first, then the pros."""
    return [i for i in detail.account_issues if i.id != detail.id] + detail.other_open_items


class AccountItemsModel(QAbstractTableModel):
    """The account's other open items (rows are given, never read here)."""

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.rows: list[RelatedIssue] = []

    def set_rows(self, rows: list[RelatedIssue]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # fmt: skip
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            what = f"PRO {row.pro}" if row.pro else f"Account issue #{row.id}"
            values = (what, row.type_name, row.status.replace("_", " "), _money(row.open_amount),
                      str(row.days_past_due) if row.pro else "")  # fmt: skip
            return values[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() >= 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None


class AccountItems(QTableView):
    """The account's open items; double-click or Enter asks to open one."""

    open_requested = Signal(int)  # the item's id

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.items_model = AccountItemsModel(self)
        self.setModel(self.items_model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(int(self.fontMetrics().height() * 1.6))
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setStretchLastSection(True)
        self.setAlternatingRowColors(True)
        self.doubleClicked.connect(lambda index: self._open(index))

    def show_items(self, detail: ItemDetail | None) -> None:
        self.items_model.set_rows(related_items(detail) if detail is not None else [])

    def _open(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_requested.emit(int(index.data(Qt.ItemDataRole.UserRole)))

    def event(self, event: QEvent) -> bool:
        """Enter opens the row here, not the window's "Open item"."""
        override = event.type() == QEvent.Type.ShortcutOverride
        if override and isinstance(event, QKeyEvent) and event.key() in ENTER:
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in ENTER:
            self._open(self.currentIndex())
            return
        super().keyPressEvent(event)
