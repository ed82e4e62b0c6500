"""The rows of docs/performance.md's targets table, each with its same-run baseline, its verdict
and, when missed, what stands in the way (from the run's own figures) and what would fix it.

A row is (target, measured, baseline, limit, verdict, load, why); benchmarks/report.py draws
the first six as the table and lists the `why` of every missed row under it.
"""

from __future__ import annotations

from typing import Any

from benchmarks.report_team import team_rows, why_missed

Row = tuple[str, str, str, str, str, str, str]
MET, MISSED, NA = "**met**", "**missed**", "n/a"


def verdict(ok: bool | None) -> str:
    return NA if ok is None else (MET if ok else MISSED)


def get(d: Any, *keys: Any) -> Any:
    for key in keys:
        if d is None:
            return None
        d = d.get(key) if isinstance(d, dict) else None
    return d


def load(m: Any) -> str:
    found = get(m, "load")
    return f"{found[0]:.1f} → {found[1]:.1f}" if found else ""


def ready(st: dict[str, Any]) -> float:
    """Seconds from the spawn to the first row's detail drawn (the collector can work)."""
    return float(st.get("ready_s") or st["start_s"])


def _start_why(st: dict[str, Any], ratio: float) -> str:
    m, bare, floor = st["marks"], st["bare_s"], st["floor_s"]
    left = 4 * bare - floor
    return (
        f"the bare window is shown {bare:.2f} s after the spawn; importing SQLAlchemy's ORM and "
        f"arbench's models before the same window (the ORM floor) already takes {floor:.2f} s "
        f"= {floor / bare:.1f}×, leaving {max(left, 0):.2f} s for everything else within 4×. "
        f"The real start (median run): imports done and `run_gui` entered at "
        f"{m['imported_s']:.2f} s ({m['modules']} modules), book open {m['db_open_s']:.2f}, "
        f"window shown {m['window_shown_s']:.2f}, list shown {m['list_shown_s']:.2f}, first "
        f"row's detail {m['ready_s']:.2f} s: the imports before the window are most of it "
        f"(CPU {st['start_cpu_s']:.2f} s against the bare window's {st['bare_cpu_s']:.2f} s). What "
        "would fix it: the window drawn before SQLAlchemy and the services are imported (the "
        "last session's list read with bare sqlite3, or a native splash), the rest loaded while "
        "the user looks at it."
    )


def start_rows(t: Any, big: Any) -> list[Row]:
    rows: list[Row] = []
    st = get(t, "start")
    if st:
        ratio, cpu = ready(st) / st["bare_s"], st["start_cpu_s"] / st["bare_cpu_s"]
        rows.append((f"Start, real `arbench --db B --as agarcia` to the first row's detail drawn, "
                     f"{st['items']:,}-item collector ({t['pros']:,}-pro book)",
                     f"{ready(st):.2f} s = **{ratio:.1f}×** (CPU {cpu:.1f}×)",
                     f"bare window {st['bare_s']:.2f} s; ORM floor {st['floor_s']:.2f} s "
                     f"({st['floor_s'] / st['bare_s']:.1f}×)", "≤ 4× bare", verdict(ratio <= 4),
                     load(st), _start_why(st, ratio)))  # fmt: skip
        loaded = ", ".join(st["loaded"])
        rows.append(("Start imports nothing it does not need (alembic, keyring, pandas, openpyxl, "
                     "numpy, calamine, QtPdf)", loaded or "none of them",
                     f"{st['marks']['modules']} modules", "none", verdict(not st["loaded"]),
                     load(st), f"the start imported {loaded}: import them where they are "
                     "first used"))  # fmt: skip
    bst = get(big, "start")
    if bst:
        m = bst["marks"]
        whole = bst.get("whole_list_s", bst["start_s"])
        first = bst.get("first_rows_s", m.get("first_rows_s", m["list_shown_s"]))
        rows.append((f"Start with a {bst['items']:,}-item list, real `arbench` to the first "
                     "row's detail drawn", f"{ready(bst):.2f} s (the whole list in at "
                     f"{whole:.2f} s)", f"bare window {bst['bare_s']:.2f} s; ORM floor "
                     f"{bst['floor_s']:.2f} s", "≤ 1.5 s", verdict(ready(bst) <= 1.5), load(bst),
                     f"the window is shown at {m['window_shown_s']:.2f} s and the list's first "
                     f"rows at {first:.2f} s: the {bst['items']:,} items are fetched and ranked "
                     f"in full ({first - m['window_shown_s']:.2f} s) before the first rows are "
                     "made; the rest are made off the GUI thread. What would fix it: the order "
                     "(sort key and bucket) computed in SQL and the first screenful fetched "
                     "first, the rest paged in as the list scrolls."))  # fmt: skip
    return rows


