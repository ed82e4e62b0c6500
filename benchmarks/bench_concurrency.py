"""A team at once: collectors acting on a 1,000,000-pro book of 50 collectors while imports and
account moves run, on PostgreSQL and on SQLite, p95 of one action against the 50 ms target.

`python -m benchmarks.bench_concurrency [--quick] [--pros N] [--collectors 40] [--no-postgres]`

The book is the cached demo book of 50 collectors (seed 7; 1,000,000 pros, --quick 2,000), on
SQLite (a copy made for the run, since the run writes) and on PostgreSQL (copied into a
throwaway cluster started for the run, benchmarks/pg_server.py and pg_book.py). On each
backend the people of benchmarks/team_workers.py (one process and one connection each) are
started, do their first action untimed, then work through four phases between fixed times:
1. *alone*: one collector, actions back to back, nobody else (the baseline of an action);
2. *import alone*: the nightly import, nobody else (the baseline of an import);
3. *team, no import*: every collector paced 0.5-1.5 s between actions (people take far
   longer), the supervisor moving accounts;
4. *team*: the same with the import applied again and again, back to back: the target's figure;
5. *flat out*: the same people with no pause between actions: the machine's ceiling.
During each phase the machine's CPU use is read from /proc/stat, the server's from its
processes, each worker's from its own clock: how busy the two cores were, and with whose work.
Then the book is checked to be exactly one application of every action reported
(benchmarks/team_check.py). The figures go to benchmarks/.books/bench_concurrency.json
(benchmarks/run.py puts them in docs/performance.md), and to --out's bench:concurrency section
when run alone.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import shutil
import statistics
import tempfile
import time
import traceback
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TARGET_P95_MS = 50.0
TEAM, PROS, QUICK_PROS = 50, 1_000_000, 2_000
# (name, seconds, collectors: "one" | "all" | "none", importer, supervisor, paced)
PHASES = (("alone", 8, "one", False, False, False), ("import_alone", 4, "none", True, False, False),
          ("team_no_import", 15, "all", False, True, True), ("team", 20, "all", True, True, True),
          ("flat_out", 10, "all", True, True, False))  # fmt: skip
QUICK_SECONDS = {
    "alone": 0.5,
    "import_alone": 0.5,
    "team_no_import": 0.5,
    "team": 1,
    "flat_out": 0.5,
}
GAP, QUICK_GAP = 0.5, 0.1  # seconds between phases


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))] if ordered else 0.0


def timeline(quick: bool) -> dict[str, list[tuple[str, float, float, bool]]]:
    """Each role's phases as (name, start, end, paced), in seconds after the start; the first
    collector is the one who also works alone."""
    plan: dict[str, list[tuple[str, float, float, bool]]] = {
        "first": [], "collector": [], "importer": [], "supervisor": []}  # fmt: skip
    at = 0.0
    for name, seconds, collectors, imports, moves, paced in PHASES:
        span = (name, at, at + (QUICK_SECONDS[name] if quick else seconds), paced)
        roles = [("first", collectors != "none"), ("collector", collectors == "all"),
                 ("importer", imports), ("supervisor", moves)]  # fmt: skip
        for role, takes_part in roles:
            if takes_part:
                plan[role].append(span)
        at = span[2] + (QUICK_GAP if quick else GAP)
    return plan


def _worker(role: str, args: tuple[Any, ...], plan: list[tuple[str, float, float, bool]],
            ready: Any, go: Any, start: Any, results: Any) -> None:  # fmt: skip
    """One person: set up and warm up, say ready, wait for the start, work, report."""
    from benchmarks import team_workers

    name = f"{role}:{args[1] if role == 'collector' else ''}"
    try:
        work = getattr(team_workers, role)(*args)
        ready.put(name)
        go.wait()
        results.put((name, work([(p, start.value + a, start.value + b, paced)
                                 for p, a, b, paced in plan])))  # fmt: skip
    except BaseException:
        ready.put(name)
        results.put((name, {"crash": traceback.format_exc()[-1500:]}))


def _busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    tick = os.sysconf("SC_CLK_TCK")
    return (sum(values[:8]) - idle) / tick, sum(values[:8]) / tick


class ServerWatch:
    """The PostgreSQL server seen from outside during a run: its processes' CPU seconds, and
    what its client backends are doing (on a CPU, waiting for a lock, for their client)."""

    def __init__(self, cluster: Any) -> None:
        import psycopg

        from benchmarks.pg_book import NAME
        from benchmarks.pg_server import database_url

        self.cluster = cluster
        self.conn = psycopg.connect(database_url(cluster.admin_url, NAME), autocommit=True)

    def cpu(self) -> float:
        return float(self.cluster.cpu_seconds())

    def states(self) -> list[str]:
        rows = self.conn.execute(
            "SELECT state, wait_event_type FROM pg_stat_activity WHERE backend_type = "
            "'client backend' AND pid <> pg_backend_pid() AND datname = current_database()"
        ).fetchall()
        return [_state(state, wait) for state, wait in rows if state and state != "idle"]

    def close(self) -> None:
        self.conn.close()


def _state(state: str, wait: str | None) -> str:
    if wait == "Lock":
        return "lock"
    if wait is None and state == "active":
        return "cpu"
    if wait == "Client":
        return "client"
    return "other"


def watch(start: float, plan: dict[str, list[tuple[str, float, float, bool]]],
          server: ServerWatch | None) -> dict[str, dict[str, Any]]:  # fmt: skip
    """Each phase's machine CPU (busy share of all cores, seconds), the server's CPU seconds
    and, sampled every 0.1 s, its backends' states inside transactions."""
    spans = sorted({(a, b, name) for spans in plan.values() for name, a, b, _p in spans})
    out: dict[str, dict[str, Any]] = {}
    for a, b, name in spans:
        time.sleep(max(0.0, start + a - time.time()))
        busy0, total0 = _busy()
        server0 = server.cpu() if server else 0.0
        states: Counter[str] = Counter()
        while time.time() < start + b:
            if server:
                states.update(server.states())
            time.sleep(min(0.1, max(0.0, start + b - time.time())))
        busy1, total1 = _busy()
        out[name] = {"busy_share": (busy1 - busy0) / max(total1 - total0, 1e-9),
                     "busy_s": busy1 - busy0, "server_s": (server.cpu() - server0) if server else 0.0,
                     "backends": dict(states)}  # fmt: skip
    return out


