"""Users and roles: list them, add, change role, deactivate (supervisors only).

An empty book has nobody to ask: `create_first_supervisor` makes its first user, a supervisor,
and is refused as soon as any user exists (from then on supervisors add users)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from arbench.domain.catalogue import OPEN_STATUSES, Role
from arbench.domain.departments import department_names
from arbench.services.base import Actor, InvalidInput, NotFound, audit, now, require_supervisor
from arbench.services.organization.departments import set_memberships
from arbench.services.permissions import SUPERVISORS, service, setup
from arbench.store.db import Database
from arbench.store.models import Account, Issue, User
from arbench.store.models_departments import DepartmentRow

ROLES = ", ".join(r.value for r in Role)


@dataclass(frozen=True)
class UserInfo:
    id: int
    login: str
    display_name: str
    role: str
    active: bool
    email: str | None


def _info(user: User) -> UserInfo:
    return UserInfo(user.id, user.login, user.display_name, user.role, user.active, user.email)


def list_users(db: Database, *, active_only: bool = False) -> list[UserInfo]:
    """Every user (or only the active ones), by login."""
    with db.session() as session:
        query = select(User).order_by(User.login)
        if active_only:
            query = query.where(User.active.is_(True))
        return [_info(u) for u in session.scalars(query)]


def get_user(db: Database, login: str) -> UserInfo:
    """One user by login."""
    with db.session() as session:
        user = session.scalar(select(User).where(User.login == login))
        if user is None:
            raise NotFound(f"unknown user '{login}'")
        return _info(user)


@setup("create the first supervisor")
def create_first_supervisor(
    db: Database, login: str, display_name: str, email: str | None = None
) -> UserInfo:
    """The first user of a book that has none: a supervisor (audited as the user itself)."""
    with db.session() as session:
        return first_supervisor(session, login, display_name, email)


def first_supervisor(
    session: Session, login: str, display_name: str, email: str | None = None
) -> UserInfo:
    """`create_first_supervisor` in the caller's transaction."""
    login, display_name = login.strip(), " ".join(display_name.split())
    if not login or len(login) > 64 or any(ch.isspace() for ch in login):
        raise InvalidInput(f"the login must be one word of 1 to 64 characters, not '{login}'")
    if not display_name:
        raise InvalidInput('the supervisor needs a name (--name "Full Name")')
    count = session.scalar(select(func.count()).select_from(User)) or 0
    if count:
        raise InvalidInput(
            f"this book already has {count} user(s): the first supervisor is made only in an "
            "empty book; a supervisor adds users with `arbench --as LOGIN user add`"
        )
    user = User(login=login, display_name=display_name[:120], role=Role.SUPERVISOR.value,
                email=email, created_at=now())  # fmt: skip
    session.add(user)
    session.flush()
    actor = Actor(id=user.id, login=login, display_name=user.display_name, role=Role.SUPERVISOR)
    audit(session, actor, "user.first_supervisor", "user", user.id, None,
          {"login": login, "role": Role.SUPERVISOR.value})  # fmt: skip
    return _info(user)


@service(SUPERVISORS, "add users")
def add_user(
    db: Database, actor: Actor, login: str, display_name: str, role: str, email: str | None = None,
    departments: Sequence[str] = (),
) -> UserInfo:  # fmt: skip
    """Create a user (supervisors only); a department user with the departments they belong to."""
    require_supervisor(actor, "add users")
    if role not in {r.value for r in Role}:
        raise InvalidInput(f"role must be one of {ROLES}, not '{role}'")
    if not login.strip():
        raise InvalidInput("login must not be empty")
    names = _departments_for(role, departments)
    with db.session() as session:
        if session.scalar(select(User.id).where(User.login == login)) is not None:
            raise InvalidInput(f"a user with login '{login}' already exists")
        user = User(
            login=login, display_name=display_name, role=role, email=email, created_at=now()
        )
        session.add(user)
        session.flush()
        after: dict[str, object] = {"login": login, "role": role}
        if names:
            set_memberships(session, user.id, names)
            after["departments"] = list(names)
        audit(session, actor, "user.add", "user", user.id, None, after)
        return _info(user)


def _departments_for(role: str, departments: Sequence[str]) -> tuple[str, ...]:
    """The departments of a new user: one or more for a department user, none for the others."""
    if role != Role.DEPARTMENT:
        if departments:
            raise InvalidInput(f"only department users belong to departments, not a {role}")
        return ()
    try:
        return department_names(",".join(departments))
    except ValueError as exc:
        raise InvalidInput(f"{exc} (a department user needs --department NAME[,NAME])") from None


@service(SUPERVISORS, "activate or deactivate users")
def set_active(db: Database, actor: Actor, login: str, active: bool) -> UserInfo:
    """Activate or deactivate a user (supervisors only).

    Deactivating is refused while the user still holds accounts or open items, so nothing
    is ever left with an inactive owner: hand the book over first.
    """
    require_supervisor(actor, "activate or deactivate users")
    with db.session() as session:
        user = session.scalar(select(User).where(User.login == login))
        if user is None:
            raise NotFound(f"unknown user '{login}'")
        if not active:
            _refuse_if_owning(session, user)
        before = {"active": user.active}
        user.active = active
        audit(session, actor, "user.set_active", "user", user.id, before, {"active": active})
        return _info(user)


def _leave_departments(session: Session, user: User) -> None:
    """A department user who takes another role leaves their departments (not while a lead)."""
    leading = session.scalars(select(DepartmentRow.name).where(DepartmentRow.lead_id == user.id))
    names = ", ".join(leading)
    if names:
        raise InvalidInput(f"{user.login} leads {names}: name another lead first")
    set_memberships(session, user.id, ())


def _refuse_if_owning(session: Session, user: User) -> None:
    """A user who still holds accounts or open items cannot be deactivated (hand over first)."""
    open_statuses = [s.value for s in OPEN_STATUSES]
    items = session.scalar(
        select(func.count()).where(Issue.owner_id == user.id, Issue.status.in_(open_statuses))
    )
    accounts = session.scalar(select(func.count()).where(Account.collector_id == user.id))
    if items or accounts:
        raise InvalidInput(
            f"{user.login} still holds {accounts or 0} account(s) and {items or 0} open item(s); "
            "hand the book over first (arbench handover --from ... --to ...)"
        )


@service(SUPERVISORS, "change roles")
def set_role(db: Database, actor: Actor, login: str, role: str) -> UserInfo:
    """Change a user's role (supervisors only)."""
    require_supervisor(actor, "change roles")
    if role not in {r.value for r in Role}:
        raise InvalidInput(f"role must be one of {ROLES}, not '{role}'")
    with db.session() as session:
        user = session.scalar(select(User).where(User.login == login))
        if user is None:
            raise NotFound(f"unknown user '{login}'")
        before = {"role": user.role}
        if user.role == Role.DEPARTMENT and role != Role.DEPARTMENT:
            _leave_departments(session, user)
        elif role == Role.DEPARTMENT and user.role != Role.DEPARTMENT:
            _refuse_if_owning(session, user)  # a department user holds no book
        user.role = role
        audit(session, actor, "user.set_role", "user", user.id, before, {"role": role})
        return _info(user)
