"""The supervisor console feature: Tools ▸ Supervisor console for supervisors.

`install` also gives back accounts whose temporary cover ended (at app start, off the GUI
thread), for everyone: a cover that ended is a change like any other, so the lists are read
again through the worklist controller (a `reload` record).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from arbench.services.assignments import revert_due_covers
from arbench.services.handover import CoverInfo
from arbench.services.op_changes import Changes
from arbench.ui.action_bar import make_action
from arbench.ui.context import Section, WindowContext

if TYPE_CHECKING:  # the console loads QtCharts: imported when first opened, not at start
    from arbench.ui.supervisor.console import SupervisorConsole


class SupervisorFeature:
    """Tools ▸ Supervisor console (Ctrl+Shift+U)."""

    def __init__(self, ctx: WindowContext):
        self.ctx = ctx
        self.console: SupervisorConsole | None = None
        ctx.menus.add(Section.TOOLS, make_action(
            ctx.window, "Supervisor &console…", "Ctrl+Shift+U",
            "Team, assignment, handover, users and KPIs", self.open,
        ))  # fmt: skip

    def open(self) -> SupervisorConsole:
        from arbench.ui.supervisor.console import SupervisorConsole

        if self.console is None:
            ctx = self.ctx
            self.console = SupervisorConsole(ctx.db, ctx.actor, ctx.on, ctx.runner,
                                             ctx.controller.apply, ctx.window)  # fmt: skip
            self.console.load()
        self.console.show()
        self.console.raise_()
        return self.console


def end_due_covers(ctx: WindowContext) -> None:
    """Give back the books whose cover ended by today; the lists follow if any did."""
    db, on = ctx.db, ctx.on

    def ended(reverted: list[CoverInfo]) -> None:
        if reverted:
            names = ", ".join(c.absent_login for c in reverted)
            ctx.controller.apply(Changes(reload=True, notice=f"cover ended: {names}"))
            ctx.show_message(f"Cover ended, books given back: {names}", 10000)

    ctx.runner.run(lambda: revert_due_covers(db, on), ended, ctx.runner.show_error)


def install(ctx: WindowContext) -> SupervisorFeature | None:
    end_due_covers(ctx)
    return SupervisorFeature(ctx) if ctx.actor.is_supervisor else None
