"""Documents on pros and accounts: attach, list, read, export, remove (every change audited).

A file's bytes are stored once in `document_blobs`, keyed by sha256, whoever attaches it to how
many pros; a `documents` row says which pro or account it belongs to, its kind, who attached it
and when. Files larger than the team's limit (setting `documents.max_mb`, 20 MB by default) are
refused with one line. Attaching a document of kind 'pod' to a pro sets its "POD on file"; removing
the last one clears it. Anyone who works the book may attach evidence; a trainee only on items
they own; department staff only on pros (or accounts) whose items were routed to one of their
departments (they attach a POD or a corrected bill with their answer, services/work/items.py). The person who attached a document, or a supervisor, may remove it.

`attach` and `remove` return the change record of the items the document concerns (the pro's
items, or an account's account-level items), so the item panel shows the new "POD on file".
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from arbench.domain.catalogue import Level, Role
from arbench.domain.documents import (
    DOCUMENT_KINDS,
    guess_kind,
    media_type,
    not_a_document,
    safe_file_name,
)
from arbench.output_files import check_output_dir, written
from arbench.services.base import (
    Actor,
    InvalidInput,
    NotFound,
    PermissionDenied,
    audit,
    now,
)
from arbench.services.op_changes import Changes, changes_after
from arbench.services.permissions import ANYONE, EVERYONE, SUPERVISORS, service
from arbench.store.correspondence_models import Document, DocumentBlob
from arbench.store.db import Database
from arbench.store.models import Account, Issue, Pro, Setting, User

DEFAULT_MAX_MB = 20
MAX_MB_KEY = "documents.max_mb"


@dataclass(frozen=True)
class DocumentInfo:
    id: int
    kind: str
    file_name: str
    media_type: str
    size: int
    sha256: str
    account_number: str
    pro: str | None
    added_at: datetime
    added_by: str | None
    source: str


@dataclass(frozen=True)
class Attached:
    """A document attached, and the change record of the items it concerns."""

    document: DocumentInfo
    changes: Changes


@dataclass(frozen=True)
class NewDocument:
    """A file to attach: its bytes, its name and kind, and where it goes (a pro or an account)."""

    content: bytes
    file_name: str
    kind: str
    pro: str | None = None
    account_number: str | None = None


@dataclass(frozen=True)
class FileToAttach:
    """A file on disk attached with another write (a department's answer); kind None: from
    the file name."""

    path: Path
    kind: str | None = None


def read_evidence(file: FileToAttach) -> NewDocument:
    """The file's bytes as a document still to place (pro and account unset), or InvalidInput
    in one line naming the file: missing, a folder, unreadable, empty, not a document arbench
    keeps (a type it does not know, or bytes that are not what the name says), an unknown kind.
    The size limit is checked where it is stored (`store_blob`)."""
    path = file.path
    if not path.exists():
        raise InvalidInput(f"{path}: no such file")
    if path.is_dir():
        raise InvalidInput(f"{path} is a folder, not a file")
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}") from None
    if not content:
        raise InvalidInput(f"{path}: the file is empty")
    why = not_a_document(path.name, content)
    if why is not None:
        raise InvalidInput(f"{path}: {why}")
    kind = check_kind(file.kind) if file.kind else guess_kind(path.name)
    return NewDocument(content, path.name, kind)


def max_bytes(session: Session) -> int:
    """The size limit of one document, from the team setting `documents.max_mb`."""
    row = session.get(Setting, MAX_MB_KEY)
    try:
        mb = float(row.value) if row is not None else DEFAULT_MAX_MB
    except ValueError:
        mb = DEFAULT_MAX_MB
    return int(mb * 1024 * 1024)


@service(SUPERVISORS, "change the document size limit")
def set_max_mb(db: Database, actor: Actor, mb: float) -> None:
    """Change the size limit of one document (supervisors)."""
    from arbench.services.admin.company import write_values

    if not 0 < mb <= 512:
        raise InvalidInput(f"the document size limit must be between 0 and 512 MB, not {mb}")
    with db.session() as s:
        write_values(s, actor, {MAX_MB_KEY: f"{mb:g}"}, "documents.limit")


def check_kind(kind: str) -> str:
    if kind not in DOCUMENT_KINDS:
        raise InvalidInput(
            f"unknown document kind '{kind}'; use one of {', '.join(DOCUMENT_KINDS)}"
        )
    return kind


def store_blob(session: Session, content: bytes, file_name: str) -> str:
    """Store the bytes once (by sha256) after the size check; returns the sha256."""
    limit = max_bytes(session)
    if len(content) > limit:
        raise InvalidInput(
            f"{file_name}: {len(content) / 1048576:.1f} MB is over the {limit / 1048576:.0f} MB "
            "limit for one document (setting documents.max_mb)"
        )
    if not content:
        raise InvalidInput(f"{file_name}: the file is empty")
    digest = hashlib.sha256(content).hexdigest()
    if session.get(DocumentBlob, digest) is None:
        session.add(
            DocumentBlob(sha256=digest, size=len(content), content=content, created_at=now())
        )
        session.flush()
    return digest


def _may_attach(session: Session, actor: Actor, account: Account, pro: Pro | None) -> None:
    if actor.role == Role.DEPARTMENT:
        from arbench.services.organization.requests import routed_to_actor

        if not routed_to_actor(session, actor, account.id, pro.id if pro else None):
            what = f"PRO {pro.pro}" if pro else f"account {account.number}"
            raise PermissionDenied(
                f"{actor.login} cannot attach to {what}: department staff attach only to "
                "items routed to their departments"
            )
        return
    if actor.role != Role.TRAINEE:
        return
    where = [Issue.owner_id == actor.id, Issue.account_id == account.id]
    if pro is not None:
        where.append(Issue.pro_id == pro.id)
    if session.scalar(select(func.count()).select_from(Issue).where(*where)) == 0:
        what = f"PRO {pro.pro}" if pro else f"account {account.number}"
        raise PermissionDenied(
            f"{actor.login} cannot attach to {what}: a trainee attaches only to their own items"
        )


def _target(session: Session, doc: NewDocument) -> tuple[Account, Pro | None]:
    if doc.pro:
        pro = session.scalar(select(Pro).where(Pro.pro == doc.pro))
        if pro is None:
            raise NotFound(f"no pro '{doc.pro}'")
        account = session.get(Account, pro.account_id)
        assert account is not None
        return account, pro
    if doc.account_number:
        account = session.scalar(select(Account).where(Account.number == doc.account_number))
        if account is None:
            raise NotFound(f"no account with number '{doc.account_number}'")
        return account, None
    raise InvalidInput("say which pro or account the document belongs to")


def add_document(
    session: Session, actor: Actor, doc: NewDocument, *, source: str = "upload",
    mail_id: int | None = None,
) -> Document:  # fmt: skip
    """Attach in the caller's transaction (also used by mail): blob, row, POD flag, audit."""
    check_kind(doc.kind)
    account, pro = _target(session, doc)
    _may_attach(session, actor, account, pro)
    name = safe_file_name(doc.file_name)
    digest = store_blob(session, doc.content, name)
    row = Document(
        sha256=digest, account_id=account.id, pro_id=pro.id if pro else None, kind=doc.kind,
        file_name=name, media_type=media_type(name), size=len(doc.content), source=source,
        mail_id=mail_id, added_at=now(), added_by_id=actor.id or None,
    )  # fmt: skip
    session.add(row)
    if pro is not None and doc.kind == "pod" and not pro.pod_on_file:
        pro.pod_on_file = True
    session.flush()
    audit(session, actor, "document.attach", "document", row.id, None,
          {"kind": doc.kind, "file_name": name, "sha256": digest, "size": len(doc.content),
           "pro": pro.pro if pro else None, "account": account.number, "source": source})  # fmt: skip
    return row


ATTACH_NOTE = "a trainee only to their own items"
DEPARTMENT_ATTACH_NOTE = (
    f"{ATTACH_NOTE}; department staff: pros of requests routed to their departments"
)


@service(EVERYONE, "attach documents", note=DEPARTMENT_ATTACH_NOTE)
def attach(db: Database, actor: Actor, doc: NewDocument, *, on: date | None = None) -> Attached:
    """Attach one file to a pro or an account; returns what was stored and the items' changes."""
    with db.session() as s:
        row = add_document(s, actor, doc)
        return Attached(_info(s, row), concerned(s, row.account_id, row.pro_id, on))


@service(EVERYONE, "attach documents", note=DEPARTMENT_ATTACH_NOTE)
def attach_file(db: Database, actor: Actor, path: Path, kind: str, *, pro: str | None = None,
                account_number: str | None = None, on: date | None = None) -> Attached:  # fmt: skip
    """Attach a file from disk (one line naming the file when it cannot be read)."""
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}") from None
    return attach(db, actor, NewDocument(content, path.name, kind, pro, account_number), on=on)


