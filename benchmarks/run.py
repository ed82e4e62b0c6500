"""The one benchmark command: `python -m benchmarks.run [--quick] [--scales 10000,100000,1000000]`.

Builds (once, cached under benchmarks/.books/) the demo books it needs, measures every target of
issue #9 together with its baseline in the same run, and writes its section of
docs/performance.md (between the bench:run markers; other sections are kept as they are).
Other engineers' benchmark modules (benchmarks/bench_*.py) are run too when present.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks import measure
from benchmarks.books import BOOKS_DIR, Book, ensure_book
from benchmarks.report import write_report

TARGET_SCALE = 100_000
FILTER_ITEMS = 100_000
# Other features' benchmarks: (arguments for a full run, for a quick run, whether their printed
# report goes into this section; bench_concurrency writes its own section of the file).
OTHER_BENCHMARKS: dict[str, tuple[list[str], list[str], bool]] = {
    "bench_import_export": ([], ["--rows", "20000"], True),
    "bench_concurrency": ([], ["--quick"], False),
}


def log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def measure_scale(book: Book, runs: int, target: bool) -> dict[str, Any]:
    """Every measurement at one book size; the full set of targets at the target size."""
    out: dict[str, Any] = {"pros": book.pros, "build_s": book.build_s}
    log(f"{book.pros:,} pros: cold start ×{runs} (with the bare baseline, interleaved)")
    out["start"] = measure.cold_starts(book, runs)
    log(f"{book.pros:,} pros: type-ahead over the whole team's list")
    out["filter"] = measure.type_ahead(book, 0)
    log(f"{book.pros:,} pros: KPIs over a year, whole team")
    out["kpis"] = measure.kpis(book)
    log(f"{book.pros:,} pros: import (dry run) of a register of every open pro")
    out["import"] = measure.import_register(book)
    if target:
        log(f"{book.pros:,} pros: type-ahead at {FILTER_ITEMS:,} items")
        out["filter_target"] = measure.type_ahead(book, FILTER_ITEMS)
        log(f"{book.pros:,} pros: opening the item with a 500-activity timeline")
        out["open"] = measure.open_long_item(book)
        log(f"{book.pros:,} pros: GUI-thread watchdog during refresh, KPIs, import, exports")
        out["watchdog"] = measure.watchdog(book)
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
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", f"benchmarks.{name}", *(quick_args if quick else full)],
                              cwd=measure.ROOT, capture_output=True, text=True)  # fmt: skip
        results[name] = {"status": "ok" if proc.returncode == 0 else f"exit {proc.returncode}",
                         "seconds": time.perf_counter() - start,
                         "output": proc.stdout.strip() if keep_output and proc.returncode == 0 else "",
                         "tail": (proc.stdout + proc.stderr)[-600:]}  # fmt: skip
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--quick", action="store_true",
                        help="10k and 100k only, 3 cold starts instead of 7")  # fmt: skip
    parser.add_argument("--scales", help="comma-separated book sizes in pros "
                        "(default 10000,100000,1000000; --quick: 10000,100000)")  # fmt: skip
    parser.add_argument("--no-others", action="store_true",
                        help="skip the other features' benchmarks/bench_*.py")  # fmt: skip
    parser.add_argument("--out", default=str(measure.ROOT / "docs" / "performance.md"))
    parser.add_argument("--report-only", action="store_true",
                        help="rewrite the report from the last run's results (benchmarks/.books/last-run.json)")  # fmt: skip
    args = parser.parse_args(argv)
    if args.report_only:
        results = json.loads((BOOKS_DIR / "last-run.json").read_text())
        for line in write_report(Path(args.out), results):
            print(line)
        return 0
    default = "10000,100000" if args.quick else "10000,100000,1000000"
    scales = sorted(int(s.replace("_", "")) for s in (args.scales or default).split(","))
    runs = 3 if args.quick else 7
    started = time.time()
    results: dict[str, Any] = {"scales": {}, "quick": args.quick}
    for pros in scales:
        book = ensure_book(pros, log)
        results["scales"][pros] = measure_scale(book, runs, pros == TARGET_SCALE)
    results["others"] = {} if args.no_others else other_benchmarks(args.quick)
    results["seconds"] = time.time() - started
    BOOKS_DIR.mkdir(parents=True, exist_ok=True)
    (BOOKS_DIR / "last-run.json").write_text(json.dumps(results, indent=1, default=str))
    verdicts = write_report(Path(args.out), results)
    log(f"written {args.out} in {results['seconds']:.0f} s")
    for line in verdicts:
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
