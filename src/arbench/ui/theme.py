"""Colours that stay readable in every palette: light, dark, and the platform's own.

Nothing in the GUI names a fixed text colour: each accent (headings, warnings, money in the
customer's favour, notes) starts from a hue and is adjusted until its contrast with the
background it sits on is at least WCAG AA (4.5:1) in the current palette. `css()` is the
stylesheet of the rich-text panes; `apply_scheme` picks the dark palette when asked for (or
when the platform is in dark mode).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

AA = 4.5  # WCAG AA contrast for normal text
SCHEMES = ("system", "light", "dark")


def luminance(color: QColor) -> float:
    """WCAG relative luminance of a colour."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(color.redF())
        + 0.7152 * channel(color.greenF())
        + 0.0722 * channel(color.blueF())
    )


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def mix(a: QColor, b: QColor, share_of_b: float) -> QColor:
    """`a` moved `share_of_b` (0..1) of the way to `b`."""
    t = min(max(share_of_b, 0.0), 1.0)
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * t,
        a.greenF() + (b.greenF() - a.greenF()) * t,
        a.blueF() + (b.blueF() - a.blueF()) * t,
    )


def readable(color: QColor, background: QColor, toward: QColor, minimum: float = AA) -> QColor:
    """`color`, moved toward `toward` (a colour that contrasts) until it reaches `minimum`."""
    for step in range(11):
        candidate = mix(color, toward, step / 10)
        if contrast(candidate, background) >= minimum:
            return candidate
    return toward


@dataclass(frozen=True)
class Colors:
    """The accents of one palette, each readable on the background it is used on."""

    text: QColor
    base: QColor  # background of tables and text panes
    window: QColor  # background of labels and forms
    muted: QColor  # secondary text (labels of facts, dates)
    heading: QColor  # headings in the text panes
    good: QColor  # a credit, a step done
    warn: QColor  # waiting on a department, missing merge fields
    bad: QColor  # errors
    note_background: QColor  # trainee notes beside a script step
    offer_background: QColor  # the "not on your list" bar

    @property
    def dark(self) -> bool:
        return luminance(self.base) < 0.2


def colors(palette: QPalette | None = None) -> Colors:
    """The accents for `palette` (the application's when None)."""
    p = palette or QGuiApplication.palette()
    text, base = p.color(QPalette.ColorRole.Text), p.color(QPalette.ColorRole.Base)
    window = p.color(QPalette.ColorRole.Window)
    dark = luminance(base) < 0.2

    def on_both(hue: str | QColor) -> QColor:  # readable on the panes and on the window
        first = readable(QColor(hue), base, text)
        return readable(first, window, p.color(QPalette.ColorRole.WindowText))

    heading_hue = p.color(QPalette.ColorRole.Link) if dark else QColor("#1f3b57")
    warn, good = on_both("#8a6d00" if not dark else "#e0b341"), on_both("#1b7f3b")
    return Colors(
        text=text, base=base, window=window, muted=on_both(mix(text, base, 0.45)),
        heading=on_both(heading_hue), good=good, warn=warn, bad=on_both("#b00020"),
        note_background=mix(base, heading_hue, 0.10), offer_background=mix(base, warn, 0.18),
    )  # fmt: skip


def css(palette: QPalette | None = None) -> str:
    """The stylesheet of the rich-text panes (freight bill, account, timeline, script guide)."""
    c = colors(palette)
    return f"""
<style>
 body {{ font-size: 10pt; color: {c.text.name()}; }}
 h3, h4 {{ margin: 8px 0 4px 0; color: {c.heading.name()}; }}
 table {{ border-collapse: collapse; }}
 td, th {{ padding: 2px 8px 2px 0; vertical-align: top; }}
 th {{ text-align: left; color: {c.muted.name()}; font-weight: normal; }}
 .num {{ text-align: right; }}
 .muted {{ color: {c.muted.name()}; }}
 .warn {{ color: {c.warn.name()}; }}
 .nowrap {{ white-space: nowrap; }}
</style>
"""


def dark_palette() -> QPalette:
    """A dark palette for the Fusion style (text at least 4.5:1 on every background)."""
    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#2b2b2e", QPalette.ColorRole.WindowText: "#e6e6e6",
        QPalette.ColorRole.Base: "#1e1e20", QPalette.ColorRole.AlternateBase: "#2a2a2d",
        QPalette.ColorRole.ToolTipBase: "#3a3a3d", QPalette.ColorRole.ToolTipText: "#f0f0f0",
        QPalette.ColorRole.PlaceholderText: "#a0a0a0", QPalette.ColorRole.Text: "#e6e6e6",
        QPalette.ColorRole.Button: "#35353a", QPalette.ColorRole.ButtonText: "#e6e6e6",
        QPalette.ColorRole.BrightText: "#ff6b6b", QPalette.ColorRole.Link: "#7cb4ff",
        QPalette.ColorRole.Highlight: "#2f6db5", QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Light: "#4a4a4f", QPalette.ColorRole.Midlight: "#3e3e43",
        QPalette.ColorRole.Mid: "#2f2f33", QPalette.ColorRole.Dark: "#1a1a1c",
        QPalette.ColorRole.Shadow: "#000000",
    }  # fmt: skip
    for role, value in roles.items():
        p.setColor(role, QColor(value))
    disabled = QPalette.ColorGroup.Disabled
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText,
                 QPalette.ColorRole.ButtonText):  # fmt: skip
        p.setColor(disabled, role, QColor("#8a8a8a"))
    return p


def platform_is_dark(app: QGuiApplication) -> bool:
    return app.styleHints().colorScheme() == Qt.ColorScheme.Dark


def apply_scheme(app: QApplication, scheme: str | None = None) -> str:
    """Light or dark: `scheme` (or ARBENCH_THEME), "system" following the platform.

    Dark uses the Fusion style with `dark_palette()`, so every widget follows; returns the
    scheme applied ("light" or "dark").
    """
    chosen = (scheme or os.environ.get("ARBENCH_THEME") or "system").lower()
    if chosen not in SCHEMES:
        chosen = "system"
    dark = chosen == "dark" or (chosen == "system" and platform_is_dark(app))
    if dark:
        app.setStyle(QStyleFactory.create("Fusion"))
        app.setPalette(dark_palette())
        return "dark"
    if chosen == "light" and luminance(app.palette().color(QPalette.ColorRole.Base)) < 0.2:
        app.setStyle(QStyleFactory.create("Fusion"))
        app.setPalette(app.style().standardPalette())
    return "light"
