"""Today's list without Qt: the user's open items of the day's accounts, grouped by account.

`TodayList` is one of the worklist controller's lists (registered with `add_list`): it
accepts the user's items on the accounts of the day's plan (today's and those that did not
fit, "later"), keeps them in the plan's order (account by account, each account's items in
work order) and takes every change record like the other lists, so its rows, counts and
account summaries follow the same change as everything else on screen. The plan (which
accounts, their order, what an earlier day left, what was worked) comes from
services.day_plan; an account's summary (open amount, reasons, oldest item) is counted from
its rows here (domain.day_plan.facts_from_items, the rule the plan itself uses).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from arbench.domain.day_plan import AccountFacts, facts_from_items, reasons_in_words
from arbench.services.day_plan import PlanAccount, TodayPlan
from arbench.services.worklist import WorkItem, by_order
from arbench.ui.worklist_state import RowList

LAST = 10**9


@dataclass(frozen=True)
class AccountRow:
    """One account of the day as the Today view shows it."""

    number: str
    name: str
    rank: int
    later: bool  # did not fit today's capacity
    carried_from: date | None
    worked: bool
    facts: AccountFacts  # counted from its rows now
    items: tuple[WorkItem, ...]  # the rows shown under it (search and filter applied)

    @property
    def reasons(self) -> tuple[str, ...]:
        return reasons_in_words(self.facts, self.carried_from, filler=not self.later)

    @property
    def done(self) -> bool:
        """Nothing of the account is open any more."""
        return self.facts.items == 0


class TodayList(RowList):
    """The user's items on the day's accounts, in the plan's order (see the module docstring)."""

    def __init__(self, owner_id: int):
        super().__init__("today", "Today", self._accepts, order=self._order)
        self.owner_id = owner_id
        self.plan: TodayPlan | None = None
        self.rank: dict[str, int] = {}  # account number -> place in the day (later included)
        self.meta: dict[str, PlanAccount] = {}
        self.number_of: dict[int, str] = {}  # account id -> number
        self.worked: set[str] = set()

    def _accepts(self, item: WorkItem) -> bool:
        return item.owner_id == self.owner_id and item.account_number in self.rank

    def _order(self, item: WorkItem) -> tuple[int, int, float, int]:
        return (self.rank.get(item.account_number, LAST), *by_order(item))

    def set_plan(self, plan: TodayPlan, rows: Iterable[WorkItem]) -> bool:
        """A plan read: its accounts, and the user's rows on them (from the other lists).
        The rows are read again only when the accounts or their order changed; whether
        they were."""
        self.plan = plan
        every = (*plan.accounts, *plan.later)
        rank = {a.account_number: a.rank for a in every}
        self.meta = {a.account_number: a for a in every}
        self.number_of = {a.account_id: a.account_number for a in every}
        self.worked = {a.account_number for a in plan.accounts if a.worked}
        if rank == self.rank:
            return False
        self.rank = rank
        self.reset([r for r in rows if self._accepts(r)])
        return True

    def mark_worked(self, account_ids: Iterable[int]) -> bool:
        """Accounts the user's own action touched are worked today; whether any was new."""
        today = {a.account_number for a in self.plan.accounts} if self.plan else set()
        new = {self.number_of[a] for a in account_ids if a in self.number_of} & today
        added = bool(new - self.worked)
        self.worked |= new
        return added

    def today_numbers(self) -> list[str]:
        return [a.account_number for a in self.plan.accounts] if self.plan else []

    def accounts(self, shown: Iterable[WorkItem], narrowed: bool) -> list[AccountRow]:
        """The accounts to show, in the plan's order, each with its shown rows; with nothing
        narrowing the view, today's accounts with no open item left are listed too (done)."""
        every: dict[str, list[WorkItem]] = defaultdict(list)
        for item in self.items:
            every[item.account_number].append(item)
        visible: dict[str, list[WorkItem]] = defaultdict(list)
        for item in shown:
            visible[item.account_number].append(item)
        numbers = list(visible) if narrowed else [*self.today_numbers(), *visible]
        ordered = sorted(dict.fromkeys(numbers), key=lambda n: self.rank.get(n, LAST))
        return [self._row(n, every.get(n, []), visible.get(n, [])) for n in ordered]

    def _row(self, number: str, every: list[WorkItem], shown: list[WorkItem]) -> AccountRow:
        meta = self.meta.get(number)
        name = meta.account_name if meta else (every[0].account_name if every else number)
        later = number not in set(self.today_numbers())
        facts = facts_from_items(meta.account_id if meta else 0, number, name, every)
        return AccountRow(number, name, self.rank.get(number, LAST), later,
                          meta.carried_from if meta else None, number in self.worked, facts,
                          tuple(shown))  # fmt: skip

    def counts(self) -> tuple[int, int, int]:
        """(today's accounts, of them worked, accounts later)."""
        if self.plan is None:
            return 0, 0, 0
        today = self.today_numbers()
        return len(today), sum(1 for n in today if n in self.worked), len(self.plan.later)

    def open_amount(self, number: str) -> Decimal:
        """An account's open amount counted from the rows (as the view shows it)."""
        return facts_from_items(0, number, number,
                                (i for i in self.items if i.account_number == number)).open_amount  # fmt: skip
