"""Departments: their service levels and leads (set by supervisors), and who belongs to which.

A department user (role `department`) belongs to one or more departments; the queue of each
department is the requests routed to it (services/organization/requests.py). Each department has a service
level in days (the default due date of a request routed to it) and a lead, who gets its overdue
requests (`requests.escalate_overdue`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from arbench.domain.catalogue import Role
from arbench.domain.departments import (
    DEFAULT_SLA_DAYS,
    NAMES,
    check_sla_days,
    department_names,
)
from arbench.services.base import Actor, InvalidInput, NotFound, PermissionDenied, audit
from arbench.services.permissions import SUPERVISORS, service
from arbench.store.db import Database
from arbench.store.models import User
from arbench.store.models_departments import DepartmentRow, UserDepartment


@dataclass(frozen=True)
class DepartmentInfo:
    name: str
    sla_days: int
    lead: str | None  # the lead's login
    members: tuple[str, ...]  # logins

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "sla_days": self.sla_days, "lead": self.lead,
                "members": list(self.members)}  # fmt: skip


def known(name: str) -> str:
    """The department name, or InvalidInput naming the departments."""
    try:
        return department_names(name, "department")[0]
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None


def department_row(session: Session, name: str) -> DepartmentRow:
    """The department's row (created with the defaults in a book that lacks it)."""
    row = session.get(DepartmentRow, known(name))
    if row is None:
        row = DepartmentRow(name=name, sla_days=DEFAULT_SLA_DAYS, lead_id=None)
        session.add(row)
        session.flush()
    return row


def sla_days(session: Session, name: str) -> int:
    """The department's service level in days (the default when none is set)."""
    row = session.get(DepartmentRow, name)
    return row.sla_days if row is not None else DEFAULT_SLA_DAYS


def departments_of(session: Session, user_id: int) -> tuple[str, ...]:
    """The departments a user belongs to, in catalogue order."""
    mine = set(
        session.scalars(select(UserDepartment.department).where(UserDepartment.user_id == user_id))
    )
    return tuple(name for name in NAMES if name in mine)


def require_member(session: Session, actor: Actor, department: str, action: str) -> None:
    """A department user acts only for their own departments (supervisors for any)."""
    if actor.is_supervisor:
        return
    if actor.role != Role.DEPARTMENT or department not in departments_of(session, actor.id):
        raise PermissionDenied(
            f"{actor.login} cannot {action}: it is {department}'s, and {actor.login} is not "
            f"in {department}"
        )


def set_memberships(session: Session, user_id: int, departments: Iterable[str]) -> None:
    """Make the user a member of exactly these departments (in the caller's transaction)."""
    wanted = tuple(departments)
    for name in wanted:
        department_row(session, name)
    session.execute(delete(UserDepartment).where(UserDepartment.user_id == user_id))
    session.add_all(UserDepartment(user_id=user_id, department=name) for name in wanted)
    session.flush()


def list_departments(db: Database) -> list[DepartmentInfo]:
    """Every department with its service level, lead and members."""
    with db.session() as s:
        rows = {r.name: r for r in s.scalars(select(DepartmentRow))}
        logins = {uid: login for uid, login in s.execute(select(User.id, User.login))}
        members: dict[str, list[str]] = {name: [] for name in NAMES}
        for user_id, name in s.execute(
            select(UserDepartment.user_id, UserDepartment.department).order_by(UserDepartment.id)
        ):
            members.setdefault(name, []).append(logins[user_id])
        out = []
        for name in NAMES:
            row = rows.get(name)
            lead = logins.get(row.lead_id) if row is not None and row.lead_id else None
            out.append(DepartmentInfo(name, row.sla_days if row else DEFAULT_SLA_DAYS, lead,
                                      tuple(sorted(members[name]))))  # fmt: skip
        return out


@service(SUPERVISORS, "set a department's service level")
def set_sla(db: Database, actor: Actor, department: str, days: int) -> DepartmentInfo:
    """Requests routed to `department` are due `days` after they are asked (supervisors)."""
    try:
        check_sla_days(days)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    with db.session() as s:
        row = department_row(s, department)
        before = {"sla_days": row.sla_days}
        row.sla_days = days
        audit(s, actor, "department.sla", "department", None, {"department": row.name, **before},
              {"department": row.name, "sla_days": days})  # fmt: skip
    return _info(db, row.name)


@service(SUPERVISORS, "set a department's lead")
def set_lead(db: Database, actor: Actor, department: str, login: str) -> DepartmentInfo:
    """The department's lead gets its overdue requests: an active member of the department."""
    with db.session() as s:
        row = department_row(s, department)
        user = s.scalar(select(User).where(User.login == login))
        if user is None:
            raise NotFound(f"unknown user '{login}'")
        if not user.active or row.name not in departments_of(s, user.id):
            raise InvalidInput(
                f"{login} cannot lead {row.name}: a lead is an active department user of "
                f"{row.name} (arbench --as SUPERVISOR user departments {login} {row.name})"
            )
        before = {"department": row.name, "lead_id": row.lead_id}
        row.lead_id = user.id
        audit(s, actor, "department.lead", "department", None, before,
              {"department": row.name, "lead_id": user.id, "lead": login})  # fmt: skip
    return _info(db, row.name)


@service(SUPERVISORS, "change a user's departments")
def set_user_departments(
    db: Database, actor: Actor, login: str, departments: str
) -> tuple[str, ...]:
    """A department user's departments, replaced by `departments` ('pricing,billing')."""
    try:
        names = department_names(departments)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    with db.session() as s:
        user = s.scalar(select(User).where(User.login == login))
        if user is None:
            raise NotFound(f"unknown user '{login}'")
        if user.role != Role.DEPARTMENT:
            raise InvalidInput(f"{login} is a {user.role}: only department users belong to "
                               "departments (user role LOGIN department)")  # fmt: skip
        before = {"departments": list(departments_of(s, user.id))}
        leading = s.scalars(
            select(DepartmentRow.name).where(DepartmentRow.lead_id == user.id)
        ).all()
        dropped = [name for name in NAMES if name in leading and name not in names]
        if dropped:
            raise InvalidInput(f"{login} leads {', '.join(dropped)}: name another lead first")
        set_memberships(s, user.id, names)
        audit(s, actor, "user.departments", "user", user.id, before, {"departments": list(names)})
    return names


def _info(db: Database, name: str) -> DepartmentInfo:
    return next(d for d in list_departments(db) if d.name == name)


def user_departments(db: Database, login: str) -> tuple[str, ...]:
    """The departments the user with this login belongs to."""
    with db.session() as s:
        user_id = s.scalar(select(User.id).where(User.login == login))
        if user_id is None:
            raise NotFound(f"unknown user '{login}'")
        return departments_of(s, user_id)