def concerned(s: Session, account_id: int, pro_id: int | None, on: date | None) -> Changes:
    """The change record of the items a document of this pro (or account) shows on."""
    if pro_id is not None:
        where = Issue.pro_id == pro_id
    else:
        where = (Issue.account_id == account_id) & (Issue.level == Level.ACCOUNT)
    return changes_after(s, s.scalars(select(Issue.id).where(where)), on or date.today())


def documents_of(db: Database, *, pro: str | None = None, account_number: str | None = None,
                 include_pros: bool = False) -> list[DocumentInfo]:  # fmt: skip
    """The documents of a pro, or of an account (its own; with include_pros, its pros' too)."""
    with db.session() as s:
        query = select(Document).order_by(Document.added_at, Document.id)
        if pro is not None:
            query = query.join(Pro, Pro.id == Document.pro_id).where(Pro.pro == pro)
        elif account_number is not None:
            query = query.join(Account, Account.id == Document.account_id).where(
                Account.number == account_number
            )
            if not include_pros:
                query = query.where(Document.pro_id.is_(None))
        else:
            raise InvalidInput("say which pro or account")
        return [_info(s, row) for row in s.scalars(query)]


def content_of(db: Database, document_id: int) -> tuple[DocumentInfo, bytes]:
    """A document's facts and its bytes."""
    with db.session() as s:
        row = s.get(Document, document_id)
        if row is None:
            raise NotFound(f"no document with id {document_id}")
        blob = s.get(DocumentBlob, row.sha256)
        assert blob is not None
        return _info(s, row), bytes(blob.content)


