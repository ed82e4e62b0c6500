"""Render the main screens offscreen in one display mode and measure what a user would see.

`python tests/gui/screens.py MODE BOOK OUT` (MODE: light, dark or 150) opens the main window
(a trainee's item with its Script tab), a collector's Today, the training center and the
supervisor console on the book, saves main.png, account.png (the Account tab), today.png,
today-account.png, multi-promise.png (a promise split across an account's pros),
training.png and console.png in OUT, and
prints one JSON object of
measurements: the WCAG contrast of text against the background it is drawn on (read from the
rendered pixels), header and column widths against their text, emails broken across lines,
and whether each window and every action button fits the available screen. Run in its own
process: the 150 % mode needs QT_SCALE_FACTOR before Qt starts (tests/gui/test_screens.py).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QStyleFactory, QTextBrowser, QWidget

ON = date(2026, 11, 24)
WRAP = int(Qt.TextFlag.TextWordWrap)


def settle(app: QApplication, window: Any, rounds: int = 400) -> None:
    """Process events until the window's runner has delivered every result."""
    import time

    for _ in range(rounds):
        app.processEvents()
        if not window.runner.busy:
            app.processEvents()
            return
        time.sleep(0.02)
    raise TimeoutError("the window's work did not finish")


def pixel_contrast(image: QImage) -> float:
    """Contrast of the most distant colour in the image against its most common one."""
    from arbench.ui.theme import contrast

    counts: Counter[int] = Counter()
    if image.isNull() or image.width() * image.height() == 0:
        return 0.0  # nothing drawn there: as bad as invisible text
    for y in range(image.height()):
        for x in range(image.width()):
            counts[image.pixel(x, y)] += 1
    background = QColor.fromRgb(counts.most_common(1)[0][0])
    return max(contrast(QColor.fromRgb(p), background) for p in counts)


def crop(window: QWidget, widget: QWidget, rect: QRect | None = None) -> QImage:
    """What the window shows of `widget` (or of `rect` inside it), as drawn."""
    area = rect or widget.rect()
    top_left = widget.mapTo(window, area.topLeft())
    return window.grab(QRect(top_left, area.size())).toImage()


def block_rect(browser: QTextBrowser, text: str) -> QRect:
    """The rectangle of the first paragraph of a rich-text pane that contains `text`."""
    document = browser.document()
    block = document.begin()
    while block.isValid() and text not in block.text():
        block = block.next()
    assert block.isValid(), text
    box = document.documentLayout().blockBoundingRect(block).toRect()
    scroll = QPoint(browser.horizontalScrollBar().value(), browser.verticalScrollBar().value())
    return QRect(box.topLeft() - scroll, box.size()).intersected(browser.viewport().rect())


def broken_words(browser: QTextBrowser, words: list[str]) -> list[str]:
    """The words (emails) that the pane breaks across two lines."""
    broken = []
    document = browser.document()
    for word in words:
        cursor = document.find(word)
        if cursor.isNull():
            continue
        block = cursor.block()
        layout = block.layout()
        start = cursor.selectionStart() - block.position()
        end = cursor.selectionEnd() - block.position() - 1
        if (
            layout.lineForTextPosition(start).lineNumber()
            != layout.lineForTextPosition(end).lineNumber()
        ):
            broken.append(word)
    return broken


def cut_headers(table: Any, titles: list[str]) -> list[str]:
    """Column titles wider than their section (the sort arrow counted)."""
    header = table.horizontalHeader()
    metrics = header.fontMetrics()

    def width(title: str) -> int:  # a title may have two lines
        return max(metrics.horizontalAdvance(line) for line in title.split("\n"))

    return [t for n, t in enumerate(titles) if header.sectionSize(n) < width(t) + metrics.height()]


def fits_screen(widget: QWidget) -> bool:
    available = (widget.screen() or QApplication.primaryScreen()).availableGeometry()
    return available.contains(widget.frameGeometry())


def main_window(app: QApplication, db: Any, out: Path) -> dict[str, Any]:
    from arbench.services.base import actor_for
    from arbench.ui.main_window import MainWindow
    from arbench.ui.settings import UserSettings

    window = MainWindow(db, actor_for(db, "nbrown"), UserSettings(), on=ON)
    window.show()
    window.reload()
    settle(app, window)
    window.tabs.setCurrentWidget(window.pro_view)  # the window opens on Today
    window.pro_view.select_row(0)
    settle(app, window)
    panel = window.panel
    result: dict[str, Any] = {"window_fits": fits_screen(window)}
    inside = window.rect()
    result["buttons_visible"] = all(
        b.isVisible() and inside.contains(QRect(b.mapTo(window, QPoint(0, 0)), b.size()))
        for b in panel.action_bar.buttons.values()
    )
    view = window.pro_view
    result["cut_headers"] = cut_headers(view.table, [c[0] for c in view.model.columns][:-1])
    cell = view.table.visualRect(view.model.index(1, 1))  # a row that is not selected
    result["contrast_worklist"] = pixel_contrast(crop(window, view.table.viewport(), cell))
    result["contrast_header"] = pixel_contrast(crop(window, panel.header))
    panel.tabs.setCurrentWidget(panel.bill)
    app.processEvents()
    result["contrast_heading"] = pixel_contrast(
        crop(window, panel.bill.viewport(), block_rect(panel.bill, "Freight bill"))
    )
    panel.tabs.setCurrentWidget(panel.account_tab)
    app.processEvents()
    emails = [c.email for c in panel.detail.account.contacts if c.email] if panel.detail else []
    result["emails"] = len(emails)
    result["broken_emails"] = broken_words(panel.account, emails)
    window.grab().save(str(out / "account.png"))
    tab = window.features.script.tab
    panel.tabs.setCurrentWidget(tab)
    app.processEvents()
    description = next(r.description for r in tab.rows if r.description is not None)
    note = next(r for r in tab.rows).findChild(QWidget, "inline_note")
    result["contrast_step_description"] = pixel_contrast(crop(window, description))
    result["contrast_inline_note"] = pixel_contrast(crop(window, note)) if note else None
    tab.scroll_area.ensureWidgetVisible(tab.guide, 0, 0)
    app.processEvents()
    result["contrast_script_heading"] = pixel_contrast(
        crop(window, tab.guide.viewport(), block_rect(tab.guide, "Talk track"))
    )
    tab.scroll_area.verticalScrollBar().setValue(0)
    app.processEvents()
    window.grab().save(str(out / "main.png"))
    result["size"] = [window.width(), window.height()]
    window.features.training.open()
    center = window.features.training.center
    assert center is not None
    settle(app, window)
    titles = [row[1] for row in center.list_model.rows]
    metrics = center.list.fontMetrics()
    room = center.list.viewport().width() - 8
    result["training_fits"] = fits_screen(center)
    result["cut_note_titles"] = [t for t in titles if metrics.horizontalAdvance(t) > room]
    center.grab().save(str(out / "training.png"))
    center.close()
    window.close()
    return result


