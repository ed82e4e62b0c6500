"""Resolution scripts, training notes, email templates and the onboarding path, as text files.

Content is kept as readable Markdown files with a small front matter block (see
docs/content-format.md). This module is the public API: it re-exports the model
(content_model) and the text format's parse/dump functions (content_format), and adds the merge
fields, template rendering, the glossary and the bundle checks
(every issue type has a script, every link resolves, every code and merge field exists).

Pure Python: no Qt, no database, no files. Reading a content directory is `io.content_files`
(`load_bundle`, `check_directory`); writing is left to the caller (`dump_bundle` gives the texts).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from arbench.domain.catalogue import ISSUE_TYPES, RESOLUTION_CODES
from arbench.domain.content_format import (
    FIELD_RE,
    dump_bundle,
    dump_note,
    dump_onboarding,
    dump_script,
    dump_template,
    merge_field_names,
    parse_note,
    parse_onboarding,
    parse_script,
    parse_template,
)
from arbench.domain.content_model import (
    KEY_RE,
    LEVELS,
    MIN_STEPS,
    NOTE_CATEGORIES,
    NOTES_DIR,
    ONBOARDING_FILE,
    SCRIPT_SECTIONS,
    SCRIPTS_DIR,
    STEP_KINDS,
    TEMPLATES_DIR,
    CloseOption,
    ContentBundle,
    ContentError,
    ContentProblem,
    MergeError,
    Note,
    Onboarding,
    OnboardingDay,
    Script,
    Step,
    Template,
)

__all__ = [
    "KEY_RE", "LEVELS", "MERGE_FIELDS", "MIN_STEPS", "NOTE_CATEGORIES", "NOTES_DIR",
    "ONBOARDING_FILE", "SCRIPT_SECTIONS", "SCRIPTS_DIR", "STEP_KINDS", "TEMPLATES_DIR",
    "CloseOption", "ContentBundle", "ContentError", "ContentProblem", "MergeError", "Note",
    "Onboarding", "OnboardingDay", "Script", "Step", "Template",
    "dump_bundle", "dump_note", "dump_onboarding", "dump_script",
    "dump_template", "glossary", "parse_note", "parse_onboarding", "parse_script",
    "parse_template", "render_template", "render_text", "template_fields", "validate_bundle",
]  # fmt: skip

MERGE_FIELDS: dict[str, str] = {
    "customer_name": "Customer's name as on the account",
    "account_number": "Customer account number",
    "contact_name": "Name of the payables contact written to",
    "contact_email": "Email address of that contact",
    "pro": "PRO number of the freight bill",
    "pro_list": "PRO numbers concerned, one per line with amounts",
    "bol": "Bill of lading number",
    "invoice_number": "Freight bill / invoice number",
    "invoice_date": "Invoice date",
    "amount": "Amount billed",
    "open_amount": "Amount still open",
    "short_amount": "Amount short paid or deducted",
    "reason_code": "Payer's adjustment reason code (X12 426)",
    "reason": "Reason given by the payer, in words",
    "due_date": "Date payment was due",
    "days_past_due": "Days past the due date",
    "promise_amount": "Amount promised",
    "promise_date": "Date payment was promised for",
    "collector_name": "Collector's name",
    "collector_email": "Collector's email address",
    "collector_phone": "Collector's direct phone",
    "company_name": "The carrier's name",
    "today": "Today's date",
    "ship_date": "Pickup / ship date",
    "delivery_date": "Delivery date",
    "origin": "Origin city and state",
    "destination": "Destination city and state",
    "weight": "Billed weight in pounds",
    "freight_class": "Billed NMFC freight class",
}


# --- templates and glossary ----------------------------------------------------------------------


def template_fields(template: Template) -> list[str]:
    """The merge fields a template uses, in order of first use."""
    file = f"{TEMPLATES_DIR}/{template.key}.md"
    names = merge_field_names(file, 0, template.subject) + merge_field_names(file, 0, template.body)
    return list(dict.fromkeys(names))


def render_text(
    text: str, values: Mapping[str, str], missing: str | None = None, file: str = "text"
) -> str:
    """Fill the {field} merge fields of any content text (a template, a talk track).

    Raises ContentError for a field that is not in MERGE_FIELDS, and MergeError for a known field
    with no value in `values` unless `missing` is given (then that text stands in for it).
    """
    for name in merge_field_names(file, 0, text):
        if name not in MERGE_FIELDS:
            known = ", ".join(MERGE_FIELDS)
            raise ContentError(file, 0, f"unknown merge field {{{name}}}; known fields: {known}")
        if name not in values and missing is None:
            raise MergeError(f"{file} needs a value for {{{name}}} ({MERGE_FIELDS[name]})")

    def fill(match: re.Match[str]) -> str:
        if match[1] is None:
            return match[0][0]
        return values.get(match[1], missing or "")

    return FIELD_RE.sub(fill, text)


def render_template(
    template: Template, values: Mapping[str, str], missing: str | None = None
) -> tuple[str, str]:
    """Fill a template's merge fields; returns (subject, body). Errors as for render_text."""
    file = f"{TEMPLATES_DIR}/{template.key}.md"
    return (
        render_text(template.subject, values, missing, file),
        render_text(template.body, values, missing, file),
    )


