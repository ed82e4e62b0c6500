"""The shipped content check, and the content parser's behaviour on good and bad files.

The first half checks resources/content as shipped: every issue type has a script that a
trainee can follow, every link resolves, every template fills, the glossary covers the trade's
words. The second half feeds the parsers broken files and checks that the error names the file
and the line a supervisor has to fix.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arbench.domain.catalogue import ISSUE_TYPES, RESOLUTION_CODES
from arbench.domain.content import (
    MERGE_FIELDS,
    STEP_KINDS,
    CloseOption,
    ContentBundle,
    ContentError,
    MergeError,
    Note,
    Script,
    Step,
    Template,
    dump_bundle,
    dump_note,
    dump_onboarding,
    dump_script,
    dump_template,
    glossary,
    parse_note,
    parse_onboarding,
    parse_script,
    parse_template,
    render_template,
    render_text,
    validate_bundle,
)
from arbench.io.content_files import check_directory, load_bundle

CONTENT = Path(__file__).resolve().parents[2] / "resources" / "content"
PARSERS: dict[str, Callable[[str, str], Any]] = {
    "scripts": parse_script,
    "notes": parse_note,
    "templates": parse_template,
}
DUMPERS: dict[str, Callable[[Any], str]] = {
    "scripts": dump_script,
    "notes": dump_note,
    "templates": dump_template,
}
Edit = Callable[[str], str]


@pytest.fixture(scope="module")
def shipped() -> ContentBundle:
    return load_bundle(CONTENT)


# --- the shipped content ---------------------------------------------------------------------


def test_shipped_content_has_no_problems() -> None:
    _, problems = check_directory(CONTENT)
    assert [str(p) for p in problems] == []


def test_every_issue_type_has_a_followable_script(shipped: ContentBundle) -> None:
    assert set(shipped.scripts) == set(ISSUE_TYPES)
    for code, issue_type in ISSUE_TYPES.items():
        script = shipped.scripts[code]
        assert script.level == issue_type.level.value
        assert len(script.steps) >= 4, code
        assert [s.number for s in script.steps] == list(range(1, len(script.steps) + 1))
        assert all(s.kind in STEP_KINDS for s in script.steps)
        assert sum(s.required for s in script.steps) >= 4, code
        assert script.templates, f"{code} offers no email template"
        assert all(o.code in RESOLUTION_CODES for o in script.close_options)
        assert "root cause" in script.close_notes.lower()


def test_every_issue_type_has_a_training_note(shipped: ContentBundle) -> None:
    typed = {n.issue_type for n in shipped.notes.values() if n.category == "issue-type"}
    assert typed == set(ISSUE_TYPES)
    assert len(shipped.notes) >= 30


def test_glossary_covers_the_trade(shipped: ContentBundle) -> None:
    terms = {term.lower(): value for term, value in glossary(shipped).items()}
    wanted = ["PRO", "BOL", "NMFC", "accessorial", "reweigh", "reclass", "POD", "short pay",
              "unapplied cash", "EDI 210", "EDI 820", "DSO", "CEI"]  # fmt: skip
    for term in wanted:
        note_key, definition = terms[term.lower()]
        assert note_key in shipped.notes
        assert definition and "\n" not in definition and len(definition) < 200


def test_onboarding_path_reads_every_note_once(shipped: ContentBundle) -> None:
    assert shipped.onboarding is not None
    keys = shipped.onboarding.note_keys()
    assert len(keys) == len(set(keys))
    assert len(keys) >= 30 and set(keys) <= set(shipped.notes)
    assert {f"type-{code}" for code in ISSUE_TYPES} <= set(keys)
    assert keys[0] == "first-week-onboarding"
    assert [d.day for d in shipped.onboarding.days] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("folder", sorted(PARSERS))
def test_shipped_files_are_in_canonical_form(folder: str) -> None:
    """Export writes exactly the text that was imported: no diff noise for reviewers."""
    for path in sorted((CONTENT / folder).glob("*.md")):
        text = path.read_text(encoding="utf-8")
        assert DUMPERS[folder](PARSERS[folder](path.stem, text)) == text, path.name
    text = (CONTENT / "onboarding.md").read_text(encoding="utf-8")
    assert dump_onboarding(parse_onboarding(text)) == text


def test_every_template_renders_with_the_services_fields(shipped: ContentBundle) -> None:
    values = {name: f"<{name}>" for name in MERGE_FIELDS}
    for template in shipped.templates.values():
        subject, body = render_template(template, values)
        assert "{" not in subject + body and "}" not in subject + body, template.key
        assert "\n" not in subject


def test_dump_bundle_round_trips_through_a_directory(
    shipped: ContentBundle, tmp_path: Path
) -> None:
    for relative, text in dump_bundle(shipped).items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text, encoding="utf-8")
    again, problems = check_directory(tmp_path)
    assert problems == []
    assert again == shipped


# --- parsing good files ----------------------------------------------------------------------

SCRIPT = """\
---
issue_type: pod_requested
title: POD requested
level: pro
---

