"""Documents on pros: stored once by sha256, POD on file follows the POD documents, every change
audited, permissions in the service; the pure rules for kinds, references and cadence steps."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from sqlalchemy import func, select

from arbench.domain.cadence import CadenceStep, parse_step, step_due
from arbench.domain.documents import find_item_token, guess_kind, reference_tokens, with_item_token
from arbench.services.base import InvalidInput, NotFound, PermissionDenied, actor_for
from arbench.services.correspondence import documents
from arbench.services.correspondence.documents import NewDocument
from arbench.store.correspondence_models import DocumentBlob
from arbench.store.db import Database
from arbench.store.models import AuditEvent, Issue, Pro


def _pro_of(db: Database, login: str) -> str:
    with db.session() as s:
        found = s.scalars(select(Pro.pro).join(Issue, Issue.pro_id == Pro.id)
                          .where(Issue.owner_id == actor_for(db, login).id, Pro.pod_on_file.is_(False))
                          .order_by(Pro.id)).first()  # fmt: skip
    assert found is not None
    return found


def test_pod_on_file_follows_the_pod_documents_and_bytes_are_kept_once(demo_db: Database) -> None:
    ana, boss = actor_for(demo_db, "agarcia"), actor_for(demo_db, "kwright")
    pro = _pro_of(demo_db, "agarcia")
    attached = documents.attach(
        demo_db, ana, NewDocument(b"%PDF pod", f"POD {pro}.pdf", "pod", pro=pro)
    )
    one = attached.document
    two = documents.attach(
        demo_db, boss, NewDocument(b"%PDF pod", "again.pdf", "pod", pro=pro)
    ).document
    assert one.sha256 == two.sha256 == hashlib.sha256(b"%PDF pod").hexdigest()
    with demo_db.session() as s:
        assert s.scalar(select(func.count()).select_from(DocumentBlob)) == 1
        assert s.scalar(select(Pro.pod_on_file).where(Pro.pro == pro)) is True
        items = set(
            s.scalars(select(Issue.id).join(Pro, Pro.id == Issue.pro_id).where(Pro.pro == pro))
        )
    assert attached.changes.touched == items  # the pro's items are redrawn (POD on file)
    with pytest.raises(PermissionDenied, match="only who attached it or a supervisor"):
        documents.remove(demo_db, ana, two.id)
    assert documents.remove(demo_db, ana, one.id).touched == items
    with demo_db.session() as s:
        assert s.scalar(select(Pro.pod_on_file).where(Pro.pro == pro)) is True  # one POD is left
    documents.remove(demo_db, boss, two.id)
    with demo_db.session() as s:
        assert s.scalar(select(Pro.pod_on_file).where(Pro.pro == pro)) is False
        actions = list(s.scalars(select(AuditEvent.action).where(AuditEvent.entity == "document")))
    assert actions == ["document.attach", "document.attach", "document.remove", "document.remove"]


def test_bad_attachments_are_refused_in_one_line(demo_db: Database) -> None:
    ana = actor_for(demo_db, "agarcia")
    pro = _pro_of(demo_db, "agarcia")
    with pytest.raises(InvalidInput, match="unknown document kind 'receipt'; use one of pod, bol"):
        documents.attach(demo_db, ana, NewDocument(b"x", "a.pdf", "receipt", pro=pro))
    with pytest.raises(InvalidInput, match="a.pdf: the file is empty"):
        documents.attach(demo_db, ana, NewDocument(b"", "a.pdf", "pod", pro=pro))
    with pytest.raises(NotFound, match="no pro 'NOPE'"):
        documents.attach(demo_db, ana, NewDocument(b"x", "a.pdf", "pod", pro="NOPE"))


def test_a_trainee_attaches_only_to_their_own_items(demo_db: Database) -> None:
    pro = _pro_of(demo_db, "agarcia")  # not one of trainee mlee's items
    with pytest.raises(PermissionDenied, match="a trainee attaches only to their own items"):
        documents.attach(
            demo_db, actor_for(demo_db, "mlee"), NewDocument(b"x", "a.pdf", "pod", pro=pro)
        )


def test_kinds_references_and_tokens_from_names() -> None:
    assert [guess_kind(n) for n in ("POD_123.pdf", "reweigh cert.pdf", "BOL 9.pdf", "IMG_1.jpg", "x.pdf")] == [
        "pod", "inspection_certificate", "bol", "photo", "other"]  # fmt: skip
    assert reference_tokens("Re: PRO 0001126484 / inv I0500001, BOL 012-40574") == [
        "0001126484", "I0500001", "012-40574", "01240574", "40574"]  # fmt: skip
    subject = with_item_token("Proof of delivery", 42)
    assert subject == "Proof of delivery [AR#42]" and with_item_token(subject, 42) == subject
    assert (
        find_item_token("RE: Proof of delivery [ar#42]") == 42 and find_item_token("hello") is None
    )


def test_the_step_due_on_a_day() -> None:
    steps = [CadenceStep(1, -3, "a"), CadenceStep(2, 0, "b"), CadenceStep(3, 7, "c")]
    due = date(2026, 3, 10)
    assert step_due(steps, due, date(2026, 3, 6)) is None
    assert [step_due(steps, due, date(2026, 3, d)).id for d in (7, 9, 10, 16, 17, 24)] == [
        1,
        1,
        2,
        2,
        3,
        3,
    ]  # type: ignore[union-attr]
    assert step_due(steps, due, date(2026, 3, 25)) is None  # more than a week late: not sent late
    assert parse_step("+7:past_due_reminder") == (7, "past_due_reminder")
    with pytest.raises(ValueError, match="OFFSET:TEMPLATE"):
        parse_step("seven")
