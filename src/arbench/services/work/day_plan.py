"""Today's plan of accounts for a collector: read it, build it once a day, set the capacity.

`today()` reads the plan of a user's day: the stored one when the day was planned (its accounts
keep their order all day; their reasons and amounts are as they are now), otherwise the plan
the rules of domain.day_plan would make now, starting with the accounts the last planned day
left unworked. `build_plan()` stores the day's plan once (the collector opening Today, or the
daily job; safe to run twice at once). Item actions mark the accounts they touch as worked in
that day's plans (`mark_worked`, in the action's own transaction), so tomorrow's plan knows
what today left. A supervisor sets each collector's capacity (`set_capacity`, audited).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from arbench.domain.catalogue import Role
from arbench.domain.day_plan import (
    AccountFacts,
    PlannedAccount,
    keep_order,
    plan_day,
)
from arbench.domain.day_plan import (
    DayPlan as Plan,
)
from arbench.services.base import Actor, InvalidInput, NotFound, PermissionDenied, audit, now
from arbench.services.op_changes import Changes
from arbench.services.permissions import ANYONE, SUPERVISORS, service
from arbench.services.settings import read_settings
from arbench.services.work.day_plan_query import account_facts
from arbench.services.work.worklist import WorkItem, items_for
from arbench.store.db import Database
from arbench.store.models import Account, DayPlan, DayPlanAccount, Issue, User

MAX_CAPACITY = 500


@dataclass(frozen=True)
class PlanAccount:
    """One account of the day: why, how much, and the open items behind it."""

    account_id: int
    account_number: str
    account_name: str
    open_amount: Decimal
    items: int
    oldest_days_past_due: int
    reasons: tuple[str, ...]
    rank: int
    carried_from: date | None = None
    worked: bool = False
    pros: tuple[WorkItem, ...] = ()

    def to_json(self, keys: Iterable[str]) -> dict[str, object]:
        """The plan's JSON object; `keys` are the worklist JSON keys kept for each item."""
        wanted = list(keys)
        return {
            "rank": self.rank,
            "account_number": self.account_number,
            "account_name": self.account_name,
            "open_amount": str(self.open_amount),
            "oldest_days_past_due": self.oldest_days_past_due,
            "reasons": list(self.reasons),
            "carried_from": self.carried_from.isoformat() if self.carried_from else None,
            "worked": self.worked,
            "pros": [{k: v for k, v in p.to_json().items() if k in wanted} for p in self.pros],
        }


@dataclass(frozen=True)
class TodayPlan:
    """A user's day: the accounts to contact in order, and those that did not fit (later)."""

    login: str
    on: date
    capacity: int
    stored: bool  # the day was planned (its order is kept); False: as it would be planned now
    accounts: tuple[PlanAccount, ...] = ()
    later: tuple[PlanAccount, ...] = field(default_factory=tuple)

    @property
    def worked(self) -> int:
        return sum(1 for a in self.accounts if a.worked)


def _user(session: Session, login: str) -> User:
    user = session.scalar(select(User).where(User.login == login))
    if user is None:
        raise NotFound(f"unknown user '{login}'")
    return user


def capacity_of(session: Session, user: User) -> int:
    """The user's accounts per day: their own, else the team's default."""
    return user.daily_capacity or read_settings(session).daily_capacity


def today(
    db: Database, login: str, on: date | None = None, *, with_items: bool = True
) -> TodayPlan:
    """The user's plan for `on` (see the module docstring); `with_items`: the open items of
    today's accounts too (the window has them already: it asks without)."""
    on = on or date.today()
    with db.session() as s:
        user = _user(s, login)
        plan, stored, worked = plan_in(s, user, on)
        wanted = {p.facts.number: p.facts.account_id for p in plan.today}
        items = _items(s, user.id, wanted, on) if with_items else {}
        return TodayPlan(
            login, on, plan.capacity, stored,
            tuple(_account(p, p.facts.account_id in worked, items) for p in plan.today),
            tuple(_account(p, False, {}) for p in plan.later),
        )  # fmt: skip


def plan_in(session: Session, user: User, on: date) -> tuple[Plan, bool, set[int]]:
    """(the plan, whether it is stored, the accounts worked) of a user's day."""
    facts = account_facts(session, user.id, on)
    stored = session.scalar(
        select(DayPlan).where(DayPlan.user_id == user.id, DayPlan.plan_date == on)
    )
    if stored is None:
        carried, ranks = _carried(session, user.id, on, facts)
        plan = plan_day(facts.values(), capacity_of(session, user), on, carried, ranks)
        return plan, False, set()
    rows = session.scalars(select(DayPlanAccount).where(DayPlanAccount.plan_id == stored.id)).all()
    missing = [r.account_id for r in rows if r.account_id not in facts]
    for account in session.scalars(select(Account).where(Account.id.in_(missing))):
        facts[account.id] = AccountFacts(account.id, account.number, account.name, Decimal(0),
                                         0, 0, risk_score=account.risk_score)  # fmt: skip
    order = [(r.rank, r.account_id, r.carried_from) for r in rows]
    worked = {r.account_id for r in rows if r.worked}
    return keep_order(order, facts, stored.capacity, on), True, worked


