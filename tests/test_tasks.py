"""Task policy, run eagerly in process against real Redis and SQLite."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest

from tests.conftest import SAMPLES
from worker import runtime
from worker.app import use_broker
from worker.fanout.relay import LOCK_KEY, stream_key
from worker.poller.parse import parse_feed
from worker.store.repository import feed_id_for
from worker.tasks import DELIVERY_KEY, process_entries, relay


@pytest.fixture
def rt(tmp_path: Path, redis_url: str, monkeypatch: pytest.MonkeyPatch) -> runtime.Runtime:
    monkeypatch.setenv("INGEST_BROKER_URL", redis_url)
    monkeypatch.setenv("INGEST_DATABASE_URL", f"sqlite:///{tmp_path / 'i.db'}")
    monkeypatch.setenv("INGEST_SUBSCRIPTIONS_FILE", str(tmp_path / "none.toml"))
    monkeypatch.setattr(runtime, "_runtime", None)
    use_broker(redis_url)
    current = runtime.current()
    current.store.migrate()
    return current


def entries(batch: str = "") -> list[dict]:
    """The atom sample's two entries; another `batch` gives them keys (items) of their own."""
    parsed = parse_feed((SAMPLES / "atom.xml").read_bytes(), "https://atom.example/feed")
    return [{**e.to_dict(), "entry_key": e.entry_key + batch} for e in parsed.entries]


def test_a_batch_is_stored_with_its_events(rt: runtime.Runtime) -> None:
    result = process_entries.apply(args=(feed_id_for("https://atom.example/feed"), entries()))

    assert result.get()["created"] == 2
    assert rt.store.counts()["items"] == 2
    assert rt.store.outbox_backlog() == 2  # no broker consumer here: the relay did not run


def test_a_batch_delivered_too_often_is_split_into_single_entries(rt: runtime.Runtime) -> None:
    task_id = "poison-batch"
    rt.redis.set(DELIVERY_KEY.format(task_id=task_id, retries=0), rt.settings.max_deliveries)

    process_entries.apply(args=("feed", entries()), task_id=task_id)

    assert rt.redis.llen("process") == 2
    assert rt.store.dead_letters() == []


def test_a_single_entry_delivered_too_often_becomes_a_dead_letter(rt: runtime.Runtime) -> None:
    task_id = "poison-1"
    rt.redis.set(DELIVERY_KEY.format(task_id=task_id, retries=0), rt.settings.max_deliveries)

    process_entries.apply(args=("feed", entries()[:1]), task_id=task_id)

    assert rt.store.counts()["items"] == 0
    [letter] = rt.store.dead_letters()
    assert "delivered too many times" in letter["error"]


def test_a_failing_batch_is_split_into_one_task_per_entry(rt: runtime.Runtime) -> None:
    good, broken = entries()[0], {"not": "an entry"}

    process_entries.apply(args=("feed", [good, broken]))

    assert rt.redis.llen("process") == 2
    assert rt.store.dead_letters() == []


def test_a_single_entry_that_fails_becomes_a_dead_letter_with_its_reason(
    rt: runtime.Runtime,
) -> None:
    process_entries.apply(args=("feed", [{"not": "an entry"}]))

    [letter] = rt.store.dead_letters()
    assert letter["task"] == "worker.tasks.process_entries"
    assert "TypeError" in letter["error"]
    assert letter["attempts"] == rt.settings.poison_retries + 1
    assert "Traceback" in letter["traceback"]


def test_a_relay_that_leaves_a_backlog_hands_it_to_a_fresh_task(
    rt: runtime.Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    from worker import tasks

    process_entries.apply(args=(feed_id_for("https://atom.example/feed"), entries()))
    monkeypatch.setattr(tasks, "task_budget", lambda _task: 0)
    monkeypatch.setattr(tasks, "relay_pending", partial(tasks.relay_pending, batch=1))
    rt.redis.delete("fanout")

    tasks.relay.apply()

    assert rt.store.outbox_backlog() == 1
    assert rt.redis.llen("fanout") == 1


def test_batches_committed_before_the_relay_runs_share_one_relay_run(rt: runtime.Runtime) -> None:
    feed = feed_id_for("https://atom.example/feed")
    for batch in ("a", "b", "c"):
        process_entries.apply(args=(feed, entries(batch)))

    assert rt.redis.llen("fanout") == 1  # one run scheduled, not one per batch

    relay.apply()

    assert rt.redis.xlen(stream_key("all")) == 6
    assert rt.store.outbox_backlog() == 0


def test_a_batch_committed_once_the_relay_has_started_schedules_another_run(
    rt: runtime.Runtime,
) -> None:
    feed = feed_id_for("https://atom.example/feed")
    process_entries.apply(args=(feed, entries("a")))
    relay.apply()

    process_entries.apply(args=(feed, entries("b")))

    assert rt.redis.llen("fanout") == 2
    assert rt.store.outbox_backlog() == 2


def test_a_relay_finding_the_lock_taken_comes_back_instead_of_leaving_the_events(
    rt: runtime.Runtime,
) -> None:
    process_entries.apply(args=(feed_id_for("https://atom.example/feed"), entries()))
    rt.redis.delete("fanout")
    held = rt.redis.lock(LOCK_KEY, timeout=30)
    assert held.acquire(blocking=False)

    relay.apply()

    assert rt.store.outbox_backlog() == 2
    assert rt.redis.llen("fanout") == 1
    held.release()
