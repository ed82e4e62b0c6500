"""The supervisor console feature: Tools ▸ Supervisor console for supervisors.

Opening the window reads only: a cover whose date has come is named in the status bar, and
Tools ▸ End due covers (collectors and supervisors; the daily job `arbench covers end` does the
same) gives those books back through the operation runner; the lists follow the `reload` record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from arbench.domain.catalogue import Role
from arbench.services.op_changes import Changes
from arbench.services.organization import handover as handover_service
from arbench.services.organization.handover import CoverInfo
from arbench.ui.action_bar import make_action
from arbench.ui.context import Section, WindowContext
from arbench.ui.operations import Write

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


def covers_feature(ctx: WindowContext) -> None:
    """Name the covers whose date has come; staff get Tools ▸ End due covers (a write)."""
    db, on = ctx.db, ctx.on

    def shown(covers: list[CoverInfo]) -> None:
        ending = [c for c in covers if c.ending]
        if ending:
            names = ", ".join(f"{c.absent_login} (until {c.until})" for c in ending)
            ctx.show_message(
                f"Cover ended, book not given back yet: {names}; Tools ▸ End due covers", 15000
            )

    ctx.runner.read(lambda: handover_service.active_covers(db, on), shown, key="covers")
    if ctx.actor.role == Role.TRAINEE:
        return
    ctx.menus.add(Section.TOOLS, make_action(
        ctx.window, "&End due covers", None, "Give back books whose cover ended",
        lambda: end_due_covers(ctx),
    ))  # fmt: skip


def end_due_covers(ctx: WindowContext) -> None:
    """Give back the books whose cover ended by today (a write); the lists follow if any did."""
    db, actor, on = ctx.db, ctx.actor, ctx.on

    def work() -> Changes:
        ended = handover_service.end_due_covers(db, actor, on)
        names = ", ".join(c.absent_login for c in ended)
        if not ended:
            return Changes(notice="no cover was due")
        return Changes(reload=True, notice=f"Covers ended, books given back: {names}")

    ctx.runner.write(Write("Ending due covers", work))


def install(ctx: WindowContext) -> SupervisorFeature | None:
    covers_feature(ctx)
    return SupervisorFeature(ctx) if ctx.actor.is_supervisor else None
