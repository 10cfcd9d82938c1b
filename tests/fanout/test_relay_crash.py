"""Kill the relay with SIGKILL at random points while it publishes thousands of events:
afterwards each subscription's stream holds every event exactly once, in order."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time

import redis

from tests.factories import record
from tests.support.relay_process import SUBS
from worker.fanout.relay import stream_key
from worker.store.repository import Store, feed_id_for

EVENTS_PER_SUB = 3000
KILLS = 8


def relay_process(database_url: str, redis_url: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.support.relay_process", database_url, redis_url]
    )


def test_a_relay_killed_at_random_points_publishes_every_event_exactly_once(
    store: Store, database_url: str, redis_url: str
) -> None:
    records = [record(f"k{i}", text=f"Story number {i}.") for i in range(EVENTS_PER_SUB)]
    for i in range(0, len(records), 500):
        store.save_items(feed_id_for(records[0].feed), records[i : i + 500], SUBS.match)
    rng = random.Random(20261124)
    client = redis.Redis.from_url(redis_url)

    def published() -> int:
        return client.xlen(stream_key("a")) + client.xlen(stream_key("b"))

    kills = 0
    while kills < KILLS and store.outbox_backlog():
        # Kill once a random number of further events has gone out: mid-publish.
        target = published() + rng.randint(50, 600)
        proc = relay_process(database_url, redis_url)
        while proc.poll() is None and published() < target:
            time.sleep(0.002)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
    last = relay_process(database_url, redis_url)
    assert last.wait(timeout=240) == 0

    assert kills == KILLS, "the relay finished before it could be killed: grow the workload"
    assert store.outbox_backlog() == 0
    for sub in ("a", "b"):
        entries = client.xrange(stream_key(sub))
        event_ids = [e[1][b"event_id"] for e in entries]
        assert len(event_ids) == EVENTS_PER_SUB == len(set(event_ids))
        assert [e[0] for e in entries] == [f"{n}-0".encode() for n in range(1, EVENTS_PER_SUB + 1)]
        items = [json.loads(e[1][b"payload"])["item"]["entry_key"] for e in entries]
        assert items == [f"k{i}" for i in range(EVENTS_PER_SUB)]
