"""A team at once: 40 collectors acting on a 1,000,000-pro book while imports run, on
PostgreSQL and on SQLite, p95 of one action against the 50 ms target.

`python -m benchmarks.bench_concurrency [--quick] [--collectors 40] [--seconds 20]`

The book is the cached demo book of 1,000,000 pros and 50 collectors (seed 7; --quick: 100,000
pros), on SQLite (a copy made for the run, since the run writes) and on PostgreSQL (the same
book copied once into the benchmark cluster, benchmarks/pg_book.py). On each backend, 40
processes (one per collector, each with its own connection) log calls with a follow-up on
their own open items through `services.items.log_contact` (permission check, row lock and
version check, timeline entry, audit event, NOTIFY on PostgreSQL, the item's new worklist row,
one transaction), 0.5-1.5 s apart (paced: people take far longer); when the collector's-day
feature is there (issue #17) each collector also reads its Today plan at the start and after
every 10th action, timed apart. Meanwhile an importer applies a 2,000-row open-item register
again and again (every row's balance changed each time: 2,000 pros updated per import, one
transaction each). All processes are started and warmed up first (imports, first statements),
then start together. The figures go to docs/performance.md between the bench:concurrency
markers and to benchmarks/.books/bench_concurrency.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing
import os
import platform
import random
import shutil
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- bench:concurrency:start -->", "<!-- bench:concurrency:end -->"
TARGET_P95_MS = 50.0
ON = date(2026, 11, 24)
TEAM, PROS, QUICK_PROS = 50, 1_000_000, 100_000
PACED = (0.5, 1.5)  # seconds between one collector's actions
TODAY_EVERY = 10
REGISTER_ROWS = 2_000


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))] if ordered else 0.0


def warm(url: str) -> int:
    """Import the services and open the database once in this worker (not measured)."""
    from arbench.services import items  # noqa: F401
    from arbench.store.db import open_database

    open_database(url).dispose()
    return os.getpid()


def collector(url: str, login: str, seconds: float, seed: int, start_at: float) -> dict[str, Any]:
    """One collector working their own list; latencies of actions and of Today reads."""
    from sqlalchemy import select

    from arbench.services import items
    from arbench.services.base import Conflict, ServiceError, actor_for
    from arbench.services.item_inputs import ContactLog
    from arbench.store.db import open_database
    from arbench.store.models import Issue
    from benchmarks.watchdog import today_service

    rng = random.Random(seed)
    db = open_database(url)
    actor = actor_for(db, login)
    today = today_service()
    with db.session() as s:
        ids = list(s.scalars(select(Issue.id).where(Issue.owner_id == actor.id,
                                                    Issue.status.in_(("open", "waiting")))))  # fmt: skip
    out: dict[str, Any] = {"latencies": [], "today": [], "conflicts": 0, "errors": 0}
    time.sleep(max(0.0, start_at - time.time()))
    deadline, n = time.monotonic() + seconds, 0
    while ids and time.monotonic() < deadline:
        if today is not None and n % TODAY_EVERY == 0:
            t = time.perf_counter()
            today(db, login, ON, with_items=False)
            out["today"].append((time.perf_counter() - t) * 1000)
        issue_id = rng.choice(ids)
        with db.session() as s:
            version = s.scalar(select(Issue.version).where(Issue.id == issue_id))
        started = time.perf_counter()
        try:
            items.log_contact(db, actor, issue_id, version,
                              ContactLog(kind="call", outcome="left voicemail", text="benchmark call",
                                         follow_up=ON + timedelta(days=rng.randint(1, 30))),
                              on=ON)  # fmt: skip
            out["latencies"].append((time.perf_counter() - started) * 1000)
        except Conflict:
            out["conflicts"] += 1
        except ServiceError:
            out["errors"] += 1
        n += 1
        time.sleep(rng.uniform(*PACED))
    db.dispose()
    return out


def importer(url: str, registers: list[str], seconds: float, start_at: float) -> dict[str, Any]:
    """Apply the registers in turn until the time is up; seconds per import."""
    from arbench.services.base import actor_for
    from arbench.services.imports import import_invoices
    from arbench.store.db import open_database

    db = open_database(url)
    actor = actor_for(db, "kwright")  # a supervisor runs the nightly import here
    out: dict[str, Any] = {"imports": [], "changed": 0, "errors": 0}
    time.sleep(max(0.0, start_at - time.time()))
    deadline, n = time.monotonic() + seconds, 0
    while time.monotonic() < deadline:
        t = time.perf_counter()
        try:
            summary = import_invoices(db, registers[n % len(registers)], actor=actor, on=ON)
            out["changed"] += summary.updated
        except Exception:  # a conflict with a collector's action: counted, the run goes on
            out["errors"] += 1
        out["imports"].append(time.perf_counter() - t)
        n += 1
    db.dispose()
    return out


def make_registers(url: str, folder: Path) -> list[str]:
    """Two registers of the same 2,000 open pros whose balances differ by a cent."""
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
    paths = []
    for k, cents in enumerate(("0.01", "0.02")):
        path = folder / f"register-{k}.csv"
        with path.open("w", newline="") as f:
            out = csv.writer(f)
            out.writerow(["PRO", "Account number", "BOL", "Invoice number", "Invoice date",
                          "Due date", "Amount", "Open balance"])  # fmt: skip
            for r in rows:
                out.writerow([*r[:7], r.open_balance - type(r.open_balance)(cents)])
        paths.append(str(path))
    return paths


def run_backend(url: str, n: int, seconds: float, folder: Path) -> dict[str, Any]:
    from sqlalchemy import select

    from arbench.store.db import open_database
    from arbench.store.models import User

    db = open_database(url)
    with db.session() as s:
        logins = list(s.scalars(select(User.login).where(User.role == "collector")
                                .order_by(User.id)))[:n]  # fmt: skip
    db.dispose()
    registers = make_registers(url, folder)
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(n + 1) as pool:
        pool.map(warm, [url] * (n + 1), chunksize=1)
        start_at = time.time() + 3.0
        imports = pool.apply_async(importer, (url, registers, seconds, start_at))
        results = pool.starmap(collector, [(url, logins[i % len(logins)], seconds, i, start_at)
                                           for i in range(n)], chunksize=1)  # fmt: skip
        imported = imports.get()
    latencies = [v for r in results for v in r["latencies"]]
    today = [v for r in results for v in r["today"]]
    return {
        "collectors": n, "seconds": seconds, "actions": len(latencies),
        "per_second": len(latencies) / seconds, "p50": _p(latencies, 0.5),
        "p95": _p(latencies, 0.95), "p99": _p(latencies, 0.99),
        "conflicts": sum(r["conflicts"] for r in results),
        "errors": sum(r["errors"] for r in results),
        "today_reads": len(today), "today_p50": _p(today, 0.5), "today_p95": _p(today, 0.95),
        "imports": len(imported["imports"]), "import_s": statistics.median(imported["imports"])
        if imported["imports"] else 0.0, "import_rows_changed": imported["changed"],
        "import_errors": imported["errors"], "load": os.getloadavg()[0],
    }  # fmt: skip


def run(quick: bool, n: int, seconds: float, log: Any = print) -> dict[str, Any]:
    from benchmarks.books import ensure_book
    from benchmarks.pg_book import ensure_pg_book
    from benchmarks.pg_server import server

    book = ensure_book(QUICK_PROS if quick else PROS, log, TEAM)
    out: dict[str, Any] = {"pros": book.pros, "team": TEAM}
    with tempfile.TemporaryDirectory(dir=book.path.parent) as tmp:
        folder = Path(tmp)
        copy = folder / "book.sqlite3"
        shutil.copy(book.path, copy)
        log(f"SQLite: {n} collectors and an importer for {seconds:.0f} s")
        out["sqlite"] = run_backend(str(copy), n, seconds, folder)
        with server() as admin:
            import psycopg

            with psycopg.connect(admin) as conn:
                row = conn.execute("SHOW server_version").fetchone()
                out["server"] = f"PostgreSQL {str(row[0]).split()[0] if row else '?'}"
            url = ensure_pg_book(admin, book, log)
            log(f"PostgreSQL: {n} collectors and an importer for {seconds:.0f} s")
            out["postgresql"] = run_backend(url, n, seconds, folder)
    return out


def section(r: dict[str, Any]) -> str:
    pg, lite = r["postgresql"], r["sqlite"]
    rows = [
        ("logged actions", "actions", "{:,.0f}"), ("actions per second (all collectors)", "per_second", "{:,.1f}"),
        ("action latency p50 (ms)", "p50", "{:.1f}"), ("**action latency p95 (ms)**", "p95", "**{:.1f}**"),
        ("action latency p99 (ms)", "p99", "{:.1f}"), ("conflicts (a collector and the import on one item)", "conflicts", "{:.0f}"),
        ("other errors", "errors", "{:.0f}"), ("Today reads", "today_reads", "{:,.0f}"),
        ("Today read p50 / p95 (ms)", None, ""), ("imports applied (2,000 rows each)", "imports", "{:,.0f}"),
        ("seconds per import (median)", "import_s", "{:.2f}"), ("load average (1 min) at the end", "load", "{:.1f}"),
    ]  # fmt: skip

    def cell(d: dict[str, Any], key: str | None, fmt: str) -> str:
        if key is None:
            return (
                f"{d['today_p50']:.0f} / {d['today_p95']:.0f}"
                if d["today_reads"]
                else "no Today in this version"
            )
        return fmt.format(d[key])

    verdict = lambda d: "**pass**" if d["p95"] <= TARGET_P95_MS else "**FAIL**"  # noqa: E731
    return "\n".join([
        START,
        "## A team at once: 40 collectors, imports running, 1M pros (PostgreSQL and SQLite)",
        "",
        f"Measured {datetime.now():%Y-%m-%d %H:%M} by `python -m benchmarks.bench_concurrency` on "
        f"{platform.node() or 'this machine'} ({os.cpu_count()} CPUs, shared), {r['server']} on "
        "loopback (the benchmark cluster, fsync off) and SQLite 3 (WAL), server, importer and all "
        f"collectors on the same CPUs. Book: {r['pros']:,} pros, {r['team']} collectors (demo, seed 7).",
        "",
        f"{pg['collectors']} collector processes, each with its own connection, logged calls on their "
        f"own open items for {pg['seconds']:.0f} s, {PACED[0]}-{PACED[1]} s apart, through "
        "`services.items.log_contact` (permission, row lock and version check, timeline entry, audit, "
        "NOTIFY, the item's new worklist row, one transaction); each read its Today plan at the start "
        f"and after every {TODAY_EVERY}th action when the feature is there; an importer applied a "
        "2,000-row register again and again (every balance changed, one transaction per import).",
        "",
        "| measure | PostgreSQL | SQLite |",
        "|---|---|---|",
        *(f"| {name} | {cell(pg, key, fmt)} | {cell(lite, key, fmt)} |" for name, key, fmt in rows),
        "",
        f"Target: p95 of one action ≤ {TARGET_P95_MS:.0f} ms with 40 collectors working and imports "
        f"running: PostgreSQL {verdict(pg)} ({pg['p95']:.1f} ms), SQLite {verdict(lite)} ({lite['p95']:.1f} ms). "
        "On SQLite every write waits for the one write lock: an import's transaction holds it "
        "for its whole length, and the actions queued behind it make the tail.",
        END,
    ])  # fmt: skip


def write_section(text: str, path: Path) -> None:
    old = path.read_text() if path.exists() else "# Performance\n"
    if START in old and END in old:
        new = old.split(START)[0] + text + old.split(END, 1)[1]
    else:
        new = old.rstrip("\n") + "\n\n" + text + "\n"
    path.write_text(new)


def main(argv: list[str] | None = None) -> int:
    from benchmarks.books import BOOKS_DIR

    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_concurrency")
    parser.add_argument("--quick", action="store_true", help="a 100,000-pro book, 8 s of work")
    parser.add_argument("--collectors", type=int, default=40)
    parser.add_argument("--seconds", type=float)
    parser.add_argument("--out", default=str(ROOT / "docs" / "performance.md"))
    args = parser.parse_args(argv)
    seconds = args.seconds or (8.0 if args.quick else 20.0)
    result = run(args.quick, args.collectors, seconds)
    write_section(section(result), Path(args.out))
    BOOKS_DIR.mkdir(parents=True, exist_ok=True)
    (BOOKS_DIR / "bench_concurrency.json").write_text(json.dumps(result, indent=1))
    for backend in ("postgresql", "sqlite"):
        r = result[backend]
        print(f"{backend}: {r['collectors']} collectors: {r['per_second']:.1f} actions/s, p50 "
              f"{r['p50']:.1f} ms, p95 {r['p95']:.1f} ms, p99 {r['p99']:.1f} ms, {r['conflicts']} "
              f"conflicts, {r['errors']} errors, {r['imports']} imports")  # fmt: skip
    return 0 if all(result[b]["errors"] == 0 for b in ("postgresql", "sqlite")) else 1


if __name__ == "__main__":
    raise SystemExit(main())
