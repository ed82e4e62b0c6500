"""The one benchmark command: `python -m benchmarks.run [--quick] [--scales 10000,100000,1000000]`.

Builds (once, cached under benchmarks/.books/) the demo books it needs, measures every target
of issues #9 and #18 together with its baseline in the same run, on the paths users take (the
installed `arbench` command for the start and the CLI, the window's own runner for the GUI,
the services in fresh processes), runs benchmarks/bench_import_export.py and
bench_concurrency.py, and writes docs/performance.md's bench:run and bench:concurrency
sections (other text of the file is kept as it is). Every figure carries the machine's load
average when it was taken.

`--quick` is a smoke run at small scale (a 2,000-pro book, a 3,000-item list, one run of each
start, a 2,000-row register, 4 collectors for a few seconds): the test suite runs it into a
scratch file to prove that every benchmark still works; its figures mean nothing.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import measure
from benchmarks.books import BOOKS_DIR, Book, big_list_book, ensure_book
from benchmarks.report import write_report

TARGET_SCALE = 100_000
QUICK_SCALES = "2000"
# The other benchmarks: (arguments for a full run, for a quick run, whether their printed
# report goes into the bench:run section; bench_concurrency's figures make their own section).
OTHER_BENCHMARKS: dict[str, tuple[list[str], list[str], bool]] = {
    "bench_import_export": ([], ["--quick"], True),
    "bench_concurrency": ([], ["--quick"], False),
}


def log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def loaded(fn: Callable[[], Any]) -> Any:
    """Run a measurement; a dict result gets the 1-minute load average before and after."""
    before = os.getloadavg()[0]
    result = fn()
    if isinstance(result, dict):
        result["load"] = [round(before, 2), round(os.getloadavg()[0], 2)]
    return result


def measure_scale(book: Book, runs: int, target: bool) -> dict[str, Any]:
    """Every measurement at one book size; the 1,000-item collector's targets at 100k."""
    out: dict[str, Any] = {"pros": book.pros, "build_s": book.build_s}
    log(f"{book.pros:,} pros: the real start ×{runs} (bare window and ORM floor interleaved)")
    out["start"] = loaded(lambda: measure.real_starts(book, runs))
    log(f"{book.pros:,} pros: type-ahead over the whole team's list")
    out["filter"] = loaded(lambda: measure.type_ahead(book, 0))
    log(f"{book.pros:,} pros: KPIs over a year, whole team (fresh process: cold, warm)")
    out["kpis"] = loaded(lambda: measure.service_probe("kpis", book))
    log(f"{book.pros:,} pros: import (dry run) of a register of every open pro")
    # five calls where they are cheap: the warm figure is the median of four, not one call
    calls = 5 if book.pros <= TARGET_SCALE else 2
    out["import"] = loaded(lambda: measure.service_probe("import", book, runs=calls))
    if target:
        log(f"{book.pros:,} pros: opening the item with a 500-activity timeline")
        out["open"] = loaded(lambda: measure.open_long_item(book))
    if book.pros >= 1_000_000:
        log(f"{book.pros:,} pros: Today (issue #17) for one collector")
        out["today"] = loaded(lambda: measure.today_cli(book, runs))
    return out


def measure_big_list(book: Book, runs: int) -> dict[str, Any]:
    """One collector with ~100,000 open items: start, CLI, type-ahead, watchdog, export."""
    out: dict[str, Any] = {"pros": book.pros, "build_s": book.build_s}
    log(f"big list ({book.pros:,} pros, 1 collector): the real start ×{runs}")
    out["start"] = loaded(lambda: measure.real_starts(book, runs))
    log("big list: `arbench worklist --format json` vs bare sqlite3 + json")
    out["cli"] = loaded(lambda: measure.cli_worklist(book, runs))
    log("big list: type-ahead on the collector's own list")
    out["filter"] = loaded(lambda: measure.type_ahead(book, 0, own=True))
    log("big list: the worklist service, cold and warm")
    out["worklist"] = loaded(lambda: measure.service_probe("worklist", book))
    log("big list: export of the worklist (query included) vs bare sqlite3 + openpyxl")
    out["export"] = loaded(lambda: measure.service_probe("export", book, runs=2))
    out["export_bare"] = loaded(lambda: measure.service_probe("export-bare", book, runs=2))
    log("big list: GUI-thread watchdog (start, refresh, KPIs, import, exports, Today)")
    out["watchdog"] = loaded(lambda: measure.watchdog(book))
    return out


