"""Today's plan: which accounts a collector contacts today, in what order, and why.

A collector works accounts, not rows: one call covers every open item of a customer. The plan
groups the collector's open items by account, says why each account is due (follow-ups due,
broken promises, new short pays and disputes, answers from departments, dispute windows
closing), ranks the accounts and keeps as many as the collector's daily capacity allows. What
does not fit is "later" (listed, never dropped). Accounts planned for an earlier day and not
worked that day come first ("left from" that day). If fewer accounts are due than the capacity,
the day is filled with the largest and oldest balances.

The facts of an account are the same whether they are summed in SQL over a million pros
(services.work.day_plan_query) or from the worklist rows on screen (`facts_from_items`): each
open item counts once, in the bucket of domain.priority that ranks it. Pure functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Protocol

from arbench.domain.catalogue import ISSUE_TYPES, Level
from arbench.domain.priority import Bucket, ItemFacts, score

DEFAULT_CAPACITY = 40  # accounts a collector contacts in a day, unless the supervisor says
WINDOW_CLOSING_DAYS = 30  # a dispute whose window closes within this many days is urgent

# The order of the reasons (and of the accounts by their first reason).
CARRIED, FOLLOW_UP, BROKEN, NEW_DISPUTE, DEPARTMENT, WINDOW, BALANCE = range(7)
TIER_NAMES = {
    CARRIED: "left from an earlier day",
    FOLLOW_UP: "follow-ups due",
    BROKEN: "broken promises",
    NEW_DISPUTE: "new short pays and disputes",
    DEPARTMENT: "answers from departments",
    WINDOW: "dispute windows closing",
    BALANCE: "largest and oldest balances",
}


class ItemLike(Protocol):
    """What the plan reads of one open item (services.work.worklist.WorkItem has it)."""

    @property
    def level(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def bucket(self) -> int: ...
    @property
    def open_amount(self) -> Decimal: ...
    @property
    def days_past_due(self) -> int: ...
    @property
    def dispute_days_left(self) -> int | None: ...


@dataclass(frozen=True)
class AccountFacts:
    """One account's open items of one collector, counted for the plan."""

    account_id: int
    number: str
    name: str
    open_amount: Decimal  # the pro-level items' open amounts (account-level ones when none)
    items: int  # open items, pro- and account-level
    oldest_days_past_due: int  # of the pro-level items (account-level ones when none)
    follow_ups_due: int = 0  # items by bucket (domain.priority), each counted once
    broken_promises: int = 0
    new_disputes: int = 0
    department_answers: int = 0  # a department answered, or its request is overdue
    windows_closing: int = 0  # pro-level disputes whose window closes within 30 days
    risk_score: int = 0

    @property
    def due_today(self) -> bool:
        """Whether anything on the account asks for contact today."""
        return self.first_tier() < BALANCE

    def first_tier(self) -> int:
        counts = (self.follow_ups_due, self.broken_promises, self.new_disputes,
                  self.department_answers, self.windows_closing)  # fmt: skip
        return next((tier for tier, n in enumerate(counts, FOLLOW_UP) if n), BALANCE)

    def counts(self) -> tuple[int, int, int, int, int, int, int]:
        """The counted facts, for comparing two ways of counting (risk left out)."""
        return (self.items, self.oldest_days_past_due, self.follow_ups_due,
                self.broken_promises, self.new_disputes, self.department_answers,
                self.windows_closing)  # fmt: skip


def window_closing(left: int | None) -> bool:
    """A dispute window that is still open and closes within WINDOW_CLOSING_DAYS."""
    return left is not None and 0 <= left <= WINDOW_CLOSING_DAYS


BUCKET_FIELD = {
    Bucket.FOLLOW_UP_DUE: "follow_ups_due",
    Bucket.BROKEN_PROMISE: "broken_promises",
    Bucket.NEW_DISPUTE: "new_disputes",
    Bucket.DEPARTMENT: "department_answers",
}


def facts_from_items(
    account_id: int, number: str, name: str, items: Iterable[ItemLike], risk_score: int = 0
) -> AccountFacts:
    """An account's facts counted from its open items (the rows of a worklist)."""
    rows = list(items)
    pros = [i for i in rows if i.level == Level.PRO]
    amounts = pros or rows
    tally = dict.fromkeys(BUCKET_FIELD.values(), 0)
    windows = 0
    for item in rows:
        key = BUCKET_FIELD.get(item.bucket)  # type: ignore[call-overload]
        if key is not None:
            tally[key] += 1
        issue_type = ISSUE_TYPES.get(item.type)
        if item.level == Level.PRO and issue_type is not None and issue_type.dispute:
            windows += window_closing(item.dispute_days_left)
    amount = (
        sum((i.open_amount for i in pros), Decimal(0))
        if pros
        else max((i.open_amount for i in rows), default=Decimal(0))
    )
    return AccountFacts(
        account_id, number, name, amount, len(rows),
        max((i.days_past_due for i in amounts), default=0),
        windows_closing=windows, risk_score=risk_score, **tally,
    )  # fmt: skip


