"""Many collectors at once on PostgreSQL: no lost update, and no error but a clear conflict.

24 worker processes (spawned, each with its own connection) work the same 10 items for about
ten seconds with the real item services. Afterwards every item's audit trail must be an
unbroken chain of versions (no two changes made from the same version: that would be a lost
update), and replaying the audit log must give exactly the follow-up, root cause and version
stored on each item.
"""

from __future__ import annotations

import multiprocessing
from datetime import date

import pytest
from collectors import WorkerReport, work
from sqlalchemy import select

from arbench.services.worklist import OPEN
from arbench.store.db import Database
from arbench.store.models import AuditEvent, Issue, User

WORKERS = 24
SECONDS = 10.0
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


@pytest.mark.slow
def test_many_collectors_on_the_same_items_lose_nothing(pg_demo_db: Database) -> None:
    issue_ids, logins = shared_items(pg_demo_db)
    before = audited(pg_demo_db, issue_ids)
    jobs = [
        (pg_demo_db.url, logins[i % len(logins)], issue_ids, SECONDS, i, AS_OF)
        for i in range(WORKERS)
    ]
    with multiprocessing.get_context("spawn").Pool(WORKERS) as pool:
        reports: list[WorkerReport] = pool.starmap(work, jobs)
    failures = [f for r in reports for f in r.failures]
    assert failures == [], f"{len(failures)} errors other than clear conflicts:\n{failures[0]}"
    done = sum(r.done for r in reports)
    conflicts = sum(r.conflicts for r in reports)
    assert done >= 200, f"only {done} actions completed"
    assert conflicts > 0, "the workers never raced: the test did not test anything"
    print(f"{WORKERS} collectors: {done} actions, {conflicts} clear conflicts")
    replay(pg_demo_db, issue_ids)
    assert audited(pg_demo_db, issue_ids) == before + done  # every success, and only those


def audited(db: Database, issue_ids: list[int]) -> int:
    with db.session() as s:
        query = select(AuditEvent.id).where(
            AuditEvent.entity == "issue", AuditEvent.entity_id.in_(issue_ids)
        )
        return len(s.scalars(query).all())
