"""Simulated collectors for the concurrency test: processes working the same items at once.

Each worker opens its own connection and plays a fixed number of rounds. In a round every
worker reads the version of the item the round names (what its screen shows), waits at a
barrier until all the others have read theirs too, then acts with the real item services (log
a call with a follow-up, or set the root cause), and waits at the barrier again until every
action of the round has committed or been refused, so no read of the next round can see a
version that is about to change. In a *contested* round all workers act on the same item from
the same version, so exactly one can succeed and every other one must get a clear `Conflict`;
in a *spread* round each worker has its own item and every one must succeed. The barriers make
the race happen every time, whatever the machine's speed: nothing is timed.
"""

from __future__ import annotations

import random
import traceback
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from arbench.services.base import Conflict, actor_for
from arbench.services.work import items
from arbench.services.work.item_inputs import ContactLog
from arbench.store.db import open_database
from arbench.store.models import Issue

CAUSES = ("pod_missing", "inspection_correction", "accessorial_not_requested", "wrong_bill_to")
BARRIER_WAIT = 300  # seconds: only a crashed or hung worker ever reaches it


@dataclass
class WorkerReport:
    worker: int
    done: int = 0
    conflicts: int = 0
    failures: list[str] = field(default_factory=list)


def item_for(round_no: int, worker: int, issue_ids: list[int]) -> int:
    """The item `worker` acts on in `round_no`: shared in even rounds, its own in odd ones."""
    if round_no % 2 == 0:
        return issue_ids[(round_no // 2) % len(issue_ids)]
    return issue_ids[(worker + round_no) % len(issue_ids)]


def work(
    url: str, login: str, issue_ids: list[int], rounds: int, worker: int, on: date,
    barrier: Any, results: Any,
) -> None:  # fmt: skip
    """Play `rounds` rounds as `login`; puts a WorkerReport on `results`."""
    rng = random.Random(worker)
    report = WorkerReport(worker)
    db = open_database(url)
    try:
        actor = actor_for(db, login)
        for round_no in range(rounds):
            issue_id = item_for(round_no, worker, issue_ids)
            with db.session() as s:
                version = s.get(Issue, issue_id).version  # type: ignore[union-attr]
            barrier.wait(BARRIER_WAIT)
            try:
                _act(db, actor, issue_id, version, rng, on)
                report.done += 1
            except Conflict as exc:
                report.conflicts += 1
                if "reload it and apply your change again" not in str(exc):
                    report.failures.append(f"unclear conflict: {exc}")
            barrier.wait(BARRIER_WAIT)  # the round is over: every action committed or refused
    except Exception:
        report.failures.append(traceback.format_exc(limit=4))
        barrier.abort()  # the others stop waiting for this worker
    finally:
        db.dispose()
        results.put(report)


def _act(db, actor, issue_id: int, version: int, rng: random.Random, on: date) -> None:  # type: ignore[no-untyped-def]
    if rng.random() < 0.6:
        follow_up = on + timedelta(days=rng.randint(1, 40))
        items.log_contact(
            db,
            actor,
            issue_id,
            version,
            ContactLog(
                kind="call",
                outcome="left voicemail",
                text=f"call by {actor.login}",
                follow_up=follow_up,
            ),
            on=on,
        )
    else:
        items.set_root_cause(db, actor, issue_id, version, code=rng.choice(CAUSES), on=on)
