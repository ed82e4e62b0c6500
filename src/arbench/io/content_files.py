"""Reading a content directory (scripts, notes, templates, the onboarding path) from files.

The parsing and the cross-reference checks are pure (`domain.content`); this module only
reads the files of a directory in the shipped layout and reports each unreadable one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from arbench.domain.content import (
    KEY_RE,
    NOTES_DIR,
    ONBOARDING_FILE,
    SCRIPTS_DIR,
    TEMPLATES_DIR,
    ContentBundle,
    ContentError,
    ContentProblem,
    parse_note,
    parse_onboarding,
    parse_script,
    parse_template,
    validate_bundle,
)

_T = TypeVar("_T")


def _read_folder(
    directory: Path,
    folder: str,
    parse: Callable[[str, str, str], _T],
    problems: list[ContentProblem],
) -> dict[str, _T]:
    found: dict[str, _T] = {}
    if not (directory / folder).is_dir():
        problems.append(ContentProblem(f"{folder}/", 0, f"folder missing from {directory}"))
        return found
    for path in sorted((directory / folder).iterdir()):
        file = f"{folder}/{path.name}"
        if path.suffix != ".md" or not path.is_file() or not KEY_RE.match(path.stem):
            problems.append(ContentProblem(file, 0, "not a content file: name files <key>.md, "
                                           "with a key of lowercase letters, digits, '-' and '_'"))  # fmt: skip
            continue
        try:
            found[path.stem] = parse(path.stem, _read_text(path, file), file)
        except ContentError as error:
            problems.append(ContentProblem(error.file, error.line, error.message))
    return found


def _read_text(path: Path, file: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ContentError(file, 0, "not UTF-8 text: save the file as UTF-8") from error


def _read(directory: Path) -> tuple[ContentBundle, list[ContentProblem]]:
    problems: list[ContentProblem] = []
    bundle = ContentBundle(
        _read_folder(directory, SCRIPTS_DIR, parse_script, problems),
        _read_folder(directory, NOTES_DIR, parse_note, problems),
        _read_folder(directory, TEMPLATES_DIR, parse_template, problems),
    )
    path = directory / ONBOARDING_FILE
    if path.is_file():
        try:
            bundle.onboarding = parse_onboarding(_read_text(path, ONBOARDING_FILE))
        except ContentError as error:
            problems.append(ContentProblem(error.file, error.line, error.message))
    return bundle, problems


def load_bundle(directory: Path) -> ContentBundle:
    """Read a content directory; raises the first ContentError if any file cannot be parsed.

    Cross-references are not checked here: call validate_bundle (or use check_directory).
    """
    bundle, problems = _read(directory)
    if problems:
        first = problems[0]
        raise ContentError(first.file, first.line, first.message)
    return bundle


def check_directory(directory: Path) -> tuple[ContentBundle, list[ContentProblem]]:
    """Read and validate a content directory, collecting every problem (for import: all or nothing)."""
    bundle, problems = _read(directory)
    unreadable = {p.file for p in problems}  # a file that failed to parse is not also "missing"
    return bundle, problems + [p for p in validate_bundle(bundle) if p.file not in unreadable]
