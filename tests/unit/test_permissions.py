"""The role matrix cannot be forgotten: every service that acts for someone has a rule, the
rule is the one docs/roles.md prints, and every role the rule leaves out is refused.

Services are found by introspection (every public function of every arbench.services module
with an `actor` parameter); a new one without `@service`/`@setup` fails here. A write that
slips past that (no actor parameter) cannot leave an audit record: `audit` refuses outside a
declared service.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

import arbench.services as services_pkg
from arbench.domain.catalogue import Role
from arbench.services.base import Actor, PermissionDenied, actor_for, audit
from arbench.services.permissions import RULES, Rule
from arbench.store.db import Database
from arbench.store.models import AuditEvent

ROLES_DOC = Path(__file__).resolve().parents[2] / "docs" / "roles.md"
PEOPLE = {
    Role.TRAINEE: "nbrown", Role.COLLECTOR: "agarcia", Role.SUPERVISOR: "kwright",
    Role.DEPARTMENT: "oruiz",
}  # fmt: skip
COLUMNS = (Role.TRAINEE, Role.COLLECTOR, Role.SUPERVISOR, Role.DEPARTMENT)


def public_services() -> dict[str, Callable[..., Any]]:
    """module.function -> function, for every public function defined in arbench.services and
    its use-case packages (a module is named by its own name, as its rules are)."""
    found: dict[str, Callable[..., Any]] = {}
    for info in pkgutil.walk_packages(services_pkg.__path__, "arbench.services."):
        if info.ispkg:
            continue
        module = importlib.import_module(info.name)
        for name, fn in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(fn):
                continue
            if inspect.unwrap(fn).__module__ != module.__name__:
                continue  # imported from elsewhere; counted where it is defined
            found[f"{info.name.rsplit('.', 1)[-1]}.{name}"] = fn
    return found


SERVICES = public_services()


def takes_a_db_and_an_actor(fn: Callable[..., Any]) -> bool:
    parameters = inspect.signature(fn).parameters
    return "actor" in parameters and "db" in parameters


def test_every_service_that_acts_for_someone_has_a_rule() -> None:
    acting = {name for name, fn in SERVICES.items() if takes_a_db_and_an_actor(fn)}
    assert len(acting) > 30
    missing = sorted(acting - set(RULES))
    assert missing == [], f"declare these with @service(roles, action) in permissions: {missing}"
    assert set(RULES) <= set(SERVICES)  # no stale rule for a service that is gone


def documented_matrix() -> dict[str, frozenset[Role]]:
    """The matrix of docs/roles.md: service -> the roles marked 'yes'."""
    matrix = {}
    for line in ROLES_DOC.read_text(encoding="utf-8").splitlines():
        row = re.match(r"\| `([\w.]+)` \| [^|]+ \| (\S+) \| (\S+) \| (\S+) \| (\S+) \|", line)
        if row:
            marks = zip(COLUMNS, row.groups()[1:], strict=True)
            matrix[row[1]] = frozenset(role for role, mark in marks if mark == "yes")
    return matrix


def test_the_documented_matrix_is_the_enforced_one() -> None:
    assert documented_matrix() == {name: rule.roles for name, rule in RULES.items()}


def refusals() -> list[tuple[str, Role]]:
    return [
        (name, role)
        for name, rule in sorted(RULES.items())
        for role in Role
        if role not in rule.roles and not rule.owner_only
    ]


def placeholder_call(fn: Callable[..., Any], db: Database, actor: Actor) -> None:
    """Call with the real database and actor; every other argument a placeholder, since the
    refusal must come before any of them is looked at."""
    arguments: dict[str, Any] = {}
    for name, parameter in inspect.signature(fn).parameters.items():
        if name == "db":
            arguments[name] = db
        elif name == "actor":
            arguments[name] = actor
        elif parameter.default is inspect.Parameter.empty:
            arguments[name] = None
    fn(**arguments)


@pytest.mark.parametrize(("service", "role"), refusals(), ids=lambda v: getattr(v, "value", v))
def test_each_role_the_matrix_leaves_out_is_refused(
    demo_db: Database, service: str, role: Role
) -> None:
    actor = actor_for(demo_db, PEOPLE[role])
    assert actor.role == role
    with demo_db.session() as s:
        events = s.scalar(select(func.count()).select_from(AuditEvent))
    rule: Rule = RULES[service]
    with pytest.raises(PermissionDenied) as refused:
        placeholder_call(SERVICES[service], demo_db, actor)
    assert rule.action in str(refused.value) and actor.login in str(refused.value)
    with demo_db.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_the_matrix_refuses_somebody_for_the_sensitive_work() -> None:
    for name in ("users.set_role", "users.add_user", "backups.restore", "imports.delete_mapping",
                 "handover.handover", "settings.set_setting"):  # fmt: skip
        assert RULES[name].roles == frozenset({Role.SUPERVISOR}), name
    for name in ("imports.import_invoices", "remittance.apply_remittance",
                 "promises.settle_promises", "handover.end_due_covers"):  # fmt: skip
        assert Role.TRAINEE not in RULES[name].roles, name
    for name in ("demo.create_demo", "content.load_shipped", "grants.grant_login"):
        assert RULES[name].owner_only, name


def test_a_write_outside_a_declared_service_cannot_be_audited(demo_db: Database) -> None:
    with (
        pytest.raises(RuntimeError, match="outside a declared service"),
        demo_db.session() as s,
    ):
        audit(s, actor_for(demo_db, "kwright"), "user.set_role", "user", 1, None, None)
