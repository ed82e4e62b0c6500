"""What a write changed: the one record every item-action write returns (Anki's OpChanges).

A write names the items it touched; `changes_after` reads them back as worklist rows in the
write's own transaction: the open ones as they are now (`items`), the ones that left the open
list (`removed`), with the accounts they belong to. The GUI applies the record in one place
(the worklist controller): rows are found by id in every open list, whatever a view's search
shows, and counts, the status line and the item panel follow. Other people's changes (live
updates), imports and covers that end arrive as the same record (`reload` when a change cannot
be told item by item).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from arbench.services.work.worklist import WorkItem, items_for
from arbench.store.models import Issue


@dataclass(frozen=True)
class Changes:
    """What one write (or one batch of other people's writes) changed."""

    items: tuple[WorkItem, ...] = ()  # open items as they are now: changed or created
    removed: frozenset[int] = frozenset()  # items that left the open list (resolved...)
    created: frozenset[int] = frozenset()  # of `items`, the ones the write opened
    accounts: frozenset[int] = frozenset()  # accounts whose items or timeline changed
    content: frozenset[str] = frozenset()  # content published, as "kind/key"
    acknowledged: frozenset[str] = frozenset()  # training notes read and understood
    reload: bool = False  # too much to tell item by item: read the lists again
    notice: str = ""  # one line for the status bar ("sent to a supervisor for approval")

    @property
    def touched(self) -> frozenset[int]:
        """Every item id the record speaks of (changed, created or removed)."""
        return frozenset(i.id for i in self.items) | self.removed

    def item(self, issue_id: int) -> WorkItem | None:
        """The item's row after the change (None when it is not open, or not touched)."""
        return next((i for i in self.items if i.id == issue_id), None)

    def merge(self, other: Changes) -> Changes:
        """Both records as one (a later row of the same item wins)."""
        later = {i.id for i in other.items} | other.removed
        items = tuple(i for i in self.items if i.id not in later) + other.items
        notice = " · ".join(n for n in (self.notice, other.notice) if n)
        return Changes(
            items, (self.removed - {i.id for i in other.items}) | other.removed,
            self.created | other.created, self.accounts | other.accounts,
            self.content | other.content, self.acknowledged | other.acknowledged,
            self.reload or other.reload, notice,
        )  # fmt: skip


RELOAD = Changes(reload=True)


def changes_after(
    session: Session,
    issue_ids: Iterable[int],
    on: date,
    *,
    created: Iterable[int] = (),
    notice: str = "",
) -> Changes:
    """The record of a write that touched `issue_ids`, read in the write's own transaction."""
    wanted = sorted(set(issue_ids))
    if not wanted:
        return Changes(notice=notice)
    session.flush()
    items = items_for(session, [Issue.id.in_(wanted)], on)
    accounts = session.scalars(select(Issue.account_id).where(Issue.id.in_(wanted))).all()
    present = {i.id for i in items}
    return Changes(
        tuple(items),
        frozenset(set(wanted) - present),
        frozenset(created) & present,
        frozenset(accounts),
        notice=notice,
    )
