"""docs/getting-started.md works as written: its register and every command it shows, in order.

The page's csv block is written to register.csv and each `arbench` line of its bash blocks is
run (in a fresh directory) exactly as printed; each must succeed, and the book must end with
the collector's worklist holding the register's open invoices.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from helpers import run_cli

PAGE = Path(__file__).resolve().parents[2] / "docs" / "getting-started.md"


def blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.S)


def test_the_getting_started_page_runs_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (register,) = blocks("csv")
    (tmp_path / "register.csv").write_text(register, encoding="utf-8")
    commands = [line for block in blocks("bash") for line in block.splitlines() if line.strip()]
    assert len(commands) >= 8 and all(c.startswith("arbench ") for c in commands)
    outputs = []
    for command in commands:
        code, out, err = run_cli(capsys, *shlex.split(command)[1:])
        assert code == 0, (command, err)
        outputs.append(out)
    assert "columns not imported: Notes" in outputs[2]
    assert (tmp_path / "aging.xlsx").exists()
    code, out, _ = run_cli(capsys, "--db", "ourbook.sqlite3", "worklist", "--user", "agarcia",
                           "--format", "json")  # fmt: skip
    items = json.loads(out)
    assert code == 0 and sorted(i["pro"] for i in items) == ["INV-5001", "INV-5002", "INV-5003"]
    disputed = next(i for i in items if i["pro"] == "INV-5002")
    assert disputed["type"] == "customer_dispute" and disputed["root_cause"] is None
