"""The people of the team benchmark, each one process with its own connection
(benchmarks/bench_concurrency.py starts them).

- A *collector* works their own open pro-level items through the services the window calls:
  `items.log_contact` (a call with the next follow-up; 80 %) and `items.record_promise` (a
  promise to pay; 20 %): permission, row lock and version check, timeline entry, audit event,
  NOTIFY on PostgreSQL, the item's new worklist row, one transaction. Before each action it
  reads the item's version, as the window has it. With the collector's-day feature (issue #17)
  it also reads its Today plan at the start and after every 10th action, timed apart.
- The *importer* (the nightly job, a supervisor) applies an open-item register of 2,000 pros
  again and again through `imports.import_invoices`; each register changes every balance.
- The *supervisor* moves one account at a time between the collectors who are not acting
  (`assignments.assign_accounts`: the account, its open items, history, audit, timeline).

Each worker first opens the book and does its first action (statements compiled, caches
filled; applied like any other, not timed), reports ready, then works through the phases it
takes part in, between absolute times. It returns what it did: latencies per phase and, for
the final-state check, the last value it wrote to each item, account or pro.
"""

from __future__ import annotations

import csv
import random
import time
import traceback
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ON = date(2026, 11, 24)
TODAY_EVERY = 10
PACED = (0.5, 1.5)  # seconds between one collector's actions when paced
MOVE_EVERY = (1.0, 2.0)  # seconds between the supervisor's moves
REGISTER_ROWS = 2_000
IMPORTER, SUPERVISOR = "kwright", "lmartin"
Phases = list[tuple[str, float, float, bool]]  # (name, start, end, paced): absolute times


def _until(at: float) -> None:
    time.sleep(max(0.0, at - time.time()))


class Collector:
    """One collector's session: their items, the actions and what each one wrote last."""

    def __init__(self, url: str, login: str, seed: int) -> None:
        from sqlalchemy import select

        from arbench.services.base import actor_for
        from arbench.store.db import open_database
        from arbench.store.models import Issue, Pro
        from benchmarks.watchdog import today_service

        self.rng = random.Random(seed)
        self.db = open_database(url)
        self.actor = actor_for(self.db, login)
        self.today = today_service()
        with self.db.session() as s:
            self.ids = list(s.scalars(
                select(Issue.id).join(Pro, Pro.id == Issue.pro_id)
                .where(Issue.owner_id == self.actor.id, Issue.level == "pro",
                       Issue.status.in_(("open", "waiting")), Pro.open_balance > 10)
                .order_by(Issue.id)))  # fmt: skip
        self.follow_up: dict[int, str] = {}  # item id -> the follow-up its last action set
        self.promised: dict[int, tuple[str, str]] = {}  # item id -> (amount, due) promised last
        self.done = {"call": 0, "promise": 0}
        self.out: dict[str, Any] = {"login": login, "items": len(self.ids), "phases": {},
                                    "conflicts": 0, "errors": [], "today_ms": []}  # fmt: skip

    def act(self) -> tuple[str, float] | None:
        """One action on a random own item; (kind, milliseconds), or None when refused."""
        from sqlalchemy import select

        from arbench.services.base import Conflict, ServiceError
        from arbench.services.work import items
        from arbench.services.work.item_inputs import ContactLog, PromiseToPay
        from arbench.store.models import Issue

        issue_id = self.rng.choice(self.ids)
        with self.db.session() as s:
            version = s.scalar(select(Issue.version).where(Issue.id == issue_id))
        promise = self.rng.random() < 0.2
        amount = Decimal(self.rng.randint(100, 1000)) / 100
        when = ON + timedelta(days=self.rng.randint(1, 30))
        started = time.perf_counter()
        try:
            if promise:
                items.record_promise(self.db, self.actor, issue_id, version,
                                     PromiseToPay(amount, when), on=ON)  # fmt: skip
            else:
                items.log_contact(self.db, self.actor, issue_id, version,
                                  ContactLog(kind="call", outcome="left voicemail",
                                             text="benchmark call", follow_up=when), on=ON)  # fmt: skip
        except Conflict:
            self.out["conflicts"] += 1
            return None
        except ServiceError as exc:
            self.out["errors"].append(str(exc)[:300])
            return None
        ms = (time.perf_counter() - started) * 1000
        kind = "promise" if promise else "call"
        self.done[kind] += 1
        self.follow_up[issue_id] = (when + timedelta(days=1) if promise else when).isoformat()
        if promise:
            self.promised[issue_id] = (str(amount), when.isoformat())
        return kind, ms

    def read_today(self) -> None:
        if self.today is not None:
            t = time.perf_counter()
            self.today(self.db, self.actor.login, ON, with_items=False)
            self.out["today_ms"].append((time.perf_counter() - t) * 1000)

    def work(self, phases: Phases) -> dict[str, Any]:
        n, self.out["cpu"] = 0, {}
        for name, start, end, paced in phases:
            _until(start)
            cpu = time.process_time()
            times: list[tuple[str, float]] = []
            while self.ids and time.time() < end:
                if n % TODAY_EVERY == 0:
                    self.read_today()
                done = self.act()
                if done is not None:
                    times.append(done)
                n += 1
                if paced:
                    time.sleep(min(self.rng.uniform(*PACED), max(0.0, end - time.time())))
            self.out["phases"][name] = times
            self.out["cpu"][name] = time.process_time() - cpu
        self.db.dispose()
        return self.out | {"done": self.done, "follow_up": self.follow_up,
                           "promised": self.promised}  # fmt: skip


