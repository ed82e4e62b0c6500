"""The item panel: the freight bill, the account and the timeline of the selected item.

Extension points (explicit, typed; features get the panel through the window context):
- `action_bar`: the action bar (ui.action_bar.ActionBar): item actions register there, as a
  menu entry and an optional button, and are switched on and off in one place;
- `add_tab(widget, title)`: another tab (the Script tab);
- `add_header_note(note)`: a line under the header for some items (whose list an item from
  the whole book is on);
- `detail_shown`: emitted after every `show_detail`, with the ItemDetail or None;
- `open_requested`: an item of the Account tab's list was opened (double-click or Enter).

The header has a fixed height (five lines of the current font; the whole text is its tooltip),
so the action bar and the tabs never move when an item's header grows or shrinks.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QTextOption
from PySide6.QtWidgets import QLabel, QSplitter, QTabWidget, QTextBrowser, QVBoxLayout, QWidget

from arbench.io.codes import adjustment_reason_name
from arbench.services.work.item_detail import ItemDetail, ProInfo
from arbench.ui import theme
from arbench.ui.account_tab import AccountItems, account_html
from arbench.ui.action_bar import ActionBar

HeaderNote = Callable[[ItemDetail], str | None]
HEADER_LINES = 5
EMPTY = "Select an item in the worklist to see its freight bill, account and timeline."


def _v(value: object) -> str:
    return escape("" if value is None else str(value))


def _money(value: object) -> str:
    return f"${value:,.2f}" if value is not None else ""


def _facts(rows: list[tuple[str, object]]) -> str:
    return (
        "<table>"
        + "".join(f"<tr><th>{escape(k)}</th><td>{_v(v)}</td></tr>" for k, v in rows)
        + "</table>"
    )


def bill_html(pro: ProInfo) -> str:
    """The freight bill: facts, charge lines, payments and adjustments."""
    facts = _facts([
        ("PRO", pro.pro), ("BOL", pro.bol), ("Invoice", f"{pro.invoice_number or ''}  dated {pro.invoice_date or ''}"),
        ("Due", pro.due_date), ("Shipper", pro.shipper), ("Consignee", pro.consignee),
        ("Lane", f"{pro.origin or '?'} → {pro.destination or '?'}"),
        ("Shipped / delivered", f"{pro.ship_date or ''} / {pro.delivery_date or ''}"),
        ("Pieces, weight, class", f"{pro.pieces or ''} pcs, {pro.weight or ''} lb, class {pro.freight_class or ''}"),
        ("Terms", (pro.terms or "").replace("_", " ")), ("Bill-to", pro.bill_to),
        ("POD on file", "yes" if pro.pod_on_file else "NO"),
    ])  # fmt: skip
    charges = "".join(
        f"<tr><td>{_v(c.description)}</td><td class='muted'>{_v(c.code)}</td><td class='num'>{_money(c.amount)}</td></tr>"
        for c in pro.charges
    )
    payments = (
        "".join(
            f"<tr><td class='nowrap'>{_v(p.received_on)}</td><td>{_v(p.kind)}</td><td>{_v(p.reference)}</td>"
            f"<td>{_v(p.reason_code)}</td><td class='num'>{_money(p.amount)}</td></tr>"
            for p in pro.payments
        )
        or "<tr><td class='muted'>No payments yet</td></tr>"
    )
    return (
        f"{theme.css()}<h3>Freight bill</h3>{facts}<h3>Charges</h3><table>{charges}"
        f"<tr><th>Total billed</th><td></td><td class='num'><b>{_money(pro.amount)}</b></td></tr></table>"
        f"<h3>Payments and adjustments</h3><table>{payments}</table>"
        f"<p><b>Open balance: {_money(pro.open_balance)}</b></p>"
    )


def linked_html(detail: ItemDetail) -> str:
    """An account-level issue's first tab: its amount, when it opened, its linked pros."""
    linked = "".join(
        f"<li>PRO {_v(i.pro)}: {escape(i.type_name)} ({i.status})</li>" for i in detail.linked_pros
    )
    amount = f"<p>Amount: {_money(detail.amount)}</p>" if detail.amount is not None else ""
    return (
        f"{theme.css()}<h3>Account-level issue</h3>{amount}<p>Opened {detail.opened_on}</p>"
        f"<h3>Linked pros ({len(detail.linked_pros)})</h3><ul>{linked or '<li class=muted>none</li>'}</ul>"
    )


def timeline_html(detail: ItemDetail) -> str:
    rows = "".join(
        f"<tr><td class='muted nowrap'>{e.at:%Y-%m-%d %H:%M}</td><td><b>{_v(e.kind)}</b></td><td>{_v(e.user or '')}</td>"
        f"<td>{_v(e.text)}{(' — ' + _v(e.outcome)) if e.outcome else ''}"
        f"{'' if e.issue_id else ' <i class=muted>(account)</i>'}</td></tr>"
        for e in detail.timeline
    )
    return (
        f"{theme.css()}<table>{rows or '<tr><td class=muted>Nothing logged yet</td></tr>'}</table>"
    )


