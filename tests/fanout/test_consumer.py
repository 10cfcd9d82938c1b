"""Reading a subscription stream as a consumer-group member, against a real Redis."""

from __future__ import annotations

import json

import redis

from tests.factories import record, to_all
from worker.fanout.consumer import tail
from worker.fanout.relay import relay_pending, stream_key
from worker.fanout.subscriptions import Subscription, Subscriptions
from worker.store.repository import Store, feed_id_for

ALL = Subscriptions([Subscription("all")])


def publish(store: Store, client: redis.Redis, n: int) -> None:
    records = [record(f"k{i}", text=f"Story {i}.") for i in range(n)]
    store.save_items(feed_id_for(records[0].feed), records, to_all)
    relay_pending(store, client, ALL, maxlen=1000)


def read(client: redis.Redis, consumer: str, **kw) -> list[dict]:
    events = tail(client, "all", group="g", consumer=consumer, follow=False, block_ms=100, **kw)
    return [json.loads(e) for e in events]


def test_a_new_group_from_the_start_reads_every_event_once(store: Store, redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    publish(store, client, 3)

    first = read(client, "c1", from_start=True)
    again = read(client, "c1", from_start=True)

    assert [e["type"] for e in first] == ["item.created"] * 3
    assert again == []


def test_events_a_dead_consumer_left_pending_are_claimed(store: Store, redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    publish(store, client, 2)
    stream = stream_key("all")
    client.xgroup_create(stream, "g", id="0")
    client.xreadgroup("g", "crashed", {stream: ">"}, count=2)  # read, never acked

    claimed = tail(client, "all", group="g", consumer="c2", follow=False, block_ms=100)
    # Not stale yet: nothing is taken from the other consumer.
    assert list(claimed) == []
    client.xclaim(stream, "g", "crashed", 0, [m[0] for m in client.xrange(stream)], idle=120_000)

    events = read(client, "c2")

    assert len(events) == 2
    assert client.xpending(stream, "g")["pending"] == 0
