"""The role matrix, enforced: which roles may call each public service that takes an actor.

Every public service function with an `actor` parameter is declared with `@service(roles,
"what it does")`: the decorator refuses any other role before anything is read or written,
and records the rule in `RULES` (docs/roles.md prints the same matrix; tests/unit/
test_permissions.py finds every public service with an actor and fails for one without a rule).
Setup writes that take no actor (the demo book, the shipped content, `db grant`) are declared
with `@setup`: only the database owner may run them. `audit()` refuses to write outside a
declared service, so a new write cannot leave an audit record without a rule.

Finer rules stay in the service and are listed in the rule's `note` (a collector acts on their
own items; a trainee's resolution above the limit waits for approval; `close_missing` and
write-offs need a supervisor).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

from arbench.domain.catalogue import AR_ROLES, Role
from arbench.services.base import WRITING, Actor, PermissionDenied, require_supervisor

P = ParamSpec("P")
R = TypeVar("R")

# Anyone of the AR team. Department staff (operations, pricing, billing, sales, claims) are
# not: they see and answer their departments' requests only, through the services that name
# DEPARTMENT_STAFF beside the AR roles.
ANYONE = frozenset(AR_ROLES)
STAFF = frozenset({Role.COLLECTOR, Role.SUPERVISOR})  # not trainees
SUPERVISORS = frozenset({Role.SUPERVISOR})
DEPARTMENT_STAFF = frozenset({Role.DEPARTMENT})
EVERYONE = ANYONE | DEPARTMENT_STAFF
OWNER = frozenset[Role]()  # setup: the database owner's login, whatever the arbench role


@dataclass(frozen=True)
class Rule:
    """Who may call one service: the roles, the words for a refusal, whether it writes."""

    service: str  # module.function, e.g. "users.add_user"
    roles: frozenset[Role]
    action: str
    writes: bool
    note: str = ""

    @property
    def owner_only(self) -> bool:
        return not self.roles


RULES: dict[str, Rule] = {}


def _name(fn: Callable[..., object]) -> str:
    return f"{fn.__module__.rsplit('.', 1)[-1]}.{fn.__qualname__}"


@contextmanager
def writing(name: str) -> Iterator[None]:
    """Mark the code inside as the declared write `name` (what `audit` requires)."""
    token = WRITING.set(name)
    try:
        yield
    finally:
        WRITING.reset(token)


def refuse_unless(actor: Actor, roles: frozenset[Role], action: str) -> None:
    """PermissionDenied unless the actor's role is one of `roles`."""
    if actor.role in roles:
        return
    if roles == SUPERVISORS:
        require_supervisor(actor, action)
    role = "department user" if actor.role == Role.DEPARTMENT else actor.role.value
    raise PermissionDenied(f"a {role} cannot {action}; {actor.login} is a {role}")


def service(
    roles: frozenset[Role], action: str, *, writes: bool = True, note: str = ""
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Declare a public service: `roles` may call it; others are refused before it runs."""

    def declare(fn: Callable[P, R]) -> Callable[P, R]:
        name = _name(fn)
        signature = inspect.signature(fn)
        if "actor" not in signature.parameters:
            raise TypeError(f"{name} is declared with @service but takes no actor")
        RULES[name] = Rule(name, roles, action, writes, note)

        @functools.wraps(fn)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            actor = bound.arguments["actor"]
            if actor is None and not writes:  # a read whose actor is optional (nobody's view)
                return fn(*args, **kwargs)
            if not isinstance(actor, Actor):
                raise TypeError(f"{name} needs an Actor, not {type(actor).__name__}")
            refuse_unless(actor, roles, action)
            if not writes:
                return fn(*args, **kwargs)
            with writing(name):
                return fn(*args, **kwargs)

        return run

    return declare


def setup(action: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Declare a setup write (first argument: the Database): the database owner's login only."""

    def declare(fn: Callable[P, R]) -> Callable[P, R]:
        name = _name(fn)
        RULES[name] = Rule(name, OWNER, action, True, "the database owner's login only")

        @functools.wraps(fn)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            from arbench.services.identity import require_owner

            db = args[0] if args else kwargs["db"]
            require_owner(db, action)  # type: ignore[arg-type]
            with writing(name):
                return fn(*args, **kwargs)

        return run

    return declare
