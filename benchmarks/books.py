"""The benchmark books: demo books of 10k, 100k and 1M pros, built once and cached.

A book is keyed by pros, accounts, collectors, seed and as-of date and kept under
benchmarks/.books/ (ignored by git; ARBENCH_BENCH_BOOKS names another folder, as the test of
the quick run does). Each book gets one item with a 500-activity timeline (the
"long timeline" target) and is upgraded to the current schema before it is measured, so a
cached book built before a migration still measures the current indexes (the backup the
upgrade makes of a cached book is deleted: the book can be rebuilt).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

BOOKS_DIR = Path(
    os.environ.get("ARBENCH_BENCH_BOOKS") or Path(__file__).parent / ".books"
).resolve()
AS_OF = date(2026, 11, 24)
SEED = 7
COLLECTORS = 40
LONG_TIMELINE = 500
LOGIN = "agarcia"  # the collector whose worklist the start benchmark opens
# The big list: one collector owning ~100,000 open items (98,443), as the issue measured them.
BIG_LIST_PROS, BIG_LIST_COLLECTORS = 140_000, 1
QUICK_BIG_LIST_PROS = 3_000  # the quick run's big list (a smoke test, not a figure)


@dataclass(frozen=True)
class Book:
    pros: int
    path: Path
    long_issue: int  # the item with a LONG_TIMELINE-activity timeline
    build_s: float | None  # seconds to generate, when built in this run
    collectors: int = COLLECTORS

    @property
    def url(self) -> str:
        return str(self.path)


def accounts_for(pros: int) -> int:
    """Accounts of the book: 5,000 accounts for 100,000 pros, the issue's ratio."""
    return max(1, pros // 20)


def book_path(pros: int, collectors: int = COLLECTORS) -> Path:
    name = f"book-{pros}p-{accounts_for(pros)}a-{collectors}c-s{SEED}-{AS_OF}.sqlite3"
    return BOOKS_DIR / name


def ensure_book(pros: int, log: object = print, collectors: int = COLLECTORS) -> Book:
    """The cached book of `pros` pros, generated (in a subprocess, the CLI) when missing."""
    path = book_path(pros, collectors)
    build_s = None
    if not path.exists() or Path(f"{path}.building").exists():
        build_s = _generate(pros, path, log, collectors)
    _upgrade(path)
    return Book(pros, path, _long_timeline_issue(path), build_s, collectors)


def big_list_book(log: object = print, quick: bool = False) -> Book:
    """The book of one collector with ~100,000 open items (the "big list" targets)."""
    return ensure_book(QUICK_BIG_LIST_PROS if quick else BIG_LIST_PROS, log, BIG_LIST_COLLECTORS)


def _generate(pros: int, path: Path, log: object, collectors: int) -> float:
    BOOKS_DIR.mkdir(parents=True, exist_ok=True)
    marker = Path(f"{path}.building")
    marker.touch()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    log(f"building the {pros:,}-pro book in {path} (once; cached) …")  # type: ignore[operator]
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "arbench", "--db", str(path), "demo", "--pros", str(pros),
         "--accounts", str(accounts_for(pros)), "--collectors", str(collectors),
         "--seed", str(SEED), "--as-of", AS_OF.isoformat()],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    marker.unlink()
    return time.perf_counter() - start


def _upgrade(path: Path) -> None:
    """Migrate a cached book; the backup `upgrade` makes of it first is deleted (the book can
    be rebuilt, and at 1M pros each backup is ~900 MB)."""
    from arbench.store.db import make_engine, resolve_url, upgrade

    engine = make_engine(resolve_url(str(path)))
    try:
        _before, _after, backup = upgrade(engine)
    finally:
        engine.dispose()
    if (
        backup is not None
        and backup.resolve().parent == BOOKS_DIR
        and backup.name.startswith(f"{path.name}.")
    ):
        backup.unlink(missing_ok=True)


def _long_timeline_issue(path: Path) -> int:
    """An open pro-level item of LOGIN's worklist given LONG_TIMELINE activities (once)."""
    from sqlalchemy import func, insert, select

    from arbench.store.db import open_database
    from arbench.store.models import Activity, Issue, User

    db = open_database(str(path))
    try:
        with db.session() as s:
            uid = s.scalar(select(User.id).where(User.login == LOGIN))
            issue_id, account_id = s.execute(
                select(Issue.id, Issue.account_id)
                .where(Issue.owner_id == uid, Issue.level == "pro", Issue.status == "open")
                .order_by(Issue.id)
                .offset(10)
                .limit(1)
            ).one()
            have = s.scalar(select(func.count()).where(Activity.issue_id == issue_id)) or 0
            start = datetime.combine(AS_OF, datetime.min.time()) - timedelta(days=400)
            rows = [
                {"account_id": account_id, "issue_id": issue_id, "user_id": uid,
                 "at": start + timedelta(hours=19 * n), "kind": ("call", "email", "note")[n % 3],
                 "contact": "AP desk" if n % 3 != 2 else None,
                 "outcome": "left voicemail" if n % 3 == 0 else None,
                 "text": f"Follow-up {n + 1}: asked for the remittance & the POD <copy> again"}
                for n in range(have, LONG_TIMELINE)
            ]  # fmt: skip
            if rows:
                s.execute(insert(Activity), rows)
        return int(issue_id)
    finally:
        db.dispose()