def _where(spot: str | None) -> str | None:
    """Where the other threads were; the watchdog's own GC callback means a collection."""
    if spot and "watchdog.py" in spot:
        return "; ".join("a garbage collection" if "watchdog.py" in part else part
                         for part in spot.split("; "))  # fmt: skip
    return spot


def _gap_why(job: str, gap: dict[str, Any]) -> str:
    ms, cpu, where = gap["longest_gap_ms"], gap.get("gap_cpu_ms"), _where(gap.get("where"))
    gui = gap.get("gap_gui_cpu_ms")
    text = f"the longest gap was in {job} ({ms:.0f} ms"
    if cpu is not None:
        text += f"; CPU during it: the process {cpu:.0f} ms"
        text += f", the GUI thread {gui:.0f} ms" if gui is not None else ""
    text += f"; the other threads at {where})" if where else ")"
    if gap.get("gc_ms", 0) >= 0.8 * ms and "generation 2" in gap.get("gc", ""):
        return text + (
            f": a full garbage collection of {gap['gc_ms']:.0f} ms ({gap['gc']}) held the GIL "
            "while it walked every object of the process still in the collector's sight. What "
            "would fix it: what the services build under a collector pause (the worklist's "
            "ranked rows of an export, the KPI queries' rows) moved out of its sight when the "
            "pause ends (`gc.freeze()`, as `keep_long_lived` already does after the window's own "
            "loads).")  # fmt: skip
    if gap.get("gc_ms", 0) >= 0.8 * ms:
        return text + (
            f": a garbage collection of {gap['gc_ms']:.0f} ms ({gap['gc']}) held the GIL. The "
            "services pause the collector while they build many objects (services/gc_pause.py); "
            "every container allocated meanwhile is still young when it resumes, so the next "
            "collection walks all of them at once. What would fix it: the survivors moved out "
            "of the collector's sight when the last pause ends (`gc.freeze()`, as "
            "`keep_long_lived` already does after the window's own loads).")  # fmt: skip
    if cpu is not None and cpu < ms / 2:
        return text + (": for most of the gap the process was not running at all, waiting for a "
                       "CPU on the loaded machine. What would fix it: nothing in arbench for "
                       "that part.")  # fmt: skip
    if gui is not None and gui >= ms / 2:
        return text + (": the GUI thread's own work (the rows handed to the view, the model "
                       "reset and its layout). What would fix it: the rows handed over in "
                       "chunks with the event loop served between them.")  # fmt: skip
    return text + (": another thread held the interpreter (the GUI thread was not working). "
                   "What would fix it: that step releasing the GIL between chunks (the "
                   "exports' `Pacer` does so).")  # fmt: skip


