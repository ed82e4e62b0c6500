"""Simulated collectors for the concurrency test: processes working the same items at once.

Each worker opens its own connection, then until its deadline: picks one of the shared items,
reads its version (what its screen shows), thinks a few milliseconds, and acts with the real
item services (log a call with a follow-up, set the root cause). A `Conflict` is the expected,
clear outcome of a race; anything else is reported back as a failure.
"""

from __future__ import annotations

import random
import time
import traceback
from dataclasses import dataclass, field
from datetime import date, timedelta

from arbench.services import items
from arbench.services.base import Conflict, actor_for
from arbench.services.item_inputs import ContactLog
from arbench.store.db import open_database
from arbench.store.models import Issue

CAUSES = ("pod_missing", "inspection_correction", "accessorial_not_requested", "wrong_bill_to")


@dataclass
class WorkerReport:
    done: int = 0
    conflicts: int = 0
    failures: list[str] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)


def work(
    url: str, login: str, issue_ids: list[int], seconds: float, seed: int, on: date
) -> WorkerReport:
    """Act on the shared issues as `login` for `seconds`; returns what happened."""
    rng = random.Random(seed)
    report = WorkerReport()
    db = open_database(url)
    try:
        actor = actor_for(db, login)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            issue_id = rng.choice(issue_ids)
            with db.session() as s:
                version = s.get(Issue, issue_id).version  # type: ignore[union-attr]
            time.sleep(rng.uniform(0, 0.01))
            started = time.perf_counter()
            try:
                _act(db, actor, issue_id, version, rng, on)
                report.done += 1
            except Conflict as exc:
                report.conflicts += 1
                if "reload it and apply your change again" not in str(exc):
                    report.failures.append(f"unclear conflict: {exc}")
            except Exception:
                report.failures.append(traceback.format_exc(limit=4))
            report.latencies_ms.append((time.perf_counter() - started) * 1000)
    finally:
        db.dispose()
    return report


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
