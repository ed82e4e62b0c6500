"""`arbench scripts`, `notes` and `content export/import`: output equals the database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from arbench.domain.catalogue import ISSUE_TYPES
from arbench.services.knowledge import content
from arbench.store.db import Database
from helpers import run_cli as run


def test_scripts_and_notes_list_every_issue_type_and_note(
    demo_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--db", demo_db.url, "scripts", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert [r["issue_type"] for r in rows] == list(ISSUE_TYPES)
    pod = rows[0]
    assert (pod["level"], pod["version"], pod["steps"]) == ("pro", 1, 6)
    assert {r["level"] for r in rows} == {"pro", "account"}
    code, out, _ = run(capsys, "--db", demo_db.url, "notes", "--format", "json")
    notes = json.loads(out)
    assert code == 0 and len(notes) == len(content.list_notes(demo_db)) >= 30
    code, out, _ = run(capsys, "--db", demo_db.url, "scripts")
    assert out.splitlines()[0].split() == ["ISSUE_TYPE", "LEVEL", "VERSION", "STEPS", "NAME"]


def test_export_then_import_and_a_bad_import_exits_non_zero(
    demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "content"
    code, out, _ = run(capsys, "--db", demo_db.url, "content", "export", str(folder))
    assert code == 0 and out.startswith("108 content files written")
    note = folder / "notes" / "glossary-dso.md"
    note.write_text(note.read_text() + "\nOur own line.\n")
    code, _, err = run(capsys, "--db", demo_db.url, "content", "import", str(folder))
    assert code == 2 and "needs --as LOGIN" in err
    code, _, err = run(
        capsys, "--db", demo_db.url, "--as", "agarcia", "content", "import", str(folder)
    )
    assert code == 2 and "only a supervisor" in err

    broken = folder / "templates" / "pod_copy.md"
    broken.write_text(broken.read_text().replace("{pro}", "{pro_number}", 1))
    code, out, err = run(
        capsys, "--db", demo_db.url, "--as", "kwright", "content", "import", str(folder)
    )
    assert code == 1 and out == ""
    assert "templates/pod_copy.md, line 3: unknown merge field {pro_number}" in err
    assert content.current(demo_db, "note", "glossary-dso").version == 1

    broken.write_text(broken.read_text().replace("{pro_number}", "{pro}"))
    code, out, _ = run(
        capsys, "--db", demo_db.url, "--as", "kwright", "content", "import", str(folder)
    )
    assert code == 0 and "published notes/glossary-dso.md" in out
    assert content.current(demo_db, "note", "glossary-dso").version == 2