def _carried(
    session: Session, user_id: int, on: date, facts: dict[int, AccountFacts]
) -> tuple[dict[int, date], dict[int, int]]:
    """Accounts the user's last planned day before `on` left unworked (and still open): the
    day each was first left on, and its place that day."""
    last = session.scalar(
        select(DayPlan)
        .where(DayPlan.user_id == user_id, DayPlan.plan_date < on)
        .order_by(DayPlan.plan_date.desc())
        .limit(1)
    )
    if last is None:
        return {}, {}
    rows = session.execute(
        select(DayPlanAccount.account_id, DayPlanAccount.carried_from, DayPlanAccount.rank).where(
            DayPlanAccount.plan_id == last.id, DayPlanAccount.worked.is_(False)
        )
    ).all()
    left = [r for r in rows if r.account_id in facts]
    return {r.account_id: r.carried_from or last.plan_date for r in left}, {
        r.account_id: r.rank for r in left
    }


def _items(
    session: Session, user_id: int, numbers: dict[str, int], on: date
) -> dict[int, list[WorkItem]]:
    """The user's open items on the accounts (number -> id), in work order, by account id."""
    out: dict[int, list[WorkItem]] = defaultdict(list)
    account_ids = sorted(numbers.values())
    for start in range(0, len(account_ids), 900):
        chunk = account_ids[start : start + 900]
        for item in items_for(
            session, [Issue.owner_id == user_id, Issue.account_id.in_(chunk)], on
        ):
            out[numbers[item.account_number]].append(item)
    return out


def _account(p: PlannedAccount, worked: bool, items: dict[int, list[WorkItem]]) -> PlanAccount:
    f = p.facts
    return PlanAccount(
        f.account_id, f.number, f.name, f.open_amount, f.items, f.oldest_days_past_due,
        p.reasons, p.rank, p.carried_from, worked, tuple(items.get(f.account_id, ())),
    )  # fmt: skip


@service(ANYONE, "plan the day", note="their own day (a supervisor: anyone's)")
def build_plan(
    db: Database, actor: Actor, login: str | None = None, on: date | None = None
) -> Changes:
    """Store the user's plan for `on` (once: a second call, even at the same moment, finds it
    and changes nothing); audited. The record's notice says what the day holds."""
    on, login = on or date.today(), login or actor.login
    if login != actor.login and not actor.is_supervisor:
        raise PermissionDenied(f"{actor.login} cannot plan {login}'s day; only a supervisor can")
    with db.exclusive(f"day-plan/{login}") as s:
        user = _user(s, login)
        plan, stored, _ = plan_in(s, user, on)
        if stored:
            return Changes()
        row = DayPlan(user_id=user.id, plan_date=on, capacity=plan.capacity, created_at=now(),
                      created_by_id=actor.id or None)  # fmt: skip
        s.add(row)
        s.flush()
        for p in plan.today:
            s.add(DayPlanAccount(plan_id=row.id, account_id=p.facts.account_id, rank=p.rank,
                                 carried_from=p.carried_from, reasons="; ".join(p.reasons),
                                 worked=False))  # fmt: skip
        carried = sum(1 for p in plan.today if p.carried_from is not None)
        audit(s, actor, "plan.build", "day_plan", row.id, None,
              {"user": login, "on": on, "capacity": plan.capacity, "accounts": len(plan.today),
               "carried": carried, "later": len(plan.later)})  # fmt: skip
        left = f", {carried} left from an earlier day" if carried else ""
        return Changes(notice=f"today's plan: {len(plan.today)} accounts{left}")


def mark_worked(session: Session, account_ids: Iterable[int], on: date) -> None:
    """The accounts were worked on `on`: in every plan of that day (in the action's transaction)."""
    wanted = sorted(set(account_ids))
    if not wanted:
        return
    rows = session.scalars(
        select(DayPlanAccount)
        .join(DayPlan, DayPlan.id == DayPlanAccount.plan_id)
        .where(
            DayPlan.plan_date == on,
            DayPlanAccount.account_id.in_(wanted),
            DayPlanAccount.worked.is_(False),
        )  # fmt: skip
    )
    for row in rows:
        row.worked = True


@service(SUPERVISORS, "set a collector's daily capacity")
def set_capacity(db: Database, actor: Actor, login: str, capacity: int) -> int:
    """How many accounts `login` contacts per day (plans from now on); audited."""
    if not 1 <= capacity <= MAX_CAPACITY:
        raise InvalidInput(
            f"the daily capacity must be 1 to {MAX_CAPACITY} accounts, not {capacity}"
        )
    with db.session() as s:
        user = _user(s, login)
        if user.role == Role.SUPERVISOR:
            raise InvalidInput(
                f"{login} is a supervisor; capacities are for collectors and trainees"
            )
        before = {"daily_capacity": user.daily_capacity or read_settings(s).daily_capacity}
        user.daily_capacity = capacity
        s.flush()
        audit(s, actor, "user.capacity", "user", user.id, before,
              {"login": login, "daily_capacity": capacity})  # fmt: skip
        return capacity
