"""io.pacing: long jobs off the main thread pause briefly so the GUI thread gets the GIL."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest

from arbench.io import pacing


def test_pauses_only_off_the_main_thread_and_only_once_a_slice_has_passed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    main = pacing.Pacer()
    slept: list[float] = []
    clock = iter([0.0, 0.001, 0.02, 0.021, 0.05, 0.05])
    fake_time = SimpleNamespace(sleep=slept.append, perf_counter=lambda: next(clock))
    monkeypatch.setattr(pacing, "time", fake_time)
    main.pause()
    assert not main.active and slept == []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            pacer = pacing.Pacer()  # clock 0.0
            pacer.pause()  # 0.001: within the slice
            pacer.pause()  # 0.02: slice over -> sleeps, restarts at 0.021
            pacer.pause()  # 0.05: again
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    assert errors == [] and slept == [pacing.PAUSE, pacing.PAUSE]


def test_a_worker_writing_a_spreadsheet_paces_itself(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The export writer gives the GUI thread its turns (timings live in benchmarks/, not here)."""
    from datetime import date
    from decimal import Decimal

    from arbench.io.exports import Column, Sheet, write_xlsx

    calls: list[str] = []
    real_pause = pacing.Pacer.pause

    def counting_pause(self: pacing.Pacer) -> None:
        calls.append(threading.current_thread().name)
        real_pause(self)

    monkeypatch.setattr(pacing.Pacer, "pause", counting_pause)
    rows = [[f"C{n}", "Customer", Decimal(n), date(2026, 1, 2), n] for n in range(5_000)]
    columns = [Column("A"), Column("B"), Column("C", "money"), Column("D", "date"),
               Column("E", "int")]  # fmt: skip
    worker = threading.Thread(
        target=lambda: write_xlsx(tmp_path / "x.xlsx", [Sheet("S", columns, rows)]), name="export"
    )
    worker.start()
    worker.join()
    assert calls and set(calls) == {"export"}
