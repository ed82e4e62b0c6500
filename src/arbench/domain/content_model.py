"""The content model: scripts, steps, notes, templates, the onboarding path, and content errors.

Plain frozen dataclasses shared by the text format (content_format) and the content checks
(content). Line numbers are kept for error messages but take no part in equality, so an object
parsed from a file equals the same object built by hand or loaded from the database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

STEP_KINDS = ("check", "call", "email", "route", "wait", "decide")
STEP_ATTRIBUTES = ("note", "template", "department", "optional")
LEVELS = ("pro", "account")
NOTE_CATEGORIES = ("glossary", "procedure", "issue-type", "concept", "onboarding")
SCRIPT_SECTIONS = (
    "When it applies",
    "Evidence to gather",
    "Steps",
    "Talk track",
    "Email templates",
    "Escalate when",
    "How to close",
)
MIN_STEPS = 4
SCRIPTS_DIR, NOTES_DIR, TEMPLATES_DIR, ONBOARDING_FILE = (
    "scripts",
    "notes",
    "templates",
    "onboarding.md",
)
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class ContentError(ValueError):
    """A content file that cannot be read: names the file, the line (0 = whole file) and the fix."""

    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(f"{file}, line {line}: {message}" if line else f"{file}: {message}")
        self.file, self.line, self.message = file, line, message


class MergeError(ValueError):
    """A template was rendered without a value for one of its merge fields."""


@dataclass(frozen=True)
class ContentProblem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return (
            f"{self.file}, line {self.line}: {self.message}"
            if self.line
            else f"{self.file}: {self.message}"
        )


@dataclass(frozen=True)
class Step:
    number: int
    kind: str
    text: str
    note: str | None = None
    template: str | None = None
    department: str | None = None
    required: bool = True
    detail: str = ""
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class CloseOption:
    """A resolution code a script allows, and when to use it."""

    code: str
    when: str
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Script:
    key: str
    issue_type: str
    title: str
    level: str
    applies: str
    evidence: str
    steps: tuple[Step, ...]
    talk_track: str
    templates: tuple[str, ...]
    escalate: str
    close_options: tuple[CloseOption, ...]
    close_notes: str
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Note:
    key: str
    title: str
    category: str
    body: str
    glossary: tuple[str, ...] = ()
    definition: str | None = None
    issue_type: str | None = None
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Template:
    key: str
    title: str
    subject: str
    body: str
    issue_type: str | None = None
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class OnboardingDay:
    day: int
    title: str
    text: str
    notes: tuple[str, ...]
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Onboarding:
    title: str
    days: tuple[OnboardingDay, ...]

    def note_keys(self) -> list[str]:
        """Every note on the path, in reading order."""
        return [key for day in self.days for key in day.notes]


@dataclass
class ContentBundle:
    scripts: dict[str, Script] = field(default_factory=dict)
    notes: dict[str, Note] = field(default_factory=dict)
    templates: dict[str, Template] = field(default_factory=dict)
    onboarding: Onboarding | None = None
