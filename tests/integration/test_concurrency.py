"""Many collectors at once on PostgreSQL: no lost update, and no error but a clear conflict.

10 worker processes (spawned, each with its own connection) play 20 rounds on the same 10 items
with the real item services (collectors.py): in the 10 contested rounds all of them act on one
item from the same version, in the 10 spread rounds each acts on its own. The outcome is
therefore known exactly, whatever the machine's speed: one success and nine clear conflicts
per contested round, ten successes per spread round. Afterwards every item's audit trail must
be an unbroken chain of versions (no two changes made from the same version: that would be a
lost update), and replaying the audit log must give exactly the follow-up, root cause and
version stored on each item.
"""

from __future__ import annotations

import multiprocessing
import queue
from datetime import date

import pytest
from collectors import BARRIER_WAIT, WorkerReport, work
from sqlalchemy import select

from arbench.services.work.worklist import OPEN
from arbench.store.db import Database
from arbench.store.models import AuditEvent, Issue, User

WORKERS = 10  # one per shared item, so a spread round gives each worker its own
ROUNDS = 20  # even rounds contested, odd rounds spread
AS_OF = date(2026, 11, 24)


def shared_items(db: Database) -> tuple[list[int], list[str]]:
    """10 open pro-level items of one collector, and the logins allowed to act on them."""
    with db.session() as s:
        owner = s.scalar(select(User).where(User.login == "agarcia"))
        assert owner is not None
        ids = list(
            s.scalars(
                select(Issue.id)
                .where(Issue.owner_id == owner.id, Issue.level == "pro", Issue.status.in_(OPEN))
                .order_by(Issue.id)
                .limit(10)
            )
        )
    assert len(ids) == 10
    return ids, ["agarcia", "kwright", "lmartin"]


def replay(db: Database, issue_ids: list[int]) -> None:
    with db.session() as s:
        for issue in s.scalars(select(Issue).where(Issue.id.in_(issue_ids))):
            events = s.scalars(
                select(AuditEvent)
                .where(AuditEvent.entity == "issue", AuditEvent.entity_id == issue.id)
                .order_by(AuditEvent.id)
            ).all()
            state = {"follow_up": None, "root_cause": None, "version": 1}
            first = True
            for event in events:
                before, after = event.before or {}, event.after or {}
                if first:
                    state.update({k: before[k] for k in ("follow_up", "root_cause") if k in before})
                    state["version"] = before["version"]
                    first = False
                assert before["version"] == state["version"], (
                    f"lost update on issue {issue.id}: event {event.id} was made from version "
                    f"{before['version']} but the item was at {state['version']}"
                )
                state.update(after)
            if first:
                continue
            stored = {
                "follow_up": issue.follow_up.isoformat() if issue.follow_up else None,
                "root_cause": issue.root_cause,
                "version": issue.version,
            }
            replayed = {k: state.get(k) for k in stored}
            if "follow_up" not in {k for e in events for k in (e.after or {})}:
                replayed["follow_up"] = stored["follow_up"]
            if "root_cause" not in {k for e in events for k in (e.after or {})}:
                replayed["root_cause"] = stored["root_cause"]
            assert replayed == stored, f"issue {issue.id}: replay {replayed} != stored {stored}"


def run_workers(url: str, issue_ids: list[int], logins: list[str]) -> list[WorkerReport]:
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(WORKERS), ctx.Queue()
    workers = [
        ctx.Process(
            target=work,
            args=(url, logins[i % len(logins)], issue_ids, ROUNDS, i, AS_OF, barrier, results),
        )
        for i in range(WORKERS)
    ]
    for worker in workers:
        worker.start()
    reports = []
    try:
        for _ in workers:  # every worker reports, even one that failed
            reports.append(results.get(timeout=ROUNDS * BARRIER_WAIT))
    except queue.Empty:
        pytest.fail(f"only {len(reports)} of {WORKERS} workers reported", pytrace=False)
    finally:
        for worker in workers:
            worker.join(60)
    return sorted(reports, key=lambda r: r.worker)


@pytest.mark.slow
def test_many_collectors_on_the_same_items_lose_nothing(pg_demo_db: Database) -> None:
    issue_ids, logins = shared_items(pg_demo_db)
    before = audited(pg_demo_db, issue_ids)
    reports = run_workers(pg_demo_db.url, issue_ids, logins)
    failures = [f for r in reports for f in r.failures]
    assert failures == [], f"{len(failures)} errors other than clear conflicts:\n{failures[0]}"
    contested, spread = ROUNDS // 2, ROUNDS - ROUNDS // 2
    done = sum(r.done for r in reports)
    assert done == contested + spread * WORKERS  # one winner per race, all on their own items
    assert sum(r.conflicts for r in reports) == contested * (WORKERS - 1)
    replay(pg_demo_db, issue_ids)
    assert audited(pg_demo_db, issue_ids) == before + done  # every success, and only those


def audited(db: Database, issue_ids: list[int]) -> int:
    with db.session() as s:
        query = select(AuditEvent.id).where(
            AuditEvent.entity == "issue", AuditEvent.entity_id.in_(issue_ids)
        )
        return len(s.scalars(query).all())