def glossary(bundle: ContentBundle) -> dict[str, tuple[str, str]]:
    """Glossary terms as written in the notes -> (note key, one-line definition), for tooltips."""
    terms: dict[str, tuple[str, str]] = {}
    for key, note in sorted(bundle.notes.items()):
        for term in note.glossary:
            terms.setdefault(term, (key, note.definition or ""))
    return terms


# --- checking a bundle -------------------------------------------------------------------------------


def validate_bundle(bundle: ContentBundle) -> list[ContentProblem]:
    """Every cross-reference problem in a bundle: missing scripts, broken links, unknown codes."""
    problems: list[ContentProblem] = []
    for code, issue_type in ISSUE_TYPES.items():
        if code not in bundle.scripts:
            problems.append(ContentProblem(f"{SCRIPTS_DIR}/{code}.md", 0,
                                           f"no script for issue type {code!r} ({issue_type.name})"))  # fmt: skip
    for key, script in sorted(bundle.scripts.items()):
        problems += _script_problems(bundle, key, script)
    for key, note in sorted(bundle.notes.items()):
        problems += _note_problems(key, note)
    problems += _glossary_problems(bundle)
    for key, template in sorted(bundle.templates.items()):
        problems += _template_problems(key, template)
    if bundle.onboarding:
        problems += _onboarding_problems(bundle, bundle.onboarding)
    return problems


def _script_problems(bundle: ContentBundle, key: str, script: Script) -> list[ContentProblem]:
    file, lines = f"{SCRIPTS_DIR}/{key}.md", script.lines
    found = _header_problems(key, script)
    if len(script.steps) < MIN_STEPS:
        found.append((lines.get("section:Steps", 0), f"a script needs at least {MIN_STEPS} steps"))
    for step in script.steps:
        found += [
            (step.line, f"step {step.number}: {m}") for m in _step_problems(bundle, script, step)
        ]
    for template in script.templates:
        if template not in bundle.templates:
            found.append(
                (lines.get("template:" + template, 0), f"template {template!r} does not exist")
            )
    codes = ", ".join(RESOLUTION_CODES)
    for option in script.close_options:
        if option.code not in RESOLUTION_CODES:
            found.append((option.line, f"resolution code {option.code!r} is not one of: {codes}"))
    if "root cause" not in script.close_notes.lower():
        message = "'## How to close' must say whether the root cause was fixed"
        found.append((lines.get("section:How to close", 0), message))
    problems = [ContentProblem(file, line, message) for line, message in found]
    return problems + _talk_track_problems(file, script)


def _header_problems(key: str, script: Script) -> list[tuple[int, str]]:
    """The front matter checked against the file name and the catalogue."""
    issue_type = ISSUE_TYPES.get(script.issue_type)
    at_type, at_level = script.lines.get("front:issue_type", 0), script.lines.get("front:level", 0)
    if script.key != key:
        return [(0, f"stored under {key!r} but its key is {script.key!r}")]
    if issue_type is None:
        return [(at_type, f"issue_type {script.issue_type!r} is not in the catalogue")]
    if script.issue_type != key:
        return [(at_type, f"issue_type {script.issue_type!r} must match the file name {key!r}")]
    if script.level != issue_type.level.value:
        return [
            (at_level, f"level is {script.level!r}; the catalogue says {issue_type.level.value!r}")
        ]
    return []


