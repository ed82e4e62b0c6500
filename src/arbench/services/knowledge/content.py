"""Versioned content in the database: resolution scripts, training notes, templates, onboarding.

The shipped files under resources/content are loaded into `content_versions` when a database
is created or upgraded (`load_shipped`, idempotent: the same text never makes a new version).
Supervisors publish edits as new versions; the whole content can be exported as files in the
shipped layout and imported back, all or nothing (every file is checked before anything is
written). Items keep the script version they started with (services/work/scripts.py).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from arbench import paths
from arbench.domain.catalogue import ISSUE_TYPES
from arbench.domain.content import (
    NOTES_DIR,
    ONBOARDING_FILE,
    SCRIPTS_DIR,
    TEMPLATES_DIR,
    ContentBundle,
    ContentError,
    ContentProblem,
    Note,
    Onboarding,
    Script,
    Template,
    parse_note,
    parse_onboarding,
    parse_script,
    parse_template,
    validate_bundle,
)
from arbench.io.content_files import check_directory
from arbench.services.base import (
    SYSTEM,
    Actor,
    InvalidInput,
    NotFound,
    audit,
    now,
    require_supervisor,
)
from arbench.services.op_changes import Changes
from arbench.services.permissions import SUPERVISORS, service, setup
from arbench.store.db import Database
from arbench.store.models import ContentVersion, User

KINDS = ("script", "note", "template", "onboarding")
ONBOARDING_KEY = "onboarding"
_FOLDERS = {"script": SCRIPTS_DIR, "note": NOTES_DIR, "template": TEMPLATES_DIR}


class ContentImportError(InvalidInput):
    """An import refused because of problems; `problems` names each file and line."""

    def __init__(self, problems: list[ContentProblem]):
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(
            f"content not imported, nothing was changed: {len(problems)} problem(s)\n{lines}"
        )
        self.problems = problems


@dataclass(frozen=True)
class ContentVersionInfo:
    kind: str
    key: str
    version: int
    title: str
    body: str
    current: bool
    published_at: datetime
    published_by: str | None  # None: loaded from the shipped files


@dataclass(frozen=True)
class LoadSummary:
    added: int
    unchanged: int
    kept_local: int  # shipped file changed, but a supervisor's edit is current: kept


@dataclass(frozen=True)
class ImportSummary:
    published: list[str]  # relative file paths published as new versions
    unchanged: int


def file_for(kind: str, key: str) -> str:
    """The relative path of a content object in the shipped layout."""
    if kind == "onboarding":
        return ONBOARDING_FILE
    if kind not in _FOLDERS:
        raise InvalidInput(f"unknown content kind {kind!r}; known: {', '.join(KINDS)}")
    return f"{_FOLDERS[kind]}/{key}.md"


def parse(kind: str, key: str, text: str) -> Script | Note | Template | Onboarding:
    """Parse one content text; raises ContentError naming the file and line."""
    file = file_for(kind, key)
    if kind == "script":
        return parse_script(key, text, file)
    if kind == "note":
        return parse_note(key, text, file)
    if kind == "template":
        return parse_template(key, text, file)
    return parse_onboarding(text, file)


def _title(kind: str, key: str, text: str) -> str:
    return parse(kind, key, text).title


def _files(directory: Path) -> Iterable[tuple[str, str, Path]]:
    """(kind, key, path) for every content file in a directory in the shipped layout."""
    for kind, folder in _FOLDERS.items():
        if (directory / folder).is_dir():
            for path in sorted((directory / folder).glob("*.md")):
                yield kind, path.stem, path
    if (directory / ONBOARDING_FILE).is_file():
        yield "onboarding", ONBOARDING_KEY, directory / ONBOARDING_FILE


def shipped_dir() -> Path:
    return paths.resources_dir() / "content"


# --- reading -----------------------------------------------------------------------------------


def _info(row: ContentVersion, publisher: str | None) -> ContentVersionInfo:
    return ContentVersionInfo(
        row.kind, row.key, row.version, row.title, row.body, row.current,
        row.published_at, publisher,
    )  # fmt: skip


def _rows(session: Session, *where: object) -> list[ContentVersionInfo]:
    result = session.execute(
        select(ContentVersion, User.login)
        .outerjoin(User, User.id == ContentVersion.published_by_id)
        .where(*where)  # type: ignore[arg-type]
        .order_by(ContentVersion.kind, ContentVersion.key, ContentVersion.version.desc())
    ).all()
    return [_info(row, login) for row, login in result]


def ensure_loaded(db: Database) -> None:
    """Load the shipped content if this database has none yet (databases made before content)."""
    with db.session() as s:
        empty = not s.scalar(select(func.count()).select_from(ContentVersion))
    if empty:
        load_shipped(db)


def current(db: Database, kind: str, key: str) -> ContentVersionInfo:
    """The current version of one script, note, template or the onboarding path."""
    with db.session() as s:
        return current_in(s, kind, key)


def current_in(session: Session, kind: str, key: str) -> ContentVersionInfo:
    rows = _rows(
        session, ContentVersion.kind == kind, ContentVersion.key == key, ContentVersion.current
    )
    if not rows:
        raise NotFound(f"no {kind} {key!r} in the content (load it with `arbench db upgrade`)")
    return rows[0]


def version_in(session: Session, kind: str, key: str, version: int) -> ContentVersionInfo:
    rows = _rows(
        session,
        ContentVersion.kind == kind,
        ContentVersion.key == key,
        ContentVersion.version == version,
    )
    if not rows:
        raise NotFound(f"no version {version} of {kind} {key!r}")
    return rows[0]


def list_current(db: Database, kind: str | None = None) -> list[ContentVersionInfo]:
    """The current version of every content object (of one kind), by kind and key."""
    with db.session() as s:
        where = [ContentVersion.current] + ([ContentVersion.kind == kind] if kind else [])
        return _rows(s, *where)


def bundle_in(session: Session) -> ContentBundle:
    """The current content as a parsed bundle."""
    bundle = ContentBundle()
    for info in _rows(session, ContentVersion.current):
        obj = parse(info.kind, info.key, info.body)
        if isinstance(obj, Script):
            bundle.scripts[info.key] = obj
        elif isinstance(obj, Note):
            bundle.notes[info.key] = obj
        elif isinstance(obj, Template):
            bundle.templates[info.key] = obj
        else:
            bundle.onboarding = obj
    return bundle


def current_bundle(db: Database) -> ContentBundle:
    with db.session() as s:
        return bundle_in(s)


@dataclass(frozen=True)
class ScriptSummary:
    issue_type: str
    name: str
    level: str
    version: int | None
    steps: int
    title: str


@dataclass(frozen=True)
class NoteSummary:
    key: str
    title: str
    category: str
    version: int
    glossary: tuple[str, ...]


def list_scripts(db: Database) -> list[ScriptSummary]:
    """Every issue type of the catalogue with its current script (version None: no script)."""
    scripts = {i.key: i for i in list_current(db, "script")}
    out = []
    for code, issue_type in ISSUE_TYPES.items():
        info = scripts.get(code)
        script = parse_script(code, info.body) if info else None
        out.append(
            ScriptSummary(
                code, issue_type.name, issue_type.level.value, info.version if info else None,
                len(script.steps) if script else 0, script.title if script else "",
            )
        )  # fmt: skip
    return out


def list_notes(db: Database) -> list[NoteSummary]:
    """Every training note's current version, by key."""
    out = []
    for info in list_current(db, "note"):
        note = parse_note(info.key, info.body)
        out.append(NoteSummary(info.key, note.title, note.category, info.version, note.glossary))
    return out