def other_benchmarks(quick: bool) -> dict[str, Any]:
    """Run benchmarks/bench_*.py of the other features (they write their own sections)."""
    results: dict[str, Any] = {}
    for name, (full, quick_args, keep_output) in OTHER_BENCHMARKS.items():
        path = Path(__file__).with_name(f"{name}.py")
        if not path.exists() or importlib.util.find_spec(f"benchmarks.{name}") is None:
            results[name] = {"status": "not present"}
            continue
        log(f"running benchmarks/{name}.py")
        start, load = time.perf_counter(), os.getloadavg()[0]
        proc = subprocess.run([sys.executable, "-m", f"benchmarks.{name}", *(quick_args if quick else full)],
                              cwd=measure.ROOT, capture_output=True, text=True)  # fmt: skip
        if proc.returncode != 0:
            log(f"benchmarks/{name}.py failed:\n{(proc.stdout + proc.stderr)[-1500:]}")
        results[name] = {"status": "ok" if proc.returncode == 0 else f"exit {proc.returncode}",
                         "seconds": time.perf_counter() - start,
                         "load": [round(load, 2), round(os.getloadavg()[0], 2)],
                         "output": proc.stdout.strip() if keep_output and proc.returncode == 0 else "",
                         "tail": (proc.stdout + proc.stderr)[-600:]}  # fmt: skip
        json_path = BOOKS_DIR / f"{name}.json"
        if json_path.exists():
            results[name]["figures"] = json.loads(json_path.read_text())
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run at small scale (its figures mean nothing)")  # fmt: skip
    parser.add_argument("--scales", help="comma-separated book sizes in pros "
                        f"(default 10000,100000,1000000; --quick: {QUICK_SCALES})")  # fmt: skip
    parser.add_argument("--no-big-list", action="store_true",
                        help="skip the ~100,000-item collector's book")  # fmt: skip
    parser.add_argument("--no-others", action="store_true",
                        help="skip the other features' benchmarks/bench_*.py")  # fmt: skip
    parser.add_argument("--out", default=str(measure.ROOT / "docs" / "performance.md"))
    parser.add_argument("--report-only", action="store_true",
                        help="rewrite the report from the last run's results (benchmarks/.books/last-run.json)")  # fmt: skip
    args = parser.parse_args(argv)
    if args.report_only:
        last = BOOKS_DIR / "last-run.json"
        results = json.loads(last.read_text())
        results.setdefault("finished", time.strftime("%Y-%m-%d %H:%M",
                                                     time.localtime(last.stat().st_mtime)))  # fmt: skip
        for line in write_report(Path(args.out), results):
            print(line)
        return 0
    default = QUICK_SCALES if args.quick else "10000,100000,1000000"
    scales = sorted(int(s.replace("_", "")) for s in (args.scales or default).split(","))
    runs = 1 if args.quick else 7
    target = max([p for p in scales if p <= TARGET_SCALE] or scales[:1])
    started = time.time()
    results: dict[str, Any] = {"scales": {}, "quick": args.quick, "runs": runs,
                               "target_scale": target, "load_start": os.getloadavg()}  # fmt: skip
    for pros in scales:
        book = ensure_book(pros, log)
        results["scales"][pros] = measure_scale(book, runs, pros == target)
    if not args.no_big_list:
        results["big_list"] = measure_big_list(big_list_book(log, args.quick), runs)
    results["others"] = {} if args.no_others else other_benchmarks(args.quick)
    results["seconds"] = time.time() - started
    results["load_end"] = os.getloadavg()
    results["finished"] = time.strftime("%Y-%m-%d %H:%M")
    BOOKS_DIR.mkdir(parents=True, exist_ok=True)
    (BOOKS_DIR / "last-run.json").write_text(json.dumps(results, indent=1, default=str))
    verdicts = write_report(Path(args.out), results)
    log(f"written {args.out} in {results['seconds']:.0f} s")
    for line in verdicts:
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
