"""The company profile a customer sees on statements, invoice copies and emails: name, logo,
address, remit-to, contact. This module is the one owner of those team settings:
company_name, company_address, remit_to_name, remit_to_address, company_phone, company_email
and company_logo (the sha256 of the logo image, stored once in document_blobs).

A supervisor changes it (`set_profile`); a new book gets its first profile from
`first_run.start_book` (a setup write, through `write_profile`). Every change is audited with
its before and after values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from arbench.domain.documents import media_type
from arbench.services.base import Actor, InvalidInput, audit
from arbench.services.correspondence.documents import store_blob
from arbench.services.permissions import SUPERVISORS, service
from arbench.store.correspondence_models import DocumentBlob
from arbench.store.db import Database
from arbench.store.models import Setting

FIELDS = {  # ProfileChange field -> team setting
    "name": "company_name",
    "address": "company_address",
    "remit_to_name": "remit_to_name",
    "remit_to_address": "remit_to_address",
    "phone": "company_phone",
    "email": "company_email",
}
LOGO_KEY = "company_logo"
KEYS = (*FIELDS.values(), LOGO_KEY)
DEFAULT_NAME = "Demo Freight Lines"


@dataclass(frozen=True)
class CompanyProfile:
    name: str
    address: str = ""
    remit_to_name: str = ""
    remit_to_address: str = ""
    phone: str = ""
    email: str = ""
    logo: bytes | None = None  # PNG or JPEG bytes

    @property
    def contact(self) -> str:
        return "  ·  ".join(p for p in (self.phone, self.email) if p)

    @property
    def remit_to(self) -> str:
        """Where customers pay, as lines ("" when no remit-to is set)."""
        return "\n".join(p for p in (self.remit_to_name, self.remit_to_address) if p)


@dataclass(frozen=True)
class ProfileChange:
    """What to change; None leaves a field as it is, "" clears it."""

    name: str | None = None
    address: str | None = None
    remit_to_name: str | None = None
    remit_to_address: str | None = None
    phone: str | None = None
    email: str | None = None
    logo_file: Path | None = None


def read_profile(session: Session) -> CompanyProfile:
    """The company profile from an open session."""
    stored = {r.key: r.value for r in session.scalars(select(Setting).where(Setting.key.in_(KEYS)))}
    text = {field: stored.get(key, "") for field, key in FIELDS.items()}
    text["name"] = text["name"] or DEFAULT_NAME
    return CompanyProfile(**text, logo=_logo(session, stored.get(LOGO_KEY, "")))


def _logo(session: Session, sha256: str) -> bytes | None:
    blob = session.get(DocumentBlob, sha256) if sha256 else None
    return bytes(blob.content) if blob is not None else None


def get_profile(db: Database) -> CompanyProfile:
    with db.session() as s:
        return read_profile(s)


def write_values(session: Session, actor: Actor, values: Mapping[str, str], action: str) -> None:
    """Store team setting values and audit each change (before/after) in the caller's session
    (inside a declared service: `audit` refuses elsewhere)."""
    for key, value in values.items():
        row = session.get(Setting, key)
        before = row.value if row is not None else None
        if before == value:
            continue
        if row is None:
            session.add(Setting(key=key, value=value))
        else:
            row.value = value
        shown = "(set)" if key.endswith(".password") else value
        audit(session, actor, action, "setting", None, {"key": key, "value": before},
              {"key": key, "value": shown})  # fmt: skip
    session.flush()


def write_profile(session: Session, actor: Actor, change: ProfileChange) -> CompanyProfile:
    """Apply a change in the caller's transaction (`set_profile`, and `start_book` at setup)."""
    given = {FIELDS[f]: getattr(change, f) for f in FIELDS if getattr(change, f) is not None}
    values = {key: value.strip() for key, value in given.items()}
    if values.get("company_name") == "":
        raise InvalidInput("the company name cannot be empty")
    email = values.get("company_email", "")
    if email and "@" not in email:
        raise InvalidInput(f"'{email}' is not an email address")
    if change.logo_file is not None:
        values[LOGO_KEY] = _store_logo(session, change.logo_file)
    write_values(session, actor, values, "company.set")
    return read_profile(session)


@service(SUPERVISORS, "change the company profile")
def set_profile(db: Database, actor: Actor, change: ProfileChange) -> CompanyProfile:
    """Change the company profile (supervisors only)."""
    with db.session() as s:
        return write_profile(s, actor, change)


def _store_logo(session: Session, path: Path) -> str:
    if media_type(path.name) not in ("image/png", "image/jpeg"):
        raise InvalidInput(f"{path.name}: the logo must be a .png or .jpg image")
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}") from None
    return store_blob(session, content, path.name)
