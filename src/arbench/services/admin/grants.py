"""Least privilege on the team server: what a collector's PostgreSQL login may touch.

`grant_login` (run by the database owner: `arbench db grant LOGIN`) gives one login the table
privileges the app needs and nothing more: read and write the book's tables, insert (never
change or delete) audit events, read the schema version. What a login may do inside those
tables is the server's business too (migration 0008): users and settings are written only by
supervisors' logins, audit events are recorded only under the login's own name (or, for a
supervisor, as an explicit act-for), and nobody but the owner alters the history.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from arbench.domain.catalogue import Role
from arbench.services.base import Actor, InvalidInput, NotFound, audit
from arbench.services.identity import connected_login
from arbench.services.permissions import setup
from arbench.store.db import Database
from arbench.store.models import User

TABLE_RIGHTS = "SELECT, INSERT, UPDATE, DELETE"
GRANTS = (
    "GRANT CONNECT ON DATABASE {database} TO {login}",
    "GRANT USAGE ON SCHEMA {schema} TO {login}",
    "GRANT " + TABLE_RIGHTS + " ON ALL TABLES IN SCHEMA {schema} TO {login}",
    "REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON alembic_version FROM {login}",
    "REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM {login}",
    "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO {login}",
    # tables a later upgrade adds are the app's too (audit_events keeps its revokes)
    "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT " + TABLE_RIGHTS + " ON TABLES TO {login}",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT, UPDATE ON SEQUENCES "
    "TO {login}",
)


@dataclass(frozen=True)
class GrantResult:
    login: str
    role: str  # the arbench role of the user this login acts as
    warnings: list[str]


def _quote(session: Session, name: str) -> str:
    return session.get_bind().dialect.identifier_preparer.quote(name)


@setup("grant a login access to the team database")
def grant_login(db: Database, login: str) -> GrantResult:
    """Give a PostgreSQL login what the app needs (the database owner only).

    The login must exist on the server and be an arbench user with the same login."""
    if db.backend != "postgresql":
        raise InvalidInput(
            "a SQLite file has no logins: its OS file permissions decide who can open it"
        )
    owner = connected_login(db)
    with db.session() as session:
        user = session.scalar(select(User).where(User.login == login))
        if user is None:
            raise NotFound(
                f"no arbench user '{login}': add it first "
                f"(arbench --as SUPERVISOR user add {login} --name ... --role ...)"
            )
        if not session.scalar(
            text("SELECT count(*) FROM pg_roles WHERE rolname = :l AND rolcanlogin"), {"l": login}
        ):
            raise NotFound(
                f"the server has no login '{login}': a superuser creates it "
                f"(CREATE ROLE {login} LOGIN PASSWORD '...'), then run `db grant` again"
            )
        names = {
            "login": _quote(session, login),
            "database": _quote(session, str(session.scalar(text("SELECT current_database()")))),
            "schema": _quote(session, str(session.scalar(text("SELECT current_schema()")))),
        }
        for statement in GRANTS:
            session.execute(text(statement.format(**names)))
        warnings = _warnings(session, login)
        actor = Actor(0, owner.name, "database owner", Role.SUPERVISOR, db_login=owner.name)
        audit(session, actor, "login.grant", "user", user.id, None,
              {"login": login, "role": user.role})  # fmt: skip
        return GrantResult(login, user.role, warnings)


def _warnings(session: Session, login: str) -> list[str]:
    """Memberships that would give the login more than the app needs."""
    owner = session.scalar(
        text("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()")
    )
    if session.scalar(text("SELECT pg_has_role(:l, :o, 'MEMBER')"), {"l": login, "o": owner}):
        return [
            f"{login} is a member of the owner role {owner} and can do all it can: "
            f"as a superuser run REVOKE {owner} FROM {login}"
        ]
    return []