def start_team(url: str, acting: list[str], idle: list[str], registers: list[str],
               quick: bool, server: ServerWatch | None,
               ) -> tuple[list[tuple[str, dict[str, Any]]], dict[str, dict[str, Any]]]:  # fmt: skip
    """Every person in their own process; what each reported after the last phase, and each
    phase's CPU use."""
    import arbench.services.intake.imports
    import arbench.services.organization.assignments
    import arbench.services.work.items  # noqa: F401  (imported once, before the people are forked)

    plan = timeline(quick)
    ctx = multiprocessing.get_context("fork")
    ready, results, go, start = ctx.Queue(), ctx.Queue(), ctx.Event(), ctx.Value("d", 0.0)
    people = [("collector", (url, login, i), plan["first" if i == 0 else "collector"])
              for i, login in enumerate(acting)]  # fmt: skip
    people += [("importer", (url, registers), plan["importer"]),
               ("supervisor", (url, idle, 99), plan["supervisor"])]  # fmt: skip
    procs = [ctx.Process(target=_worker, args=(role, args, spans, ready, go, start, results))
             for role, args, spans in people]  # fmt: skip
    for p in procs:
        p.start()
    for _ in procs:
        ready.get(timeout=900)
    start.value = time.time() + 0.5
    go.set()
    cpu = watch(start.value, plan, server)
    out = [results.get(timeout=900) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    return out, cpu


def summarize(people: list[tuple[str, dict[str, Any]]], wall: dict[str, float],
              cpu: dict[str, dict[str, Any]]) -> dict[str, Any]:  # fmt: skip
    crashed = [f"{name}: {r['crash']}" for name, r in people if "crash" in r]
    if crashed:
        raise RuntimeError("a benchmark worker failed:\n" + "\n".join(crashed))
    collectors = [r for name, r in people if name.startswith("collector")]
    importer = next(r for name, r in people if name.startswith("importer"))
    supervisor = next(r for name, r in people if name.startswith("supervisor"))
    phases: dict[str, Any] = {}
    for name, seconds in wall.items():
        actions = [ms for c in collectors for _k, ms in c["phases"].get(name, [])]
        imports = importer["phases"].get(name, [])
        moves = supervisor["phases"].get(name, [])
        phases[name] = {
            "seconds": seconds, "actions": len(actions), "per_second": len(actions) / seconds,
            "p50": pct(actions, 0.5), "p95": pct(actions, 0.95), "p99": pct(actions, 0.99),
            "max": max(actions, default=0.0), "imports": len(imports),
            "import_s": statistics.median(imports) if imports else None,
            "import_max_s": max(imports, default=None), "moves": len(moves),
            "move_p95": pct(moves, 0.95) if moves else None,
            "clients_cpu_s": sum(r.get("cpu", {}).get(name, 0.0) for _n, r in people),
            **cpu.get(name, {}),
        }  # fmt: skip
    today = [v for c in collectors for v in c["today_ms"]]
    return {
        "collectors": len(collectors), "phases": phases,
        "conflicts": sum(c["conflicts"] for c in collectors),
        "errors": [e for c in collectors for e in c["errors"]][:5] + importer["errors"][:3]
        + supervisor["errors"][:3],
        "today_reads": len(today), "today_p95": pct(today, 0.95) if today else None,
    }  # fmt: skip


def run_backend(url: str, n: int, quick: bool, folder: Path, log: Any,
                server: ServerWatch | None = None) -> dict[str, Any]:  # fmt: skip
    """One backend: the team's run, its figures and the final-state check."""
    from sqlalchemy import select

    from arbench.store.db import open_database
    from arbench.store.models import User
    from benchmarks import team_check, team_workers

    db = open_database(url)
    with db.session() as s:
        logins = list(s.scalars(select(User.login).where(User.role == "collector", User.active)
                                .order_by(User.id)))  # fmt: skip
    db.dispose()
    acting, idle = logins[:n], logins[n:]
    registers, balances = team_workers.make_registers(url, folder)
    marks = team_check.markers(url)
    log(f"  {len(acting)} collectors, the importer and the supervisor: starting")
    started = time.perf_counter()
    people, cpu = start_team(url, acting, idle, registers, quick, server)
    wall = {p[0]: float(QUICK_SECONDS[p[0]] if quick else p[1]) for p in PHASES}
    out = summarize(people, wall, cpu)
    out["run_s"] = time.perf_counter() - started
    done = {"collectors": [r for name, r in people if name.startswith("collector")],
            "importer": next(r for name, r in people if name.startswith("importer")),
            "supervisor": next(r for name, r in people if name.startswith("supervisor")),
            "idle": idle, "balances": balances}  # fmt: skip
    out["check"] = team_check.check(url, marks, done)
    out["load"] = round(os.getloadavg()[0], 2)
    log(
        f"  done in {out['run_s']:.0f} s; final state {'checked' if out['check']['ok'] else 'WRONG'}"
    )
    return out


def run(args: argparse.Namespace, log: Any) -> dict[str, Any]:
    from benchmarks.books import ensure_book
    from benchmarks.pg_book import copy_book
    from benchmarks.pg_server import NoServer, server

    book = ensure_book(args.pros or (QUICK_PROS if args.quick else PROS), log, TEAM)
    out: dict[str, Any] = {"pros": book.pros, "team": TEAM, "quick": args.quick,
                           "when": datetime.now().strftime("%Y-%m-%d %H:%M"),
                           "machine": f"{platform.node()} ({os.cpu_count()} CPUs, shared)",
                           "cores": os.cpu_count() or 1,
                           "load_start": round(os.getloadavg()[0], 2)}  # fmt: skip
    with tempfile.TemporaryDirectory(dir=book.path.parent) as tmp:
        folder = Path(tmp)
        copy = folder / "book.sqlite3"
        shutil.copy(book.path, copy)
        log(f"SQLite ({book.pros:,} pros), a copy of the cached book")
        out["sqlite"] = run_backend(str(copy), args.collectors, args.quick, folder, log)
        copy.unlink()
        if args.no_postgres:
            out["postgresql"] = {"status": "not run (--no-postgres)"}
            return out
        try:
            with server() as cluster:
                out["server"] = cluster.server_version()
                log(f"{out['server']}, a throwaway cluster: copying the book in")
                url = copy_book(cluster, book, log)
                seen = ServerWatch(cluster)
                try:
                    out["postgresql"] = run_backend(
                        url, args.collectors, args.quick, folder, log, seen
                    )
                finally:
                    seen.close()
        except NoServer as exc:
            out["postgresql"] = {"status": f"not run: {exc}"}
    return out


def verdict(backend: dict[str, Any]) -> bool | None:
    team = backend.get("phases", {}).get("team")
    return None if team is None else team["p95"] <= TARGET_P95_MS and backend["check"]["ok"]


def section(r: dict[str, Any]) -> str:
    """The bench:concurrency section of docs/performance.md (benchmarks/report_team.py)."""
    from benchmarks.report_team import team_section

    return team_section(r)


def main(argv: list[str] | None = None) -> int:
    from benchmarks.books import BOOKS_DIR
    from benchmarks.report_team import write_section

    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_concurrency", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument(
        "--quick", action="store_true", help="a 2,000-pro book, phases of a second or less"
    )
    parser.add_argument("--pros", type=int, help="the book's size (default 1,000,000)")
    parser.add_argument("--collectors", type=int, help="collectors acting (default 40; --quick 4)")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--out", help="also write the bench:concurrency section of this file")
    args = parser.parse_args(argv)
    args.collectors = args.collectors or (4 if args.quick else 40)

    def log(text: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)

    result = run(args, log)
    BOOKS_DIR.mkdir(parents=True, exist_ok=True)
    (BOOKS_DIR / "bench_concurrency.json").write_text(json.dumps(result, indent=1, default=str))
    if args.out:
        write_section(section(result), Path(args.out))
    wrong = [
        b for b in ("sqlite", "postgresql") if "check" in result[b] and not result[b]["check"]["ok"]
    ]
    for b in wrong:
        print(f"{b}: the final state is not one application of the actions: "
              f"{result[b]['check']['problems']}")  # fmt: skip
    return 1 if wrong else 0


if __name__ == "__main__":
    raise SystemExit(main())
