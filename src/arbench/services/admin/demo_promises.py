"""The demo book's past promises to pay that ended: kept, partly kept, or broken then paid.

A promise that was kept closed its pro, so kept promises live on paid pros: about a third of
the demo's paid pros were collected after a call that got a promise, and the pro carries that
story: a resolved past-due item, the promise, and the payments that settled it.

- kept (about 70 % of the stories): the full amount paid on or before the promised day;
- partly kept (about 15 %): part paid by the promised day, the rest a week or more later
  (the promise counts as broken: it was not kept in full);
- broken then paid (about 15 %): nothing by the promised day, everything later.

With the promises still open on unpaid pros (broken once their day passed), the demo's
promise-kept rate lands near 60 %: a team doing its job, not 0 % nor 100 %. The stories draw
from their own random stream, so the rest of the book is the same with or without them.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from arbench.store.models import Activity, Issue, Promise

KEPT, PARTLY, LATE = "kept", "partly", "late"
SHARE = 0.6  # of paid pros (without a dispute) whose payment followed a promise
MIX = ((KEPT, 75), (PARTLY, 13), (LATE, 12))
CENT = Decimal("0.01")
_ISSUES, _PROMISES, _ACTIVITIES = Issue.__table__, Promise.__table__, Activity.__table__


class PromiseStories:
    """Decides which paid pros had a promise and writes the story (see the module docstring)."""

    def __init__(self, seed: int, as_of: date) -> None:
        self.rng = random.Random(seed * 7919 + 104729)
        self.as_of = as_of

    def pick(self) -> str | None:
        """The story of one paid pro, or None when it was paid without a promise."""
        if self.rng.random() >= SHARE:
            return None
        roll = self.rng.uniform(0, sum(weight for _, weight in MIX))
        for story, weight in MIX:
            roll -= weight
            if roll <= 0:
                return story
        return MIX[-1][0]

    def fit(self, story: str | None, invoiced: date, received: date) -> str | None:
        """The story the dates allow: a partly kept promise needs a week after the first
        payment before today; one broken then paid needs days between invoice and payment."""
        if story == PARTLY and received + timedelta(days=7) > self.as_of:
            return KEPT
        if story == LATE and received - invoiced < timedelta(days=4):
            return KEPT
        return story

    def payments(
        self, story: str | None, paid: Decimal, received: date
    ) -> list[tuple[date, Decimal]]:
        """The pro's payments: one on `received`, or, partly kept, a part on `received` and
        the rest 7 to 30 days later (never after the book's today)."""
        if story != PARTLY:
            return [(received, paid)]
        part = (paid * Decimal(self.rng.choice(("0.3", "0.4", "0.5", "0.6")))).quantize(CENT)
        later = min(self.as_of, received + timedelta(days=self.rng.randint(7, 30)))
        return [(received, part), (later, paid - part)]

    def promise_days(self, story: str, invoiced: date, received: date) -> tuple[date, date]:
        """(made on, due on) so that the payments on `received` keep the promise or not."""
        made = max(invoiced + timedelta(days=1), received - timedelta(days=self.rng.randint(3, 20)))
        if story == LATE:
            due = received - timedelta(days=self.rng.randint(1, 3))
            return min(made, due - timedelta(days=1)), due
        return made, max(
            made + timedelta(days=1), received + timedelta(days=self.rng.randint(0, 3))
        )

    def write(self, gen: Any, story: str, aid: int, pid: int, owner: int, amount: Decimal,
              invoiced: date, payments: list[tuple[date, Decimal]]) -> None:  # fmt: skip
        """The resolved past-due item, its promise and timeline, on a paid pro."""
        made, due = self.promise_days(story, invoiced, payments[0][0])
        if made < invoiced:
            return  # paid too soon after invoicing for any call: no story
        paid_in_full = payments[-1][0]
        kept = story == KEPT
        iid = gen._issue(aid, pid, owner, "pro", "past_due", "slow_pay", made,
                         status="resolved", resolved_on=paid_in_full, resolution_code="paid_in_full",
                         root_cause_fixed=self.rng.random() < 0.4)  # fmt: skip
        gen.w.add(_PROMISES, {
            "id": gen.ids("promise"), "issue_id": iid, "amount": amount, "due_on": due,
            "made_on": made, "status": "kept" if kept else "broken",
            "settled_on": payments[0][0] if kept else due + timedelta(days=1), "made_by_id": owner,
        })  # fmt: skip
        at = datetime.combine(made, datetime.min.time()).replace(hour=10)
        text = f"Promise to pay ${amount:,.2f} by {due.isoformat()}"
        gen.w.add(_ACTIVITIES, {"id": gen.ids("activity"), "account_id": aid, "issue_id": iid,
                                "user_id": owner, "at": at, "kind": "promise", "contact": None,
                                "outcome": None, "text": text})  # fmt: skip