def history(db: Database, kind: str, key: str) -> list[ContentVersionInfo]:
    """Every version of one content object, newest first."""
    with db.session() as s:
        rows = _rows(s, ContentVersion.kind == kind, ContentVersion.key == key)
    if not rows:
        raise NotFound(f"no {kind} {key!r} in the content")
    return rows


def diff(a: ContentVersionInfo, b: ContentVersionInfo) -> str:
    """A unified diff from version a to version b (empty when the texts are the same)."""
    name = file_for(a.kind, a.key)
    return "".join(
        difflib.unified_diff(
            a.body.splitlines(keepends=True),
            b.body.splitlines(keepends=True),
            fromfile=f"{name} (version {a.version})",
            tofile=f"{name} (version {b.version})",
        )
    )


# --- writing -----------------------------------------------------------------------------------


def _add_version(
    session: Session, actor: Actor, kind: str, key: str, text: str
) -> ContentVersionInfo:
    """Make `text` the current version of (kind, key); audited. Caller checked the text."""
    rows = list(
        session.scalars(
            select(ContentVersion).where(ContentVersion.kind == kind, ContentVersion.key == key)
        )
    )
    for row in rows:
        row.current = False
    version = max((r.version for r in rows), default=0) + 1
    row = ContentVersion(
        kind=kind, key=key, version=version, title=_title(kind, key, text), body=text,
        current=True, published_at=now(), published_by_id=actor.id or None,
    )  # fmt: skip
    session.add(row)
    session.flush()
    previous = max((r.version for r in rows), default=None)
    audit(session, actor, "content.publish", "content_version", row.id,
          {"kind": kind, "key": key, "version": previous},
          {"kind": kind, "key": key, "version": version, "title": row.title})  # fmt: skip
    return _info(row, None if actor is SYSTEM else actor.login)


