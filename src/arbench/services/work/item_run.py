"""One item action on one or several items of one account, in one transaction.

`run_action` is how every item action writes: it locks the items in id order (a collector
saving the same items at the same moment waits, then gets a Conflict naming the item that
changed), checks each (permission, version), refuses items of several accounts, applies the
action to each item (each keeps its own timeline entry and audit record), marks the account
worked in the day's plans, keeps what was written for Undo (services.work.undo), and returns the
one `Changes` record. Any error leaves nothing written and names the item that blocked it.

On SQLite the transaction takes the write lock at BEGIN (a second process waits, then reads
what the first wrote); on PostgreSQL the items' rows are locked (FOR UPDATE).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from arbench.services.base import Actor, InvalidInput
from arbench.services.op_changes import Changes, changes_after
from arbench.services.work.day_plan import mark_worked
from arbench.services.work.item_base import describe, guarded_issue
from arbench.services.work.undo import journaled
from arbench.store.db import Database
from arbench.store.models import Account, Issue


@dataclass(frozen=True)
class Target:
    """An item to act on, and the version the user saw (None: as it is now)."""

    issue_id: int
    version: int | None = None


# What an action does to one locked item; returns the ids of other items it touched.
Act = Callable[[Session, Issue], Iterable[int]]
Notice = Callable[[Session, list[Issue]], str]


@contextmanager
def write_session(db: Database) -> Iterator[Session]:
    """A session whose transaction writes (on SQLite it takes the write lock at BEGIN)."""
    with db.session() as session:
        if db.backend == "sqlite":
            session.connection().exec_driver_sql("BEGIN IMMEDIATE")
        yield session


def run_action(
    database: Database,  # not a service (no rule of its own): the declared services call it
    actor: Actor,
    targets: Sequence[Target],
    verb: str,
    act: Act,
    *,
    on: date,
    what: str,
    notice: Notice | None = None,
) -> Changes:
    """Apply `act` to every target (see the module docstring); `verb` names the action in
    messages ("log a call on"), `what` in Undo ("Log a call": "Log a call on PRO 123")."""
    if not targets:
        raise InvalidInput(f"choose at least one item to {verb}")
    with write_session(database) as s:
        with journaled(s, actor) as journal:
            issues = [
                guarded_issue(s, actor, t.issue_id, t.version, verb)
                for t in sorted(set(targets), key=lambda t: t.issue_id)
            ]
            one_account(s, issues, verb)
            journal.label = label_for(s, what, issues)
            touched: set[int] = set()
            for issue in issues:
                touched.update(act(s, issue))
            mark_worked(s, {i.account_id for i in issues}, on)
        said = notice(s, issues) if notice is not None else ""
        return changes_after(s, [*(i.id for i in issues), *touched], on, notice=said)


def one_account(session: Session, issues: list[Issue], verb: str) -> None:
    """Several items are worked together only when they are on one account."""
    accounts = sorted({i.account_id for i in issues})
    if len(accounts) > 1:
        numbers = session.scalars(select(Account.number).where(Account.id.in_(accounts))).all()
        raise InvalidInput(
            f"cannot {verb} items of {len(accounts)} accounts at once "
            f"({', '.join(sorted(numbers))}): select the pros of one account"
        )


def label_for(session: Session, what: str, issues: list[Issue]) -> str:
    """'Log a call on PRO 123' or 'Log a call on 3 items of C100120' (how Undo names it)."""
    if len(issues) == 1:
        return f"{what} on {describe(session, issues[0])}"
    account = session.get(Account, issues[0].account_id)
    return f"{what} on {len(issues)} items of {account.number if account else '?'}"