def _talk_track_problems(file: str, script: Script) -> list[ContentProblem]:
    line = script.lines.get("section:Talk track", 0)
    try:
        names = merge_field_names(file, line, script.talk_track)
    except ContentError as error:
        return [ContentProblem(file, line, "talk track: " + error.message)]
    unknown = sorted({n for n in names if n not in MERGE_FIELDS})
    return [ContentProblem(file, line, f"talk track: unknown merge field {{{n}}}") for n in unknown]


def _step_problems(bundle: ContentBundle, script: Script, step: Step) -> list[str]:
    out: list[str] = []
    if step.note and step.note not in bundle.notes:
        out.append(f"links to note {step.note!r}, which does not exist")
    if step.template and step.template not in bundle.templates:
        out.append(f"links to template {step.template!r}, which does not exist")
    elif step.template and step.template not in script.templates:
        out.append(f"template {step.template!r} is not listed under '## Email templates'")
    if step.kind == "email" and not step.template:
        out.append("an [email] step needs a 'template:' line")
    if step.kind == "route" and not step.department:
        out.append("a [route] step needs a 'department:' line saying where the work goes")
    if step.kind != "route" and step.department:
        out.append("only [route] steps take a 'department:' line")
    return out


def _note_problems(key: str, note: Note) -> list[ContentProblem]:
    file = f"{NOTES_DIR}/{key}.md"
    out: list[ContentProblem] = []
    if note.key != key:
        out.append(ContentProblem(file, 0, f"stored under {key!r} but its key is {note.key!r}"))
    if note.issue_type and note.issue_type not in ISSUE_TYPES:
        line = note.lines.get("front:issue_type", 0)
        out.append(
            ContentProblem(file, line, f"issue_type {note.issue_type!r} is not in the catalogue")
        )
    if note.glossary and not note.definition:
        out.append(
            ContentProblem(
                file, note.lines.get("front:glossary", 0), "glossary terms need a definition"
            )
        )
    return out


def _glossary_problems(bundle: ContentBundle) -> list[ContentProblem]:
    seen: dict[str, str] = {}
    out: list[ContentProblem] = []
    for key, note in sorted(bundle.notes.items()):
        for term in note.glossary:
            other = seen.setdefault(term.lower(), key)
            if other != key:
                line = note.lines.get("front:glossary", 0)
                out.append(ContentProblem(f"{NOTES_DIR}/{key}.md", line,
                                          f"glossary term {term!r} is already defined in note {other!r}"))  # fmt: skip
    return out


def _template_problems(key: str, template: Template) -> list[ContentProblem]:
    file = f"{TEMPLATES_DIR}/{key}.md"
    out: list[ContentProblem] = []
    if template.key != key:
        out.append(ContentProblem(file, 0, f"stored under {key!r} but its key is {template.key!r}"))
    if template.issue_type and template.issue_type not in ISSUE_TYPES:
        line = template.lines.get("front:issue_type", 0)
        out.append(
            ContentProblem(
                file, line, f"issue_type {template.issue_type!r} is not in the catalogue"
            )
        )
    try:
        names = template_fields(template)
    except ContentError as error:
        return [*out, ContentProblem(file, 0, error.message)]
    for name in names:
        if name not in MERGE_FIELDS:
            line = _line_of(template, "{" + name + "}")
            out.append(
                ContentProblem(
                    file,
                    line,
                    f"unknown merge field {{{name}}}; known fields: {', '.join(MERGE_FIELDS)}",
                )
            )
    return out


def _line_of(template: Template, token: str) -> int:
    if token in template.subject:
        return template.lines.get("front:subject", 0)
    start = template.lines.get("body", 0)
    for offset, line in enumerate(template.body.splitlines()):
        if token in line:
            return start + offset if start else 0
    return 0


def _onboarding_problems(bundle: ContentBundle, onboarding: Onboarding) -> list[ContentProblem]:
    out: list[ContentProblem] = []
    seen: set[str] = set()
    for day in onboarding.days:
        for key in day.notes:
            line = day.lines.get(key, 0)
            if key not in bundle.notes:
                out.append(
                    ContentProblem(
                        ONBOARDING_FILE,
                        line,
                        f"Day {day.day} lists note {key!r}, which does not exist",
                    )
                )
            if key in seen:
                out.append(
                    ContentProblem(
                        ONBOARDING_FILE, line, f"note {key!r} is already on an earlier day"
                    )
                )
            seen.add(key)
    return out