@setup("load the shipped content")
def load_shipped(db: Database, directory: Path | None = None) -> LoadSummary:
    """Load the shipped content files as versions; idempotent (same text: no new version).

    A shipped file that changed since it was last loaded becomes a new version, unless a
    supervisor's own edit is current: the company's edit is kept (counted in kept_local).
    """
    directory = directory or shipped_dir()
    added = unchanged = kept = 0
    with db.exclusive("content") as s:
        for kind, key, path in _files(directory):
            text = path.read_text(encoding="utf-8")
            rows = list(
                s.scalars(
                    select(ContentVersion)
                    .where(ContentVersion.kind == kind, ContentVersion.key == key)
                    .order_by(ContentVersion.version)
                )
            )
            shipped = [r for r in rows if r.published_by_id is None]
            active = next((r for r in rows if r.current), None)
            if (shipped and shipped[-1].body == text) or (active and active.body == text):
                unchanged += 1
            elif active is not None and active.published_by_id is not None:
                kept += 1
            else:
                _add_version(s, SYSTEM, kind, key, text)
                added += 1
    return LoadSummary(added, unchanged, kept)


def _problems_for(bundle: ContentBundle, file: str) -> list[ContentProblem]:
    return [p for p in validate_bundle(bundle) if p.file == file]


@service(SUPERVISORS, "publish content")
def publish(db: Database, actor: Actor, kind: str, key: str, text: str) -> Changes:
    """Publish `text` as the new current version (supervisors only); checked before it is stored.

    The same text as the current version publishes nothing. `current` reads what is published.
    """
    require_supervisor(actor, "publish content")
    file = file_for(kind, key)
    try:
        obj = parse(kind, key, text)
    except ContentError as error:
        raise InvalidInput(f"not published: {error}") from None
    with db.exclusive("content") as s:
        published = Changes(content=frozenset({f"{kind}/{key}"}))
        try:
            if current_in(s, kind, key).body == text:
                return Changes()
        except NotFound:
            pass
        bundle = bundle_in(s)
        _put(bundle, key, obj)
        problems = _problems_for(bundle, file)
        if problems:
            raise InvalidInput("not published: " + "; ".join(str(p) for p in problems))
        _add_version(s, actor, kind, key, text)
        return published


def _put(bundle: ContentBundle, key: str, obj: Script | Note | Template | Onboarding) -> None:
    if isinstance(obj, Script):
        bundle.scripts[key] = obj
    elif isinstance(obj, Note):
        bundle.notes[key] = obj
    elif isinstance(obj, Template):
        bundle.templates[key] = obj
    else:
        bundle.onboarding = obj


def export_content(db: Database, directory: Path) -> list[Path]:
    """Write the current versions as files in the shipped layout; returns the files written."""
    written = []
    for info in list_current(db):
        path = directory / file_for(info.kind, info.key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(info.body, encoding="utf-8", newline="\n")
        written.append(path)
    return written


@service(SUPERVISORS, "import content")
def import_content(
    db: Database,
    actor: Actor,
    directory: Path,
    progress: Callable[[str], None] | None = None,
) -> ImportSummary:
    """Import a whole content folder (supervisors only): all or nothing.

    Every file is parsed and the bundle checked first; any problem raises ContentImportError
    listing each file and line, and nothing is written. Otherwise each file whose text differs
    from the current version is published as a new version. Imports run one at a time (the
    same folder imported twice at once is published once; the second finds it unchanged).
    """
    require_supervisor(actor, "import content")
    if not directory.is_dir():
        raise InvalidInput(f"{directory} is not a folder")
    _, problems = check_directory(directory)
    if problems:
        raise ContentImportError(problems)
    published: list[str] = []
    unchanged = 0
    with db.exclusive("content") as s:
        for kind, key, path in _files(directory):
            text = path.read_text(encoding="utf-8")
            try:
                same = current_in(s, kind, key).body == text
            except NotFound:
                same = False
            if same:
                unchanged += 1
                continue
            _add_version(s, actor, kind, key, text)
            published.append(file_for(kind, key))
            if progress:
                progress(file_for(kind, key))
        if published:  # an import that changes nothing leaves no event (audit = changes)
            audit(s, actor, "content.import", "content_version", None, None,
                  {"folder": str(directory), "published": len(published)})  # fmt: skip
    return ImportSummary(published, unchanged)
