"""Poison entries that make cleaning raise or hang become dead letters with their reason
after the retry budget; their neighbours are stored and the worker keeps going."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.chaos.harness import configure, entries
from worker import runtime
from worker.runner import start_worker, stop_worker


def test_poison_entries_are_dead_lettered_and_the_rest_flows_on(
    tmp_path: Path, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = configure(
        monkeypatch,
        tmp_path,
        BROKER_URL=redis_url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'i.db'}",
        VISIBILITY_TIMEOUT="6",  # soft time limit 3 s: the hang is cut short
        POISON_RETRIES="1",
    )
    rt = runtime.current()
    rt.store.migrate()
    batch = entries(10)
    batch[3].title, batch[7].title = "POISON-RAISE", "POISON-HANG"
    worker = start_worker(settings, ["--include", "tests.chaos.poison"])
    try:
        from worker.tasks import process_entries

        process_entries.apply_async(("feed", [e.to_dict() for e in batch]))
        deadline = time.monotonic() + 90
        while len(rt.store.dead_letters()) < 2 and time.monotonic() < deadline:
            time.sleep(0.5)
        alive = worker.poll() is None
    finally:
        stop_worker(worker)

    letters = sorted(rt.store.dead_letters(), key=lambda d: d["error"])
    assert [d["error"].split(":")[0] for d in letters] == ["RuntimeError", "SoftTimeLimitExceeded"]
    assert all(d["attempts"] == 2 for d in letters)
    assert rt.store.counts()["items"] == 8
    assert alive
