"""docs/performance.md: the machine, each target with its measured value, baseline and verdict
(benchmarks/report_rows.py), what stands in the way of each target missed, the details.

Only the text between the bench:run markers (and, from the team benchmark's figures, between
the bench:concurrency markers) is rewritten; the rest of the file (the hand-written
optimisation log) is kept as it is. Every row carries the 1-minute load average before and
after its measurement (the machine has 2 cores shared with other engineers' work): ratios to a
baseline measured in the same run are the figures to trust.
"""

from __future__ import annotations

import os
import platform
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

from benchmarks.report_rows import MISSED, load, ready, target_rows
from benchmarks.report_team import team_section, write_section

START, END = "<!-- bench:run:start -->", "<!-- bench:run:end -->"
TARGET = 100_000


def machine(results: dict[str, Any]) -> list[tuple[str, str]]:
    from importlib.metadata import version

    import sqlalchemy
    from PySide6.QtCore import qVersion

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal"))  # fmt: skip
        ram = f"{mem_kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        ram = "unknown"
    start, end = results.get("load_start"), results.get("load_end")
    avg = (f"{start[0]:.1f} at the start, {end[0]:.1f} at the end (1 min); each row below "
           "gives its own. The 2 cores are shared with other engineers' test runs: absolute "
           "figures are noisy, the ratios to baselines measured in the same run are the ones "
           "to trust" if start and end else f"{os.getloadavg()[0]:.1f}")  # fmt: skip
    return [
        ("CPU", cpu), ("Cores", str(os.cpu_count())), ("RAM", ram), ("OS", platform.platform()),
        ("Python", platform.python_version()), ("PySide6 / Qt", f"{version('PySide6')} / {qVersion()}"),
        ("SQLAlchemy", sqlalchemy.__version__), ("SQLite", sqlite3.sqlite_version),
        ("Load average", avg),
    ]  # fmt: skip


