"""What every service shares: the acting user, the errors users see, the audit record.

`ServiceError`, `Conflict` and `Unreachable` are defined in `arbench.errors` (the store raises
the last two itself) and used from here like the others.

`audit` records who acted (the arbench user), who was connected to the database (`db_login`:
the PostgreSQL login, or the OS account on a SQLite file) and, when a supervisor acts for
someone else, that supervisor (`acted_by`). It refuses to write outside a service declared in
services/permissions.py, so a write nobody gave a role rule cannot leave an audit record.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from arbench.domain.catalogue import Role
from arbench.errors import Conflict, ServiceError, Unreachable
from arbench.store.db import Database
from arbench.store.models import Activity, AuditEvent, User

__all__ = [
    "SYSTEM", "Actor", "Conflict", "InvalidInput", "NotFound", "PermissionDenied",
    "ServiceError", "Unreachable", "actor_for", "add_activity", "audit", "jsonable", "now",
    "require_supervisor",
]  # fmt: skip


class NotFound(ServiceError):
    pass


class PermissionDenied(ServiceError):
    pass


class InvalidInput(ServiceError):
    pass


@dataclass(frozen=True)
class Actor:
    """The person acting: every service call says who it is for.

    `db_login` is who was connected when the actor was signed in (services/identity.py);
    `acted_by` the supervisor acting for this user through an explicit, audited "act for".
    """

    id: int
    login: str
    display_name: str
    role: Role
    db_login: str | None = None
    acted_by: str | None = None

    @property
    def is_supervisor(self) -> bool:
        return self.role == Role.SUPERVISOR


# The setup actor: only for what the database owner's setup writes (shipped content, the demo
# book), never a default for a command: jobs and imports run as a named user.
SYSTEM = Actor(id=0, login="system", display_name="arbench", role=Role.SUPERVISOR)

# The declared service a write runs in (set by services/permissions.py); None outside one.
WRITING: ContextVar[str | None] = ContextVar("arbench_writing", default=None)


def now() -> datetime:
    """The current time (naive, local wall clock) used for timestamps."""
    return datetime.now().replace(microsecond=0)


def actor_for(db: Database, login: str) -> Actor:
    """The active user with this login, as an Actor; unknown or inactive users are refused."""
    with db.session() as session:
        user = session.scalar(select(User).where(User.login == login))
        if user is None:
            raise NotFound(f"unknown user '{login}'")
        if not user.active:
            raise PermissionDenied(f"user '{login}' is deactivated")
        return Actor(user.id, user.login, user.display_name, Role(user.role))


def require_supervisor(actor: Actor, action: str) -> None:
    """Refuse the action unless the actor is a supervisor."""
    if not actor.is_supervisor:
        raise PermissionDenied(
            f"only a supervisor can {action}; {actor.login} is a {actor.role.value}"
        )


def jsonable(value: Any) -> Any:
    """A value as it is stored in an audit record (dates ISO, Decimal as string)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def audit(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: int | None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> None:
    """Record who changed what, with the before and after values, in the caller's transaction."""
    if WRITING.get() is None:
        raise RuntimeError(
            f"audit of {action} outside a declared service: declare the public service that "
            "writes with @service or @setup (services/permissions.py)"
        )
    session.add(
        AuditEvent(
            at=now(),
            user_login=actor.login,
            db_login=actor.db_login,
            acted_by=actor.acted_by,
            action=action,
            entity=entity,
            entity_id=entity_id,
            before={k: jsonable(v) for k, v in before.items()} if before is not None else None,
            after={k: jsonable(v) for k, v in after.items()} if after is not None else None,
        )
    )


def add_activity(
    session: Session,
    actor: Actor,
    account_id: int,
    kind: str,
    text: str,
    *,
    issue_id: int | None = None,
    contact: str | None = None,
    outcome: str | None = None,
    at: datetime | None = None,
    minutes: int | None = None,
) -> Activity:
    """Add an entry to the timeline of an account (and of an issue, when given)."""
    activity = Activity(
        account_id=account_id,
        issue_id=issue_id,
        user_id=actor.id or None,
        at=at or now(),
        kind=kind,
        contact=contact,
        outcome=outcome,
        text=text,
        minutes=minutes,
    )
    session.add(activity)
    return activity
