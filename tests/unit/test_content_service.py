"""Content in the database: shipped load, publishing versions, export and import (all or nothing)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from arbench.domain.catalogue import ISSUE_TYPES
from arbench.services.base import InvalidInput, PermissionDenied, actor_for
from arbench.services.knowledge import content
from arbench.services.knowledge.content import ContentImportError
from arbench.services.work import scripts
from arbench.store.db import Database
from arbench.store.models import AuditEvent, ContentVersion, Issue

SHIPPED = Path(__file__).resolve().parents[2] / "resources" / "content"


def _count(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(ContentVersion)) or 0)


def _open_issue(db: Database, issue_type: str) -> Issue:
    with db.session() as s:
        issue = s.scalars(
            select(Issue).where(Issue.type == issue_type, Issue.status == "open").order_by(Issue.id)
        ).first()
        assert issue is not None
        s.expunge(issue)
        return issue


def test_load_is_idempotent_and_covers_every_issue_type(empty_db: Database) -> None:
    files = len(list(SHIPPED.glob("*/*.md"))) + 1  # + onboarding.md
    first = content.load_shipped(empty_db)
    assert first.added == files and _count(empty_db) == files
    again = content.load_shipped(empty_db)
    assert (again.added, again.unchanged) == (0, files)
    assert _count(empty_db) == files
    listed = content.list_scripts(empty_db)
    assert [s.issue_type for s in listed] == list(ISSUE_TYPES)
    assert all(s.version == 1 and s.steps >= 4 for s in listed)


def test_changed_shipped_file_is_a_new_version_but_a_local_edit_is_kept(
    demo_db: Database, tmp_path: Path
) -> None:
    content.load_shipped(demo_db)
    folder = tmp_path / "content"
    content.export_content(demo_db, folder)
    note = folder / "notes" / "glossary-pro.md"
    note.write_text(note.read_text() + "\nA new shipped line.\n")
    assert content.load_shipped(demo_db, folder).added == 1
    assert content.current(demo_db, "note", "glossary-pro").version == 2

    kwright = actor_for(demo_db, "kwright")
    published = content.publish(
        demo_db, kwright, "note", "glossary-pro", note.read_text() + "Ours.\n"
    )
    assert published.content == {"note/glossary-pro"}
    ours = content.current(demo_db, "note", "glossary-pro")
    note.write_text(note.read_text() + "Another shipped line.\n")
    summary = content.load_shipped(demo_db, folder)
    assert (summary.added, summary.kept_local) == (0, 1)
    assert content.current(demo_db, "note", "glossary-pro") == ours


def test_publish_new_version_leaves_items_in_progress_on_theirs(demo_db: Database) -> None:
    content.load_shipped(demo_db)
    kwright = actor_for(demo_db, "kwright")
    started = _open_issue(demo_db, "pod_requested")
    scripts.mark_step(demo_db, kwright, started.id, 1, True)
    old = content.current(demo_db, "script", "pod_requested")
    text = old.body.replace(
        "## Talk track",
        "7. [check] Confirm the POD requirement is on the account.\n\n## Talk track",
    )
    assert content.publish(demo_db, kwright, "script", "pod_requested", text).content == {
        "script/pod_requested"
    }
    new = content.current(demo_db, "script", "pod_requested")
    assert (new.version, new.current, new.published_by) == (2, True, "kwright")

    mine = scripts.script_for_issue(demo_db, started.id)
    assert (mine.version, mine.current_version, len(mine.steps)) == (1, 2, 6)
    assert mine.steps[0].done and mine.steps[0].done_by == "kwright"
    with demo_db.session() as s:
        other = s.scalars(
            select(Issue.id).where(
                Issue.type == "pod_requested", Issue.status == "open", Issue.id != started.id
            )
        ).first()
    assert other is not None
    fresh = scripts.script_for_issue(demo_db, other)
    assert (fresh.version, len(fresh.steps)) == (2, 7)

    versions = content.history(demo_db, "script", "pod_requested")
    assert [v.version for v in versions] == [2, 1]
    patch = content.diff(versions[1], versions[0])
    assert "+7. [check] Confirm the POD requirement is on the account." in patch
    assert patch.startswith("--- scripts/pod_requested.md (version 1)")


def test_publish_refuses_non_supervisors_and_bad_text(demo_db: Database) -> None:
    content.load_shipped(demo_db)
    body = content.current(demo_db, "note", "glossary-pod").body
    with pytest.raises(PermissionDenied):
        content.publish(demo_db, actor_for(demo_db, "agarcia"), "note", "glossary-pod", body + "x")
    kwright = actor_for(demo_db, "kwright")
    with pytest.raises(InvalidInput, match=r"notes/glossary-pod.md, line 1"):
        content.publish(demo_db, kwright, "note", "glossary-pod", "no front matter")
    script = content.current(demo_db, "script", "past_due").body
    broken = script.replace(
        "## Talk track", "9. [email] Send it.\n   template: nope\n\n## Talk track"
    )
    with pytest.raises(
        InvalidInput, match=r"scripts/past_due.md, line \d+: step 9: links to template 'nope'"
    ):
        content.publish(demo_db, kwright, "script", "past_due", broken)
    assert content.current(demo_db, "script", "past_due").version == 1
    same = content.publish(demo_db, kwright, "note", "glossary-pod", body)
    assert not same.content  # the same text publishes nothing
    assert content.current(demo_db, "note", "glossary-pod").version == 1


def test_export_import_round_trip(demo_db: Database, tmp_path: Path) -> None:
    content.load_shipped(demo_db)
    kwright = actor_for(demo_db, "kwright")
    folder = tmp_path / "ours"
    written = content.export_content(demo_db, folder)
    assert len(written) == _count(demo_db)
    assert (folder / "scripts" / "pod_requested.md").read_text() == (
        SHIPPED / "scripts" / "pod_requested.md"
    ).read_text()
    unchanged = content.import_content(demo_db, kwright, folder)
    assert (unchanged.published, unchanged.unchanged) == ([], len(written))

    note = folder / "notes" / "glossary-bol.md"
    note.write_text(note.read_text().replace("bill of lading", "Bill of Lading", 1))
    summary = content.import_content(demo_db, kwright, folder)
    assert summary.published == ["notes/glossary-bol.md"]
    assert content.current(demo_db, "note", "glossary-bol").body == note.read_text()
    assert content.current(demo_db, "note", "glossary-bol").version == 2


def test_bad_import_writes_nothing_and_names_file_and_line(
    demo_db: Database, tmp_path: Path
) -> None:
    content.load_shipped(demo_db)
    kwright = actor_for(demo_db, "kwright")
    folder = tmp_path / "bad"
    content.export_content(demo_db, folder)
    good = folder / "notes" / "glossary-bol.md"
    good.write_text(good.read_text() + "\nAn edit that would be fine on its own.\n")
    script = folder / "scripts" / "short_pay.md"
    script.write_text(script.read_text().replace("template: ", "template: missing_", 1))
    (folder / "scripts" / "claim_deducted.md").unlink()
    before = _count(demo_db)
    with demo_db.session() as s:
        audits = s.scalar(select(func.count()).select_from(AuditEvent))
    with pytest.raises(ContentImportError) as caught:
        content.import_content(demo_db, kwright, folder)
    messages = [str(p) for p in caught.value.problems]
    assert any(m.startswith("scripts/short_pay.md, line ") and "missing_" in m for m in messages)
    assert any(m.startswith("scripts/claim_deducted.md") for m in messages)
    assert _count(demo_db) == before
    with demo_db.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == audits
    with pytest.raises(PermissionDenied):
        content.import_content(demo_db, actor_for(demo_db, "mlee"), folder)
