"""The training center: notes to browse and search, the onboarding path, acknowledgements, glossary.

A user's "read and understood" is stored per note version: when a supervisor publishes a new
version of a note, the onboarding path shows it as to be read again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from arbench.domain.catalogue import Role
from arbench.domain.content import Note, glossary, parse_note, parse_onboarding
from arbench.services.base import Actor, NotFound, audit, now
from arbench.services.knowledge import content
from arbench.services.op_changes import Changes
from arbench.services.permissions import ANYONE, service
from arbench.store.db import Database
from arbench.store.models import Acknowledgement, ContentVersion, User

_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class NoteView:
    key: str
    title: str
    category: str
    body: str
    version: int
    definition: str | None
    glossary: tuple[str, ...]
    issue_type: str | None


@dataclass(frozen=True)
class SearchHit:
    key: str
    title: str
    category: str
    score: int
    snippet: str


@dataclass(frozen=True)
class PathNote:
    key: str
    title: str
    acknowledged: bool  # the current version was read and understood
    acknowledged_at: datetime | None


@dataclass(frozen=True)
class PathDay:
    day: int
    title: str
    text: str
    notes: list[PathNote]


@dataclass(frozen=True)
class OnboardingProgress:
    login: str
    title: str
    days: list[PathDay]

    @property
    def total(self) -> int:
        return sum(len(d.notes) for d in self.days)

    @property
    def done(self) -> int:
        return sum(1 for d in self.days for n in d.notes if n.acknowledged)


@dataclass(frozen=True)
class UserProgress:
    login: str
    name: str
    role: str
    done: int
    total: int


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    note_key: str
    definition: str


def _view(key: str, version: int, note: Note) -> NoteView:
    return NoteView(
        key, note.title, note.category, note.body, version, note.definition, note.glossary,
        note.issue_type,
    )  # fmt: skip


def _notes(session: Session) -> list[NoteView]:
    rows = session.scalars(
        select(ContentVersion)
        .where(ContentVersion.kind == "note", ContentVersion.current)
        .order_by(ContentVersion.key)
    )
    return [_view(r.key, r.version, parse_note(r.key, r.body)) for r in rows]


def notes(db: Database, category: str | None = None) -> list[NoteView]:
    """Every note (of one category), by title."""
    with db.session() as s:
        found = [n for n in _notes(s) if category is None or n.category == category]
    return sorted(found, key=lambda n: n.title.lower())


def note(db: Database, key: str) -> NoteView:
    """One note's current version."""
    with db.session() as s:
        info = content.current_in(s, "note", key)
    return _view(key, info.version, parse_note(key, info.body))


def search(db: Database, query: str, limit: int = 50) -> list[SearchHit]:
    """Notes matching every word of `query` (title, glossary terms, body), best first.

    A word in the title or a glossary term counts 10, in the body 1 per occurrence (up to 5).
    """
    words = _WORD.findall(query.lower())
    if not words:
        return []
    hits = []
    for n in notes(db):
        title = " ".join([n.title, *n.glossary]).lower()
        body = n.body.lower()
        score = 0
        for word in words:
            in_title = word in title
            in_body = min(body.count(word), 5)
            if not (in_title or in_body):
                break
            score += 10 * in_title + in_body
        else:
            hits.append(SearchHit(n.key, n.title, n.category, score, _snippet(n.body, words[0])))
    return sorted(hits, key=lambda h: (-h.score, h.title.lower()))[:limit]


def _snippet(body: str, word: str, width: int = 70) -> str:
    at = body.lower().find(word)
    if at < 0:
        return " ".join(body.split())[: width * 2]
    start = max(at - width, 0)
    text = " ".join(body[start : at + width].split())
    return ("…" if start else "") + text + "…"


def _acks(session: Session, user_id: int) -> dict[str, tuple[int, datetime]]:
    rows = session.scalars(
        select(Acknowledgement)
        .where(Acknowledgement.user_id == user_id)
        .order_by(Acknowledgement.at)
    )
    return {a.note_key: (a.note_version, a.at) for a in rows}


def _progress(session: Session, login: str, user_id: int) -> OnboardingProgress:
    path = parse_onboarding(content.current_in(session, "onboarding", content.ONBOARDING_KEY).body)
    by_key = {n.key: n for n in _notes(session)}
    acks = _acks(session, user_id)
    days = []
    for day in path.days:
        items = []
        for key in day.notes:
            view = by_key.get(key)
            version, at = acks.get(key, (0, None))
            ok = view is not None and version >= view.version
            items.append(PathNote(key, view.title if view else key, ok, at if ok else None))
        days.append(PathDay(day.day, day.title, day.text, items))
    return OnboardingProgress(login, path.title, days)


def onboarding(db: Database, login: str) -> OnboardingProgress:
    """The onboarding path with `login`'s acknowledgements of each note."""
    with db.session() as s:
        user = s.scalar(select(User).where(User.login == login))
        if user is None:
            raise NotFound(f"unknown user '{login}'")
        return _progress(s, user.login, user.id)


def team_onboarding(db: Database) -> list[UserProgress]:
    """Each active user's progress along the onboarding path (trainees first)."""
    with db.session() as s:
        users = list(s.scalars(select(User).where(User.active).order_by(User.login)))
        out = []
        for u in users:
            p = _progress(s, u.login, u.id)
            out.append(UserProgress(u.login, u.display_name, u.role, p.done, p.total))
    return sorted(out, key=lambda p: (p.role != Role.TRAINEE, p.login))


@service(ANYONE, "acknowledge training notes", note="their own acknowledgement")
def acknowledge(db: Database, actor: Actor, note_key: str) -> Changes:
    """Record that `actor` read and understood the current version of a note (audited)."""
    with db.session() as s:
        info = content.current_in(s, "note", note_key)
        acks = _acks(s, actor.id)
        done = Changes(acknowledged=frozenset({note_key}))
        if acks.get(note_key, (0, None))[0] >= info.version:
            return done
        at = now()
        ack = Acknowledgement(user_id=actor.id, note_key=note_key, note_version=info.version, at=at)
        s.add(ack)
        s.flush()
        audit(s, actor, "note.acknowledge", "acknowledgement", ack.id, None,
              {"note": note_key, "version": info.version})  # fmt: skip
        return done


@service(ANYONE, "see acknowledgements", writes=False)
def acknowledged(db: Database, actor: Actor, note_key: str) -> bool:
    """Whether `actor` read and understood the current version of a note."""
    with db.session() as s:
        info = content.current_in(s, "note", note_key)
        return _acks(s, actor.id).get(note_key, (0, None))[0] >= info.version


def glossary_terms(db: Database) -> dict[str, GlossaryEntry]:
    """Every glossary term (lower-cased key) with its note and one-line definition."""
    with db.session() as s:
        bundle = content.bundle_in(s)
    return {
        term.lower(): GlossaryEntry(term, key, definition)
        for term, (key, definition) in glossary(bundle).items()
    }


def lookup(terms: dict[str, GlossaryEntry], text: str) -> list[GlossaryEntry]:
    """The glossary entries whose term appears as whole words in `text` (longest first)."""
    low = text.lower()
    found: list[GlossaryEntry] = []
    for key in sorted(terms, key=len, reverse=True):
        matches = re.search(rf"(?<![a-z0-9]){re.escape(key)}(?![a-z0-9])", low)
        if matches and all(key not in f.term.lower() for f in found):
            found.append(terms[key])
    return found
