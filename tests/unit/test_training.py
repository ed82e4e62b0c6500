"""The training center: note search, the onboarding path and "read and understood", glossary."""

from __future__ import annotations

from sqlalchemy import select

from arbench.services.base import actor_for
from arbench.services.knowledge import content, training
from arbench.store.db import Database
from arbench.store.models import Acknowledgement


def test_search_ranks_title_matches_first_and_needs_every_word(demo_db: Database) -> None:
    content.load_shipped(demo_db)
    hits = training.search(demo_db, "proof of delivery")
    assert hits[0].key == "glossary-pod"
    assert all(h.score >= hits[-1].score for h in hits)
    assert training.search(demo_db, "reweigh zzzunknownword") == []
    assert training.search(demo_db, "  ") == []


def test_acknowledging_moves_the_onboarding_path_and_a_new_version_asks_again(
    demo_db: Database,
) -> None:
    content.load_shipped(demo_db)
    mlee = actor_for(demo_db, "mlee")
    path = training.onboarding(demo_db, "mlee")
    assert path.done == 0 and path.total >= 30
    first = path.days[0].notes[0]
    training.acknowledge(demo_db, mlee, first.key)
    training.acknowledge(demo_db, mlee, first.key)  # twice: stored once
    with demo_db.session() as s:
        assert len(list(s.scalars(select(Acknowledgement)))) == 1
    assert training.onboarding(demo_db, "mlee").done == 1
    team = {p.login: p for p in training.team_onboarding(demo_db)}
    assert (team["mlee"].done, team["nbrown"].done) == (1, 0)
    assert list(team)[:2] == ["mlee", "nbrown"]  # trainees first

    body = content.current(demo_db, "note", first.key).body
    content.publish(demo_db, actor_for(demo_db, "kwright"), "note", first.key, body + "\nMore.\n")
    assert training.onboarding(demo_db, "mlee").done == 0


def test_glossary_explains_terms_where_they_appear(demo_db: Database) -> None:
    content.load_shipped(demo_db)
    terms = training.glossary_terms(demo_db)
    [pod] = training.lookup(terms, "POD on file")
    assert pod.note_key == "glossary-pod" and "signed" in pod.definition
    assert [e.term for e in training.lookup(terms, "PRO")] == ["PRO"]
    assert training.lookup(terms, "Shipped / delivered") == []
