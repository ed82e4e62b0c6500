"""The layering of ../shared/STYLE.md, enforced: every import of every module is read with
`ast` (also imports inside functions and under TYPE_CHECKING) and checked against the rules.

domain: pure Python, nothing of store/io/services/ui/cli, no Qt, no SQLAlchemy.
store: models and migrations, nothing of io/services/ui/cli, no Qt.
services: no Qt, nothing of ui/cli.
io: readers and writers, nothing of services/ui/cli; Qt only where Qt draws (the PDFs).
ui: no store module but the database handle type (`arbench.store.db.Database`), no SQLAlchemy.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "arbench"
QT = ("PySide6", "shiboken6")
SQL = ("sqlalchemy", "alembic", "psycopg")
PDF_WRITERS = (  # Qt draws these
    "arbench.io.statement_pdf", "arbench.io.invoice_pdf", "arbench.io.rootcause_pdf",
)  # fmt: skip


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, e.g. "arbench.ui.actions"
    target: str  # what it imports, e.g. "arbench.store.db"
    names: tuple[str, ...]  # the names taken from it ("from x import a, b")
    line: int

    def __str__(self) -> str:
        taken = f" ({', '.join(self.names)})" if self.names else ""
        return f"{self.module}:{self.line} imports {self.target}{taken}"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> list[Import]:
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [Import(module, alias.name, (), node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against the package
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = tuple(alias.name for alias in node.names)
            found.append(Import(module, base, names, node.lineno))
    return found


ALL = [imp for path in sorted(PACKAGE.rglob("*.py")) for imp in imports_of(path)]


def layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def within(target: str, *prefixes: str) -> bool:
    return any(target == p or target.startswith(p + ".") for p in prefixes)


def arbench(*layers: str) -> tuple[str, ...]:
    return tuple(f"arbench.{name}" for name in layers)


def broken(rule: str) -> list[str]:
    """The imports that break one rule (by the importing module's layer)."""
    out = []
    for imp in ALL:
        where, target = layer(imp.module), imp.target
        if rule == "domain" and where == "domain":
            bad = within(target, *arbench("store", "io", "services", "ui", "cli"), *QT, *SQL)
        elif rule == "store" and where == "store":
            bad = within(target, *arbench("io", "services", "ui", "cli"), *QT)
        elif rule == "services" and where == "services":
            bad = within(target, *arbench("ui", "cli"), *QT)
        elif rule == "io" and where == "io":
            qt_outside_pdf = within(target, *QT) and imp.module not in PDF_WRITERS
            bad = within(target, *arbench("services", "ui", "cli")) or qt_outside_pdf
        elif rule == "ui" and where == "ui":
            handle_only = target == "arbench.store.db" and imp.names == ("Database",)
            bad = (within(target, "arbench.store") and not handle_only) or within(target, *SQL)
        else:
            bad = False
        if bad:
            out.append(str(imp))
    return out


@pytest.mark.parametrize("rule", ["domain", "store", "services", "io", "ui"])
def test_each_layer_imports_only_what_it_may(rule: str) -> None:
    assert broken(rule) == []


def test_the_reader_sees_every_layer_and_each_kind_of_import() -> None:
    """The rules above would pass on nothing: check the reader finds what is really there."""
    by_layer = {layer(i.module) for i in ALL}
    assert {"domain", "store", "services", "io", "ui", "cli"} <= by_layer
    assert any(i.module == "arbench.ui.main_window" and i.target == "arbench.store.db" for i in ALL)
    lazy = [
        i for i in ALL if i.module == "arbench.ui.main_window" and i.target == "arbench.ui.about"
    ]
    assert lazy, "imports inside functions are read too"
    relative = imports_of(PACKAGE / "store" / "migrations" / "env.py")
    assert relative, "the migrations' environment imports something"


def test_a_broken_rule_is_reported(tmp_path: Path) -> None:
    """A domain module importing Qt and a ui module importing a store model are caught."""
    fake = [
        Import("arbench.domain.rules", "PySide6.QtCore", ("Qt",), 3),
        Import("arbench.ui.actions", "arbench.store.models", ("Issue",), 9),
        Import("arbench.ui.actions", "arbench.store.db", ("Database",), 10),
    ]
    ALL.extend(fake)
    try:
        assert broken("domain") == ["arbench.domain.rules:3 imports PySide6.QtCore (Qt)"]
        assert broken("ui") == ["arbench.ui.actions:9 imports arbench.store.models (Issue)"]
    finally:
        del ALL[-len(fake) :]
