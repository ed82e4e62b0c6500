"""Moving one account to another collector, inside the caller's transaction.

Every move changes the account's collector, moves the open issues the previous collector
owned on it (with their follow-ups, promises and department requests, which hang off the
issues), writes an `assignments` history row, an audit event and a timeline entry. The
public use cases (assign, rebalance, handover, cover) live in services/organization/assignments.py and
services/organization/handover.py; they all move accounts through `move_account`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from arbench.domain.catalogue import OPEN_STATUSES, ActivityKind
from arbench.services.base import Actor, InvalidInput, NotFound, add_activity, audit, now
from arbench.store.models import Account, Assignment, Issue, User

OPEN = [s.value for s in OPEN_STATUSES]
REASONS = ("assign", "rule", "rebalance", "handover", "cover")


@dataclass(frozen=True)
class Move:
    """One account that changed collector (or would, in a preview)."""

    account_number: str
    account_name: str
    from_login: str | None
    to_login: str
    open_items: int
    open_balance: Decimal


def find_user(session: Session, login: str, *, must_be_active: bool = True) -> User:
    """The user with this login; refused when unknown or (by default) deactivated."""
    user = session.scalar(select(User).where(User.login == login))
    if user is None:
        raise NotFound(f"unknown user '{login}'")
    if must_be_active and not user.active:
        raise InvalidInput(f"user '{login}' is deactivated; choose an active collector")
    return user


def find_accounts(session: Session, numbers: Sequence[str]) -> list[Account]:
    """The accounts with these customer numbers, in the order given; unknown ones refused."""
    wanted = list(dict.fromkeys(n.strip() for n in numbers if n.strip()))
    if not wanted:
        raise InvalidInput("no account given")
    found: dict[str, Account] = {}
    for start in range(0, len(wanted), 900):
        chunk = wanted[start : start + 900]
        found.update(
            (a.number, a) for a in session.scalars(select(Account).where(Account.number.in_(chunk)))
        )
    missing = [n for n in wanted if n not in found]
    if missing:
        shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
        raise NotFound(f"unknown account number(s): {shown}")
    return [found[n] for n in wanted]


def move_issues(session: Session, where: Sequence[object], to_id: int) -> list[int]:
    """Give the open issues matching `where` to user `to_id`; returns their ids.

    Each issue's version is bumped, so a collector editing one of them at the same moment
    gets a conflict instead of silently writing over the move.
    """
    ids = list(
        session.scalars(select(Issue.id).where(Issue.status.in_(OPEN), *where))  # type: ignore[arg-type]
    )
    for start in range(0, len(ids), 900):
        session.execute(
            update(Issue)
            .where(Issue.id.in_(ids[start : start + 900]))
            .values(owner_id=to_id, version=Issue.version + 1, updated_at=now())
            .execution_options(synchronize_session=False)
        )
    return ids


def move_account(
    session: Session,
    actor: Actor,
    account: Account,
    to: User,
    reason: str,
    *,
    coverage_id: int | None = None,
    note: str = "",
) -> list[int] | None:
    """Give `account` and its previous collector's open issues on it to `to`.

    Returns the ids of the issues moved, or None when the account already was `to`'s.
    """
    if reason not in REASONS:
        raise ValueError(f"unknown assignment reason {reason!r}")
    previous_id = account.collector_id
    if previous_id == to.id:
        return None
    previous = session.get(User, previous_id) if previous_id is not None else None
    owned = Issue.owner_id.is_(None) if previous_id is None else Issue.owner_id == previous_id
    owner_clause = or_(owned, Issue.owner_id.is_(None))
    moved = move_issues(session, [Issue.account_id == account.id, owner_clause], to.id)
    account.collector_id = to.id
    session.add(
        Assignment(
            account_id=account.id,
            from_user_id=previous_id,
            to_user_id=to.id,
            at=now(),
            by_user_id=actor.id or None,
            reason=reason,
            coverage_id=coverage_id,
        )
    )
    before_login = previous.login if previous else None
    audit(
        session, actor, f"account.{reason}", "account", account.id,
        {"collector": before_login},
        {"collector": to.login, "issues_moved": moved, "coverage_id": coverage_id},
    )  # fmt: skip
    text = (
        f"Account moved from {previous.display_name if previous else 'nobody'} to "
        f"{to.display_name} ({reason}); {len(moved)} open item(s) moved with it."
    )
    add_activity(session, actor, account.id, ActivityKind.ASSIGNMENT, f"{text} {note}".strip())
    return moved
