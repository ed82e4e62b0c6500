"""Other collectors' changes, as they happen: a cursor over the audit log, and PostgreSQL LISTEN.

Every write leaves an audit event, so "what changed since I last looked" is the audit events
after the last one seen. `ChangeCursor.poll()` reads them (cheap: a primary-key range) and
says which issues they touch; `changes_of()` turns those into one `Changes` record (the
rows as they are now, whoever owns them: each screen's lists decide what they show). On SQLite the GUI polls every few seconds; on PostgreSQL a `ChangeListener` thread
LISTENs on the channel the store NOTIFYs on each commit and wakes the GUI at once.

PostgreSQL hands out ids before commit, so a transaction can commit after a later id was
seen: the cursor looks back a window of ids and skips the ones it has already reported.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from arbench.services.op_changes import Changes, changes_after
from arbench.store.db import Database, DatabaseError, describe_error
from arbench.store.models import (
    Activity,
    Approval,
    AuditEvent,
    DepartmentRequest,
    Issue,
    IssueStep,
    Promise,
)
from arbench.store.notify import CHANNEL

LOOKBACK = 500  # ids re-read to catch transactions that committed late
MAX_BATCH = 5000  # more new events than this: reload everything instead
MAX_ISSUES = 400  # more affected issues than this: reload the worklist instead
# Rows that belong to one issue: their audit events refresh that issue.
ISSUE_CHILDREN: dict[str, Any] = {
    "promise": Promise,
    "department_request": DepartmentRequest,
    "activity": Activity,
    "approval": Approval,
    "issue_step": IssueStep,
}
# Changes that never alter anyone's worklist rows.
QUIET_ENTITIES = frozenset(
    {
        "user",
        "setting",
        "settings",
        "content",
        "content_version",
        "acknowledgement",
        "mapping",
        "day_plan",
        "department",
        "onboarding_checklist",
        "onboarding_task",
        "exception_notice",
    }
)


@dataclass(frozen=True)
class Change:
    """One audit event: who did what to which record."""

    audit_id: int
    user_login: str
    action: str
    entity: str
    entity_id: int | None


@dataclass(frozen=True)
class ChangeSet:
    """What changed since the last poll: the events, the issues they touch, or 'reload all'."""

    changes: tuple[Change, ...]
    issue_ids: frozenset[int]
    reload_all: bool

    @property
    def empty(self) -> bool:
        return not self.changes and not self.reload_all


class ChangeCursor:
    """Remembers the last audit event seen; `poll()` returns the ones after it."""

    def __init__(self, db: Database, start: int | None = None):
        self.db = db
        self._seen: set[int] = set()
        self._reseed(latest_audit_id(db) if start is None else start)

    def _reseed(self, last: int) -> None:
        """Start after `last`: the events in the look-back window up to it count as seen."""
        self.last = last
        with self.db.session() as session:
            ids = select(AuditEvent.id).where(
                AuditEvent.id > max(0, last - LOOKBACK), AuditEvent.id <= last
            )
            self._seen = set(session.scalars(ids))

    def poll(self, *, skip_login: str | None = None) -> ChangeSet:
        """New changes (by others, when skip_login names the user of this screen)."""
        floor = max(0, self.last - LOOKBACK)
        with self.db.session() as session:
            rows = session.execute(_events_after(floor)).all()
            fresh = [r for r in rows if r.id not in self._seen]
            if len(rows) > MAX_BATCH:
                self._reseed(latest_audit_id(self.db))
                return ChangeSet(tuple(_change(r) for r in fresh[:100]), frozenset(), True)
            changes = tuple(_change(r) for r in fresh)
            self._advance([r.id for r in rows])
            shown = [c for c in changes if c.user_login != skip_login]
            issue_ids, reload_all = affected_issues(session, shown)
        return ChangeSet(tuple(shown), frozenset(issue_ids), reload_all)

    def _advance(self, ids: list[int]) -> None:
        if ids:
            self.last = max(self.last, max(ids))
        low = max(0, self.last - LOOKBACK)
        self._seen = {i for i in self._seen | set(ids) if i > low}


def latest_audit_id(db: Database) -> int:
    """The id of the newest audit event (0 on an empty log)."""
    with db.session() as session:
        return int(session.scalar(select(func.max(AuditEvent.id))) or 0)


def _events_after(floor: int) -> Any:
    return (
        select(
            AuditEvent.id,
            AuditEvent.user_login,
            AuditEvent.action,
            AuditEvent.entity,
            AuditEvent.entity_id,
        )
        .where(AuditEvent.id > floor)
        .order_by(AuditEvent.id)
        .limit(MAX_BATCH + 1)
    )


def _change(row: Any) -> Change:
    return Change(row.id, row.user_login, row.action, row.entity, row.entity_id)


def affected_issues(session: Session, changes: Iterable[Change]) -> tuple[set[int], bool]:
    """The issue ids the changes touch, and whether they need a full worklist reload."""
    issue_ids: set[int] = set()
    by_kind: dict[str, set[int]] = {}
    reload_all = False
    for change in changes:
        if change.entity in QUIET_ENTITIES:
            continue
        if change.entity_id is None:
            reload_all = True
        elif change.entity == "issue":
            issue_ids.add(change.entity_id)
        else:
            by_kind.setdefault(change.entity, set()).add(change.entity_id)
    for kind, ids in by_kind.items():
        found = _issues_of(session, kind, ids)
        if found is None:
            reload_all = True
        else:
            issue_ids |= found
    if len(issue_ids) > MAX_ISSUES:
        return set(), True
    return issue_ids, reload_all


def _issues_of(session: Session, kind: str, ids: set[int]) -> set[int] | None:
    if kind in ISSUE_CHILDREN:
        model = ISSUE_CHILDREN[kind]
        return set(session.scalars(select(model.issue_id).where(model.id.in_(ids))))
    if kind == "pro":
        return set(session.scalars(select(Issue.id).where(Issue.pro_id.in_(ids))))
    if kind in ("account", "assignment_account"):
        return set(session.scalars(select(Issue.id).where(Issue.account_id.in_(ids))))
    return None  # an entity this screen cannot map (assignments, handovers...): reload


def changes_of(db: Database, issue_ids: Iterable[int], on: date | None = None) -> Changes:
    """The record of changes to these issues: their rows now, or removed when not open."""
    with db.session() as session:
        return changes_after(session, issue_ids, on or date.today())


class ChangeListener:
    """A thread that LISTENs for commits on PostgreSQL and calls `on_change(payload)`.

    A lost connection is retried with a growing pause (1 s doubling to 30 s);
    `on_state(connected, message)` reports it. `stop()` ends the thread within a second.
    """

    def __init__(
        self,
        db: Database,
        on_change: Callable[[str], None],
        on_state: Callable[[bool, str], None] | None = None,
    ):
        if db.backend != "postgresql":
            raise ValueError("LISTEN/NOTIFY needs PostgreSQL; poll a ChangeCursor on SQLite")
        self.db, self.on_change = db, on_change
        self.on_state = on_state or (lambda _ok, _msg: None)
        self._stop = threading.Event()
        self.listening = threading.Event()
        self._thread = threading.Thread(target=self._run, name="arbench-listen", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        pause = 1.0
        while not self._stop.is_set():
            try:
                self._listen()
                pause = 1.0
            except (SQLAlchemyError, DatabaseError, OSError, _psycopg_error()) as exc:
                self.listening.clear()
                text = describe_error(exc, self.db.url)
                self.on_state(False, f"{text}; retrying in {pause:.0f} s")
                self._stop.wait(pause)
                pause = min(pause * 2, 30.0)

    def _listen(self) -> None:
        fairy = self.db.engine.raw_connection()
        fairy.detach()  # this connection never goes back to the pool
        conn = cast(Any, fairy.dbapi_connection)
        try:
            conn.rollback()
            conn.autocommit = True
            conn.execute(f"LISTEN {CHANNEL}")
            self.listening.set()
            self.on_state(True, "listening for other collectors' changes")
            while not self._stop.is_set():
                for note in conn.notifies(timeout=0.5):
                    self.on_change(str(note.payload))
        finally:
            self.listening.clear()
            conn.close()


def _psycopg_error() -> type[Exception]:
    import psycopg

    return psycopg.Error