def console(app: QApplication, db: Any, out: Path) -> dict[str, Any]:
    from arbench.services.base import actor_for
    from arbench.ui.main_window import MainWindow
    from arbench.ui.settings import UserSettings

    window = MainWindow(db, actor_for(db, "kwright"), UserSettings(), on=ON)
    window.show()
    assert window.features.supervisor is not None
    shown = window.features.supervisor.open()
    settle(app, window)
    table = shown.team.table
    header = table.horizontalHeader()
    result: dict[str, Any] = {"console_fits": fits_screen(shown)}
    result["team_columns_fit"] = header.length() <= table.viewport().width()
    last = header.count() - 1
    width = header.sectionSize(last) - 8
    cut = []
    for row in range(table.model().rowCount()):
        text = table.model().index(row, last).data() or ""
        need = table.fontMetrics().boundingRect(QRect(0, 0, width, 0), WRAP, text).height()
        widest = max((table.fontMetrics().horizontalAdvance(line) for line in text.split("\n")),
                     default=0)  # fmt: skip
        if table.rowHeight(row) < need or widest > width:  # cut below, or elided on the right
            cut.append(text)
    result["waiting_on_cut"] = cut
    result["cut_team_headers"] = cut_headers(
        table, [table.model().headerData(n, header.orientation()) for n in range(header.count())]
    )
    result["contrast_team"] = pixel_contrast(
        crop(shown, table.viewport(), table.visualRect(table.model().index(0, 0)))
    )
    shown.grab().save(str(out / "console.png"))
    shown.close()
    window.close()
    return result


def collectors_day(app: QApplication, db: Any, out: Path) -> dict[str, Any]:
    """A collector's Today (first account open), the Account tab, a promise split across the
    account's pros: today.png, today-account.png, multi-promise.png."""
    from arbench.services.base import actor_for
    from arbench.ui.main_window import MainWindow
    from arbench.ui.settings import UserSettings

    window = MainWindow(db, actor_for(db, "agarcia"), UserSettings(), on=ON)
    window.show()
    window.reload()
    settle(app, window)
    today = window.features.today.view
    tree = today.table
    result: dict[str, Any] = {"today_accounts": today.model.rowCount()}
    first = today.model.index(0, 0)
    row = tree.visualRect(today.model.index(1, 2, first))  # an item row, not selected
    result["contrast_today"] = pixel_contrast(crop(window, tree.viewport(), row))
    header = tree.header()
    titles = [today.model.headerData(n, header.orientation()) for n in range(header.count() - 1)]
    metrics = header.fontMetrics()
    result["cut_today_headers"] = [t for n, t in enumerate(titles)
                                   if header.sectionSize(n) < metrics.horizontalAdvance(t) + 8]  # fmt: skip
    window.grab().save(str(out / "today.png"))
    window.features.item_actions.promise()
    dialog = window.features.item_actions.dialog
    assert dialog is not None
    app.processEvents()
    result["multi_dialog_fits"] = fits_screen(dialog)
    dialog.grab().save(str(out / "multi-promise.png"))
    dialog.reject()
    today.select_item(today.model.groups[0].items[1].id)
    settle(app, window)
    window.panel.tabs.setCurrentWidget(window.panel.account_tab)
    app.processEvents()
    window.grab().save(str(out / "today-account.png"))
    window.close()
    return result


def render(mode: str, book: Path, out: Path) -> dict[str, Any]:
    from arbench.services.knowledge.content import ensure_loaded
    from arbench.store.db import open_database
    from arbench.ui import theme

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    if mode == "dark":
        theme.apply_scheme(app, "dark")
    else:
        app.setStyle(QStyleFactory.create("Fusion"))
        app.setPalette(app.style().standardPalette())
    db = open_database(str(book))
    ensure_loaded(db)
    out.mkdir(parents=True, exist_ok=True)
    try:
        return {"mode": mode, **main_window(app, db, out), **collectors_day(app, db, out),
                **console(app, db, out)}  # fmt: skip
    finally:
        db.dispose()


if __name__ == "__main__":
    print(json.dumps(render(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]))))