def list_rows(big: Any, io: Any) -> list[Row]:
    rows: list[Row] = []
    cli, w = get(big, "cli"), get(big, "worklist")
    if cli:
        ratio = cli["cli_s"] / cli["raw_s"]
        service = (f"the worklist service alone, in a fresh process, takes {w['cold_s']:.2f} s "
                   f"cold and {w['warm_s']:.2f} s warm after {w['import_s']:.2f} s of imports"
                   if w else "")  # fmt: skip
        rows.append((f"`arbench worklist --format json`, {cli['rows']:,} items "
                     f"({cli['bytes'] / 1e6:.0f} MB)",
                     f"{cli['cli_s']:.2f} s = **{ratio:.1f}×** (CPU "
                     f"{cli['cli_cpu_s'] / cli['raw_cpu_s']:.1f}×)",
                     f"bare sqlite3 + json, same rows' columns {cli['raw_s']:.2f} s",
                     "≤ 3×", verdict(ratio <= 3), load(cli),
                     f"{service}; bare sqlite3 fetches and serializes the same rows in "
                     f"{cli['raw_s']:.2f} s. The difference is the ranking (each item's bucket, "
                     "score and reason) and SQLAlchemy's row handling. What would fix it: the "
                     "sort key and bucket computed in SQL, the reason text made only for rows "
                     "printed with it."))  # fmt: skip
    f = get(big, "filter")
    if f:
        cpu = f.get("cpu_p95_ms")
        rows.append((f"Type-ahead, p95 per keystroke, the collector's own {f['items']:,}-item list",
                     f"{f['p95_ms']:.1f} ms (max {f['max_ms']:.1f})"
                     + (f"; CPU p95 {cpu:.1f} ms" if cpu is not None else ""),
                     f"{f['keystrokes']} keystrokes, each through the repaint", "≤ 30 ms",
                     verdict(f["p95_ms"] <= 30), load(f),
                     (f"the process's own CPU time per keystroke is {cpu:.1f} ms at p95: "
                      + ("the rest of the wall time is waiting for a CPU on the loaded machine; "
                         if cpu <= 30 else "the work itself is over the limit; ") if cpu is not None else "")
                     + f"the first keystroke of each query scans all {f['items']:,} rows' search "
                     "text in Python; later keystrokes filter only the rows left. What would fix "
                     "it: a prefix index of the search text built off the GUI thread when the "
                     "list loads."))  # fmt: skip
    dog = get(big, "watchdog")
    if dog:
        jobs = dog["jobs"]
        worst = max(jobs, key=lambda k: jobs[k]["longest_gap_ms"])
        where = _where(jobs[worst].get("where"))
        rows.append((f"GUI thread blocked at most ({', '.join(jobs)}; {dog['items']:,}-item list)",
                     f"{jobs[worst]['longest_gap_ms']:.0f} ms (in {worst}"
                     + (f": {where}" if where else "") + ")", "10 ms timer", "≤ 100 ms",
                     verdict(jobs[worst]["longest_gap_ms"] <= 100), load(dog),
                     _gap_why(worst, jobs[worst])))  # fmt: skip
    ex, bare = get(big, "export"), get(big, "export_bare")
    if ex and bare:
        cold, warm = ex["cold_s"] / bare["cold_s"], ex["warm_s"] / bare["warm_s"]
        fmt = (f" The formatted writer alone is {io['export_s'] / io['bare_export_s']:.2f}× the "
               "bare loop on the same rows (benchmarks/bench_import_export.py)" if io else "")  # fmt: skip
        rows.append((f"Export of the worklist, query included ({ex['result']:,} rows, xlsx)",
                     f"cold {ex['cold_s']:.2f} s = **{cold:.2f}×**, warm {ex['warm_s']:.2f} s = "
                     f"{warm:.2f}×", f"bare sqlite3 + openpyxl loop: cold {bare['cold_s']:.2f} s, "
                     f"warm {bare['warm_s']:.2f} s", "≤ 1.2×", verdict(cold <= 1.2), load(ex),
                     "arbench ranks every item (the worklist's order, bucket and reason) and "
                     "writes styled cells (money and date formats, widths, neutralized text); the "
                     f"bare loop writes raw values in table order.{fmt}; the rest is the worklist "
                     "query and ranking. What would fix it: the rows streamed from a ranked SQL "
                     "query straight into the writer."))  # fmt: skip
    return rows


