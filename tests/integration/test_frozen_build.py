"""The PyInstaller bundle builds from installer/arbench.spec and runs without the source tree:
--version, a demo book on a temporary data directory, the worklist as JSON, the main window
rendered offscreen, `about` naming the bundle and a keyring backend found inside it, and (with
the PostgreSQL server `.ci/run` starts) a demo book and worklist on PostgreSQL through psycopg.

Builds into the checkout's ignored dist/ (work files in build/pyinstaller, which PyInstaller
reuses, so a rebuild takes about half a minute). CI runs it; it never skips there.
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from arbench import __version__

pytestmark = [pytest.mark.frozen, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist"
BUNDLE = DIST / "arbench"
EXE = BUNDLE / ("arbench-cli.exe" if sys.platform == "win32" else "arbench")
if sys.platform == "darwin":
    EXE = BUNDLE / "arbench-cli"
AS_OF = "2026-11-24"


@pytest.fixture(scope="module")
def bundle() -> Path:
    """dist/arbench built from the current sources."""
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        reason = "PyInstaller is not installed (pip install -e '.[build]')"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and the frozen build cannot run: {reason}", pytrace=False)
        pytest.skip(reason)
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--log-level=WARN",
        "--distpath",
        str(DIST),
        "--workpath",
        str(ROOT / "build" / "pyinstaller"),
        str(ROOT / "installer" / "arbench.spec"),
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"PyInstaller failed:\n{done.stderr[-4000:]}"
    assert EXE.exists(), f"no executable at {EXE}"
    return BUNDLE


@pytest.fixture
def frozen_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a collector's machine: its own data and config dirs, no test keyring."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "ARBENCH_"))}
    env.update(
        ARBENCH_DATA_DIR=str(tmp_path / "data"),
        ARBENCH_CONFIG_DIR=str(tmp_path / "config"),
        XDG_CONFIG_HOME=str(tmp_path / "xdg-config"),  # keyring's own config file
        XDG_DATA_HOME=str(tmp_path / "xdg-data"),
        QT_QPA_PLATFORM="offscreen",
        HOME=str(tmp_path),
    )
    return env


def run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [str(EXE), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        cwd=env["HOME"],
    )
    assert done.returncode == 0, (
        f"arbench {' '.join(args)} exited {done.returncode}:\n{done.stderr}"
    )
    return done.stdout


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_bundle_holds_migrations_as_files_and_the_resources(bundle: Path) -> None:
    internal = bundle / "_internal"
    migrations = internal / "arbench" / "store" / "migrations"
    assert (migrations / "env.py").is_file() and (migrations / "script.py.mako").is_file()
    shipped = {p.name for p in (ROOT / "src/arbench/store/migrations/versions").glob("*.py")}
    assert shipped <= {p.name for p in (migrations / "versions").glob("*.py")}
    resources = internal / "arbench" / "_resources"
    assert (resources / "icons" / "arbench.svg").is_file()
    assert (resources / "content" / "onboarding.md").is_file()
    unused = [p.name for p in internal.rglob("*") if "WebEngine" in p.name or "Qt6Quick" in p.name]
    assert unused == [], f"unused Qt libraries in the bundle: {unused}"


def test_frozen_app_builds_a_book_lists_the_worklist_and_draws_the_window(
    bundle: Path, frozen_env: dict[str, str], tmp_path: Path
) -> None:
    assert run(frozen_env, "--version").strip() == f"arbench {__version__}"

    out = run(frozen_env, "demo", "--accounts", "30", "--pros", "300", "--as-of", AS_OF)
    assert "30 accounts, 300 pros" in out
    assert (tmp_path / "data" / "arbench.sqlite3").is_file()  # the data directory, not the bundle

    items = json.loads(
        run(frozen_env, "worklist", "--user", "agarcia", "--on", AS_OF, "--format", "json")
    )
    assert items and all(item["level"] in ("pro", "account") for item in items)
    assert items[0]["priority"] >= items[-1]["priority"]

    shot = tmp_path / "window.png"
    run(frozen_env, "screenshot", "--user", "agarcia", "--out", str(shot))
    assert shot.stat().st_size > 50_000  # a drawn worklist, not an empty frame
    assert png_size(shot) == (1500, 860)


def source_about(env: dict[str, str]) -> dict[str, str]:
    """`arbench about` run from the source tree in the same environment."""
    code = "import sys; from arbench.cli import main; sys.exit(main(['about', '--format', 'json']))"
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def test_frozen_about_names_the_bundle_and_carries_the_keyring_backends(
    bundle: Path, frozen_env: dict[str, str], tmp_path: Path
) -> None:
    facts = json.loads(run(frozen_env, "about", "--format", "json"))
    assert facts["version"] == __version__
    assert facts["running_from"] == f"installed bundle in {bundle.resolve()}"
    assert facts["data_directory"] == str(tmp_path / "data")
    assert facts["settings_file"] == str(tmp_path / "config" / "arbench.ini")
    assert "Plaintext" not in facts["keyring_backend"]  # no plaintext fallback is shipped

    # The OS backends are inside the bundle: each one behaves as it does from source (on a
    # machine without a session bus SecretService refuses with RuntimeError, not ImportError).
    for backend in ("keyring.backends.SecretService.Keyring", "keyring.backends.null.Keyring"):
        frozen_env["PYTHON_KEYRING_BACKEND"] = backend
        facts = json.loads(run(frozen_env, "about", "--format", "json"))
        assert "ModuleNotFound" not in facts["keyring_backend"], backend
        assert facts["keyring_backend"] == source_about(frozen_env)["keyring_backend"], backend


def test_frozen_app_works_a_postgresql_book(
    bundle: Path, frozen_env: dict[str, str], pg_url: str
) -> None:
    """psycopg 3 and the PostgreSQL dialect are inside the bundle (team mode)."""
    out = run(frozen_env, "--db", pg_url, "demo", "--accounts", "10", "--pros", "60")
    assert "10 accounts, 60 pros" in out
    items = json.loads(
        run(frozen_env, "--db", pg_url, "worklist", "--user", "agarcia", "--format", "json")
    )
    assert items
