"""Packaging: every package ships, and shipped resources are found at run time."""

from __future__ import annotations

import tomllib
from pathlib import Path

from arbench import paths

ROOT = Path(__file__).resolve().parents[2]


def test_every_package_under_src_is_listed_in_pyproject() -> None:
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(p.parent.relative_to(ROOT / "src").parts)
        for p in (ROOT / "src" / "arbench").rglob("__init__.py")
    }
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"
    assert listed - {"arbench._resources"} <= found, (
        f"missing __init__.py: {sorted(listed - found)}"
    )


def test_resources_are_found_from_the_checkout() -> None:
    folder = paths.resources_dir()
    assert folder.resolve() == (ROOT / "resources").resolve()
    assert (folder / "content").is_dir()


def test_data_dir_honours_the_override(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ARBENCH_DATA_DIR", str(tmp_path / "d"))
    assert paths.data_dir() == tmp_path / "d" and (tmp_path / "d").is_dir()
    assert paths.default_db_path() == tmp_path / "d" / "arbench.sqlite3"
