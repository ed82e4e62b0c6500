"""40 simulated collectors on loopback PostgreSQL: actions per second and p95 of one logged action.

`python -m benchmarks.bench_concurrency [--quick] [--collectors 40] [--seconds 20]`

Builds a demo book with 40 collectors in a new database on the server named by
ARBENCH_BENCH_PG_URL or ARBENCH_TEST_PG_URL (without either, it starts a throwaway cluster
with .ci/postgres.sh and stops it afterwards). Then 40 processes, one per collector, each with
its own connection, work their own worklists: read an item's version, log a call with a
follow-up through `services.work.items.log_contact` (permission check, lock, timeline, audit,
NOTIFY, one transaction), repeat. A short think time between actions is not counted. The
latency of each logged action is measured around the service call. The result is written to
docs/performance.md between the bench:concurrency markers (other sections are kept).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import random
import statistics
import subprocess
import sys
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- bench:concurrency:start -->", "<!-- bench:concurrency:end -->"
TARGET_P95_MS = 50.0
WARM_UP = 3  # unmeasured actions at the start of each collector process
ON = date(2026, 11, 24)


def collector(
    url: str, login: str, seconds: float, seed: int, think: tuple[float, float]
) -> tuple[list[float], int, int]:
    """One collector working their own list; returns (latencies ms, conflicts, errors)."""
    from sqlalchemy import select

    from arbench.services.base import Conflict, ServiceError, actor_for
    from arbench.services.work import items
    from arbench.services.work.item_inputs import ContactLog
    from arbench.store.db import open_database
    from arbench.store.models import Issue

    rng = random.Random(seed)
    db = open_database(url)
    actor = actor_for(db, login)
    with db.session() as s:
        ids = list(s.scalars(select(Issue.id).where(Issue.owner_id == actor.id,
                                                    Issue.status.in_(("open", "waiting")))))  # fmt: skip
    latencies: list[float] = []
    conflicts = errors = warm = 0
    deadline = time.monotonic() + seconds
    while ids and time.monotonic() < deadline:
        issue_id = rng.choice(ids)
        with db.session() as s:
            version = s.scalar(select(Issue.version).where(Issue.id == issue_id))
        started = time.perf_counter()
        try:
            items.log_contact(
                db,
                actor,
                issue_id,
                version,
                ContactLog(
                    kind="call",
                    outcome="left voicemail",
                    text="benchmark call",
                    follow_up=ON + timedelta(days=rng.randint(1, 30)),
                ),
                on=ON,
            )
        except Conflict:
            conflicts += 1
        except ServiceError:
            errors += 1
        warm += 1
        if warm > WARM_UP:  # the first calls of a process compile statements and fill caches
            latencies.append((time.perf_counter() - started) * 1000)
        time.sleep(rng.uniform(*think))  # the collector reads the screen, types, calls
    db.dispose()
    return latencies, conflicts, errors


PACED = (0.5, 1.5)  # seconds between one collector's actions (real ones take far longer)
FLAT_OUT = (0.0, 0.0)


def run(server: str, n_collectors: int, seconds: float, quick: bool) -> dict[str, dict[str, float]]:
    import psycopg
    from psycopg import sql
    from sqlalchemy import select
    from sqlalchemy.engine import make_url

    from arbench.services.admin.demo import create_demo
    from arbench.store.db import open_database
    from arbench.store.models import User

    name = f"arbench_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    try:
        db = open_database(url, create=True)
        accounts = 400 if quick else 1000
        create_demo(db, accounts=accounts, pros=accounts * 20, seed=3, as_of=ON,
                    collectors=n_collectors)  # fmt: skip
        with db.session() as s:
            logins = list(s.scalars(select(User.login).where(User.role == "collector")))
        db.dispose()
        out = {}
        with multiprocessing.get_context("spawn").Pool(n_collectors) as pool:
            for label, think in (("paced", PACED), ("flat_out", FLAT_OUT)):
                jobs = [
                    (url, logins[i % len(logins)], seconds, i, think) for i in range(n_collectors)
                ]
                out[label] = summary(pool.starmap(collector, jobs), n_collectors, seconds)
                out[label]["pros"] = accounts * 20
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
    return out


def summary(
    results: list[tuple[list[float], int, int]], n: int, seconds: float
) -> dict[str, float]:
    latencies = sorted(v for r in results for v in r[0])
    return {
        "collectors": n, "seconds": seconds, "actions": len(latencies),
        "per_second": len(latencies) / seconds, "p50": statistics.median(latencies),
        "p95": latencies[int(len(latencies) * 0.95) - 1], "p99": latencies[int(len(latencies) * 0.99) - 1],
        "conflicts": sum(r[1] for r in results), "errors": sum(r[2] for r in results),
    }  # fmt: skip


def section(runs: dict[str, dict[str, float]], server_version: str) -> str:
    paced, flat = runs["paced"], runs["flat_out"]
    verdict = "meets" if paced["p95"] <= TARGET_P95_MS else "MISSES"
    rows = [
        ("logged actions", "actions", "{:,.0f}"), ("actions per second (all collectors)", "per_second", "{:,.0f}"),
        ("latency p50 (ms)", "p50", "{:.1f}"), ("latency p95 (ms)", "p95", "{:.1f}"),
        ("latency p99 (ms)", "p99", "{:.1f}"), ("conflicts", "conflicts", "{:.0f}"),
        ("other errors", "errors", "{:.0f}"),
    ]  # fmt: skip
    return "\n".join([
        START,
        "## Many collectors at once (PostgreSQL, issue #7)",
        "",
        f"Measured {datetime.now():%Y-%m-%d %H:%M} by `python -m benchmarks.bench_concurrency` on "
        f"{platform.node() or 'this machine'} ({os.cpu_count()} CPUs, {platform.system()}), "
        f"{server_version} on loopback (throwaway cluster, fsync off), server and all collectors "
        "on the same CPUs.",
        "",
        f"{paced['collectors']:.0f} collector processes, each with its own connection, logged calls on "
        f"their own items of a {paced['pros']:,.0f}-pro book for {paced['seconds']:.0f} s. One logged "
        "action = `services.work.items.log_contact`: permission check, row lock and version check, "
        "follow-up, timeline entry, audit event, NOTIFY, the item's new worklist row, one transaction. "
        f"*Paced*: {PACED[0]}-{PACED[1]} s between one collector's actions (people take far longer); "
        "*flat out*: no pause at all, which measures the machine's ceiling, not a working day. "
        f"The first {WARM_UP} actions of each process (statement compilation, caches) are not counted.",
        "",
        "| measure | paced | flat out |",
        "|---|---|---|",
        *(f"| {name} | {fmt.format(paced[key])} | {fmt.format(flat[key])} |" for name, key, fmt in rows),
        "",
        f"Target: p95 of one logged action ≤ {TARGET_P95_MS:.0f} ms with 40 collectors working: "
        f"**{verdict}** it ({paced['p95']:.1f} ms paced). Flat out, the latency is queueing for "
        "the CPUs the 40 client processes share with the server.",
        END,
    ])  # fmt: skip


def write_section(text: str, path: Path) -> None:
    old = path.read_text() if path.exists() else "# Performance\n"
    if START in old and END in old:
        new = old.split(START)[0] + text + old.split(END, 1)[1]
    else:
        new = old.rstrip("\n") + "\n\n" + text + "\n"
    path.write_text(new)


def server_url() -> str | None:
    return os.environ.get("ARBENCH_BENCH_PG_URL") or os.environ.get("ARBENCH_TEST_PG_URL")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_concurrency")
    parser.add_argument("--quick", action="store_true", help="a smaller book and 8 s of work")
    parser.add_argument("--collectors", type=int, default=40)
    parser.add_argument("--seconds", type=float)
    parser.add_argument("--out", default=str(ROOT / "docs" / "performance.md"))
    args = parser.parse_args(argv)
    server = server_url()
    if server is None:  # start a throwaway cluster around ourselves
        inner = " ".join(
            [sys.executable, "-m", "benchmarks.bench_concurrency", *(argv or sys.argv[1:])]
        )
        script = f"source .ci/postgres.sh && pg_start && {inner}"
        return subprocess.run(["bash", "-c", script], cwd=ROOT).returncode
    import psycopg

    with psycopg.connect(server) as conn:
        version = str(conn.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]
    seconds = args.seconds or (8.0 if args.quick else 20.0)
    result = run(server, args.collectors, seconds, args.quick)
    write_section(section(result, f"PostgreSQL {version.split()[0]}"), Path(args.out))
    for label, r in result.items():
        print(f"{label}: {r['collectors']:.0f} collectors: {r['per_second']:.0f} actions/s, "
              f"p50 {r['p50']:.1f} ms, p95 {r['p95']:.1f} ms, p99 {r['p99']:.1f} ms, "
              f"{r['conflicts']:.0f} conflicts, {r['errors']:.0f} errors")  # fmt: skip
    return 0 if all(r["errors"] == 0 for r in result.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
