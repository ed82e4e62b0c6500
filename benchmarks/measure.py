"""The measurements benchmarks/run.py makes, each in fresh processes.

The start is the installed `arbench --db BOOK --as LOGIN` (the users' path, through
`arbench.cli.main` and `run_gui`), timed from spawning it to the first row's detail drawn;
the other GUI figures come from `python -m benchmarks.gui_probe` processes, services' cold and
warm figures from `python -m benchmarks.service_probe` processes, the CLI from the command
itself. Each process has offscreen Qt and its own empty settings directory; nothing is warm but
the operating system's file cache (not dropped: that needs root), warm for the baselines too.
Wall seconds are what the user waits; CPU seconds (the kernel's account of the child) are
reported beside them because the machine is shared.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.books import AS_OF, LOGIN, Book

ROOT = Path(__file__).resolve().parents[1]
ARBENCH = Path(sys.executable).with_name("arbench")  # the installed command users run


def run_process(
    cmd: list[str],
    env: dict[str, str] | None = None,
    out: Any = subprocess.PIPE,
    timeout: float = 1800,
) -> tuple[float, float, str, str]:
    """Run a command; (wall seconds to its first stdout line or its end, its CPU seconds
    (user + system, from the kernel's account of the child), first stdout line, stderr)."""
    with tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=err, text=True)
        line = proc.stdout.readline() if proc.stdout is not None else ""
        if proc.stdout is not None:
            wall = time.perf_counter() - start
            proc.stdout.read()
        _pid, status, usage = os.wait4(proc.pid, 0)
        if proc.stdout is None:
            wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        message = err.read()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{message[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, line, message


def _gui_env(home: str) -> dict[str, str]:
    return dict(os.environ, QT_QPA_PLATFORM="offscreen", ARBENCH_CONFIG_DIR=f"{home}/c",
                ARBENCH_DATA_DIR=f"{home}/d", XDG_DATA_HOME=f"{home}/x")  # fmt: skip


def probe(mode: str, *args: str, timeout: float = 1800) -> tuple[float, dict[str, Any]]:
    """Run one gui_probe; (seconds from spawn to its JSON line, the JSON)."""
    with tempfile.TemporaryDirectory() as home:
        cmd = [sys.executable, "-m", "benchmarks.gui_probe", mode, *args]
        wall, cpu, line, err = run_process(cmd, _gui_env(home), timeout=timeout)
        if not line:
            raise RuntimeError(f"{' '.join(cmd)} printed nothing:\n{err[-2000:]}")
        data = json.loads(line)
        data["cpu_s"] = cpu
        return wall, data


def book_args(book: Book, login: str = LOGIN) -> list[str]:
    return ["--db", book.url, "--login", login, "--on", AS_OF.isoformat()]


def real_start(book: Book, login: str = LOGIN) -> tuple[float, dict[str, Any]]:
    """`arbench --db BOOK --as LOGIN`, the command a user runs, in a fresh process with empty
    settings, until the first row's detail is drawn (arbench.ui.start_probe reports it)."""
    with tempfile.TemporaryDirectory() as home:
        env = _gui_env(home)
        env["ARBENCH_START_PROBE"] = repr(time.time())
        cmd = [str(ARBENCH), "--db", book.url, "--as", login]
        wall, cpu, line, err = run_process(cmd, env)
        if not line:
            raise RuntimeError(f"{' '.join(cmd)} printed nothing:\n{err[-2000:]}")
        data = json.loads(line)
        data["cpu_s"] = cpu
        return wall, data


def real_starts(book: Book, runs: int, login: str = LOGIN) -> dict[str, Any]:
    """Medians of the real start, the bare window and the ORM floor, runs interleaved. The
    start is ready when the first row's detail is drawn (`ready_s`, since the spawn: the
    collector can work); its process runs on until the whole list is in (`start_s`)."""
    bare, floor, start, details, bare_cpu, start_cpu = [], [], [], [], [], []
    bare_rss = 0.0
    for _ in range(runs):
        wall, data = probe("bare")
        bare.append(wall)
        bare_cpu.append(data["cpu_s"])
        bare_rss = data["rss_mb"]
        floor.append(probe("floor")[0])
        wall, data = real_start(book, login)
        start.append(wall)
        start_cpu.append(data["cpu_s"])
        details.append(data)
    mid = details[start.index(sorted(start)[len(start) // 2])]
    ready = [d["ready_s"] for d in details]
    return {
        "ready_s": statistics.median(ready), "ready_runs": ready,
        "whole_list_s": statistics.median(d["list_shown_s"] for d in details),
        "first_rows_s": statistics.median(d.get("first_rows_s", d["list_shown_s"]) for d in details),
        "bare_s": statistics.median(bare), "floor_s": statistics.median(floor),
        "start_s": statistics.median(start), "bare_runs": bare, "floor_runs": floor,
        "start_runs": start, "bare_cpu_s": statistics.median(bare_cpu),
        "start_cpu_s": statistics.median(start_cpu), "first_s": start[0], "marks": mid,
        "rss_mb": mid["rss_mb"], "items": mid["items"], "loaded": mid["loaded"],
        "bare_rss_mb": bare_rss, "login": login,
    }  # fmt: skip


def cli_worklist(book: Book, runs: int, login: str = LOGIN) -> dict[str, Any]:
    """`arbench worklist --format json` against bare sqlite3 fetching and serializing the same
    rows' columns (benchmarks/raw_worklist.py), each a fresh process, runs interleaved."""
    raw, cli, raw_cpu, cli_cpu = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        out_raw, out_cli = Path(tmp) / "raw.json", Path(tmp) / "cli.json"
        for _ in range(runs):
            with out_raw.open("w") as f:
                wall, cpu, _line, _err = run_process(
                    [sys.executable, str(ROOT / "benchmarks" / "raw_worklist.py"), book.url, login], out=f)  # fmt: skip
            raw.append(wall)
            raw_cpu.append(cpu)
            with out_cli.open("w") as f:
                wall, cpu, _line, _err = run_process(
                    [str(ARBENCH), "--db", book.url, "worklist", "--user", login, "--on",
                     AS_OF.isoformat(), "--format", "json"], out=f)  # fmt: skip
            cli.append(wall)
            cli_cpu.append(cpu)
        rows = len(json.loads(out_cli.read_text()))
        raw_rows = len(json.loads(out_raw.read_text()))
        size = out_cli.stat().st_size
    return {"raw_s": statistics.median(raw), "cli_s": statistics.median(cli), "raw_runs": raw,
            "cli_runs": cli, "raw_cpu_s": statistics.median(raw_cpu),
            "cli_cpu_s": statistics.median(cli_cpu), "rows": rows, "raw_rows": raw_rows,
            "bytes": size, "first_s": cli[0]}  # fmt: skip


def has_command(name: str) -> bool:
    """Whether this version's `arbench` has the sub-command `name`."""
    from arbench.cli import build_parser

    parser = build_parser()
    return any(name in getattr(action, "choices", None) or ()
               for action in parser._subparsers._group_actions)  # type: ignore[union-attr]  # fmt: skip


def today_cli(book: Book, runs: int, login: str = LOGIN) -> dict[str, Any]:
    """`arbench today --user LOGIN --format json` (issue #17) as a process, and the plan
    service cold and warm in a fresh process; {"status": "absent"} without the command."""
    if not has_command("today"):
        return {"status": "absent"}
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu, _line, _err = run_process(
            [str(ARBENCH), "--db", book.url, "today", "--user", login, "--on", AS_OF.isoformat(),
             "--format", "json"], out=subprocess.DEVNULL)  # fmt: skip
        walls.append(wall)
        cpus.append(cpu)
    service = service_probe("today", book, login=login)
    return {"status": "ok", "cli_s": statistics.median(walls), "cli_runs": walls,
            "cli_cpu_s": statistics.median(cpus), "service": service}  # fmt: skip


def service_probe(mode: str, book: Book, runs: int = 3, login: str = LOGIN) -> dict[str, Any]:
    """benchmarks/service_probe in a fresh process: cold and warm figures of one service."""
    cmd = [sys.executable, "-m", "benchmarks.service_probe", mode, *book_args(book, login),
           "--runs", str(runs)]  # fmt: skip
    wall, cpu, line, err = run_process(cmd)
    data = json.loads(line)
    data["process_s"], data["cpu_s"] = wall, cpu
    return data


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def type_ahead(book: Book, items: int, own: bool = False, login: str = LOGIN) -> dict[str, Any]:
    """Keystrokes timed through the repaint: wall and the process's CPU, p95 and max."""
    extra = ["--own"] if own else ["--items", str(items)]
    _wall, data = probe("filter", *book_args(book, login), *extra)
    data["p95_ms"] = p95(data["times_ms"])
    data["max_ms"] = max(data["times_ms"])
    data["cpu_p95_ms"] = p95(data["cpu_ms"])
    return data


def open_long_item(book: Book) -> dict[str, Any]:
    _wall, data = probe("open", *book_args(book), "--issue", str(book.long_issue))
    data["median_ms"] = statistics.median(data["times_ms"])
    data["cpu_median_ms"] = statistics.median(data["cpu_ms"])
    return data


def watchdog(book: Book, login: str = LOGIN) -> dict[str, Any]:
    _wall, data = probe("watchdog", *book_args(book, login))
    return data
