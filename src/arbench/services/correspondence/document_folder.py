"""Import a folder of documents named by PRO or BOL: each file goes to the pro its name names.

"POD 1234567.pdf", "1234567_bol.jpg" or "BOL-87654321.pdf": the words of the file name are
looked up as PRO numbers first, then as BOL numbers. A file whose name names exactly one pro is
attached (kind from the name, or the kind given); every other file is reported by name with the
reason: no PRO or BOL found, several pros named, unreadable, too large, empty. Files attached
are committed one by one, so a bad file never stops the good ones; re-importing a folder
attaches nothing twice (same bytes on the same pro with the same kind are skipped).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from arbench.domain.documents import guess_kind, reference_tokens
from arbench.services.base import Actor, InvalidInput, ServiceError
from arbench.services.correspondence.documents import (
    ATTACH_NOTE,
    NewDocument,
    add_document,
    check_kind,
)
from arbench.services.permissions import ANYONE, service
from arbench.store.correspondence_models import Document
from arbench.store.db import Database
from arbench.store.models import Pro


@dataclass(frozen=True)
class FolderMatch:
    file: str
    pro: str
    account_number: str
    kind: str
    matched_by: str  # pro | bol
    document_id: int | None  # None when the same file was already on the pro
    already_attached: bool = False


@dataclass(frozen=True)
class FolderMiss:
    file: str
    reason: str


@dataclass
class FolderReport:
    directory: str
    matched: list[FolderMatch] = field(default_factory=list)
    unmatched: list[FolderMiss] = field(default_factory=list)


def _find_pro(s: Session, name: str) -> tuple[Pro | None, str, str]:
    """(pro, matched_by, reason when None) for a file name."""
    tokens = reference_tokens(Path(name).stem)
    if not tokens:
        return None, "", "no PRO or BOL number in the file name"
    pros = list(s.scalars(select(Pro).where(Pro.pro.in_(tokens))))
    by = "pro"
    if not pros:
        pros, by = list(s.scalars(select(Pro).where(Pro.bol.in_(tokens)))), "bol"
    if not pros:
        return None, "", f"no pro has PRO or BOL {', '.join(tokens)}"
    if len(pros) > 1:
        named = ", ".join(sorted(p.pro for p in pros))
        return None, "", f"the name fits {len(pros)} pros ({named}): rename it to one PRO"
    return pros[0], by, ""


@service(ANYONE, "attach documents", note=ATTACH_NOTE)
def attach_folder(
    db: Database, actor: Actor, directory: Path, kind: str | None = None
) -> FolderReport:
    """Attach every file of `directory` (not its subfolders) to the pro its name names."""
    if not directory.is_dir():
        raise InvalidInput(f"{directory} is not a folder")
    if kind is not None:
        check_kind(kind)
    report = FolderReport(str(directory))
    for path in sorted(
        p for p in directory.iterdir() if p.is_file() and not p.name.startswith(".")
    ):
        try:
            content = path.read_bytes()
        except OSError as exc:
            report.unmatched.append(FolderMiss(path.name, f"cannot read: {exc.strerror or exc}"))
            continue
        try:
            _attach_one(db, actor, path.name, content, kind, report)
        except ServiceError as exc:
            report.unmatched.append(FolderMiss(path.name, str(exc).removeprefix(f"{path.name}: ")))
    return report


def _attach_one(db: Database, actor: Actor, name: str, content: bytes, kind: str | None,
                report: FolderReport) -> None:  # fmt: skip
    with db.session() as s:
        pro, by, reason = _find_pro(s, name)
        if pro is None:
            report.unmatched.append(FolderMiss(name, reason))
            return
        doc_kind = kind or guess_kind(name)
        digest = hashlib.sha256(content).hexdigest()
        same = s.scalar(select(Document.id).where(
            Document.pro_id == pro.id, Document.sha256 == digest, Document.kind == doc_kind))  # fmt: skip
        account_number = pro.account_id
        if same is not None:
            report.matched.append(FolderMatch(name, pro.pro, _number(s, account_number), doc_kind,
                                              by, None, True))  # fmt: skip
            return
        row = add_document(
            s, actor, NewDocument(content, name, doc_kind, pro=pro.pro), source="folder"
        )
        report.matched.append(
            FolderMatch(name, pro.pro, _number(s, account_number), doc_kind, by, row.id)
        )


def _number(s: Session, account_id: int) -> str:
    from arbench.store.models import Account

    account = s.get(Account, account_id)
    return account.number if account else ""
