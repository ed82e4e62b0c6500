"""The supervisor console feature: Tools ▸ Supervisor console for supervisors.

`install` also gives back accounts whose temporary cover ended (at app start), for everyone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from arbench.services.assignments import revert_due_covers

if TYPE_CHECKING:
    from arbench.ui.main_window import MainWindow


def install(window: MainWindow) -> None:
    reverted = revert_due_covers(window.db, window.on)
    if reverted:
        names = ", ".join(c.absent_login for c in reverted)
        window.statusBar().showMessage(f"Cover ended, books given back: {names}", 10000)
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
