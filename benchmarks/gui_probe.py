"""One GUI measurement in a fresh process; prints one JSON line on stdout.

`python -m benchmarks.gui_probe MODE --db FILE --login LOGIN --on YYYY-MM-DD` where MODE is
- `bare`:     the baseline of the start: a bare QApplication + QMainWindow with an empty
              QTableView, shown and painted;
- `floor`:    the same bare window after importing SQLAlchemy's ORM and arbench's models (what
              any start that reads the book through the ORM pays before its first query);
- `filter`:   type-ahead keystrokes on the pro-level list, each timed including the repaint:
              `--own` the user's own list as the window loads it, else `--items N` WorkItems of
              the whole team put straight into the controller's pro-level list;
- `open`:     opening one item (`--issue ID`) through MainWindow.open_item_by_id, timed until
              its detail (read off the GUI thread) is drawn in the item panel;
- `watchdog`: a 10 ms QTimer measures the longest gap of the GUI thread while the first load of
              the list (the start), a refresh, KPIs, an import, exports and Today (when present)
              run off the GUI thread through the window's own runner.
The start itself is measured on the real entry point (`arbench --db B --as LOGIN`, see
arbench.ui.start_probe and benchmarks/measure.real_starts), not here.
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


def bare(orm: bool = False) -> None:
    if orm:  # the floor: what reading the book through the ORM costs before any query
        import sqlalchemy.orm  # noqa: F401

        import arbench.store.models  # noqa: F401
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setCentralWidget(QTableView())
    window.resize(1400, 820)
    window.show()
    window.repaint()
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
    t = time.perf_counter()
    if args.own:  # the user's own list, loaded as the window loads it
        _wait_loaded(app, window)
        items = window.controller.pro.items
    else:
        items = _team_items(window.db, on, args.items)
        window.controller.pro.reset(items)  # whoever owns them: the list the view shows
    app.processEvents()
    load_s = time.perf_counter() - t
    window.tabs.setCurrentWidget(window.pro_view)
    view = window.pro_view
    middle = view.model.items[len(view.model.items) // 2]
    queries = [middle.pro or "", middle.account_name[:8].lower(), (middle.bol or "")[:6]]
    times: list[float] = []
    cpu: list[float] = []  # the process's CPU time over the same keystroke
    view.search.setFocus()
    painted = _count_paints(view.table.viewport())
    for query in queries:
        for ch in query:
            t, c = time.perf_counter(), time.process_time()
            QTest.keyClick(view.search, ch)
            app.processEvents()  # delivers the pending paint events: the repaint is timed
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        t, c = time.perf_counter(), time.process_time()
        QTest.keyClick(view.search, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        QTest.keyClick(view.search, Qt.Key.Key_Backspace)  # back to every row
        app.processEvents()
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    _emit({
        "items": len(items), "keystrokes": len(times), "times_ms": [x * 1000 for x in times],
        "cpu_ms": [x * 1000 for x in cpu],
        "queries": queries, "load_s": load_s, "paints": painted[0], "rss_mb": _rss_mb(),
    })  # fmt: skip


def open_(args: argparse.Namespace) -> None:
    from arbench.services.work.item_detail import item_detail

    app, window = _window(args)
    app.processEvents()
    times, cpu = [], []
    for _ in range(args.repeat):
        window.panel.show_detail(None)
        t, c = time.perf_counter(), time.process_time()
        window.open_item_by_id(args.issue)
        _wait_idle(app, window)
        if window.panel.detail is None or window.panel.detail.id != args.issue:
            raise SystemExit("the item's detail was not shown")
        window.panel.repaint()
        app.processEvents()
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    t = time.perf_counter()
    detail = item_detail(window.db, args.issue)
    service_s = time.perf_counter() - t
    _emit({
        "times_ms": [x * 1000 for x in times], "cpu_ms": [x * 1000 for x in cpu],
        "timeline": len(detail.timeline),
        "service_ms": service_s * 1000,
    })  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    parser = argparse.ArgumentParser(prog="benchmarks.gui_probe")
    parser.add_argument("mode", choices=("bare", "floor", "filter", "open", "watchdog"))
    parser.add_argument("--db")
    parser.add_argument("--login", default="agarcia")
    parser.add_argument("--on", default="2026-11-24")
    parser.add_argument("--items", type=int, default=100_000, help="0: the team list as is")
    parser.add_argument("--issue", type=int)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--own", action="store_true", help="filter: the user's own list")
    args = parser.parse_args(argv)
    if args.mode in ("bare", "floor"):
        bare(orm=args.mode == "floor")
    elif args.mode == "filter":
        filter_(args)
    elif args.mode == "open":
        open_(args)
    else:
        from benchmarks.watchdog import watchdog

        watchdog(args, _window, _emit)


if __name__ == "__main__":
    main()
