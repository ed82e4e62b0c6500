"""The everyday commands start without loading pandas/openpyxl (only imports and exports need them)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from arbench.store.db import Database

PROBE = """
import json, sys
from arbench.cli import main
code = main(sys.argv[1:])
heavy = sorted(m for m in ("pandas", "openpyxl", "numpy", "python_calamine") if m in sys.modules)
print(json.dumps({"code": code, "heavy": heavy}), file=sys.stderr)
"""


def _heavy_modules_after(*args: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True,
                          timeout=60, check=False)  # fmt: skip
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report["code"] == 0, done.stderr
    return list(report["heavy"])


def test_worklist_and_users_do_not_load_pandas(demo_db: Database) -> None:
    url = demo_db.url
    worklist = (
        "--db",
        url,
        "worklist",
        "--user",
        "agarcia",
        "--on",
        "2026-11-24",
        "--format",
        "json",
    )
    assert _heavy_modules_after(*worklist) == []
    assert _heavy_modules_after("--db", url, "users") == []
    assert _heavy_modules_after("--db", url, "search", "C1", "--on", "2026-11-24") == []


def test_version_does_not_load_pandas() -> None:
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "arbench", "--version"],
                          capture_output=True, text=True, timeout=60, check=True)  # fmt: skip
    assert "arbench" in done.stdout
    assert "pandas" not in done.stderr and "openpyxl" not in done.stderr


def test_the_probe_sees_a_heavy_import_when_one_happens(demo_db: Database, tmp_path: Path) -> None:
    out = str(tmp_path / "worklist.xlsx")
    export = ("--db", demo_db.url, "export", "worklist", "--user", "agarcia", "--out", out)
    assert "openpyxl" in _heavy_modules_after(*export)