def header_text(detail: ItemDetail) -> str:
    what = f"PRO {detail.pro.pro}" if detail.pro else f"Account {detail.account.number}"
    cause = detail.root_cause_name or "root cause not set"
    lines = [f"<b>{escape(what)} — {escape(detail.type_name)}</b> · {escape(detail.account.name)}"]
    status = detail.status.replace("_", " ")
    extra = [f"status: {status}", f"root cause: {escape(cause)}"]
    if detail.follow_up:
        extra.append(f"follow-up {detail.follow_up}")
    if detail.open_promise:
        extra.append(f"promise {_money(detail.open_promise[0])} by {detail.open_promise[1]}")
    if detail.waiting_on:
        warn = theme.colors().warn.name()
        extra.append(
            f"<span style='color:{warn}'>waiting on {detail.waiting_on[0]} since {detail.waiting_on[1]}</span>"
        )
    lines.append(" · ".join(extra))
    if detail.reason_code or detail.reference:
        said = [f"reason {escape(detail.reason_code)} {escape(adjustment_reason_name(detail.reason_code))}"
                if detail.reason_code else "", f"references {escape(detail.reference)}" if detail.reference else ""]  # fmt: skip
        lines.append("Payer: " + " · ".join(p for p in said if p))
    return "<br>".join(lines)


def _browser() -> QTextBrowser:
    browser = QTextBrowser()
    browser.setWordWrapMode(QTextOption.WrapMode.WordWrap)  # break between words, never inside
    return browser


class ItemPanel(QWidget):
    """Shows one ItemDetail; empty until an item is selected."""

    detail_shown = Signal(object)  # ItemDetail | None, after the panel has drawn it
    open_requested = Signal(int)  # an item of the Account tab's list, by id

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.detail: ItemDetail | None = None
        self.reason: str | None = None
        self.header_notes: list[HeaderNote] = []
        self.header = QLabel(EMPTY)
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.action_bar = ActionBar(self)
        self.tabs = QTabWidget(self)
        self.bill, self.account, self.timeline = _browser(), _browser(), _browser()
        self.account_items = AccountItems()
        self.account_items.open_requested.connect(self.open_requested)
        self.account_tab = QSplitter(Qt.Orientation.Vertical)
        self.account_tab.addWidget(self.account)
        self.account_tab.addWidget(self.account_items)
        self.account_tab.setStretchFactor(0, 3)
        self.account_tab.setStretchFactor(1, 2)
        self.account_tab.setChildrenCollapsible(False)
        self.tabs.addTab(self.bill, "Freight bill")
        self.tabs.addTab(self.account_tab, "Account")
        self.tabs.addTab(self.timeline, "Timeline")
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.action_bar)
        layout.addWidget(self.tabs, 1)
        self._fix_header_height()

    # ----- extension points ---------------------------------------------------------------
    def add_tab(self, widget: QWidget, title: str) -> None:
        self.tabs.addTab(widget, title)

    def add_header_note(self, note: HeaderNote) -> None:
        self.header_notes.append(note)

    # ----- showing an item ----------------------------------------------------------------
    def show_detail(self, detail: ItemDetail | None, reason: str | None = None) -> None:
        """Show an item; `reason` is why it is on today's list (from the worklist)."""
        self.detail, self.reason = detail, reason
        self._draw()
        self.detail_shown.emit(detail)

    def show_message(self, html: str) -> None:
        """Clear the panel and say something in its header (an empty list, an error)."""
        self.show_detail(None)
        self.header.setText(html)

    def _draw(self) -> None:
        detail = self.detail
        if detail is None:
            self.header.setText(EMPTY)
            self.header.setToolTip("")
            for browser in (self.bill, self.account, self.timeline):
                browser.clear()
            self.account_items.show_items(None)
            self.tabs.setTabText(0, "Freight bill")
            self.tabs.setTabText(1, "Account")
            self.tabs.setTabText(2, "Timeline")  # not the last item's count
            return
        why = f"<br><i>Why today: {escape(self.reason)}</i>" if self.reason else ""
        notes = [text for note in self.header_notes if (text := note(detail))]
        text = header_text(detail) + why + "".join(f"<br>{n}" for n in notes)
        self.header.setText(text)
        self.header.setToolTip(text)
        self.bill.setHtml(bill_html(detail.pro) if detail.pro else linked_html(detail))
        self.tabs.setTabText(0, "Freight bill" if detail.pro else "Linked pros")
        self.account.setHtml(account_html(detail))
        self.account_items.show_items(detail)
        others = len(self.account_items.items_model.rows)
        self.tabs.setTabText(1, f"Account ({others} other open)")
        self.timeline.setHtml(timeline_html(detail))
        self.tabs.setTabText(2, f"Timeline ({len(detail.timeline)})")

    def _fix_header_height(self) -> None:
        metrics = self.header.fontMetrics()
        self.header.setFixedHeight(metrics.lineSpacing() * HEADER_LINES + 4)

    def changeEvent(self, event: QEvent) -> None:
        """A new palette or font: draw the colours and the header height again."""
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange):
            self._fix_header_height()
            self._draw()
        super().changeEvent(event)
