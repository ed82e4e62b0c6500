"""Today's list without Qt: the user's open items of the day's accounts, grouped by account.

`TodayList` is one of the worklist controller's lists (registered with `add_list`): it
accepts the user's items on the accounts of the day's plan (today's and those that did not
fit, "later"), keeps them in the plan's order (account by account, each account's items in
work order) and takes every change record like the other lists, so its rows, counts and
account summaries follow the same change as everything else on screen. The plan (which
accounts, their order, what an earlier day left, what was worked) comes from
services.work.day_plan; an account's summary (open amount, reasons, oldest item) is counted from
its rows here (domain.day_plan.facts_from_items, the rule the plan itself uses).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from arbench.domain.day_plan import AccountFacts, facts_from_items, reasons_in_words
from arbench.services.op_changes import Changes
from arbench.services.work.day_plan import PlanAccount, TodayPlan
from arbench.services.work.worklist import WorkItem, by_order
from arbench.ui.worklist_state import ListDelta, RowList

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
        self._by_account: dict[str, list[WorkItem]] = {}  # rows by account, in list order
        self._facts: dict[str, AccountFacts] = {}  # counted from them (dropped when they change)

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

    def reset(self, items: Iterable[WorkItem], *, ordered: bool = False) -> None:
        """Every row replaced: the accounts are grouped again."""
        self._by_account, self._facts = {}, {}
        super().reset(items, ordered=ordered)

    def apply(self, changes: Changes) -> ListDelta:
        """A change record: only the accounts whose rows it touched are counted again."""
        delta = super().apply(changes)
        touched = {i.account_number for i in (*delta.added, *delta.removed)}
        touched |= {i.account_number for pair in delta.changed for i in pair}
        if touched:
            fresh: dict[str, list[WorkItem]] = defaultdict(list)
            for item in self.items:
                if item.account_number in touched:
                    fresh[item.account_number].append(item)
            for number in touched:
                self._by_account[number] = fresh.get(number, [])
                self._facts.pop(number, None)
        return delta

    def rows_of(self, number: str) -> list[WorkItem]:
        """The account's rows in list order."""
        if not self._by_account and self.items:
            grouped: dict[str, list[WorkItem]] = defaultdict(list)
            for item in self.items:
                grouped[item.account_number].append(item)
            self._by_account = dict(grouped)
        return self._by_account.get(number, [])

    def facts_of(self, number: str) -> AccountFacts:
        """The account's facts counted from its rows (kept until its rows change)."""
        if number not in self._facts:
            meta = self.meta.get(number)
            rows = self.rows_of(number)
            name = meta.account_name if meta else (rows[0].account_name if rows else number)
            self._facts[number] = facts_from_items(
                meta.account_id if meta else 0, number, name, rows
            )
        return self._facts[number]

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
        visible: dict[str, list[WorkItem]] = defaultdict(list)
        for item in shown:
            visible[item.account_number].append(item)
        numbers = list(visible) if narrowed else [*self.today_numbers(), *visible]
        ordered = sorted(dict.fromkeys(numbers), key=lambda n: self.rank.get(n, LAST))
        today = set(self.today_numbers())
        return [self._row(n, visible.get(n, []), n not in today) for n in ordered]

    def _row(self, number: str, shown: list[WorkItem], later: bool) -> AccountRow:
        facts = self.facts_of(number)
        meta = self.meta.get(number)
        return AccountRow(number, facts.name, self.rank.get(number, LAST), later,
                          meta.carried_from if meta else None, number in self.worked, facts,
                          tuple(shown))  # fmt: skip

    def counts(self) -> tuple[int, int, int]:
        """(today's accounts, of them worked, accounts later)."""
        if self.plan is None:
            return 0, 0, 0
        today = self.today_numbers()
        return len(today), sum(1 for n in today if n in self.worked), len(self.plan.later)
