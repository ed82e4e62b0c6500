"""Handover of a departing or absent collector's whole book, and temporary cover.

`handover` deals every account of one collector to one or several collectors, balanced by
open balance and open items (domain.book_balance.split_evenly), carrying the open issues
with their follow-ups, promises and pending department requests, and writes a handover
summary on each account's timeline. With `until`, it is a temporary cover (a `coverages`
row): `end_due_covers`, the daily job, gives the accounts back once that date has come. Reads
never end a cover; `active_covers(db, on)` shows a cover past its date as ending.

Race-safe: handovers, assignments, rebalances and cover ends are serialized
(`Database.exclusive("assignments")`) and each reads the book inside its own transaction, so
a handover run twice at once moves the book once and the second says there is nothing left.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from arbench.domain.book_balance import Parcel, split_evenly
from arbench.domain.catalogue import ActivityKind
from arbench.services.base import (
    Actor,
    InvalidInput,
    add_activity,
    audit,
    now,
    require_supervisor,
)
from arbench.services.organization.handover_summary import account_summaries
from arbench.services.permissions import STAFF, SUPERVISORS, service
from arbench.services.reporting.book_stats import CollectorLoad, account_loads, collector_loads
from arbench.services.work.account_moves import OPEN, Move, find_user, move_account, move_issues
from arbench.store.db import Database
from arbench.store.models import Account, Assignment, Coverage, DepartmentRequest, Issue, Promise
from arbench.store.models import User as UserRow


@dataclass(frozen=True)
class Carried:
    """What moves with a book: open items, follow-ups, open promises, pending requests."""

    open_items: int
    follow_ups: int
    promises: int
    requests: int


@dataclass(frozen=True)
class HandoverPlan:
    """Who gets which account, and each book before and after (from first, then targets)."""

    from_login: str
    to_logins: list[str]
    until: date | None
    moves: list[Move]
    carried: Carried
    stray_items: int  # open items the collector owns on other collectors' accounts
    before: list[CollectorLoad]
    after: list[CollectorLoad]


@dataclass(frozen=True)
class HandoverResult:
    plan: HandoverPlan
    coverage_id: int | None
    left_with_from: int  # open items still owned by the departing collector (always 0)


@dataclass(frozen=True)
class CoverInfo:
    id: int
    absent_login: str
    until: date
    accounts: int
    reverted: bool
    ending: bool = False  # `until` has come: the book goes back at the next daily job


def _carried(session: Session, user_id: int) -> Carried:
    owned = [Issue.owner_id == user_id, Issue.status.in_(OPEN)]
    items, follow_ups = session.execute(
        select(func.count(), func.count(Issue.follow_up)).where(*owned)
    ).one()
    promises = session.scalar(
        select(func.count())
        .select_from(Promise)
        .join(Issue, Issue.id == Promise.issue_id)
        .where(Promise.status == "open", *owned)
    )
    requests = session.scalar(
        select(func.count())
        .select_from(DepartmentRequest)
        .join(Issue, Issue.id == DepartmentRequest.issue_id)
        .where(DepartmentRequest.status == "open", *owned)
    )
    return Carried(int(items), int(follow_ups), int(promises or 0), int(requests or 0))


def _plan(
    session: Session, from_login: str, to_logins: list[str], until: date | None, on: date
) -> tuple[HandoverPlan, UserRow, list[UserRow]]:
    source = find_user(session, from_login, must_be_active=False)
    logins = list(dict.fromkeys(t.strip() for t in to_logins if t.strip()))
    if not logins:
        raise InvalidInput("name at least one collector to hand the book to")
    if source.login in logins:
        raise InvalidInput(f"cannot hand {source.login}'s book over to {source.login}")
    if until is not None and until <= on:
        raise InvalidInput(f"a cover must end after today ({on}), not on {until}")
    targets = [find_user(session, login) for login in logins]
    book = account_loads(session, on, [Account.collector_id == source.id])
    dealt = split_evenly(
        [Parcel(a.account_id, a.open_balance, a.open_items) for a in book], [t.id for t in targets]
    )
    login = {t.id: t.login for t in targets}
    ids = [source.id] + [t.id for t in targets]
    before = collector_loads(session, on, ids)
    after = dict(before)
    moves = []
    for account in book:
        to = dealt[account.account_id]
        after[source.id] = after[source.id].plus(account, -1)
        after[to] = after[to].plus(account)
        moves.append(Move(account.number, account.name, source.login, login[to],
                          account.open_items, account.open_balance))  # fmt: skip
    stray = session.scalar(
        select(func.count())
        .select_from(Issue)
        .join(Account, Account.id == Issue.account_id)
        .where(Issue.owner_id == source.id, Issue.status.in_(OPEN))
        .where(Account.collector_id.is_distinct_from(source.id))
    )
    plan = HandoverPlan(
        source.login, logins, until, moves, _carried(session, source.id), int(stray or 0),
        [before[i] for i in ids], [after[i] for i in ids],
    )  # fmt: skip
    return plan, source, targets


@service(SUPERVISORS, "hand over a book", writes=False)
def handover_preview(
    db: Database,
    actor: Actor,
    from_login: str,
    to_logins: list[str],
    until: date | None = None,
    on: date | None = None,
) -> HandoverPlan:
    """What a handover would move, to whom, and each book before and after. Writes nothing."""
    require_supervisor(actor, "hand over a book")
    with db.session() as session:
        return _plan(session, from_login, to_logins, until, on or date.today())[0]


@service(SUPERVISORS, "hand over a book")
def handover(
    db: Database,
    actor: Actor,
    from_login: str,
    to_logins: list[str],
    until: date | None = None,
    on: date | None = None,
) -> HandoverResult:
    """Move a collector's whole book to one or several collectors, balanced (supervisors only).

    Open issues go with their accounts, carrying follow-ups, promises and department
    requests; open items the collector owned on other collectors' accounts go to that
    account's collector (or to the first collector named, when that one is inactive). Each
    account gets a handover summary on its timeline. With `until`, a temporary cover.
    """
    require_supervisor(actor, "hand over a book")
    on = on or date.today()
    with db.exclusive("assignments") as session:
        plan, source, targets = _plan(session, from_login, to_logins, until, on)
        if not plan.moves and not plan.carried.open_items and not plan.stray_items:
            raise InvalidInput(
                f"{plan.from_login} holds no accounts and no open items: nothing to hand over "
                "(already handed over?)"
            )
        coverage = _coverage(session, actor, source, until)
        by_login = {t.login: t for t in targets}
        numbers = [m.account_number for m in plan.moves]
        rows = {
            a.number: a
            for a in session.scalars(select(Account).where(Account.collector_id == source.id))
        }
        summaries = account_summaries(session, [rows[n].id for n in numbers])
        reason = "cover" if until else "handover"
        for move in plan.moves:
            account = rows[move.account_number]
            to = by_login[move.to_login]
            move_account(session, actor, account, to, reason, coverage_id=coverage)
            header = _header(source, to, until)
            add_activity(session, actor, account.id, ActivityKind.HANDOVER,
                         f"{header}\n{summaries.get(account.id, '')}".strip())  # fmt: skip
        _move_strays(session, source.id, targets[0].id)
        left = _carried(session, source.id).open_items
        audit(session, actor, f"user.{reason}", "user", source.id,
              {"accounts": len(plan.moves), "open_items": plan.carried.open_items},
              {"to": plan.to_logins, "until": until, "coverage_id": coverage, "left": left})  # fmt: skip
    return HandoverResult(plan, coverage, left)


def _header(source: UserRow, to: UserRow, until: date | None) -> str:
    when = f" (cover until {until.isoformat()})" if until else ""
    return f"Handover from {source.display_name} to {to.display_name}{when}."


def _coverage(session: Session, actor: Actor, source: UserRow, until: date | None) -> int | None:
    if until is None:
        return None
    cover = Coverage(absent_user_id=source.id, until=until, created_at=now(),
                     created_by_id=actor.id or None)  # fmt: skip
    session.add(cover)
    session.flush()
    return cover.id


def _move_strays(session: Session, source_id: int, fallback_id: int) -> None:
    """Open items the collector owns on other collectors' accounts go to those collectors."""
    rows = session.execute(
        select(Issue.account_id, Account.collector_id, UserRow.active)
        .join(Account, Account.id == Issue.account_id)
        .outerjoin(UserRow, UserRow.id == Account.collector_id)
        .where(Issue.owner_id == source_id, Issue.status.in_(OPEN))
        .distinct()
    ).all()
    for account_id, collector_id, active in rows:
        to = collector_id if active and collector_id not in (None, source_id) else fallback_id
        move_issues(session, [Issue.owner_id == source_id, Issue.account_id == account_id], to)


