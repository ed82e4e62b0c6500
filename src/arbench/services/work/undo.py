"""Undo the last action: an audited reversal within the team's undo window, never a reopen.

An item action runs inside `journaled(session, actor, label)`: while it writes, the session's
flushes are watched and what the action did is kept in an `undo_entries` row: the rows it
added (timeline entries, promises, requests, script steps, approvals, ...) and the values it
replaced (the item's status, follow-up, root cause; an earlier promise it cancelled; a request
it closed). `undo_last` takes the user's last entry, if it is younger than the team setting
`undo_minutes` and nobody changed its items since (else a Conflict naming the item), removes
the rows the action added, puts the replaced values back, and writes an "issue.undo" audit
event per item. The audit log itself is never journaled nor undone.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, event, inspect, select
from sqlalchemy.orm import Session

from arbench.services.base import Actor, InvalidInput, audit, jsonable, now
from arbench.services.op_changes import Changes, changes_after
from arbench.services.permissions import ANYONE, service
from arbench.services.settings import read_settings
from arbench.services.work.item_base import conflict, load_issue, touch
from arbench.store.db import Database
from arbench.store.models import (
    Activity,
    Approval,
    Base,
    DayPlanAccount,
    DepartmentRequest,
    Issue,
    IssueStep,
    Promise,
    UndoEntry,
)
from arbench.store.types import Money

JOURNALED: dict[str, type[Base]] = {
    m.__tablename__: m
    for m in (Issue, Activity, Promise, DepartmentRequest, IssueStep, Approval, DayPlanAccount)
}
SKIPPED = {"version", "updated_at"}  # kept by the store; the undo writes new ones


class Journal:
    """What the session writes while it is watched: added rows, replaced values."""

    def __init__(self, label: str = "") -> None:
        self.label = label  # how Undo names the action ("Log a call on PRO 123")
        self.added: list[Base] = []
        self.replaced: dict[tuple[str, int], dict[str, Any]] = {}
        self.issues: set[int] = set()

    def before_flush(self, session: Session, _context: Any, _instances: Any) -> None:
        for obj in session.new:
            if type(obj).__tablename__ in JOURNALED and obj not in self.added:
                self.added.append(obj)
        for obj in session.dirty:
            table = type(obj).__tablename__
            if table not in JOURNALED or obj in self.added:
                continue
            state = inspect(obj)
            old = self.replaced.setdefault((table, _id(obj)), {})
            for attr in state.mapper.column_attrs:
                history = state.attrs[attr.key].history
                if attr.key not in SKIPPED and attr.key not in old and history.deleted:
                    old[attr.key] = jsonable(history.deleted[0])
            if table == "issues":
                self.issues.add(_id(obj))

    def entries(self) -> list[dict[str, Any]]:
        added = [{"table": type(o).__tablename__, "added": _id(o)} for o in self.added]
        replaced = [{"table": t, "id": i, "values": v} for (t, i), v in self.replaced.items() if v]
        return added + replaced


def _id(row: Base) -> int:
    identity = inspect(row).identity
    assert identity is not None, "a journaled row is flushed before it is read"
    return int(identity[0])


@contextmanager
def journaled(session: Session, actor: Actor, label: str = "") -> Iterator[Journal]:
    """Watch what the body writes and keep it as the actor's last undoable action (the body
    may name it later: `journal.label`)."""
    journal = Journal(label)
    event.listen(session, "before_flush", journal.before_flush)
    try:
        yield journal
        session.flush()
    finally:
        event.remove(session, "before_flush", journal.before_flush)
    issue_ids = journal.issues | {o.id for o in journal.added if isinstance(o, Issue)}
    versions = {
        str(i): v
        for i, v in session.execute(select(Issue.id, Issue.version).where(Issue.id.in_(issue_ids)))
    }
    session.add(UndoEntry(user_id=actor.id or None, user_login=actor.login, at=now(),
                          label=journal.label[:200], journal=journal.entries(), versions=versions))  # fmt: skip


def _value(model: type[Base], key: str, value: Any) -> Any:
    """A journaled value back in its column's Python type."""
    if value is None:
        return None
    column_type = model.__table__.columns[key].type
    if isinstance(column_type, Money):
        return Decimal(str(value))
    if isinstance(column_type, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(column_type, Date):
        return date.fromisoformat(value)
    if isinstance(column_type, Boolean):
        return bool(value)
    return value


@service(ANYONE, "see their last action", writes=False)
def last_undoable(db: Database, actor: Actor) -> tuple[str, datetime] | None:
    """The label and time of the actor's action that Undo would reverse now (None: nothing)."""
    with db.session() as s:
        entry = _last(s, actor)
        if entry is None or entry.undone_at is not None or _expired(s, entry):
            return None
        return entry.label, entry.at


def _last(session: Session, actor: Actor) -> UndoEntry | None:
    return session.scalar(
        select(UndoEntry).where(UndoEntry.user_login == actor.login).order_by(UndoEntry.id.desc())
    )


def _expired(session: Session, entry: UndoEntry) -> bool:
    return now() - entry.at > timedelta(minutes=read_settings(session).undo_minutes)


@service(ANYONE, "undo their last action", note="their own last action, within the undo window")
def undo_last(db: Database, actor: Actor, *, on: date | None = None) -> Changes:
    """Reverse the actor's last item action (see the module docstring)."""
    on = on or date.today()
    with db.session() as s:
        entry = _last(s, actor)
        if entry is None or entry.undone_at is not None:
            raise InvalidInput(
                "nothing to undo: your last action was already undone, or there is none"
            )
        if _expired(s, entry):
            minutes = read_settings(s).undo_minutes
            raise InvalidInput(
                f"'{entry.label}' was saved at {entry.at:%H:%M}: only the last {minutes} minutes "
                "can be undone; correct it instead (reopen as a correction, or act again)"
            )
        issues = _locked(s, entry)
        before = {i.id: {"status": i.status, "version": i.version} for i in issues}
        _reverse(s, entry.journal)
        for issue in issues:
            touch(s, issue, collector_action=False)
        s.flush()
        for issue in issues:
            audit(s, actor, "issue.undo", "issue", issue.id, before[issue.id],
                  {"version": issue.version, "status": issue.status, "undid": entry.label})  # fmt: skip
        entry.undone_at = now()
        return changes_after(s, [i.id for i in issues], on, notice=f"undone: {entry.label}")


def _locked(session: Session, entry: UndoEntry) -> list[Issue]:
    """The entry's items, locked, each still at the version the action left it (else a
    Conflict naming what changed since; nothing is undone)."""
    issues = []
    for key, version in sorted(entry.versions.items(), key=lambda kv: int(kv[0])):
        issue = load_issue(session, int(key))
        if issue.version != version:
            raise conflict(session, issue, int(version))
        issues.append(issue)
    return issues


def _reverse(session: Session, journal: list[dict[str, Any]]) -> None:
    """Put replaced values back, then remove added rows (children before parents)."""
    for entry in journal:
        if "values" in entry:
            model = JOURNALED[entry["table"]]
            row = session.get(model, entry["id"])
            if row is None:
                raise InvalidInput(f"cannot undo: a {entry['table']} row is gone")
            for key, value in entry["values"].items():
                setattr(row, key, _value(model, key, value))
    for entry in reversed([e for e in journal if "added" in e]):
        row = session.get(JOURNALED[entry["table"]], entry["added"])
        if row is not None:
            session.delete(row)
    session.flush()
