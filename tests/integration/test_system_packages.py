"""The system side of the README's two commands: the Debian packages Qt needs for a window are
the ones `.ci/system-packages.sh` installs, and `.ci/app` without a display says so in one line.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
QT = Path(__import__("PySide6").__file__).parent / "Qt"
# What the window loads: the xcb platform plugin, its GL integrations, the Qt libraries arbench
# imports (the plugin pulls in the rest of its own dependencies).
QT_FILES = [
    QT / "plugins" / "platforms" / "libqxcb.so",
    *sorted((QT / "plugins" / "xcbglintegrations").glob("*.so")),
    *(QT / "lib" / f"libQt6{name}.so.6" for name in ("Core", "Gui", "Widgets", "DBus", "XcbQpa")),
]
# Every Debian system has these (priority required): they need no line in the install list.
BASE = {"libc6", "libgcc-s1", "libstdc++6", "zlib1g", "libzstd1"}
ON_DEBIAN = sys.platform.startswith("linux") and all(
    shutil.which(tool) for tool in ("dpkg", "readelf", "ldd", "bash")
)


def listed_packages() -> set[str]:
    script = 'source .ci/system-packages.sh && printf "%s\\n" "${QT_WINDOW_PACKAGES[@]}"'
    done = subprocess.run(["bash", "-c", script], cwd=ROOT, capture_output=True, text=True,
                          check=True, timeout=60)  # fmt: skip
    return set(done.stdout.split())


def needed(file: Path) -> list[str]:
    """The shared libraries `file` names as NEEDED (its direct dependencies)."""
    dynamic = subprocess.run(["readelf", "-d", str(file)], capture_output=True, text=True,
                             check=True, timeout=60).stdout  # fmt: skip
    return [
        line.split("[", 1)[1].rstrip("]") for line in dynamic.splitlines() if "(NEEDED)" in line
    ]


@cache
def package_of(soname: str) -> str | None:
    found = subprocess.run(["dpkg", "-S", f"*/{soname}"], capture_output=True, text=True,
                           check=False, timeout=60).stdout  # fmt: skip
    first = found.splitlines()[0] if found.strip() else ""
    return first.split(":")[0].split(",")[0].strip() or None


@pytest.mark.skipif(not ON_DEBIAN, reason="reads Debian's package database (dpkg) and ELF files")
def test_every_library_the_qt_window_needs_is_in_the_install_list() -> None:
    listed = listed_packages()
    bundled = {p.name for p in (QT / "lib").iterdir()}
    missing, unlisted = set(), set()
    for file in QT_FILES:
        for soname in needed(file):
            if soname in bundled or soname.startswith("ld-linux"):
                continue
            package = package_of(soname)
            if package is None:
                missing.add(f"{soname} (needed by {file.name})")
            elif package not in listed | BASE:
                unlisted.add(f"{package} (for {soname}, needed by {file.name})")
    assert missing == set(), "not installed: run .ci/system-packages.sh's list through apt-get"
    assert unlisted == set(), "add these to QT_WINDOW_PACKAGES in .ci/system-packages.sh"
    ldd = subprocess.run(["ldd", str(QT_FILES[0])], capture_output=True, text=True, check=True,
                         timeout=60).stdout  # fmt: skip
    assert "not found" not in ldd, ldd


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason=".ci/app checks X11/Wayland")
def test_ci_app_without_a_display_says_so_in_one_line() -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}  # fmt: skip
    done = subprocess.run(["bash", ".ci/app"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600, check=False)  # fmt: skip
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "no display" in lines[0] and "xvfb-run" in lines[0]
