"""The content text format: parse resolution scripts, notes, templates and the onboarding path.

Each file is Markdown with a strict `key: value` front matter block (docs/content-format.md).
Parsers raise ContentError naming the file, the line and the fix; `dump_*` write an object back
as canonical file text, so that parse(dump(x)) == x and shipped files are already canonical.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from arbench.domain.catalogue import Department
from arbench.domain.content_model import (
    KEY_RE,
    LEVELS,
    NOTE_CATEGORIES,
    NOTES_DIR,
    ONBOARDING_FILE,
    SCRIPT_SECTIONS,
    SCRIPTS_DIR,
    STEP_ATTRIBUTES,
    STEP_KINDS,
    TEMPLATES_DIR,
    CloseOption,
    ContentBundle,
    ContentError,
    Note,
    Onboarding,
    OnboardingDay,
    Script,
    Step,
    Template,
)

# --- reading text ---------------------------------------------------------------------------

Numbered = list[tuple[int, str]]  # (1-based line number, line text without newline)


def _numbered(text: str) -> Numbered:
    return [(i + 1, line.rstrip()) for i, line in enumerate(text.lstrip("\ufeff").splitlines())]


def _front_matter(
    file: str, lines: Numbered, required: tuple[str, ...], optional: tuple[str, ...] = ()
) -> tuple[dict[str, str], dict[str, int], Numbered]:
    """Parse the `---` block; returns values, their line numbers and the lines after it."""
    if not lines or lines[0][1] != "---":
        raise ContentError(
            file, 1, "the file must start with a line '---' opening the front matter"
        )
    values: dict[str, str] = {}
    where: dict[str, int] = {}
    for index, (number, line) in enumerate(lines[1:], start=1):
        if line == "---":
            missing = [k for k in required if k not in values]
            if missing:
                raise ContentError(file, number, f"the front matter needs {', '.join(missing)}")
            return values, where, lines[index + 1 :]
        key, value = _front_line(file, number, line, required + optional)
        if key in values:
            raise ContentError(file, number, f"{key!r} is given twice in the front matter")
        values[key], where["front:" + key] = value, number
    raise ContentError(file, lines[-1][0], "the front matter is never closed: add a line '---'")


def _front_line(file: str, number: int, line: str, allowed: tuple[str, ...]) -> tuple[str, str]:
    if not line.strip():
        raise ContentError(
            file, number, "blank line in the front matter: is the closing '---' missing?"
        )
    key, colon, value = (part.strip() for part in line.partition(":"))
    if not colon or not key:
        raise ContentError(
            file, number, f"expected 'key: value' in the front matter, found {line!r}"
        )
    if key not in allowed:
        raise ContentError(
            file, number, f"unknown front matter key {key!r}; allowed: {', '.join(allowed)}"
        )
    if not value:
        raise ContentError(file, number, f"{key!r} has no value")
    return key, value


def _text(lines: Numbered) -> str:
    texts = [line for _, line in lines]
    while texts and not texts[0].strip():
        texts.pop(0)
    while texts and not texts[-1].strip():
        texts.pop()
    return "\n".join(texts)


def _check_key(file: str, line: int, what: str, key: str) -> str:
    if not KEY_RE.match(key):
        raise ContentError(
            file, line, f"{what} {key!r} is not a key: use lowercase letters, digits, '-' and '_'"
        )
    return key


def _choice(file: str, line: int, what: str, value: str, allowed: Iterable[str]) -> str:
    options = tuple(allowed)
    if value not in options:
        raise ContentError(file, line, f"{what} {value!r} is not one of: {', '.join(options)}")
    return value


def _sections(file: str, body: Numbered, names: tuple[str, ...]) -> dict[str, tuple[int, Numbered]]:
    """Split a body into its `## ` sections, which must be exactly `names`, in that order."""
    found: list[tuple[str, int, Numbered]] = []
    for number, line in body:
        if line.startswith("## "):
            found.append((line[3:].strip(), number, []))
        elif found:
            found[-1][2].append((number, line))
        elif line.strip():
            raise ContentError(
                file, number, f"text before the first section: start with '## {names[0]}'"
            )
    last_line = body[-1][0] if body else 1
    for index, expected in enumerate(names):
        if index >= len(found):
            raise ContentError(file, last_line, f"section '## {expected}' is missing")
        name, number, _ = found[index]
        if name != expected:
            hint = "is out of order" if name in names else "is not a known section"
            raise ContentError(
                file,
                number,
                f"'## {name}' {hint}: expected '## {expected}' here (order: {', '.join(names)})",
            )
    if len(found) > len(names):
        name, number, _ = found[len(names)]
        raise ContentError(file, number, f"unexpected section '## {name}' after '## {names[-1]}'")
    return {name: (number, lines) for name, number, lines in found}


# --- scripts --------------------------------------------------------------------------------

_STEP_RE = re.compile(r"^(\d+)\.\s+\[([^\]]*)\]\s+(\S.*)$")
_ATTR_RE = re.compile(r"^ {3}([a-z_]+): *(\S*)$")  # `   name: value`, value one word
_CLOSE_RE = re.compile(r"^- ([a-z0-9_]+):\s+(\S.*)$")


def _step_blocks(file: str, heading: int, lines: Numbered) -> list[tuple[int, str, Numbered]]:
    blocks: list[tuple[int, str, Numbered]] = []
    open_block = False
    for number, line in lines:
        if not line.strip():
            open_block = False
        elif line.startswith(" "):
            if not open_block:
                raise ContentError(
                    file, number, "indented line without a step: attribute and detail lines must "
                    "follow their step line directly, with no blank line between",
                )  # fmt: skip
            blocks[-1][2].append((number, line))
        else:
            blocks.append((number, line, []))
            open_block = True
    if not blocks:
        raise ContentError(
            file, heading, "'## Steps' has no steps: add lines like '1. [check] ...'"
        )
    return blocks


def _parse_step(file: str, expected: int, number: int, line: str, rest: Numbered) -> Step:
    match = _STEP_RE.match(line)
    if not match:
        raise ContentError(
            file,
            number,
            f"expected a numbered step like '{expected}. [check] Pull the BOL', found {line!r}",
        )
    if int(match[1]) != expected:
        raise ContentError(
            file,
            number,
            f"step numbered {match[1]}, expected {expected}: number steps 1, 2, 3 in order",
        )
    kind = _choice(file, number, "step kind", match[2], STEP_KINDS)
    attrs: dict[str, str] = {}
    detail: list[str] = []
    for attr_line, text in rest:
        if not text.startswith("   "):
            raise ContentError(
                file, attr_line, "indent a step's attribute and detail lines by 3 spaces"
            )
        attr = _ATTR_RE.match(text)
        if attr and not detail:
            name, value = attr[1], attr[2].strip()
            _choice(file, attr_line, "step attribute", name, STEP_ATTRIBUTES)
            if name in attrs or not value:
                raise ContentError(file, attr_line, f"step attribute {name!r} is repeated or empty")
            attrs[name] = _attribute(file, attr_line, name, value)
        else:
            detail.append(text[3:])
    return Step(
        expected, kind, match[3], attrs.get("note"), attrs.get("template"), attrs.get("department"),
        attrs.get("optional", "no") == "no", "\n".join(detail), line=number,
    )  # fmt: skip


def _attribute(file: str, line: int, name: str, value: str) -> str:
    if name == "department":
        return _choice(file, line, "department", value, (d.value for d in Department))
    if name == "optional":
        return _choice(file, line, "optional", value, ("yes", "no"))
    return _check_key(file, line, name, value)


def _template_list(file: str, lines: Numbered, where: dict[str, int]) -> tuple[str, ...]:
    keys: list[str] = []
    for number, line in lines:
        if not line.strip():
            continue
        if not line.startswith("- "):
            raise ContentError(file, number, f"list templates as '- template_key', found {line!r}")
        key = _check_key(file, number, "template", line[2:].strip())
        if key in keys:
            raise ContentError(file, number, f"template {key!r} is listed twice")
        keys.append(key)
        where["template:" + key] = number
    return tuple(keys)


def _close_section(file: str, heading: int, lines: Numbered) -> tuple[tuple[CloseOption, ...], str]:
    options: list[CloseOption] = []
    prose: Numbered = []
    for number, line in lines:
        if line.startswith("-"):
            match = _CLOSE_RE.match(line)
            if not match:
                raise ContentError(
                    file,
                    number,
                    f"write resolution codes as '- code: when to use it', found {line!r}",
                )
            if any(o.code == match[1] for o in options):
                raise ContentError(file, number, f"resolution code {match[1]!r} is listed twice")
            options.append(CloseOption(match[1], match[2], line=number))
        else:
            prose.append((number, line))
    if not options:
        raise ContentError(
            file, heading, "'## How to close' lists no resolution codes ('- code: when')"
        )
    return tuple(options), _text(prose)


def parse_script(key: str, text: str, file: str | None = None) -> Script:
    """Parse a resolution script; raises ContentError naming the line to fix."""
    file = file or f"{SCRIPTS_DIR}/{key}.md"
    meta, where, body = _front_matter(file, _numbered(text), ("issue_type", "title", "level"))
    _choice(file, where["front:level"], "level", meta["level"], LEVELS)
    sections = _sections(file, body, SCRIPT_SECTIONS)
    for name, (number, lines) in sections.items():
        where["section:" + name] = number
        if not _text(lines):
            raise ContentError(file, number, f"section '## {name}' is empty")
    number, lines = sections["Steps"]
    steps = tuple(
        _parse_step(file, i, line_no, line, rest)
        for i, (line_no, line, rest) in enumerate(_step_blocks(file, number, lines), start=1)
    )
    close_options, close_notes = _close_section(file, *sections["How to close"])
    return Script(
        key, meta["issue_type"], meta["title"], meta["level"],
        _text(sections["When it applies"][1]), _text(sections["Evidence to gather"][1]), steps,
        _text(sections["Talk track"][1]), _template_list(file, sections["Email templates"][1], where),
        _text(sections["Escalate when"][1]), close_options, close_notes, where,
    )  # fmt: skip


# --- notes, templates, onboarding ------------------------------------------------------------

FIELD_RE = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_FIELD_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")


def parse_note(key: str, text: str, file: str | None = None) -> Note:
    """Parse a training note; raises ContentError naming the line to fix."""
    file = file or f"{NOTES_DIR}/{key}.md"
    optional = ("glossary", "definition", "issue_type")
    meta, where, body = _front_matter(file, _numbered(text), ("title", "category"), optional)
    _choice(file, where["front:category"], "category", meta["category"], NOTE_CATEGORIES)
    terms = tuple(t.strip() for t in meta.get("glossary", "").split(";") if t.strip())
    if terms and "definition" not in meta:
        raise ContentError(
            file, where["front:glossary"], "glossary terms need a one-line 'definition:'"
        )
    if not _text(body):
        raise ContentError(
            file, body[0][0] if body else 1, "the note has no text after the front matter"
        )
    where["body"] = body[0][0] if body else 0
    return Note(
        key, meta["title"], meta["category"], _text(body), terms, meta.get("definition"),
        meta.get("issue_type"), where,
    )  # fmt: skip


def merge_field_names(file: str, line: int, text: str) -> list[str]:
    names: list[str] = []
    for match in FIELD_RE.finditer(text):
        token = match[0]
        if token in ("{{", "}}"):
            continue
        if match[1] is None:
            raise ContentError(
                file,
                line,
                f"unmatched {token!r}: write fields as {{field}}, a literal brace as {token * 2}",
            )
        if not _FIELD_NAME_RE.match(match[1]):
            raise ContentError(
                file, line, f"{token!r} is not a merge field: write fields like {{customer_name}}"
            )
        names.append(match[1])
    return names


def parse_template(key: str, text: str, file: str | None = None) -> Template:
    """Parse an email template; raises ContentError naming the line to fix."""
    file = file or f"{TEMPLATES_DIR}/{key}.md"
    meta, where, body = _front_matter(file, _numbered(text), ("title", "subject"), ("issue_type",))
    merge_field_names(file, where["front:subject"], meta["subject"])
    for number, line in body:
        merge_field_names(file, number, line)
    if not _text(body):
        raise ContentError(
            file, body[0][0] if body else 1, "the template has no body after the front matter"
        )
    where["body"] = next(n for n, line in body if line.strip())
    return Template(key, meta["title"], meta["subject"], _text(body), meta.get("issue_type"), where)


_DAY_RE = re.compile(r"^## Day (\d+): (\S.*)$")


def parse_onboarding(text: str, file: str = ONBOARDING_FILE) -> Onboarding:
    """Parse the onboarding path: `## Day N: title` sections, prose, then `- note_key` lines."""
    meta, _, body = _front_matter(file, _numbered(text), ("title",))
    days: list[OnboardingDay] = []
    current: tuple[int, str, Numbered, dict[str, int]] | None = None
    for number, line in body + [(0, "## Day 0: end")]:
        if line.startswith("## "):
            if current:
                days.append(_onboarding_day(file, len(days) + 1, *current))
            match = _DAY_RE.match(line)
            if not match:
                raise ContentError(
                    file, number, f"expected a heading like '## Day {len(days) + 1}: Title'"
                )
            current = (number, line, [], {})
        elif current:
            current[2].append((number, line))
        elif line.strip():
            raise ContentError(file, number, "text before '## Day 1: ...'")
    if not days:
        raise ContentError(file, 1, "the onboarding path has no '## Day 1: ...' section")
    return Onboarding(meta["title"], tuple(days))


def _onboarding_day(
    file: str, expected: int, heading: int, line: str, lines: Numbered, where: dict[str, int]
) -> OnboardingDay:
    match = _DAY_RE.match(line)
    assert match is not None
    if int(match[1]) != expected:
        raise ContentError(file, heading, f"day numbered {match[1]}, expected Day {expected}")
    keys: list[str] = []
    prose: Numbered = []
    for number, text in lines:
        if text.startswith("- "):
            key = _check_key(file, number, "note", text[2:].strip())
            if key in where:
                raise ContentError(file, number, f"note {key!r} is listed twice on Day {expected}")
            keys.append(key)
            where[key] = number
        elif keys and text.strip():
            raise ContentError(file, number, "write a day's text before its list of notes")
        else:
            prose.append((number, text))
    if not keys:
        raise ContentError(file, heading, f"Day {expected} lists no notes ('- note_key')")
    return OnboardingDay(expected, match[2], _text(prose), tuple(keys), where)


# --- writing text back (canonical form) --------------------------------------------------------


def _dump_front(pairs: Iterable[tuple[str, str | None]]) -> list[str]:
    return ["---", *(f"{k}: {v}" for k, v in pairs if v), "---", ""]


def _dump_step(step: Step) -> list[str]:
    out = [f"{step.number}. [{step.kind}] {step.text}"]
    attrs = (("note", step.note), ("template", step.template), ("department", step.department))
    out += [f"   {name}: {value}" for name, value in attrs if value]
    if not step.required:
        out.append("   optional: yes")
    out += [f"   {line}".rstrip() for line in step.detail.splitlines()]
    return out


def dump_script(script: Script) -> str:
    """The file text of a script, in canonical form: parse_script(key, dump_script(s)) == s."""
    front = (("issue_type", script.issue_type), ("title", script.title), ("level", script.level))
    steps: list[str] = []
    for step in script.steps:
        steps += [*_dump_step(step), ""]
    closing = [f"- {o.code}: {o.when}" for o in script.close_options]
    if script.close_notes:
        closing += ["", script.close_notes]
    bodies = (
        script.applies, script.evidence, "\n".join(steps).rstrip(), script.talk_track,
        "\n".join(f"- {key}" for key in script.templates), script.escalate, "\n".join(closing),
    )  # fmt: skip
    out = _dump_front(front)
    for name, body in zip(SCRIPT_SECTIONS, bodies, strict=True):
        out += [f"## {name}", "", body, ""]
    return "\n".join(out[:-1]) + "\n"


def dump_note(note: Note) -> str:
    """The file text of a note, in canonical form: parse_note(key, dump_note(n)) == n."""
    front = (
        ("title", note.title), ("category", note.category), ("glossary", "; ".join(note.glossary)),
        ("definition", note.definition), ("issue_type", note.issue_type),
    )  # fmt: skip
    return "\n".join([*_dump_front(front), note.body]) + "\n"


def dump_template(template: Template) -> str:
    """The file text of a template, in canonical form: parse_template(key, dump_template(t)) == t."""
    front = (
        ("title", template.title),
        ("subject", template.subject),
        ("issue_type", template.issue_type),
    )
    return "\n".join([*_dump_front(front), template.body]) + "\n"


def dump_onboarding(onboarding: Onboarding) -> str:
    """The file text of the onboarding path, in canonical form."""
    out = _dump_front((("title", onboarding.title),))
    for day in onboarding.days:
        out += [f"## Day {day.day}: {day.title}", ""]
        if day.text:
            out += [day.text, ""]
        out += [*(f"- {key}" for key in day.notes), ""]
    return "\n".join(out[:-1]) + "\n"


def dump_bundle(bundle: ContentBundle) -> dict[str, str]:
    """Every file of a bundle as {relative path: text}, ready to be written to a directory."""
    files = {f"{SCRIPTS_DIR}/{k}.md": dump_script(s) for k, s in sorted(bundle.scripts.items())}
    files |= {f"{NOTES_DIR}/{k}.md": dump_note(n) for k, n in sorted(bundle.notes.items())}
    files |= {
        f"{TEMPLATES_DIR}/{k}.md": dump_template(t) for k, t in sorted(bundle.templates.items())
    }
    if bundle.onboarding:
        files[ONBOARDING_FILE] = dump_onboarding(bundle.onboarding)
    return files
