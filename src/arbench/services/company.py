"""The company profile a customer sees on statements and emails: name, logo, address, remit-to,
contact. Team settings under the keys company.name, company.address, company.remit_to,
company.phone, company.email and company.logo (the sha256 of the logo image, stored once in
document_blobs; a file path written there by an older tool is read as a file). Supervisors set
it; every change is audited with its before and after values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from arbench.domain.documents import media_type
from arbench.services.base import Actor, InvalidInput, audit, require_supervisor
from arbench.services.documents import store_blob
from arbench.store.correspondence_models import DocumentBlob
from arbench.store.db import Database
from arbench.store.models import Setting

KEYS = ("company.name", "company.address", "company.remit_to", "company.phone", "company.email")
LOGO_KEY = "company.logo"
LEGACY_NAME_KEY = "company_name"  # the team setting that named the company before profiles
DEFAULT_NAME = "Demo Freight Lines"


@dataclass(frozen=True)
class CompanyProfile:
    name: str
    address: str = ""
    remit_to: str = ""
    phone: str = ""
    email: str = ""
    logo: bytes | None = None  # PNG or JPEG bytes

    @property
    def contact(self) -> str:
        return "  ·  ".join(p for p in (self.phone, self.email) if p)


@dataclass(frozen=True)
class ProfileChange:
    """What to change; None leaves a field as it is, "" clears it."""

    name: str | None = None
    address: str | None = None
    remit_to: str | None = None
    phone: str | None = None
    email: str | None = None
    logo_file: Path | None = None


def read_profile(session: Session) -> CompanyProfile:
    """The company profile from an open session (name falls back to the older setting)."""
    values = {k: session.get(Setting, k) for k in (*KEYS, LOGO_KEY, LEGACY_NAME_KEY)}
    text = {k: (row.value if row is not None else "") for k, row in values.items()}
    name = text["company.name"] or text[LEGACY_NAME_KEY] or DEFAULT_NAME
    return CompanyProfile(
        name, text["company.address"], text["company.remit_to"], text["company.phone"],
        text["company.email"], _logo(session, text[LOGO_KEY]),
    )  # fmt: skip


def _logo(session: Session, value: str) -> bytes | None:
    if not value:
        return None
    blob = session.get(DocumentBlob, value) if len(value) == 64 else None
    if blob is not None:
        return bytes(blob.content)
    path = Path(value)
    try:
        return path.read_bytes() if path.is_file() else None
    except OSError:
        return None


def get_profile(db: Database) -> CompanyProfile:
    with db.session() as s:
        return read_profile(s)


def write_values(session: Session, actor: Actor, values: Mapping[str, str], action: str) -> None:
    """Store team setting values and audit each change (before/after) in the caller's session."""
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


def set_profile(db: Database, actor: Actor, change: ProfileChange) -> CompanyProfile:
    """Change the company profile (supervisors only)."""
    require_supervisor(actor, "change the company profile")
    fields = {"company.name": change.name, "company.address": change.address,
              "company.remit_to": change.remit_to, "company.phone": change.phone,
              "company.email": change.email}  # fmt: skip
    values = {k: v.strip() for k, v in fields.items() if v is not None}
    if values.get("company.name") == "":
        raise InvalidInput("the company name cannot be empty")
    with db.session() as s:
        if change.logo_file is not None:
            values[LOGO_KEY] = _store_logo(s, change.logo_file)
        write_values(s, actor, values, "company.set")
        return read_profile(s)


def _store_logo(session: Session, path: Path) -> str:
    if media_type(path.name) not in ("image/png", "image/jpeg"):
        raise InvalidInput(f"{path.name}: the logo must be a .png or .jpg image")
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}") from None
    return store_blob(session, content, path.name)
