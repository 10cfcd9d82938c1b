"""The outbox relay against a real Redis: every event lands in its stream exactly once."""

from __future__ import annotations

import json

import pytest
import redis
from sqlalchemy import update

from tests.factories import record, to_all
from worker.fanout import relay
from worker.fanout.relay import Relayed, relay_once, relay_pending, stream_key
from worker.fanout.subscriptions import Subscription, Subscriptions
from worker.store import tables as t
from worker.store.repository import Store, feed_id_for

FEED_ID = feed_id_for("https://news.example.org/feed.xml")


ALL = Subscriptions([Subscription("all")])


def _records(n: int) -> list:
    return [record(f"k{i}", text=f"Story number {i}.") for i in range(n)]


def test_relay_publishes_each_event_and_empties_the_outbox(store: Store, redis_url: str) -> None:
    r = redis.Redis.from_url(redis_url)
    store.save_items(FEED_ID, _records(5), to_all)

    run = relay_pending(store, r, ALL, maxlen=1000)

    assert (run.sent, run.more) == (5, False)
    assert store.outbox_backlog() == 0
    entries = r.xrange(stream_key("all"))
    assert [e[0] for e in entries] == [f"{i}-0".encode() for i in range(1, 6)]
    envelope = json.loads(entries[0][1][b"payload"])
    assert envelope["type"] == "item.created"
    assert set(envelope) == {"event_id", "type", "occurred_at", "subscription", "item"}


def test_republishing_after_a_crash_before_marking_sent_adds_nothing(
    store: Store, redis_url: str
) -> None:
    r = redis.Redis.from_url(redis_url)
    store.save_items(FEED_ID, _records(3), to_all)
    relay_once(store, r, ALL, maxlen=1000)
    # The relay died after XADD but before its "sent" commit: the rows look unsent.
    with store.engine.begin() as conn:
        conn.execute(update(t.outbox).values(sent_at=None))

    relay_once(store, r, ALL, maxlen=1000)

    assert r.xlen(stream_key("all")) == 3
    assert store.outbox_backlog() == 0


def test_a_relay_finding_the_lock_taken_publishes_nothing(store: Store, redis_url: str) -> None:
    r = redis.Redis.from_url(redis_url)
    store.save_items(FEED_ID, _records(2), to_all)
    held = r.lock("ingest:lock:relay", timeout=30)
    assert held.acquire(blocking=False)

    assert relay_pending(store, r, ALL, maxlen=1000) == Relayed(busy=True)
    assert store.outbox_backlog() == 2
    held.release()


def test_a_spent_time_budget_stops_the_relay_after_one_batch(store: Store, redis_url: str) -> None:
    r = redis.Redis.from_url(redis_url)
    store.save_items(FEED_ID, _records(3), to_all)

    run = relay_pending(store, r, ALL, maxlen=1000, batch=1, budget_s=0)

    assert (run.sent, run.more) == (1, True)
    assert store.outbox_backlog() == 2


def test_a_run_stops_at_its_first_short_batch_without_a_round_to_find_the_outbox_empty(
    store: Store, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    r = redis.Redis.from_url(redis_url)
    store.save_items(FEED_ID, _records(3), to_all)
    rounds = []

    def counted(*args, **kwargs):
        rounds.append(relay_once(*args, **kwargs))
        return rounds[-1]

    monkeypatch.setattr(relay, "relay_once", counted)

    run = relay_pending(store, r, ALL, maxlen=1000, batch=2)

    assert (run.sent, run.more) == (3, False)
    assert rounds == [(2, 0), (1, 0)]
    assert store.outbox_backlog() == 0
