"""PostgreSQL unreachable for 30 s in the middle of a run: tasks wait and retry, and the
system recovers by itself with nothing lost or duplicated."""

from __future__ import annotations

import random
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.chaos.harness import ChaosRun, configure
from tests.support.tcp_proxy import TcpProxy

ITEMS = 1500
OUTAGE_S = 30


def test_a_30_second_database_outage_is_ridden_out(
    tmp_path: Path, redis_url: str, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = urlsplit(postgres_url)
    proxy = TcpProxy((real.hostname, real.port or 5432))
    via_proxy = urlunsplit(real._replace(netloc=f"{real.username}@127.0.0.1:{proxy.port}"))
    settings = configure(
        monkeypatch, tmp_path, BROKER_URL=redis_url, DATABASE_URL=via_proxy,
        VISIBILITY_TIMEOUT="20",
    )  # fmt: skip

    def outage(_run: ChaosRun) -> None:
        time.sleep(1.0)
        proxy.cut(OUTAGE_S)

    try:
        outcome = ChaosRun(settings, random.Random(5)).run(ITEMS, outage, timeout=300)
    finally:
        proxy.close()

    assert outcome.seconds > OUTAGE_S
    assert outcome.items == ITEMS
    assert outcome.versions_above_one == 0
    assert outcome.stream_events == outcome.distinct_events == ITEMS
    assert (outcome.waiting, outcome.unacked, outcome.outbox_backlog) == (0, 0, 0)
    assert outcome.dead_letters == 0
