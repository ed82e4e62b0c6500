"""The main screens in light, dark and at 150 % scaling: text readable on its background,
nothing cut, every window inside the screen with its action buttons visible.

Each mode renders in its own process (tests/gui/screens.py) on an offscreen 1920×1080 screen
(1280×720 logical pixels at 150 %), so the palette and the scale factor are set before Qt
starts, as on a user's machine. Contrast is measured on the rendered pixels (WCAG ratio of
the text's colour to the background it is drawn on), not read back from arbench's colours.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from arbench.store.db import Database

SCREEN = {"screens": [{"name": "s", "x": 0, "y": 0, "width": 1920, "height": 1080,
                       "logicalDpi": 96, "dpr": 1}]}  # fmt: skip
AA = 4.5  # WCAG AA for normal text


def render(mode: str, db: Database, out: Path) -> dict[str, object]:
    config = out / "screen.json"
    out.mkdir(parents=True, exist_ok=True)
    config.write_text(json.dumps(SCREEN))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}")
    env.pop("QT_SCALE_FACTOR", None)
    if mode == "150":
        env["QT_SCALE_FACTOR"] = "1.5"
    book = str(make_url(db.url).database)
    script = Path(__file__).with_name("screens.py")
    done = subprocess.run([sys.executable, str(script), mode, book, str(out)], env=env,
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


@pytest.mark.parametrize("mode", ["light", "dark", "150"])
def test_screens_are_readable_uncut_and_on_screen(
    mode: str, demo_db: Database, tmp_path: Path
) -> None:
    shown = render(mode, demo_db, tmp_path / mode)
    for name in ("main.png", "training.png", "console.png", "today.png", "today-account.png",
                 "multi-promise.png"):  # fmt: skip
        assert (tmp_path / mode / name).stat().st_size > 10_000
    contrasts = {k: v for k, v in shown.items() if k.startswith("contrast_")}
    assert len(contrasts) == 8  # worklist, header, headings, step, note, team, today
    assert all(isinstance(v, float) and v >= AA for v in contrasts.values()), contrasts
    assert shown["window_fits"] and shown["training_fits"] and shown["console_fits"]
    assert shown["buttons_visible"]
    assert shown["cut_headers"] == [] and shown["cut_team_headers"] == []
    assert (
        shown["today_accounts"] and shown["cut_today_headers"] == [] and shown["multi_dialog_fits"]
    )
    assert shown["emails"] and shown["broken_emails"] == []
    assert shown["cut_note_titles"] == []
    assert shown["team_columns_fit"] and shown["waiting_on_cut"] == []
    if mode == "150":  # 1280×720 logical: the 1400×820 window was made to fit
        width, height = shown["size"]  # type: ignore[misc]
        assert width <= 1280 and height <= 720
