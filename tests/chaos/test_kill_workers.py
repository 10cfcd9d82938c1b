"""kill -9 worker processes while items flow: nothing lost, nothing duplicated."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.chaos.harness import ChaosRun, kill_randomly
from worker import runtime
from worker.app import use_broker
from worker.settings import Settings

ITEMS = 2000
KILLS = 5


def test_killing_workers_at_random_loses_and_duplicates_nothing(
    tmp_path: Path, redis_url: str, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {
        "INGEST_BROKER_URL": redis_url,
        "INGEST_DATABASE_URL": database_url,
        "INGEST_DATA_DIR": str(tmp_path),
        "INGEST_SUBSCRIPTIONS_FILE": str(tmp_path / "none.toml"),  # the default `all`
        "INGEST_VISIBILITY_TIMEOUT": "10",  # a dead node's messages return in seconds
        "INGEST_LOG_FORMAT": "json",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(runtime, "_runtime", None)
    use_broker(redis_url)

    outcome = ChaosRun(Settings(), random.Random(8)).run(ITEMS, kill_randomly(KILLS), timeout=300)

    assert outcome.kills == KILLS
    assert outcome.items == ITEMS
    assert outcome.versions_above_one == 0
    assert outcome.stream_events == outcome.distinct_events == ITEMS
    assert (outcome.waiting, outcome.unacked, outcome.outbox_backlog) == (0, 0, 0)
    assert outcome.dead_letters == 0
