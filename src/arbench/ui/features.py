"""The features of the main window, installed in order with the window's typed context.

Each feature module has `install(ctx: WindowContext, ...) -> TheFeature`; what one feature
needs of another is passed explicitly (the Script tab gets the training center's
`show_note`). The window keeps them in `Features`, typed: nothing is attached to the window by
name, nothing is looked up with getattr.
"""

from __future__ import annotations

from dataclasses import dataclass

from arbench.ui import (
    actions,
    approvals,
    book_search,
    content_editor,
    correspondence,
    data_actions,
    glossary_tips,
    list_controls,
    live_updates,
    script_runner,
    shortcuts,
    supervisor,
    team_menu,
    today,
    training_center,
)
from arbench.ui.context import WindowContext


@dataclass(frozen=True)
class Features:
    """The installed features of one main window (None: not for this user's role)."""

    today: today.TodayFeature
    item_actions: actions.ItemActions
    training: training_center.TrainingFeature
    script: script_runner.ScriptFeature
    glossary: glossary_tips.GlossaryTips
    approvals: approvals.ApprovalsFeature | None
    live_updates: live_updates.LiveUpdates
    team_menu: team_menu.TeamMenu
    content_editor: content_editor.ContentEditorFeature | None
    supervisor: supervisor.SupervisorFeature | None
    data: data_actions.DataActions
    book_search: book_search.BookSearch
    correspondence: correspondence.CorrespondenceFeature
    list_controls: list[list_controls.ListControls]
    shortcuts: shortcuts.ShortcutSheet


def install_features(ctx: WindowContext) -> Features:
    """Install every feature into the window the context belongs to."""
    day = today.install(ctx)
    item_actions = actions.install(ctx)
    training = training_center.install(ctx)
    script = script_runner.install(ctx, training.show_note)
    item_actions.script_source = script.current_script  # the Resolve dialog's open steps
    return Features(
        today=day,
        item_actions=item_actions,
        training=training,
        script=script,
        glossary=glossary_tips.install(ctx),
        approvals=approvals.install(ctx),
        live_updates=live_updates.install(ctx),
        team_menu=team_menu.install(ctx),
        content_editor=content_editor.install(ctx),
        supervisor=supervisor.install(ctx),
        data=data_actions.install(ctx),
        book_search=book_search.install(ctx),
        correspondence=correspondence.install(ctx),
        list_controls=list_controls.install(ctx),
        shortcuts=shortcuts.install(ctx),
    )
