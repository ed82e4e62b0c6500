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


def test_a_worker_writing_a_spreadsheet_leaves_the_main_thread_running(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Without pauses the main thread waited 0.16 to 0.9 s of this 1 s write; with them ~30 ms
    (the GUI target is no freeze over 100 ms)."""
    import time
    from datetime import date
    from decimal import Decimal

    from arbench.io.exports import Column, Sheet, write_xlsx

    rows = [[f"C{n}", "Customer", Decimal(n), date(2026, 1, 2), n] for n in range(20_000)]
    columns = [Column("A"), Column("B"), Column("C", "money"), Column("D", "date"),
               Column("E", "int")]  # fmt: skip
    worker = threading.Thread(
        target=lambda: write_xlsx(tmp_path / "x.xlsx", [Sheet("S", columns, rows)])
    )
    last, longest = time.perf_counter(), 0.0
    worker.start()
    while worker.is_alive():
        time.sleep(0.005)
        now = time.perf_counter()
        longest, last = max(longest, now - last), now
    assert longest < 0.1, f"main thread blocked {longest * 1000:.0f} ms"