def account_priority(facts: AccountFacts) -> float:
    """The account's priority (0..100): the worklist's score of its balance and age."""
    parts = score(
        ItemFacts(
            open_amount=facts.open_amount,
            days_past_due=facts.oldest_days_past_due,
            dispute_days_left=None,
            risk_score=facts.risk_score,
            broken_promises=facts.broken_promises,
            follow_up=None,
            is_dispute=False,
            opened_on=date.min,
        )
    )
    return round(min(100.0, sum(p for p, _ in parts)), 1)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def reasons_in_words(facts: AccountFacts, carried_from: date | None = None,
                     filler: bool = False) -> tuple[str, ...]:  # fmt: skip
    """Why the account is on today's plan, most urgent first."""
    words: list[str] = []
    if carried_from is not None:
        words.append(f"left from {carried_from.isoformat()}")
    pairs = (
        (facts.follow_ups_due, "follow-up due", "follow-ups due"),
        (facts.broken_promises, "broken promise", "broken promises"),
        (facts.new_disputes, "new short pay or dispute", "new short pays and disputes"),
        (facts.department_answers, "department answer or overdue request",
         "department answers or overdue requests"),
        (facts.windows_closing, "dispute window closing", "dispute windows closing"),
    )  # fmt: skip
    words += [_plural(n, one, many) for n, one, many in pairs if n]
    if filler and not words:
        words.append("largest and oldest balance")
    return tuple(words)


@dataclass(frozen=True)
class PlannedAccount:
    """One account of the plan: its facts, its place, why it is there."""

    facts: AccountFacts
    rank: int  # 1 = first to work; later accounts continue the numbering
    tier: int  # CARRIED .. BALANCE: the first reason
    priority: float
    carried_from: date | None = None  # the earlier day that left it
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class DayPlan:
    """Today's accounts in the order to work them, and what did not fit."""

    on: date
    capacity: int
    today: tuple[PlannedAccount, ...] = ()
    later: tuple[PlannedAccount, ...] = field(default_factory=tuple)


def _key(facts: AccountFacts, carried: Mapping[int, date],
         left_rank: Mapping[int, int]) -> tuple[int, float, int]:  # fmt: skip
    """Carried accounts first, in the order of the day that left them; then by first reason,
    priority (high first), id."""
    if facts.account_id in carried:
        return (CARRIED, float(left_rank.get(facts.account_id, 0)), facts.account_id)
    return (facts.first_tier(), -account_priority(facts), facts.account_id)


def plan_day(
    facts: Iterable[AccountFacts],
    capacity: int,
    on: date,
    carried: Mapping[int, date] | None = None,
    left_rank: Mapping[int, int] | None = None,
) -> DayPlan:
    """Choose and order today's accounts (see the module docstring).

    `carried` maps accounts left unworked by an earlier plan to that plan's day (`left_rank`:
    their places in it, kept among them); only accounts that still have open items (are in
    `facts`) are carried."""
    carried, ranks = carried or {}, left_rank or {}
    every = list(facts)
    due = sorted((f for f in every if f.account_id in carried or f.due_today),
                 key=lambda f: _key(f, carried, ranks))  # fmt: skip
    chosen, later = due[:capacity], due[capacity:]
    filler: list[AccountFacts] = []
    if len(chosen) < capacity:
        listed = {f.account_id for f in due}
        rest = (f for f in every if f.account_id not in listed and f.open_amount > 0
                and f.oldest_days_past_due > 0)  # fmt: skip
        filler = sorted(rest, key=lambda f: _key(f, carried, ranks))[: capacity - len(chosen)]
    ordered = [*chosen, *filler]
    filled = {f.account_id for f in filler}
    today = tuple(_planned(f, n, carried, f.account_id in filled) for n, f in enumerate(ordered, 1))
    after = len(ordered)
    return DayPlan(on, capacity, today,
                   tuple(_planned(f, after + n, carried) for n, f in enumerate(later, 1)))  # fmt: skip


def _planned(facts: AccountFacts, rank: int, carried: Mapping[int, date],
             filler: bool = False) -> PlannedAccount:  # fmt: skip
    since = carried.get(facts.account_id)
    tier = CARRIED if since is not None else facts.first_tier()
    return PlannedAccount(facts, rank, tier, account_priority(facts), since,
                          reasons_in_words(facts, since, filler))  # fmt: skip


def keep_order(
    stored: Sequence[tuple[int, int, date | None]],
    facts: Mapping[int, AccountFacts],
    capacity: int,
    on: date,
) -> DayPlan:
    """A stored plan seen again: its accounts in their stored order (rank, account id, the day
    it was carried from), with their facts as they are now; every other account due today is
    "later". An account of the plan that has no open items left keeps its place (done)."""
    today: list[PlannedAccount] = []
    for rank, account_id, since in sorted(stored):
        now = facts.get(account_id)
        if now is None:
            continue  # the caller gives empty facts for an account with nothing open left
        tier = CARRIED if since is not None else now.first_tier()
        today.append(PlannedAccount(now, rank, tier, account_priority(now), since,
                                    reasons_in_words(now, since, filler=True)))  # fmt: skip
    planned = {a for _, a, _ in stored}
    rest = plan_day((f for f in facts.values() if f.account_id not in planned), 0, on)
    after = max((r for r, _, _ in stored), default=0)
    later = tuple(replace(p, rank=after + n) for n, p in enumerate(rest.later, 1))
    return DayPlan(on, capacity, tuple(today), later)


def carried_over(planned: Iterable[int], worked: Iterable[int]) -> set[int]:
    """Accounts a plan had and nobody worked: tomorrow's plan starts with them."""
    return set(planned) - set(worked)