def collector(url: str, login: str, seed: int) -> Callable[[Phases], dict[str, Any]]:
    session = Collector(url, login, seed)
    if session.ids:
        session.act()  # the first action: statements compiled, caches filled (not timed)
    return session.work


def make_registers(url: str, folder: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Two registers of the same 2,000 open pros, every balance a cent or two lower than the
    book's; the paths and, per register, each PRO's open balance as written."""
    from sqlalchemy import select

    from arbench.store.db import open_database
    from arbench.store.models import Account, Pro

    db = open_database(url)
    with db.session() as s:
        rows = s.execute(
            select(Pro.pro, Account.number, Pro.bol, Pro.invoice_number, Pro.invoice_date,
                   Pro.due_date, Pro.amount, Pro.open_balance)
            .join(Account, Account.id == Pro.account_id)
            .where(Pro.status == "open", Pro.open_balance > 10)
            .order_by(Pro.id).limit(REGISTER_ROWS)
        ).all()  # fmt: skip
    db.dispose()
    paths, balances = [], []
    for k, cents in enumerate((Decimal("0.01"), Decimal("0.02"))):
        path, written = folder / f"register-{k}.csv", {}
        with path.open("w", newline="") as f:
            out = csv.writer(f)
            out.writerow(["PRO", "Account number", "BOL", "Invoice number", "Invoice date",
                          "Due date", "Amount", "Open balance"])  # fmt: skip
            for r in rows:
                balance = r.open_balance - cents
                out.writerow([*r[:7], balance])
                written[r.pro] = str(balance)
        paths.append(str(path))
        balances.append(written)
    return paths, balances


def importer(url: str, registers: list[str]) -> Callable[[Phases], dict[str, Any]]:
    """The nightly import, applied again and again; which register was applied last."""
    from arbench.services.base import actor_for
    from arbench.services.intake.imports import import_invoices

    db = open_database_for(url)
    actor = actor_for(db, IMPORTER)
    state: dict[str, Any] = {"n": 0, "last": None, "errors": [], "phases": {}, "updated": [],
                             "cpu": {}}  # fmt: skip

    def apply() -> float:
        k = state["n"] % len(registers)
        state["n"] += 1
        t = time.perf_counter()
        try:
            summary = import_invoices(db, registers[k], actor=actor, on=ON)
        except Exception:  # counted and shown: the run goes on
            state["errors"].append(traceback.format_exc(limit=2)[-300:])
            return -1.0
        if summary.errors:
            state["errors"].append(str(summary.errors[:2]))
            return -1.0
        state["last"] = k
        state["updated"].append(summary.updated)
        return time.perf_counter() - t

    apply()  # the first import: not timed

    def work(phases: Phases) -> dict[str, Any]:
        for name, start, end, _paced in phases:
            _until(start)
            times, cpu = [], time.process_time()
            while time.time() < end:
                took = apply()
                if took >= 0:
                    times.append(took)
            state["phases"][name] = times
            state["cpu"][name] = time.process_time() - cpu
        db.dispose()
        return state

    return work


def supervisor(url: str, idle: list[str], seed: int) -> Callable[[Phases], dict[str, Any]]:
    """Moves one account at a time between the idle collectors; each account's last owner."""
    from sqlalchemy import select

    from arbench.services.base import ServiceError, actor_for
    from arbench.services.organization.assignments import assign_accounts
    from arbench.store.models import Account, User

    rng = random.Random(seed)
    db = open_database_for(url)
    actor = actor_for(db, SUPERVISOR)
    with db.session() as s:
        numbers = list(s.scalars(select(Account.number).join(User, User.id == Account.collector_id)
                                 .where(User.login.in_(idle)).order_by(Account.number)))  # fmt: skip
    state: dict[str, Any] = {"last": {}, "errors": [], "phases": {}, "moves": 0, "cpu": {}}

    def move() -> float:
        number, to = rng.choice(numbers), rng.choice(idle)
        t = time.perf_counter()
        try:
            result = assign_accounts(db, actor, [number], to)
        except ServiceError as exc:
            state["errors"].append(str(exc)[:300])
            return -1.0
        state["last"][number] = to
        state["moves"] += len(result.moved)
        return time.perf_counter() - t

    if numbers and len(idle) > 1:
        move()  # the first move: not timed

    def work(phases: Phases) -> dict[str, Any]:
        for name, start, end, _paced in phases:
            _until(start)
            times, cpu = [], time.process_time()
            while numbers and len(idle) > 1 and time.time() < end:
                took = move()
                if took >= 0:
                    times.append(took * 1000)
                time.sleep(min(rng.uniform(*MOVE_EVERY), max(0.0, end - time.time())))
            state["phases"][name] = times
            state["cpu"][name] = time.process_time() - cpu
        db.dispose()
        return state

    return work


def open_database_for(url: str) -> Any:
    from arbench.store.db import open_database

    return open_database(url)