def service_rows(t: Any, scales: dict[int, Any]) -> list[Row]:
    rows: list[Row] = []
    o = get(t, "open")
    if o:
        cpu = o.get("cpu_median_ms")
        rows.append((f"Open an item with a {o['timeline']}-activity timeline",
                     f"{o['median_ms']:.0f} ms (max {max(o['times_ms']):.0f})"
                     + (f"; CPU {cpu:.0f} ms" if cpu is not None else ""),
                     f"service alone {o['service_ms']:.0f} ms", "≤ 100 ms",
                     verdict(o["median_ms"] <= 100), load(o),
                     f"the detail service alone takes {o['service_ms']:.0f} ms"
                     + (f", the whole open {cpu:.0f} ms of CPU (median)" if cpu is not None else "")
                     + "; the rest is the panel's HTML of the whole timeline laid out by Qt's "
                     "rich-text engine and drawn. What would fix it: the timeline's first "
                     "screenful laid out first, older entries on scroll."))  # fmt: skip
    st = get(t, "start")
    if st:
        rows.append((f"Memory, {t['pros']:,}-pro book open (collector's worklist)",
                     f"{st['rss_mb']:.0f} MB", f"bare window {st['bare_rss_mb']:.0f} MB",
                     "≤ 350 MB", verdict(st["rss_mb"] <= 350), load(st),
                     "the process holds more than the collector's list needs: profile with "
                     "tracemalloc which objects stay after the start."))  # fmt: skip
    big = scales.get(1_000_000)
    k = get(big, "kpis")
    parts = get(k, "parts") or {}
    split = ", ".join(f"{name} {secs:.2f} s" for name, secs in parts.items())
    rows.append(("KPIs (the console's report, trend and aging), whole team, one year, 1M pros",
                 f"cold {k['cold_s']:.2f} s, warm {k['warm_s']:.2f} s" if k else "not measured "
                 "in this run", f"its imports {k['import_s']:.2f} s (not counted)" if k else "",
                 "≤ 2 s", verdict(k["cold_s"] <= 2 if k else None), load(k),
                 (f"warm, part by part: {split}. " if split else "")
                 + "The trend is a whole report per month: for each "
                 "of its 13 months it runs the quality counts again (issue ratios, promotions, "
                 "dispute durations: each a pass over the issues); the money passes are shared. "
                 "What would fix it: the quality counts grouped by month in one pass each, as "
                 "the money already is."))  # fmt: skip
    today = get(big, "today")
    if today and today.get("status") == "ok":
        svc = today["service"]
        rows.append(("Today (issue #17), one collector, 1M-pro book",
                     f"plan cold {svc['cold_s'] * 1000:.0f} ms, warm {svc['warm_s'] * 1000:.0f} ms; "
                     f"`arbench today` process {today['cli_s']:.2f} s",
                     f"process start and imports {svc['import_s']:.2f} s", "≤ 300 ms",
                     verdict(svc["cold_s"] <= 0.3), load(today),
                     "the plan's queries over the collector's items; profile them."))  # fmt: skip
    else:
        rows.append(("Today (issue #17), one collector, 1M-pro book",
                     "not measured: `arbench today` is not in this version" if big else
                     "not measured in this run", "", "≤ 300 ms", NA, "", ""))  # fmt: skip
    return rows


SCALING_WHY = {
    "import": "the plan compares each row of the file with the book's in Python; as the file "
    "grows its structures outgrow the CPU's caches (10,000 rows mostly fit the 4 MB L2 cache, "
    "1M rows are ~1 GB of objects), so each row costs a little more (see the optimisation "
    "log). What would fix it: the file validated and planned in chunks end to end, each "
    "10,000-row slice read, parsed and compared while in cache.",
}
# (label, measure, wall key, CPU key or None): the verdict is on CPU time when there is one
SCALING = (
    ("start (real `arbench`, to the first row's detail)", "start", "ready_s", None),
    ("filter (p95 per keystroke, whole team list)", "filter", "p95_ms", "cpu_p95_ms"),
    ("import (dry run, every open pro; warm)", "import", "warm_s", "warm_cpu_s"),
    ("KPIs (team, one year; warm)", "kpis", "warm_s", "warm_cpu_s"),
)


def scaling_rows(scales: dict[int, Any]) -> list[Row]:
    """Each 10× step of the book against the smaller book's figure of the same run. Where the
    process's CPU time was measured the verdict is on it: the two sizes are measured minutes
    apart, and on a shared machine the wall clock moves with the other jobs' load."""
    sizes = sorted(scales)
    rows: list[Row] = []
    for name, what, wall_key, cpu_key in SCALING:
        for small, big in zip(sizes, sizes[1:], strict=False):
            a, b = get(scales[small], what, wall_key), get(scales[big], what, wall_key)
            ca = get(scales[small], what, cpu_key) if cpu_key else None
            cb = get(scales[big], what, cpu_key) if cpu_key else None
            allowed = 1.1 * big / small
            label = f"Scaling {small:,} → {big:,} pros: {name}"
            if a is None or b is None:
                rows.append((label, "not available", "", f"≤ {allowed:.0f}×", NA, "", ""))
                continue
            ratio = b / a if a else float("inf")
            measured = f"{ratio:.1f}× ({a:.3g} → {b:.3g})"
            judged = ratio
            if ca and cb:
                judged = cb / ca
                measured = f"CPU {judged:.1f}× ({ca:.3g} → {cb:.3g}); wall {measured}"
            why = SCALING_WHY.get(what, "grows faster than the book: profile both sizes.")
            rows.append((label, measured, f"{small:,}-pro figure of the same run",
                         f"≤ {allowed:.0f}×", verdict(judged <= allowed), "", why))  # fmt: skip
    return rows


