"""kill -9 worker processes while items flow: nothing lost, nothing duplicated."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.chaos.harness import ChaosRun, configure, kill_randomly

ITEMS = 2000
KILLS = 5


def test_killing_workers_at_random_loses_and_duplicates_nothing(
    tmp_path: Path, redis_url: str, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = configure(monkeypatch, tmp_path, BROKER_URL=redis_url, DATABASE_URL=database_url)

    outcome = ChaosRun(settings, random.Random(8)).run(ITEMS, kill_randomly(KILLS), timeout=300)

    assert outcome.kills == KILLS
    assert outcome.items == ITEMS
    assert outcome.versions_above_one == 0
    assert outcome.stream_events == outcome.distinct_events == ITEMS
    assert (outcome.waiting, outcome.unacked, outcome.outbox_backlog) == (0, 0, 0)
    assert outcome.dead_letters == 0
