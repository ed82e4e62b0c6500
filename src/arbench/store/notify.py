"""PostgreSQL change notification: every transaction that writes audit events sends NOTIFY.

The notification is issued inside the writing transaction, so PostgreSQL delivers it only when
that transaction commits (and never when it rolls back). Its payload names the audit event ids
and the changed entities; listeners (services/changes.py) treat it as a wake-up call and read
the audit log itself, so a payload cut short to fit PostgreSQL's limit loses nothing.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.orm import Session, sessionmaker

from arbench.store.models import AuditEvent

CHANNEL = "arbench_changes"
MAX_PAYLOAD = 7000  # PostgreSQL refuses payloads of 8000 bytes or more


def install(sessions: sessionmaker[Session]) -> None:
    """Make every session of this factory announce its audit events on commit."""
    if not event.contains(sessions, "after_flush", _announce):
        event.listen(sessions, "after_flush", _announce)


def payload_for(events: list[AuditEvent]) -> str:
    ids = sorted(e.id for e in events if e.id is not None)
    entities = sorted({f"{e.entity}:{e.entity_id}" for e in events})
    payload = json.dumps({"ids": ids, "entities": entities}, separators=(",", ":"))
    if len(payload) > MAX_PAYLOAD:
        payload = json.dumps({"ids": [ids[0], ids[-1]] if ids else [], "truncated": True})
    return payload


def _announce(session: Session, _context: Any) -> None:
    events = [obj for obj in session.new if isinstance(obj, AuditEvent)]
    if not events:
        return
    session.connection().execute(
        text("SELECT pg_notify(:channel, :payload)"),
        {"channel": CHANNEL, "payload": payload_for(events)},
    )