def io_rows(io: Any) -> list[Row]:
    """Import and export of bench_import_export.py (a 100,000-row register in a full run)."""
    if not io:
        return [("Import of a 100,000-row register xlsx", "not measured in this run", "",
                 "≤ 1.5× pandas", NA, "", "")]  # fmt: skip
    users = io["cli_import_s"] / io["pandas_process_s"]
    warm = io["import_s"] / io["calamine_s"]
    writes = min(io["write_s"], io["bare_write_s"])
    floor = io["bare_calamine_s"] + writes
    lo = f"{io['load'][0]:.1f} → {io['load'][1]:.1f}"
    which = "arbench's own writes (the items by INSERT … SELECT)" if io["write_s"] <= io["bare_write_s"] else (
        "a bare sqlite3 `executemany` of the same rows")  # fmt: skip
    why = (
        f"`pandas.read_excel` reads the sheet and writes nothing; the import must also write "
        f"{io['written_rows']:,} rows (a pro, and for each balance a past-due item and its "
        f"timeline entry, with the book's indexes and foreign keys). The fastest write of them "
        f"measured in this run, {which}, takes {writes:.2f} s (bare `executemany` "
        f"{io['bare_write_s']:.2f} s, arbench {io['write_s']:.2f} s): alone "
        f"{writes / io['calamine_s']:.2f}× pandas. With a bare python-calamine parse "
        f"({io['bare_calamine_s']:.2f} s) the floor is {floor:.2f} s = "
        f"{floor / io['calamine_s']:.2f}× pandas. "
        + ("1.5× is below that floor: no first import into an empty book can meet it on this "
           "machine (re-imports write only what changed: the team benchmark's imports of 2,000 "
           "changed pros). " if floor / io["calamine_s"] > 1.5 else "")
        + f"Above the floor: the read and validation of every cell "
        f"{io['read_s'] / io['bare_calamine_s']:.1f}× the bare parse ({io['read_s']:.2f} s), the "
        f"plan {io['plan_s']:.2f} s. What would fix the rest: the cells validated inside the "
        "column reader's loop as they are parsed. The process figure also holds arbench's "
        "start and imports."
    )  # fmt: skip
    return [
        (f"Import of a {io['rows']:,}-row register xlsx into an empty book, users' path "
         "(`arbench import invoices` process)", f"{io['cli_import_s']:.2f} s = **{users:.2f}×**; "
         f"in a warm process {io['import_s']:.2f} s = {warm:.2f}×",
         f"`pandas.read_excel(calamine)` process {io['pandas_process_s']:.2f} s; in a warm "
         f"process {io['calamine_s']:.2f} s; the floor {floor:.2f} s", "≤ 1.5× pandas",
         verdict(users <= 1.5), lo, why),
        (f"Formatted export writer, {io['rows']:,} rows", f"{io['export_s']:.2f} s = "
         f"**{io['export_s'] / io['bare_export_s']:.2f}×**",
         f"bare openpyxl write-only loop {io['bare_export_s']:.2f} s", "≤ 1.2×",
         verdict(io["export_s"] / io["bare_export_s"] <= 1.2), lo,
         "what is left is openpyxl's own work for a styled cell (a fresh cell object and its "
         "style attribute written for every number and date); caching the style id measured no "
         "gain. What would fix it: number formats written by a custom cell writer below openpyxl."),
    ]  # fmt: skip


def target_rows(results: dict[str, Any]) -> list[Row]:
    scales: dict[int, Any] = {int(k): v for k, v in results["scales"].items()}
    t = scales.get(int(results.get("target_scale", 100_000)))
    big = results.get("big_list")
    others = results.get("others") or {}
    io = get(others, "bench_import_export", "figures")
    team = get(others, "bench_concurrency", "figures")
    team_why = " ".join(w for b, n in (("postgresql", "PostgreSQL"), ("sqlite", "SQLite"))
                        if team and (w := why_missed(team, b, n)))  # fmt: skip
    return [*start_rows(t, big), *list_rows(big, io), *service_rows(t, scales),
            *scaling_rows(scales), *io_rows(io),
            *((*row, team_why) for row in team_rows(team))]  # fmt: skip
