"""A department's answer with its documents (a POD, an inspection certificate, a corrected bill):
filed on the item's pro through the documents service in the answer's own transaction, audited;
a bad file refuses the whole answer and writes nothing; department staff attach only to what
was routed to them. Real files on disk, a real SQLite book; the stored bytes are compared with
the files' own bytes and sha256 computed here."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from arbench.services.base import InvalidInput, PermissionDenied, actor_for
from arbench.services.correspondence import documents
from arbench.services.correspondence.documents import FileToAttach, NewDocument
from arbench.services.work import items
from arbench.services.work.item_detail import item_detail
from arbench.services.work.item_inputs import RouteRequest
from arbench.services.work.worklist import worklist
from arbench.store.correspondence_models import Document, DocumentBlob
from arbench.store.db import Database
from arbench.store.models import Activity, AuditEvent, DepartmentRequest, Issue, Pro
from helpers import run_cli

ON = date(2026, 11, 24)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + bytes(range(256)) + b"\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(100))


def _route(db: Database, department: str = "operations") -> tuple[int, int, str]:
    """Route agarcia's first open pro-level item; (issue id, request id, PRO)."""
    me = actor_for(db, "agarcia")
    item = next(i for i in worklist(db, "agarcia", ON) if i.level == "pro" and i.status == "open")
    items.route(db, me, item.id, item_detail(db, item.id).version,
                RouteRequest(department, "Send the signed POD", None), on=ON)  # fmt: skip
    with db.session() as s:
        request_id = s.scalar(
            select(func.max(DepartmentRequest.id)).where(DepartmentRequest.issue_id == item.id)
        )
        pro = s.scalar(
            select(Pro.pro).join(Issue, Issue.pro_id == Pro.id).where(Issue.id == item.id)
        )
    assert request_id is not None and pro is not None
    return item.id, int(request_id), pro


def _counts(db: Database) -> tuple[int, int, int, int]:
    """(documents, blobs, audit events, timeline entries): what a refused answer must not move."""
    with db.session() as s:
        return tuple(  # type: ignore[return-value]
            int(s.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Document, DocumentBlob, AuditEvent, Activity)
        )


def test_an_answer_files_its_documents_on_the_pro(demo_db: Database, tmp_path: Path) -> None:
    issue_id, request_id, pro = _route(demo_db)
    pod, photo = tmp_path / f"POD {pro}.pdf", tmp_path / "dock-photo.jpg"
    pod.write_bytes(PDF)
    photo.write_bytes(JPEG)
    changes = items.answer_request(
        demo_db, actor_for(demo_db, "oruiz"), request_id, answer="Signed POD attached", on=ON,
        attachments=[FileToAttach(pod), FileToAttach(photo)],
    )  # fmt: skip
    with demo_db.session() as s:
        rows = s.execute(
            select(Document.id, Document.kind, Document.file_name, Document.sha256,
                   Document.source, DocumentBlob.content)
            .join(DocumentBlob, DocumentBlob.sha256 == Document.sha256)
            .join(Pro, Pro.id == Document.pro_id).where(Pro.pro == pro).order_by(Document.id)
        ).all()  # fmt: skip
        pod_on_file = s.scalar(select(Pro.pod_on_file).where(Pro.pro == pro))
        req = s.get(DepartmentRequest, request_id)
        assert req is not None and (req.status, req.answer) == ("answered", "Signed POD attached")
        said = s.scalars(select(Activity.text).where(Activity.issue_id == issue_id,
                                                     Activity.kind == "answer")).all()  # fmt: skip
        audit = s.execute(select(AuditEvent.action, AuditEvent.entity_id, AuditEvent.after)
                          .where(AuditEvent.user_login == "oruiz")
                          .order_by(AuditEvent.id)).all()  # fmt: skip
    assert [(r.kind, r.file_name, r.source) for r in rows] == [
        ("pod", f"POD {pro}.pdf", "answer"), ("photo", "dock-photo.jpg", "answer")]  # fmt: skip
    assert [bytes(r.content) for r in rows] == [PDF, JPEG]
    assert [r.sha256 for r in rows] == [hashlib.sha256(b).hexdigest() for b in (PDF, JPEG)]
    assert pod_on_file is True
    assert said == [f"Operations answered: Signed POD attached [attached: POD {pro}.pdf "
                    "(Proof of delivery), dock-photo.jpg (Photo)]"]  # fmt: skip
    ids = [r.id for r in rows]
    assert [(a, e) for a, e, _ in audit] == [("document.attach", ids[0]),
                                             ("document.attach", ids[1]),
                                             ("issue.answer", issue_id),
                                             ("request.answer", request_id)]  # fmt: skip
    assert audit[-1][2]["documents"] == ids
    assert changes.notice == (f"document #{ids[0]} POD {pro}.pdf attached; "
                              f"document #{ids[1]} dock-photo.jpg attached")  # fmt: skip
    back = changes.item(issue_id)
    assert back is not None and back.status == "open"
    info, content = documents.content_of(demo_db, ids[0])
    assert (info.added_by, content) == ("oruiz", PDF)


def test_the_kind_given_wins_over_the_name(demo_db: Database, tmp_path: Path) -> None:
    _, request_id, pro = _route(demo_db)
    scan = tmp_path / "scan-0012.pdf"
    scan.write_bytes(PDF)
    items.answer_request(demo_db, actor_for(demo_db, "oruiz"), request_id, answer="Reweighed",
                         on=ON, attachments=[FileToAttach(scan, "inspection_certificate")])  # fmt: skip
    assert [d.kind for d in documents.documents_of(demo_db, pro=pro)] == ["inspection_certificate"]