## When it applies

Customer holds payment for a POD.

## Evidence to gather

- The POD image.

## Steps

1. [check] Pull the POD.
   note: glossary-pod
   Check the signature.
     Indented detail survives.

2. [route] Ask operations for it.
   department: operations
   optional: yes

3. [email] Send it.
   template: pod_copy

4. [call] Get a date.

## Talk track

"Hi {contact_name}, about PRO {pro}."

## Email templates

- pod_copy

## Escalate when

After 5 days.

## How to close

- paid_after_documents: paid after the POD.

Root cause fixed when the POD goes with every invoice.
"""

NOTE = "---\ntitle: POD\ncategory: glossary\nglossary: POD; proof of delivery\ndefinition: Signed delivery receipt.\n---\n\nThe body.\n"
TEMPLATE = "---\ntitle: POD copy\nsubject: POD for PRO {pro}\n---\n\nHello {contact_name},\n\nBraces {{like this}}.\n"


def _bundle(script: str = SCRIPT, template: str = TEMPLATE) -> ContentBundle:
    scripts = {"pod_requested": parse_script("pod_requested", script)}
    return ContentBundle(
        scripts, {"glossary-pod": parse_note("glossary-pod", NOTE)},
        {"pod_copy": parse_template("pod_copy", template)},
    )  # fmt: skip


def test_parse_script_reads_steps_and_attributes() -> None:
    script = parse_script("pod_requested", SCRIPT)
    first, route, email, call = script.steps
    assert first == Step(1, "check", "Pull the POD.", note="glossary-pod",
                         detail="Check the signature.\n  Indented detail survives.")  # fmt: skip
    assert (route.department, route.required) == ("operations", False)
    assert email.template == "pod_copy" and call.kind == "call"
    assert script.close_options == (CloseOption("paid_after_documents", "paid after the POD."),)
    assert script.templates == ("pod_copy",)
    assert first.line == 17


def test_script_note_and_template_round_trip() -> None:
    assert dump_script(parse_script("pod_requested", SCRIPT)) == SCRIPT
    assert dump_note(parse_note("glossary-pod", NOTE)) == NOTE
    assert dump_template(parse_template("pod_copy", TEMPLATE)) == TEMPLATE


def test_hand_built_objects_round_trip() -> None:
    script = Script(
        "past_due", "past_due", "Past due", "pro", "When.", "- Aging.",
        (Step(1, "call", "Call.", note="n", required=False, detail="Say hello.\nListen."),
         Step(2, "route", "Route.", department="billing")),
        "Talk.", ("t1", "t2"), "Escalate.", (CloseOption("paid_in_full", "paid"),), "Root cause?",
    )  # fmt: skip
    assert parse_script("past_due", dump_script(script)) == script
    note = Note("n", "Title", "concept", "Body\n\n- list", ("A", "B"), "Def.", "past_due")
    assert parse_note("n", dump_note(note)) == note
    template = Template("t", "T", "Subject {pro}", "Body {amount}\n\nBye", "past_due")
    assert parse_template("t", dump_template(template)) == template


_line = st.text(st.characters(min_codepoint=32, max_codepoint=126, blacklist_characters="{}"),
                min_size=1, max_size=40).map(str.strip).filter(bool)  # fmt: skip
_detail = _line.filter(
    lambda text: not re.match(r"[a-z_]+: *\S*$", text)
)  # would read as attribute


@given(st.lists(st.tuples(st.sampled_from(STEP_KINDS), _line, st.booleans()), min_size=1, max_size=6),
       st.lists(_detail, max_size=4))  # fmt: skip
def test_steps_round_trip(steps: list[tuple[str, str, bool]], detail: list[str]) -> None:
    built = tuple(
        Step(i, kind, text, required=required, detail="\n".join(detail))
        for i, (kind, text, required) in enumerate(steps, start=1)
    )
    script = parse_script("pod_requested", SCRIPT)
    changed = Script(**{**script.__dict__, "steps": built})
    assert parse_script("pod_requested", dump_script(changed)) == changed


def test_crlf_and_bom_are_accepted() -> None:
    text = "\ufeff" + SCRIPT.replace("\n", "\r\n")
    assert parse_script("pod_requested", text) == parse_script("pod_requested", SCRIPT)


# --- bad files name the file and the line ------------------------------------------------------

BAD_SCRIPTS = [
    (lambda s: s.replace("---\n", "", 1), 1, "must start with"),
    (lambda s: s.replace("level: pro\n---", "level: pro\n"), 5, "closing '---' missing"),
    (lambda s: s.replace("level: pro", "level: fleet"), 4, "'fleet' is not one of"),
    (lambda s: s.replace("title: POD requested\n", ""), 4, "needs title"),
    (lambda s: s.replace("title: POD", "colour: blue\ntitle: POD"), 3, "unknown front matter key"),
    (lambda s: s.replace("## When it applies", "Intro\n\n## When it applies"), 7, "before the first section"),
    (lambda s: s.replace("## Talk track", "## Talk Track"), 31, "expected '## Talk track'"),
    (lambda s: s.replace("## Escalate when\n\nAfter 5 days.\n\n", ""), 39, "'## How to close' is out of order"),
    (lambda s: s.replace("4. [call]", "5. [call]"), 29, "expected 4"),
    (lambda s: s.replace("[call]", "[phone]"), 29, "step kind 'phone'"),
    (lambda s: s.replace("   optional: yes", "   optinal: yes"), 24, "step attribute 'optinal'"),
    (lambda s: s.replace("department: operations", "department: finance"), 23, "department 'finance'"),
    (lambda s: s.replace("   optional: yes\n", "\n   optional: yes\n"), 25, "indented line without a step"),
    (lambda s: s.replace("- paid_after_documents: paid", "- paid_after_documents"), 45, "- code: when"),
    (lambda s: s.replace("4. [call] Get a date.", "4 Get a date."), 29, "numbered step"),
    (lambda s: s.replace("Customer holds payment for a POD.", ""), 7, "is empty"),
]  # fmt: skip


@pytest.mark.parametrize(("edit", "line", "message"), BAD_SCRIPTS)
def test_bad_script_names_file_and_line(edit: Edit, line: int, message: str) -> None:
    with pytest.raises(ContentError) as caught:
        parse_script("pod_requested", edit(SCRIPT))
    error = caught.value
    assert error.file == "scripts/pod_requested.md"
    assert message in error.message
    if line:
        assert error.line == line
        assert str(error).startswith(f"scripts/pod_requested.md, line {line}: ")


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (TEMPLATE.replace("PRO {pro}", "PRO {pro"), 3, "unmatched '{'"),
        (TEMPLATE.replace("Hello {contact_name}", "Hello { Contact }"), 6, "is not a merge field"),
        (TEMPLATE.replace("\nHello {contact_name},\n\nBraces {{like this}}.\n", ""), 0, "no body"),
    ],
)
def test_bad_template_names_file_and_line(text: str, line: int, message: str) -> None:
    with pytest.raises(ContentError) as caught:
        parse_template("pod_copy", text)
    assert caught.value.file == "templates/pod_copy.md"
    assert message in caught.value.message
    assert not line or caught.value.line == line


def test_glossary_note_without_definition_is_an_error() -> None:
    with pytest.raises(ContentError, match=r"notes/x\.md, line 4: glossary terms need"):
        parse_note("x", "---\ntitle: X\ncategory: glossary\nglossary: X\n---\n\nText.\n")


def test_bad_onboarding_day_numbering_is_an_error() -> None:
    text = "---\ntitle: Week\n---\n\n## Day 1: A\n\n- a\n\n## Day 3: C\n\n- c\n"
    with pytest.raises(
        ContentError, match=r"onboarding\.md, line 9: day numbered 3, expected Day 2"
    ):
        parse_onboarding(text)


# --- cross-references -------------------------------------------------------------------------


def _messages(bundle: ContentBundle) -> list[str]:
    return [str(p) for p in validate_bundle(bundle) if "no script for issue type" not in p.message]


def test_valid_bundle_has_only_missing_scripts() -> None:
    assert _messages(_bundle()) == []


def test_broken_note_link_is_reported_with_its_step_line() -> None:
    bundle = _bundle(SCRIPT.replace("note: glossary-pod", "note: glossary-proof"))
    assert _messages(bundle) == [
        "scripts/pod_requested.md, line 17: step 1: links to note 'glossary-proof', which does not exist"
    ]


def test_unknown_merge_field_is_rejected() -> None:
    bundle = _bundle(template=TEMPLATE.replace("{contact_name}", "{contact_fax}"))
    assert _messages(bundle) == [
        "templates/pod_copy.md, line 6: unknown merge field {contact_fax}; known fields: "
        + ", ".join(MERGE_FIELDS)
    ]
    with pytest.raises(ContentError, match=r"unknown merge field \{contact_fax\}"):
        render_template(bundle.templates["pod_copy"], {"pro": "1", "contact_fax": "x"})


def test_talk_track_merge_fields_are_checked() -> None:
    bundle = _bundle(SCRIPT.replace("{contact_name}", "{buyer}"))
    assert _messages(bundle) == [
        "scripts/pod_requested.md, line 31: talk track: unknown merge field {buyer}"
    ]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda s: s.replace("- paid_after_documents", "- paid_by_magic"), "resolution code 'paid_by_magic'"),
        (lambda s: s.replace("Root cause fixed", "Fixed"), "must say whether the root cause"),
        (lambda s: s.replace("level: pro", "level: account"), "the catalogue says 'pro'"),
        (lambda s: s.replace("issue_type: pod_requested", "issue_type: lost_pallet"), "not in the catalogue"),
        (lambda s: s.replace("   department: operations\n", ""), "needs a 'department:' line"),
        (lambda s: s.replace("   template: pod_copy\n", ""), "needs a 'template:' line"),
        (lambda s: s.replace("\n- pod_copy\n", "\n- pod_copy\n- pod_scan\n"), "template 'pod_scan' does not exist"),
        (lambda s: s.replace("4. [call] Get a date.\n", ""), "at least 4"),
    ],
)  # fmt: skip
def test_cross_reference_problems(edit: Edit, message: str) -> None:
    messages = _messages(_bundle(edit(SCRIPT)))
    assert len(messages) == 1 and message in messages[0], messages


def test_duplicate_glossary_terms_are_reported() -> None:
    bundle = _bundle()
    bundle.notes["other"] = parse_note("other", NOTE.replace("POD; proof", "pod; delivery"))
    assert _messages(bundle) == [
        "notes/other.md, line 4: glossary term 'pod' is already defined in note 'glossary-pod'"
    ]


def test_render_fills_fields_and_literal_braces() -> None:
    template = parse_template("pod_copy", TEMPLATE)
    subject, body = render_template(template, {"pro": "4821", "contact_name": "Dana"})
    assert subject == "POD for PRO 4821"
    assert body == "Hello Dana,\n\nBraces {like this}."
    with pytest.raises(MergeError, match=r"needs a value for \{contact_name\}"):
        render_template(template, {"pro": "4821"})
    assert render_text("Hi {contact_name}", {}, missing="[?]") == "Hi [?]"


def test_check_directory_collects_every_problem(tmp_path: Path) -> None:
    for folder in ("scripts", "notes", "templates"):
        (tmp_path / folder).mkdir()
    (tmp_path / "scripts" / "pod_requested.md").write_text(SCRIPT.replace("[call]", "[phone]"))
    (tmp_path / "notes" / "Bad Name.md").write_text(NOTE)
    (tmp_path / "templates" / "pod_copy.md").write_bytes(b"\xff\xfe bad")
    _, problems = check_directory(tmp_path)
    found = {(p.file, p.line) for p in problems}
    assert ("scripts/pod_requested.md", 29) in found
    assert ("notes/Bad Name.md", 0) in found
    assert ("templates/pod_copy.md", 0) in found
    assert sum("no script for issue type" in p.message for p in problems) == len(ISSUE_TYPES) - 1
    with pytest.raises(ContentError, match=r"scripts/pod_requested\.md, line 29"):
        load_bundle(tmp_path)


def test_missing_folder_is_a_problem(tmp_path: Path) -> None:
    _, problems = check_directory(tmp_path)
    assert {p.file for p in problems} >= {"scripts/", "notes/", "templates/"}


def test_merge_fields_are_the_agreed_names() -> None:
    assert all(re.fullmatch(r"[a-z_]+", name) for name in MERGE_FIELDS)
    assert {"customer_name", "pro", "pro_list", "short_amount", "freight_class"} <= set(
        MERGE_FIELDS
    )
    assert len(MERGE_FIELDS) == 29


def test_shipped_content_is_found_where_the_app_looks() -> None:
    from arbench.paths import resources_dir

    bundle = load_bundle(resources_dir() / "content")
    assert set(bundle.scripts) == set(ISSUE_TYPES)
