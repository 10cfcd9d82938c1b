"""Poison entries that make cleaning raise or hang become dead letters with their reason
after the retry budget; their neighbours are stored and the worker keeps going."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.chaos.harness import entries
from worker import runtime
from worker.app import use_broker
from worker.runner import start_worker, stop_worker
from worker.settings import Settings


def test_poison_entries_are_dead_lettered_and_the_rest_flows_on(
    tmp_path: Path, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {
        "INGEST_BROKER_URL": redis_url,
        "INGEST_DATABASE_URL": f"sqlite:///{tmp_path / 'i.db'}",
        "INGEST_DATA_DIR": str(tmp_path),
        "INGEST_SUBSCRIPTIONS_FILE": str(tmp_path / "none.toml"),
        "INGEST_VISIBILITY_TIMEOUT": "6",  # soft time limit 3 s: the hang is cut short
        "INGEST_POISON_RETRIES": "1",
        "INGEST_LOG_FORMAT": "json",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(runtime, "_runtime", None)
    use_broker(redis_url)
    settings = Settings()
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
