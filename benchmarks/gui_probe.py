"""One GUI measurement in a fresh process; prints one JSON line on stdout.

`python -m benchmarks.gui_probe MODE --db FILE --login LOGIN --on YYYY-MM-DD` where MODE is
- `bare`:     a bare QApplication + empty QMainWindow shown (the baseline for the cold start);
- `start`:    the app's own start path (open the database, MainWindow, reload) until
              `worklist_loaded` has fired and the first row's detail is in the item panel;
- `filter`:   type-ahead keystrokes on the pro-level worklist fed `--items N` WorkItems of the
              whole team (items_for with no owner filter, put straight into the controller's
              pro-level list), each timed including the repaint;
- `open`:     opening one item (`--issue ID`) through MainWindow.open_item_by_id, timed until
              its detail (read off the GUI thread) is drawn in the item panel;
- `watchdog`: a 10 ms QTimer measures the longest gap of the GUI thread while refreshes, KPI
              computation, imports and exports run off-thread through the window's TaskRunner.
The parent (benchmarks/run.py) measures the wall time from spawning to the first JSON line for
`bare` and `start`, so both include the interpreter and imports.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any

T0 = time.perf_counter()


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _emit(data: dict[str, Any]) -> None:
    print(json.dumps(data), flush=True)


def bare() -> None:
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(1400, 820)
    window.show()
    app.processEvents()
    _emit({"ready_s": time.perf_counter() - T0, "rss_mb": _rss_mb()})


def _window(args: argparse.Namespace) -> Any:
    """The main window on the book, as `arbench` opens it (without the user picker)."""
    from datetime import date

    from arbench.services.base import actor_for
    from arbench.services.knowledge.content import ensure_loaded
    from arbench.store.db import open_database
    from arbench.ui.app import make_app
    from arbench.ui.main_window import MainWindow
    from arbench.ui.settings import UserSettings

    app = make_app()
    db = open_database(args.db)
    actor = actor_for(db, args.login)
    ensure_loaded(db)
    window = MainWindow(db, actor, UserSettings(), on=date.fromisoformat(args.on))
    window.show()
    return app, window


def _wait_loaded(app: Any, window: Any) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    window.worklist_loaded.connect(loop.quit)
    QTimer.singleShot(120_000, loop.quit)
    window.reload()
    loop.exec()
    _wait_idle(app, window)  # the first row's detail is read off the GUI thread


def _wait_idle(app: Any, window: Any, timeout_s: float = 120.0) -> None:
    """Process events until the window's runner has delivered every result."""
    from PySide6.QtCore import QEventLoop, QTimer

    if not window.runner.busy:
        return
    loop = QEventLoop()
    window.runner.idle.connect(loop.quit)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    loop.exec()
    window.runner.idle.disconnect(loop.quit)


def start(args: argparse.Namespace) -> None:
    imported = time.perf_counter() - T0
    app, window = _window(args)
    shown = time.perf_counter() - T0
    _wait_loaded(app, window)
    if window.panel.detail is None:
        raise SystemExit("the first row's detail was not shown")
    app.processEvents()
    ready = time.perf_counter() - T0
    _emit({
        "ready_s": ready, "imports_s": imported, "window_shown_s": shown,
        "items": len(window.controller.own_items()), "rss_mb": _rss_mb(),
        "modules": len(sys.modules), "pandas_loaded": "pandas" in sys.modules,
    })  # fmt: skip


def _team_items(db: Any, on: Any, count: int) -> list[Any]:
    """The whole team's pro-level items; topped up with renumbered copies to `count`."""
    import dataclasses

    from arbench.services.work.worklist import items_for, split

    with db.session() as session:
        items = split(items_for(session, [], on))[0]
    if count <= 0:
        return items
    base, n = list(items), len(items)
    offset = 10 ** len(str(max(i.id for i in base)))
    while len(items) < count:
        k = len(items) // n
        items.extend(
            dataclasses.replace(i, id=i.id + k * offset) for i in base[: count - len(items)]
        )
    return items[:count]


def _count_paints(widget: Any) -> list[int]:
    """A counter of the paint events the widget receives (the timing includes the repaint)."""
    from PySide6.QtCore import QEvent, QObject

    count = [0]

    class Counter(QObject):
        def eventFilter(self, _obj: Any, event: Any) -> bool:
            if event.type() == QEvent.Type.Paint:
                count[0] += 1
            return False

    widget._paint_counter = Counter(widget)
    widget.installEventFilter(widget._paint_counter)
    return count


def filter_(args: argparse.Namespace) -> None:
    from datetime import date

    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    app, window = _window(args)
    on = date.fromisoformat(args.on)
    items = _team_items(window.db, on, args.items)
    t = time.perf_counter()
    window.controller.pro.reset(items)  # whoever owns them: the list the view shows
    app.processEvents()
    load_s = time.perf_counter() - t
    view = window.pro_view
    middle = view.model.items[len(view.model.items) // 2]
    queries = [middle.pro or "", middle.account_name[:8].lower(), (middle.bol or "")[:6]]
    times: list[float] = []
    view.search.setFocus()
    painted = _count_paints(view.table.viewport())
    for query in queries:
        for ch in query:
            t = time.perf_counter()
            QTest.keyClick(view.search, ch)
            app.processEvents()  # delivers the pending paint events: the repaint is timed
            times.append(time.perf_counter() - t)
        t = time.perf_counter()
        QTest.keyClick(view.search, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        QTest.keyClick(view.search, Qt.Key.Key_Backspace)  # back to every row
        app.processEvents()
        times.append(time.perf_counter() - t)
    _emit({
        "items": len(items), "keystrokes": len(times), "times_ms": [x * 1000 for x in times],
        "queries": queries, "load_s": load_s, "paints": painted[0], "rss_mb": _rss_mb(),
    })  # fmt: skip


def open_(args: argparse.Namespace) -> None:
    from arbench.services.work.item_detail import item_detail

    app, window = _window(args)
    app.processEvents()
    times = []
    for _ in range(args.repeat):
        window.panel.show_detail(None)
        t = time.perf_counter()
        window.open_item_by_id(args.issue)
        _wait_idle(app, window)
        if window.panel.detail is None or window.panel.detail.id != args.issue:
            raise SystemExit("the item's detail was not shown")
        window.panel.repaint()
        app.processEvents()
        times.append(time.perf_counter() - t)
    t = time.perf_counter()
    detail = item_detail(window.db, args.issue)
    service_s = time.perf_counter() - t
    _emit({
        "times_ms": [x * 1000 for x in times], "timeline": len(detail.timeline),
        "service_ms": service_s * 1000,
    })  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    parser = argparse.ArgumentParser(prog="benchmarks.gui_probe")
    parser.add_argument("mode", choices=("bare", "start", "filter", "open", "watchdog"))
    parser.add_argument("--db")
    parser.add_argument("--login", default="agarcia")
    parser.add_argument("--on", default="2026-11-24")
    parser.add_argument("--items", type=int, default=100_000, help="0: the team list as is")
    parser.add_argument("--issue", type=int)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--import-file")
    args = parser.parse_args(argv)
    if args.mode == "bare":
        bare()
    elif args.mode == "start":
        start(args)
    elif args.mode == "filter":
        filter_(args)
    elif args.mode == "open":
        open_(args)
    else:
        from benchmarks.watchdog import watchdog

        watchdog(args, _window, _emit)


if __name__ == "__main__":
    main()
