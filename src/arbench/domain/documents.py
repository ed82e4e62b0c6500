"""Documents and mail, the pure rules: document kinds, what a file name says, reference tokens.

- `DOCUMENT_KINDS`: the kinds of evidence a pro or an account carries.
- `guess_kind(file_name)`: 'pod' for "POD_1234567.pdf", 'photo' for a .jpg, and so on.
- `not_a_document(file_name, content)`: why a file is not evidence arbench keeps (a type it
  does not know, or bytes that are not what the name says: a "POD.pdf" that is no PDF).
- `reference_tokens(text)`: the words of a file name, subject or body that could be a PRO, BOL
  or invoice number (letters and digits, at least 4 characters, at least one digit).
- `item_token(issue_id)` / `find_item_token(subject)`: the "[AR#123]" arbench puts in the
  subject of what it sends, so replies come back to their item.
"""

from __future__ import annotations

import re
from pathlib import PurePath

DOCUMENT_KINDS: dict[str, str] = {
    "pod": "Proof of delivery",
    "bol": "Bill of lading",
    "inspection_certificate": "Inspection certificate (reweigh / reclass)",
    "photo": "Photo",
    "claim": "Claim papers",
    "correspondence": "Customer correspondence",
    "invoice": "Invoice copy",
    "other": "Other",
}

MEDIA_TYPES: dict[str, str] = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".bmp": "image/bmp",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".webp": "image/webp",
    ".txt": "text/plain",
    ".eml": "message/rfc822",
    ".msg": "application/vnd.ms-outlook",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

# words in a file name that say its kind, checked in this order
_KIND_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("pod", ("pod", "proof", "delivery receipt", "dr")),
    ("inspection_certificate", ("inspection", "reweigh", "reclass", "wi", "certificate")),
    ("bol", ("bol", "bill of lading", "lading")),
    ("claim", ("claim", "osd", "os&d", "damage")),
    ("invoice", ("invoice", "inv", "freight bill", "fb")),
    ("correspondence", ("email", "letter", "reply", "correspondence")),
)

_WORD = re.compile(r"[A-Za-z0-9]+")
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{2,38}[A-Za-z0-9]")
_ITEM_TOKEN = re.compile(r"\[AR#(\d{1,12})\]", re.IGNORECASE)


def media_type(file_name: str) -> str:
    """The MIME type of a file by its extension ('application/octet-stream' when unknown)."""
    return MEDIA_TYPES.get(PurePath(file_name).suffix.lower(), "application/octet-stream")


def is_image(media: str) -> bool:
    return media.startswith("image/")


def guess_kind(file_name: str) -> str:
    """The document kind a file name suggests: 'pod' for POD_123.pdf, 'photo' for an image."""
    stem = PurePath(file_name).stem.lower()
    words = set(_WORD.findall(stem))
    spaced = " ".join(_WORD.findall(stem))
    for kind, hints in _KIND_WORDS:
        if any((h in words) if " " not in h else (h in spaced) for h in hints):
            return kind
    if is_image(media_type(file_name)):
        return "photo"
    return "other"


# how the files that carry a signature start (the others: any bytes)
_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/bmp": (b"BM",),
    "image/tiff": (b"II*\x00", b"MM\x00*"),
}


def not_a_document(file_name: str, content: bytes) -> str | None:
    """Why the file is not a document arbench keeps, or None: its type must be one of
    MEDIA_TYPES and, for PDFs and images, its bytes must start as that type's do."""
    suffix = PurePath(file_name).suffix.lower()
    media = MEDIA_TYPES.get(suffix)
    if media is None:
        kinds = ", ".join(sorted({s.lstrip(".") for s in MEDIA_TYPES}))
        what = f"a {suffix} file" if suffix else "a file without an extension"
        return f"{what} is not a document arbench keeps (it keeps {kinds})"
    signatures = _SIGNATURES.get(media)
    if content and signatures and not content.startswith(signatures):
        return f"the file is named {suffix} but its content is not {media.split('/')[1].upper()}"
    return None


def reference_tokens(text: str) -> list[str]:
    """Candidate PRO / BOL / invoice numbers in a text, in order, each once (upper case).

    A candidate has 4 to 40 letters, digits or inner dashes and at least one digit; a dashed
    token also yields its parts and its dash-free form ("123-4567" -> 123-4567, 1234567)."""
    found: dict[str, None] = {}
    for match in _TOKEN.finditer(text):
        token = match.group(0).upper()
        forms = [token]
        if "-" in token:
            forms += [token.replace("-", ""), *token.split("-")]
        for form in forms:
            if len(form) >= 4 and any(ch.isdigit() for ch in form):
                found.setdefault(form, None)
    return list(found)


def item_token(issue_id: int) -> str:
    """The reference arbench puts in a subject so the reply finds its item: '[AR#123]'."""
    return f"[AR#{issue_id}]"


def find_item_token(subject: str) -> int | None:
    """The issue id of the first '[AR#123]' in a subject, or None."""
    match = _ITEM_TOKEN.search(subject)
    return int(match.group(1)) if match else None


def with_item_token(subject: str, issue_id: int) -> str:
    """The subject with the item's token appended once."""
    token = item_token(issue_id)
    return subject if token.lower() in subject.lower() else f"{subject} {token}".strip()


def safe_file_name(name: str, fallback: str = "document") -> str:
    """A file name without directories or characters file systems refuse."""
    base = PurePath(name.replace("\\", "/")).name
    cleaned = "".join(ch if ch.isalnum() or ch in " ._-()#" else "_" for ch in base).strip(" .")
    return cleaned[:200] or fallback


__all__ = [
    "DOCUMENT_KINDS", "MEDIA_TYPES", "find_item_token", "guess_kind", "is_image", "item_token",
    "media_type", "not_a_document", "reference_tokens", "safe_file_name", "with_item_token",
]  # fmt: skip