BAD_FILES = {
    "missing": (None, "nowhere.pdf: no such file"),
    "folder": ("folder", "is a folder, not a file"),
    "program": (b"MZ\x90\x00", "a .exe file is not a document arbench keeps"),
    "fake pdf": (b"notes, not a PDF", "its content is not PDF"),
    "empty": (b"", "the file is empty"),
    "over the limit": (PDF * 20, "is over the 0 MB limit for one document"),
}
NAMES = {"missing": "nowhere.pdf", "folder": "scans", "program": "tool.exe",
         "fake pdf": "POD_fake.pdf", "empty": "POD_empty.pdf", "over the limit": "POD_big.pdf"}  # fmt: skip


@pytest.mark.parametrize("bad", list(BAD_FILES))
def test_a_bad_file_refuses_the_whole_answer(demo_db: Database, tmp_path: Path, bad: str) -> None:
    """A good file beside the bad one: neither is stored, and the answer is not recorded."""
    _, request_id, pro = _route(demo_db)
    good = tmp_path / f"POD {pro}.pdf"
    good.write_bytes(PDF)
    content, says = BAD_FILES[bad]
    path = tmp_path / NAMES[bad]
    if content == "folder":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    if bad == "over the limit":  # checked where the bytes are stored, inside the transaction
        documents.set_max_mb(demo_db, actor_for(demo_db, "kwright"), 0.002)
    before = _counts(demo_db)
    with pytest.raises(InvalidInput, match=says):
        items.answer_request(demo_db, actor_for(demo_db, "oruiz"), request_id, answer="Here",
                             on=ON, attachments=[FileToAttach(good), FileToAttach(path)])  # fmt: skip
    assert _counts(demo_db) == before
    with demo_db.session() as s:
        req = s.get(DepartmentRequest, request_id)
        assert req is not None and (req.status, req.answer) == ("open", None)
        assert s.scalar(select(Pro.pod_on_file).where(Pro.pro == pro)) is False


def test_an_unknown_kind_refuses_the_answer(demo_db: Database, tmp_path: Path) -> None:
    _, request_id, _ = _route(demo_db)
    pod = tmp_path / "pod.pdf"
    pod.write_bytes(PDF)
    before = _counts(demo_db)
    with pytest.raises(InvalidInput, match="unknown document kind 'receipt'"):
        items.answer_request(demo_db, actor_for(demo_db, "oruiz"), request_id, answer="Here",
                             on=ON, attachments=[FileToAttach(pod, "receipt")])  # fmt: skip
    assert _counts(demo_db) == before


def test_department_staff_attach_only_to_pros_routed_to_them(demo_db: Database) -> None:
    oruiz = actor_for(demo_db, "oruiz")
    _, _, routed = _route(demo_db, "operations")
    elsewhere = _route_other(demo_db)
    doc = documents.attach(demo_db, oruiz, NewDocument(PDF, "pod.pdf", "pod", pro=routed), on=ON)
    assert (doc.document.pro, doc.document.added_by) == (routed, "oruiz")
    before = _counts(demo_db)
    with pytest.raises(PermissionDenied, match="department staff attach only to items routed"):
        documents.attach(demo_db, oruiz, NewDocument(PDF, "pod.pdf", "pod", pro=elsewhere), on=ON)
    assert _counts(demo_db) == before


def _route_other(db: Database) -> str:
    """A pro of agarcia's with no request to operations at all, routed to pricing."""
    with db.session() as s:
        routed = select(DepartmentRequest.issue_id).where(
            DepartmentRequest.department == "operations"
        )
        pros_routed = select(Issue.pro_id).where(Issue.id.in_(routed), Issue.pro_id.is_not(None))
        issue = s.scalar(
            select(Issue).where(Issue.owner_id == actor_for(db, "agarcia").id,
                                Issue.status == "open", Issue.level == "pro",
                                Issue.pro_id.not_in(pros_routed)).order_by(Issue.id.desc())
        )  # fmt: skip
        assert issue is not None
        issue_id, version, pro_id = issue.id, issue.version, issue.pro_id
        pro = s.scalar(select(Pro.pro).where(Pro.id == pro_id))
    items.route(db, actor_for(db, "agarcia"), issue_id, version,
                RouteRequest("pricing", "Which rate applies?", None), on=ON)  # fmt: skip
    assert pro is not None
    return pro


def test_answer_attach_from_the_command_line(
    demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    issue_id, request_id, pro = _route(demo_db)
    pod = tmp_path / f"{pro}_signed.pdf"
    pod.write_bytes(PDF)
    code, out, err = run_cli(capsys, "--db", demo_db.url, "--as", "oruiz", "answer",
                             str(request_id), "--text", "Signed POD from the terminal",
                             "--attach", str(pod), "--kind", "pod")  # fmt: skip
    assert code == 0, err
    with demo_db.session() as s:
        doc_id = s.scalar(select(Document.id).join(Pro, Pro.id == Document.pro_id)
                          .where(Pro.pro == pro))  # fmt: skip
    assert out.splitlines() == [
        f"request #{request_id} answered; item(s) #{issue_id} back on the collector's list",
        f"document #{doc_id} {pro}_signed.pdf attached",
    ]
    code, out, _ = run_cli(capsys, "--db", demo_db.url, "documents", "--pro", pro, "--format",
                           "json")  # fmt: skip
    assert code == 0 and f'"file_name": "{pro}_signed.pdf"' in out and '"kind": "pod"' in out
