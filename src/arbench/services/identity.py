"""Who is acting: the arbench user behind a command or a window, as far as it can be proven.

Team mode (PostgreSQL): the acting user is the PostgreSQL login (session_user), mapped to the
arbench user with the same login. `--as` may only name that user; a supervisor acts for
someone else through an explicit, audited `act_for` (the audit keeps both names). The database
owner's login (and a superuser), which creates and migrates the database, may act as any user,
and the audit records the owner's login beside the user's.

A SQLite file is one person's book on one machine: whoever can open the file can act as anyone
in it, so its OS permissions are the boundary, and `--as` names the user. The audit records the
OS account beside the user.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass, replace

from sqlalchemy import text

from arbench.services.base import Actor, NotFound, PermissionDenied, actor_for
from arbench.store.db import Database

OWNER_QUERY = text(
    "SELECT session_user, (session_user = pg_catalog.pg_get_userbyid(d.datdba) OR r.rolsuper) "
    "FROM pg_catalog.pg_database d, pg_catalog.pg_roles r "
    "WHERE d.datname = current_database() AND r.rolname = session_user"
)


@dataclass(frozen=True)
class Login:
    """Who is connected to the database."""

    name: str  # the PostgreSQL login; on SQLite the OS account
    owner: bool  # may act as any user: the database owner or a superuser; any SQLite user
    team: bool  # a PostgreSQL server


def _os_account() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (containers)
        return "unknown"


def connected_login(db: Database) -> Login:
    """The login this connection runs as, and whether it owns the database."""
    if db.backend != "postgresql":
        return Login(_os_account(), True, False)
    with db.session() as session:
        name, owner = session.execute(OWNER_QUERY).one()
    return Login(str(name), bool(owner), True)


def require_owner(db: Database, action: str) -> Login:
    """Refuse unless the connected login owns the database (always true on a SQLite file)."""
    login = connected_login(db)
    if not login.owner:
        raise PermissionDenied(
            f"only the database owner's login can {action}; you are connected as {login.name}"
        )
    return login


def sign_in(db: Database, as_login: str | None, act_for: str | None = None) -> Actor | None:
    """The acting user for `--as` / `--act-for`, checked against the database login.

    Returns None when nothing names a user (SQLite or the owner's login without `--as`):
    commands that change things then ask for `--as`.
    """
    login = connected_login(db)
    if login.team and not login.owner:
        if as_login is not None and as_login != login.name:
            raise PermissionDenied(
                f"you are connected to the team database as {login.name}: --as may only name "
                f"{login.name} (a supervisor acts for someone else with --act-for LOGIN)"
            )
        as_login = login.name
    if as_login is None:
        if act_for is not None:
            raise PermissionDenied("--act-for needs --as SUPERVISOR: the supervisor who acts")
        return None
    actor = _user(db, as_login, login)
    if act_for is None or act_for == actor.login:
        return replace(actor, db_login=login.name)
    if not actor.is_supervisor:
        raise PermissionDenied(
            f"only a supervisor can act for someone else; {actor.login} is a {actor.role.value}"
        )
    return replace(actor_for(db, act_for), db_login=login.name, acted_by=actor.login)


def _user(db: Database, as_login: str, login: Login) -> Actor:
    try:
        return actor_for(db, as_login)
    except NotFound:
        if login.team and as_login == login.name:
            raise NotFound(
                f"the database login {login.name} is no arbench user: a supervisor adds it "
                f"(arbench --as SUPERVISOR user add {login.name} --name ... --role ...)"
            ) from None
        raise