def export(db: Database, document_id: int, directory: Path) -> Path:
    """Write a document into an existing folder under its own name (a number added if taken);
    the file is complete or absent (OutputError names a folder that cannot be written)."""
    folder = check_output_dir(directory)
    info, content = content_of(db, document_id)
    target = folder / info.file_name
    stem, suffix, n = target.stem, target.suffix, 1
    while target.exists():
        n += 1
        target = folder / f"{stem} ({n}){suffix}"
    with written(target) as partial:
        partial.write_bytes(content)
    return target


@service(ANYONE, "remove documents", note="who attached it, or a supervisor")
def remove(db: Database, actor: Actor, document_id: int, *, on: date | None = None) -> Changes:
    """Remove a document (who attached it, or a supervisor); the items' change record."""
    with db.session() as s:
        row = s.get(Document, document_id, with_for_update=True)
        if row is None:
            raise NotFound(f"no document with id {document_id}")
        if not (
            actor.is_supervisor or (row.added_by_id is not None and row.added_by_id == actor.id)
        ):
            raise PermissionDenied(
                f"{actor.login} cannot remove {row.file_name}: only who attached it or a supervisor can"
            )
        info, account_id, pro_id = _info(s, row), row.account_id, row.pro_id
        pro = s.get(Pro, pro_id) if pro_id else None
        s.delete(row)
        s.flush()
        if pro is not None and row.kind == "pod" and _pods(s, pro.id) == 0:
            pro.pod_on_file = False
        audit(s, actor, "document.remove", "document", document_id,
              {"kind": info.kind, "file_name": info.file_name, "sha256": info.sha256,
               "pro": info.pro, "account": info.account_number}, None)  # fmt: skip
        return concerned(s, account_id, pro_id, on)


def _pods(s: Session, pro_id: int) -> int:
    return int(s.scalar(select(func.count()).select_from(Document)
                        .where(Document.pro_id == pro_id, Document.kind == "pod")) or 0)  # fmt: skip


def _info(s: Session, row: Document) -> DocumentInfo:
    account = s.get(Account, row.account_id)
    pro = s.get(Pro, row.pro_id) if row.pro_id else None
    user = s.get(User, row.added_by_id) if row.added_by_id else None
    return DocumentInfo(
        row.id, row.kind, row.file_name, row.media_type, row.size, row.sha256,
        account.number if account else "", pro.pro if pro else None, row.added_at,
        user.login if user else None, row.source,
    )  # fmt: skip
