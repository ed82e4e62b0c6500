"""Glossary terms explained as tooltips where they appear: the worklist column headers and the
labels of the freight bill and account facts in the item panel (PRO, BOL, POD, class ...)."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QHeaderView, QTextBrowser, QToolTip, QWidget

from arbench.services.knowledge import training
from arbench.services.knowledge.training import GlossaryEntry
from arbench.ui.context import WindowContext


def tooltip_html(entries: list[GlossaryEntry]) -> str:
    """The tooltip for the glossary terms found in a label ('' when none)."""
    return "<br>".join(f"<b>{escape(e.term)}</b>: {escape(e.definition)}" for e in entries[:3])


class GlossaryTips(QObject):
    """An event filter that answers tooltip events with glossary definitions."""

    def __init__(self, terms: dict[str, GlossaryEntry], parent: QObject | None = None):
        super().__init__(parent)
        self.terms = terms
        self.headers: dict[QObject, QHeaderView] = {}
        self.browsers: dict[QObject, QTextBrowser] = {}

    def watch_header(self, header: QHeaderView) -> None:
        self.headers[header.viewport()] = header
        header.viewport().installEventFilter(self)

    def watch_browser(self, browser: QTextBrowser) -> None:
        self.browsers[browser.viewport()] = browser
        browser.viewport().installEventFilter(self)

    def text_at(self, watched: QObject, event: QHelpEvent) -> str:
        if watched in self.headers:
            header = self.headers[watched]
            section = header.logicalIndexAt(event.pos())
            model = header.model()
            if section < 0 or model is None:
                return ""
            return str(model.headerData(section, Qt.Orientation.Horizontal) or "")
        if watched in self.browsers:
            return self.browsers[watched].cursorForPosition(event.pos()).block().text()
        return ""

    def tip_for(self, text: str) -> str:
        return tooltip_html(training.lookup(self.terms, text)) if text else ""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            tip = self.tip_for(self.text_at(watched, event))
            if tip:
                widget = watched if isinstance(watched, QWidget) else None
                QToolTip.showText(event.globalPos(), tip, widget)
                return True
        return super().eventFilter(watched, event)


def install(ctx: WindowContext) -> GlossaryTips:
    """Glossary tooltips on the worklists' headers and the freight bill and account panes."""
    tips = GlossaryTips(training.glossary_terms(ctx.db), ctx.window)
    for view in ctx.worklists.views:
        tips.watch_header(view.table.horizontalHeader())
    for browser in (ctx.panel.bill, ctx.panel.account):
        tips.watch_browser(browser)
    return tips
