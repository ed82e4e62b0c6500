"""Documents and mail in the main window: the item panel's Documents tab and the Mail menu
(inbox, the day's reminders, send a statement). Installed with the window's context
(ui/features.py keeps the `CorrespondenceFeature` in `Features.correspondence`): the tab
through `ctx.panel.add_tab`, the menu through `ctx.menus.add(Section.MAIL, ...)`; every read
and write goes through `ctx.runner`, and the writes' change records through the worklist
controller. Sending an item's email is the Script feature's Item ▸ Email… (ui/script_runner.py).
"""

from __future__ import annotations

from arbench.services.reporting.reports import Statement, statement
from arbench.services.work.item_detail import ItemDetail
from arbench.ui.action_bar import make_action
from arbench.ui.context import Section, WindowContext
from arbench.ui.documents_panel import DocumentsPanel
from arbench.ui.mail_dialogs import InboxDialog, ReminderDialog, StatementDialog


class CorrespondenceFeature:
    """The Documents tab and the Mail menu of one window; the windows it opened last."""

    def __init__(self, ctx: WindowContext):
        self.ctx = ctx
        self.documents = DocumentsPanel(ctx.db, ctx.actor, ctx.on, ctx.runner)
        ctx.panel.add_tab(self.documents, "Documents")
        ctx.panel.detail_shown.connect(self._follow)
        self.inbox: InboxDialog | None = None
        self.reminders: ReminderDialog | None = None
        self.statement: StatementDialog | None = None
        for text, tip, slot in (
            ("&Inbox…", "Replies that matched no item", self.open_inbox),
            ("&Reminders…", "The day's reminders, to send in one click", self.open_reminders),
            ("Send a &statement…", "Email a statement of this account's pros", self.open_statement),
        ):
            ctx.menus.add(Section.MAIL, make_action(ctx.window, text, None, tip, slot))

    def _follow(self, detail: ItemDetail | None) -> None:
        if detail is None:
            self.documents.show_target(None, None)
        else:
            self.documents.show_target(
                detail.pro.pro if detail.pro else None, detail.account.number
            )

    def open_inbox(self) -> InboxDialog:
        ctx = self.ctx
        self.inbox = InboxDialog(ctx.db, ctx.actor, ctx.on, ctx.runner, ctx.window)
        self.inbox.open()
        return self.inbox

    def open_reminders(self) -> ReminderDialog:
        ctx = self.ctx
        self.reminders = ReminderDialog(ctx.db, ctx.actor, ctx.on, ctx.runner, ctx.window)
        self.reminders.open()
        return self.reminders

    def open_statement(self) -> None:
        """Read the account's open items (off the GUI thread), then open the dialog with the
        item's pros ticked (an account item's linked pros; none linked: all)."""
        ctx, detail = self.ctx, self.ctx.panel.detail
        if detail is None:
            ctx.show_message("Select an item first", 4000)
            return
        db, number, on = ctx.db, detail.account.number, ctx.on
        ctx.runner.read(lambda: statement(db, number, on),
                        lambda data: self._statement_read(detail, data))  # fmt: skip

    def _statement_read(self, detail: ItemDetail, data: Statement) -> None:
        ctx = self.ctx
        wanted = {p.pro for p in detail.linked_pros if p.pro} | (
            {detail.pro.pro} if detail.pro else set()
        )
        pros = [(x.pro, f"PRO {x.pro}  ${x.open_balance:,.2f}  due {x.due_date or ''}")
                for x in data.lines]  # fmt: skip
        self.statement = StatementDialog(ctx.db, ctx.actor, ctx.on, ctx.runner, data.account_number,
                                         pros, detail.id, wanted, ctx.window)  # fmt: skip
        self.statement.open()


def install(ctx: WindowContext) -> CorrespondenceFeature:
    return CorrespondenceFeature(ctx)
