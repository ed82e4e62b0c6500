"""The benchmarks still work: `python -m benchmarks.run --quick` end to end, at small scale.

The quick run builds its small books in a scratch folder (ARBENCH_BENCH_BOOKS), measures every
target through the same code as the full run (the real `arbench` start and CLI, the GUI
probes, the services in fresh processes, the import/export benchmark, the team benchmark on
SQLite and on its own throwaway PostgreSQL cluster) and writes a scratch copy of
docs/performance.md. Nothing here looks at a timing: the figures of a smoke run mean nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TARGETS = (
    "Start, real `arbench --db B --as agarcia`",
    "Start imports nothing it does not need",
    "-item list, real `arbench` to the first row's detail drawn",
    "`arbench worklist --format json`",
    "Type-ahead, p95 per keystroke",
    "GUI thread blocked at most",
    "Export of the worklist, query included",
    "Open an item with a 500-activity timeline",
    "KPIs (the console's report, trend and aging)",
    "Today (issue #17)",
    "Import of a 2,000-row register xlsx into an empty book, users' path",
    "Formatted export writer, 2,000 rows",
    "PostgreSQL at team scale: p95 of one collector's action",
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """The quick run into a scratch copy of docs/performance.md: (doc, books folder, output)."""
    tmp = tmp_path_factory.mktemp("bench")
    doc, books = tmp / "performance.md", tmp / "books"
    shutil.copy(ROOT / "docs" / "performance.md", doc)
    env = dict(os.environ, ARBENCH_BENCH_BOOKS=str(books), QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, "-m", "benchmarks.run", "--quick", "--out", str(doc)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    return doc, books, proc.stdout


def _section(text: str, name: str) -> str:
    start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
    assert text.count(start) == 1 and text.count(end) == 1
    return text.split(start, 1)[1].split(end, 1)[0]


def test_every_target_gets_a_row_with_its_verdict(quick_run: tuple[Path, Path, str]) -> None:
    doc, _books, stdout = quick_run
    table = [line for line in _section(doc.read_text(), "run").splitlines()
             if line.startswith("| ") and line.count(" | ") >= 5]  # fmt: skip
    for target in TARGETS:
        rows = [row for row in table if target in row]
        assert len(rows) == 1, target
        verdict = rows[0].split(" | ")[4]
        assert verdict in ("**met**", "**missed**", "n/a"), rows[0]
        assert target in stdout
    for row in table:
        if " | **missed** | " in row:  # each target missed says what stands in the way
            name = row.split(" | ")[0].lstrip("| ")
            assert f"- **{name}**" in doc.read_text()


def test_the_rest_of_the_page_is_kept(quick_run: tuple[Path, Path, str]) -> None:
    doc, _books, _stdout = quick_run
    before = (ROOT / "docs" / "performance.md").read_text()
    after = doc.read_text()
    for name in ("run", "concurrency"):
        before = before.replace(_section(before, name), "")
        after = after.replace(_section(after, name), "")
    assert after == before


def test_the_cli_worklist_and_its_baseline_print_every_open_item(
    quick_run: tuple[Path, Path, str],
) -> None:
    _doc, books, _stdout = quick_run
    results = json.loads((books / "last-run.json").read_text())
    big = results["big_list"]
    [book] = books.glob(f"book-{big['pros']}p-*-1c-*.sqlite3")
    with sqlite3.connect(book) as conn:
        (open_items,) = conn.execute(
            "SELECT count(*) FROM issues i JOIN users u ON u.id = i.owner_id WHERE u.login = "
            "'agarcia' AND i.status IN ('open', 'waiting', 'pending_approval')"
        ).fetchone()
    assert open_items > 2_000
    assert big["cli"]["rows"] == big["cli"]["raw_rows"] == open_items
    assert big["export"]["result"] == open_items


def test_the_import_benchmark_imported_the_whole_register(
    quick_run: tuple[Path, Path, str],
) -> None:
    _doc, books, _stdout = quick_run
    io = json.loads((books / "bench_import_export.json").read_text())
    assert io["rows"] == io["cli_pros"] == 2_000


def test_the_team_left_one_application_of_every_action(
    quick_run: tuple[Path, Path, str],
) -> None:
    _doc, books, _stdout = quick_run
    team = json.loads((books / "bench_concurrency.json").read_text())
    backends = ["sqlite"]
    if "phases" in team["postgresql"] or os.environ.get("CI", "").lower() == "true":
        backends.append("postgresql")
    for backend in backends:
        figures = team[backend]
        assert figures["check"]["ok"], figures["check"]["problems"]
        checked = figures["check"]["checked"]
        assert checked["actions"] > 0 and checked["imports"] > 0
        assert figures["phases"]["team"]["actions"] > 0