@service(STAFF, "end covers", note="gives books back on the date the supervisor set")
def end_due_covers(db: Database, actor: Actor, on: date | None = None) -> list[CoverInfo]:
    """Give covered accounts back to their collector once the cover's `until` date has come.

    The daily job. Accounts moved again since the cover started stay where they are.
    Idempotent and race-safe: each cover is claimed by a guarded update (`reverted_at IS
    NULL`), so two runs at once end it once."""
    on = on or date.today()
    reverted = []
    with db.exclusive("assignments") as session:
        due = session.scalars(
            select(Coverage).where(Coverage.until <= on, Coverage.reverted_at.is_(None))
        ).all()
        for cover in due:
            stamp = now()
            claimed = (
                session.connection()
                .execute(
                    update(Coverage)
                    .where(Coverage.id == cover.id, Coverage.reverted_at.is_(None))
                    .values(reverted_at=stamp)
                )
                .rowcount
            )
            if claimed == 1:
                set_committed_value(cover, "reverted_at", stamp)
                reverted.append(_revert(session, actor, cover))
    return reverted


def _revert(session: Session, actor: Actor, cover: Coverage) -> CoverInfo:
    absent = session.get(UserRow, cover.absent_user_id)
    assert absent is not None
    moved = 0
    for assignment in session.scalars(select(Assignment).where(Assignment.coverage_id == cover.id, Assignment.from_user_id == absent.id)):  # fmt: skip
        account = session.get(Account, assignment.account_id)
        if account is None or account.collector_id != assignment.to_user_id or not absent.active:
            continue
        note = f"Cover ended on {cover.until.isoformat()}: back to {absent.display_name}."
        move_account(session, actor, account, absent, "cover", coverage_id=cover.id, note=note)
        moved += 1
    audit(session, actor, "coverage.revert", "coverage", cover.id, None, {"accounts": moved})
    return CoverInfo(cover.id, absent.login, cover.until, moved, True)


def active_covers(db: Database, on: date | None = None) -> list[CoverInfo]:
    """Covers not yet ended, soonest end first; as of `on`, those past `until` are `ending`."""
    on = on or date.today()
    with db.session() as session:
        rows = session.execute(
            select(Coverage, UserRow.login, func.count(Assignment.id))
            .join(UserRow, UserRow.id == Coverage.absent_user_id)
            .outerjoin(Assignment, Assignment.coverage_id == Coverage.id)
            .where(Coverage.reverted_at.is_(None))
            .group_by(Coverage.id, UserRow.login)
            .order_by(Coverage.until)
        ).all()
        return [
            CoverInfo(c.id, login, c.until, int(n), False, c.until <= on) for c, login, n in rows
        ]