def _scale_table(results: dict[str, Any]) -> list[str]:
    lines = ["| Pros | Book built in | Start to the first row's detail (bare, floor) | Collector's items | Team items | "
             "Filter p95 | Import dry run cold / warm | KPIs cold / warm | Load |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for pros, s in sorted((int(k), v) for k, v in results["scales"].items()):
        imp, kpi, build, st = s.get("import"), s.get("kpis"), s.get("build_s"), s["start"]
        imp_text = (f"{imp['cold_s']:.2f} / {imp['warm_s']:.2f} s ({imp['register_rows']:,} rows)"
                    if imp else "n/a")  # fmt: skip
        kpi_text = f"{kpi['cold_s']:.2f} / {kpi['warm_s']:.2f} s" if kpi else "n/a"
        lines.append(
            f"| {pros:,} | {f'{build:.0f} s' if build else 'cached'} "
            f"| {ready(st):.2f} s ({st['bare_s']:.2f}, {st['floor_s']:.2f}) | {st['items']:,} "
            f"| {s['filter']['items']:,} | {s['filter']['p95_ms']:.1f} ms | {imp_text} "
            f"| {kpi_text} | {load(st)} |"
        )
    return lines


def _start_details(name: str, st: dict[str, Any]) -> list[str]:
    m = st["marks"]
    return [
        f"- {name}: runs to the first row's detail drawn (s) "
        f"{', '.join(f'{x:.2f}' for x in st.get('ready_runs', st['start_runs']))}; the process's "
        f"end (the whole list in) {', '.join(f'{x:.2f}' for x in st['start_runs'])}; bare "
        f"{', '.join(f'{x:.2f}' for x in st['bare_runs'])}; floor "
        f"{', '.join(f'{x:.2f}' for x in st['floor_runs'])}. Median run, seconds since the "
        f"spawn: imports done and `run_gui` entered {m['imported_s']:.2f}, book open "
        f"{m['db_open_s']:.2f}, window shown {m['window_shown_s']:.2f}, list shown "
        f"{m['list_shown_s']:.2f}, first row's detail drawn {m['ready_s']:.2f}; "
        f"{m['modules']} modules, {m['rss_mb']:.0f} MB; CPU {st['start_cpu_s']:.2f} s "
        f"(bare {st['bare_cpu_s']:.2f} s).",
    ]


def _details(results: dict[str, Any]) -> list[str]:
    lines = ["", "### Details", ""]
    target = results.get("target_scale", TARGET)
    t = results["scales"].get(target) or results["scales"].get(str(target))
    big = results.get("big_list")
    if t:
        lines += _start_details(f"Start, {t['start']['items']:,}-item collector "
                                f"({target:,}-pro book)", t["start"])  # fmt: skip
    if big:
        lines += _start_details(f"Start, {big['start']['items']:,}-item list", big["start"])
        cli, w = big["cli"], big["worklist"]
        lines.append(
            f"- CLI runs (s): arbench {', '.join(f'{x:.2f}' for x in cli['cli_runs'])}; bare "
            f"{', '.join(f'{x:.2f}' for x in cli['raw_runs'])} ({cli['raw_rows']:,} rows). The "
            f"worklist service alone in a fresh process: cold {w['cold_s']:.2f} s, warm "
            f"{w['warm_s']:.2f} s; its imports {w['import_s']:.2f} s."
        )
        jobs = big["watchdog"]["jobs"]
        lines.append("- Watchdog, longest GUI-thread gap per job (job duration): " + "; ".join(
            f"{k} {v['longest_gap_ms']:.0f} ms ({v['seconds']:.1f} s)" for k, v in jobs.items()) + ".")  # fmt: skip
        f = big["filter"]
        lines.append(f"- Type-ahead queries typed key by key: {', '.join(repr(q) for q in f['queries'])} "
                     "(then Ctrl+A, Backspace back to every row); each keystroke timed through the "
                     f"repaint ({f['paints']} paints).")  # fmt: skip
    others = results.get("others") or {}
    for name, o in others.items():
        where = "its figures below" if o.get("output") else "its section of this file"
        lines.append(f"- benchmarks/{name}.py: {o['status']}"
                     + (f" ({o['seconds']:.0f} s, load {o['load'][0]:.1f} → {o['load'][1]:.1f}; {where})"
                        if "seconds" in o else ""))  # fmt: skip
    for name, o in others.items():
        if o.get("output"):
            lines += ["", f"#### From benchmarks/{name}.py (run by benchmarks.run)", "",
                      o["output"].replace("\n## ", "\n**").lstrip("#").strip()]  # fmt: skip
    return lines


def _missed(rows: list[tuple[str, ...]]) -> list[str]:
    found = [f"- **{row[0]}** ({row[1]}; limit {row[3]}): {row[6]}" for row in rows
             if row[4] == MISSED and row[6]]  # fmt: skip
    if not found:
        return []
    return ["", "### What stands in the way of each target missed (measured in this run)", "",
            *found]  # fmt: skip


def render(results: dict[str, Any]) -> str:
    when = results.get("finished") or datetime.now().strftime("%Y-%m-%d %H:%M")
    mode = ("quick run: a smoke test at small scale, its figures mean nothing"
            if results.get("quick") else "full run")  # fmt: skip
    scales = ", ".join(f"{int(p):,}" for p in sorted(int(k) for k in results["scales"]))
    lines = [START, "## Benchmark results (`python -m benchmarks.run`)", "",
             f"Measured {when} ({mode}, {results['seconds'] / 60:.0f} min; books of {scales} "
             f"pros, {results['runs']} run{'s' if results['runs'] > 1 else ''} of each start) on:", "",
             "| Machine | |", "|---|---|"]  # fmt: skip
    lines += [f"| {k} | {v} |" for k, v in machine(results)]
    rows = target_rows(results)
    lines += [
        "",
        "| Target | Measured | Baseline (same run) | Limit | Verdict | Load |",
        "|---|---|---|---|---|---|",
    ]
    lines += [f"| {' | '.join(row[:6])} |" for row in rows]
    lines += [*_missed(rows), "", "### By book size", "", *_scale_table(results),
              *_details(results), "", END]  # fmt: skip
    return "\n".join(lines)


def write_report(path: Path, results: dict[str, Any]) -> list[str]:
    """Replace the bench:run section of `path` (appended when missing) and, from the team
    benchmark's figures, its bench:concurrency section; the verdict lines."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n\n"
    section = render(results)
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    team = (results.get("others") or {}).get("bench_concurrency", {}).get("figures")
    if team:
        write_section(team_section(team), path)
    return [f"{row[4]:>12}  {row[0]}: {row[1]}" for row in target_rows(results)]
