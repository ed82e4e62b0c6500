"""The supervisor console feature: Tools ▸ Supervisor console for supervisors.

Opening the window reads only: a cover whose date has come is named in the status bar, and
Tools ▸ End due covers (collectors and supervisors; the daily job `arbench covers end` does the
same) gives those books back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from arbench.services.assignments import CoverInfo, active_covers, end_due_covers

if TYPE_CHECKING:
    from arbench.ui.main_window import MainWindow


def _covers(window: MainWindow) -> None:
    """Name the covers whose date has come; staff get Tools ▸ End due covers (a write)."""
    ending = [c for c in active_covers(window.db, window.on) if c.ending]
    if ending:
        names = ", ".join(f"{c.absent_login} (until {c.until})" for c in ending)
        window.statusBar().showMessage(
            f"Cover ended, book not given back yet: {names}; Tools ▸ End due covers", 15000
        )
    if window.actor.role.value == "trainee":
        return

    def ended(covers: list[CoverInfo]) -> None:
        names = ", ".join(c.absent_login for c in covers) or "none was due"
        window.statusBar().showMessage(f"Covers ended, books given back: {names}", 10000)
        if covers:
            window.reload()

    def end_covers() -> None:  # a write, off the GUI thread like every other
        db, actor, on = window.db, window.actor, window.on
        window.runner.run(lambda: end_due_covers(db, actor, on), ended, window.show_error)

    window.tools_menu.addAction(
        window._action("&End due covers", None, end_covers, "Give back books whose cover ended")
    )


def install(window: MainWindow) -> None:
    _covers(window)
    if not window.actor.is_supervisor:
        return

    def open_console() -> None:
        from arbench.ui.supervisor.console import SupervisorConsole

        console = getattr(window, "supervisor_console", None)
        if console is None:
            console = SupervisorConsole(window.db, window.actor, window.on, window.runner, window)
            window.supervisor_console = console  # type: ignore[attr-defined]
            console.load()
        console.show()
        console.raise_()

    window.open_supervisor_console = open_console  # type: ignore[attr-defined]
    window.tools_menu.addAction(
        window._action(
            "Supervisor &console…",
            "Ctrl+Shift+U",
            open_console,
            "Team, assignment, handover, users and KPIs",
        )  # fmt: skip
    )
