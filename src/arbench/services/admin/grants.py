"""Least privilege on the team server: what a collector's PostgreSQL login may touch.

`grant_login` (run by the database owner: `arbench db grant LOGIN`) gives one login the table
privileges the app needs and nothing more: read and write the book's tables, insert (never
change or delete) audit events, read the schema version. A department user's login (role
`department`) reads the book and writes only what answering a request, handing it back and
ticking an onboarding task change: the request, the item's status, a timeline entry, an audit
event, the onboarding task and the account facts it captures, and the documents attached with an
answer (the file, its stored bytes, a pro's "POD on file") (DEPARTMENT_GRANTS). Granting again
after a role change starts from nothing, so a login never keeps an earlier role's rights. What a login may do inside those
tables is the server's business too (migration 0008): users and settings are written only by
supervisors' logins, audit events are recorded only under the login's own name (or, for a
supervisor, as an explicit act-for), and nobody but the owner alters the history.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from arbench.domain.account_setup import CAPTURED_ACCOUNT_FIELDS
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


# A department login (issue #20): read everything it may be shown, write only its answers.
DEPARTMENT_GRANTS = (
    "GRANT CONNECT ON DATABASE {database} TO {login}",
    "GRANT USAGE ON SCHEMA {schema} TO {login}",
    "GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {login}",
    "GRANT INSERT ON activities, audit_events TO {login}",
    "GRANT UPDATE (status, answer, answered_on, answered_by_id, handed_back, version) "
    "ON department_requests TO {login}",
    "GRANT UPDATE (status, updated_at, version) ON issues TO {login}",
    "GRANT UPDATE (assignee_id, value, done_at, done_by_id, version) ON onboarding_tasks "
    "TO {login}",
    "GRANT UPDATE (completed_on) ON onboarding_checklists TO {login}",
    # the documents attached with an answer (issue #19's tables): a POD sets "POD on file"
    "GRANT INSERT ON documents, document_blobs TO {login}",
    "GRANT UPDATE (pod_on_file, version) ON pros TO {login}",
    # sales opens new accounts with their checklist (the services refuse other departments)
    "GRANT INSERT ON accounts, onboarding_checklists, onboarding_tasks TO {login}",
    "GRANT UPDATE (" + ", ".join(CAPTURED_ACCOUNT_FIELDS) + ", version) ON accounts TO {login}",
    "GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO {login}",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT ON TABLES TO {login}",
)
# What a login had before is taken away first (a collector who became a department user).
REVOKES = (
    "REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {login}",
    "REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {login}",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} REVOKE ALL ON TABLES FROM {login}",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} REVOKE ALL ON SEQUENCES FROM {login}",
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
        chosen = DEPARTMENT_GRANTS if user.role == Role.DEPARTMENT else GRANTS
        for statement in (*REVOKES, *chosen):
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
