"""The shared near-duplicate index: the Redis one (real Redis) and the in-memory twin."""

from __future__ import annotations

import random
import time

import pytest
from redis import Redis

from tests.classify.stories import HARBOUR, ORCHARD, spin
from worker.classify.neardup import (
    ANCHOR,
    BUCKET_LIMIT,
    KEY_PREFIX,
    NEAR,
    Lookup,
    MemoryNearDupIndex,
    NearDupIndex,
    RedisNearDupIndex,
    Sketch,
    sketch,
)


def sketched(item_id: str, text: str, host: str = "news.example.org") -> Sketch:
    made = sketch(item_id, host, text)
    assert made is not None
    return made


@pytest.fixture(params=["redis", "memory"])
def make_index(request: pytest.FixtureRequest):
    """A factory of index instances that share one backing store (one Redis database)."""
    if request.param == "memory":
        shared: dict[str, MemoryNearDupIndex] = {}
        return lambda **kw: shared.setdefault("index", MemoryNearDupIndex(**kw))
    url = request.getfixturevalue("redis_url")
    return lambda **kw: RedisNearDupIndex(Redis.from_url(url), **kw)


def candidates(index: NearDupIndex, item: Sketch) -> list[str]:
    return [c.item_id for c in index.add_and_query([item])[0].candidates]


def test_an_edited_copy_finds_the_earlier_item(make_index):
    index = make_index()
    index.add_and_query([sketched("a", HARBOUR)])
    assert candidates(index, sketched("b", HARBOUR.replace("March", "April"))) == ["a"]


def test_a_spun_copy_finds_the_earlier_item_through_its_anchors(make_index):
    index = make_index()
    index.add_and_query([sketched("a", HARBOUR)])
    found = index.add_and_query([sketched("b", spin(HARBOUR))])[0].candidates
    assert [(c.item_id, c.near_hits == 0, c.anchor_hits > 0) for c in found] == [("a", True, True)]


def test_an_unrelated_item_is_no_candidate(make_index):
    index = make_index()
    index.add_and_query([sketched("a", HARBOUR)])
    assert candidates(index, sketched("b", ORCHARD)) == []


def test_a_later_item_of_the_same_batch_sees_an_earlier_one(make_index):
    lookups = make_index().add_and_query([sketched("a", HARBOUR), sketched("b", HARBOUR)])
    assert [[c.item_id for c in lookup.candidates] for lookup in lookups] == [[], ["a"]]


def test_an_item_looked_up_again_keeps_its_place_and_sees_only_earlier_items(make_index):
    index = make_index()
    first = index.add_and_query([sketched("a", HARBOUR)])[0]
    index.add_and_query([sketched("b", HARBOUR)])
    again = index.add_and_query([sketched("a", HARBOUR)])[0]
    assert again.seq == first.seq and again.candidates == []


def test_a_candidate_carries_its_publisher_host(make_index):
    index = make_index()
    index.add_and_query([sketched("a", HARBOUR, host="origin.example")])
    found = index.add_and_query([sketched("b", HARBOUR, host="copier.example")])[0]
    assert found.candidates[0].host == "origin.example"


def test_items_older_than_the_window_are_forgotten(make_index):
    index = make_index(window_seconds=0.2)
    index.add_and_query([sketched("a", HARBOUR)])
    time.sleep(0.3)
    assert candidates(index, sketched("b", HARBOUR)) == []


def test_two_workers_see_each_others_items_through_redis(redis_url):
    worker_one = RedisNearDupIndex(Redis.from_url(redis_url))
    worker_two = RedisNearDupIndex(Redis.from_url(redis_url))
    worker_one.add_and_query([sketched("a", HARBOUR)])
    assert candidates(worker_two, sketched("b", spin(HARBOUR))) == ["a"]


def test_every_key_expires_within_three_windows(redis_url):
    client = Redis.from_url(redis_url)
    RedisNearDupIndex(client, window_seconds=60).add_and_query([sketched("a", HARBOUR)])
    ttls = {key: client.pttl(key) for key in client.scan_iter(f"{KEY_PREFIX}*")}
    assert ttls.pop(f"{KEY_PREFIX}seq".encode()) == -1  # the global order never expires
    assert 0 < ttls.pop(f"{KEY_PREFIX}item:a".encode()) <= 60_000
    assert ttls and all(0 < t <= 180_000 for t in ttls.values())  # the band hashes


class CountingRedis(Redis):
    calls = 0

    def execute_command(self, *args, **options):
        CountingRedis.calls += 1
        return super().execute_command(*args, **options)


def test_a_batch_costs_one_round_trip(redis_url):
    index = RedisNearDupIndex(CountingRedis.from_url(redis_url))
    index.add_and_query([sketched("warm", ORCHARD)])  # loads the script
    CountingRedis.calls = 0
    index.add_and_query([sketched(f"i{n}", HARBOUR + f" Update {n}.") for n in range(20)])
    assert CountingRedis.calls == 1


def test_a_text_too_short_to_tell_is_not_sketched():
    assert sketch("a", "news.example.org", "Live: 3-1 after extra time") is None


def colliding(item_id: str, value: bytes, host: str = "news.example.org") -> Sketch:
    """A sketch whose every band has the same value: it shares all buckets with its twins."""
    return Sketch(item_id, host, bytes(64), value * NEAR.bands, value * ANCHOR.bands)


def test_a_bucket_keeps_only_its_oldest_ids(make_index, monkeypatch):
    monkeypatch.setattr("worker.classify.neardup.BUCKET_LIMIT", 2)
    index = make_index()
    index.add_and_query([colliding(f"i{n}", b"ABCD") for n in range(4)])
    assert candidates(index, colliding("late", b"ABCD")) == ["i0", "i1"]


def test_a_flooded_bucket_stays_small(redis_url):
    client = Redis.from_url(redis_url)
    RedisNearDupIndex(client).add_and_query([colliding(f"i{n:03}", b"ABCD") for n in range(200)])
    entry = 13 + 1 + len("i000")  # time, id length, id
    sizes = [client.hstrlen(key, "ABCD") for key in client.scan_iter(f"{KEY_PREFIX}near*")]
    assert sizes == [BUCKET_LIMIT * entry] * NEAR.bands


def wait_for_phase(window: float, phase: float) -> None:
    """Sleeps until `phase` (0 to 1) of an epoch of the Redis index: epochs are one
    window long, starting at multiples of it (Redis runs on this machine's clock)."""
    time.sleep((phase * window - time.time()) % window)


def test_the_previous_epoch_is_read_within_the_window(redis_url, monkeypatch):
    monkeypatch.setattr("worker.classify.neardup.BUCKET_LIMIT", 2)
    index = RedisNearDupIndex(Redis.from_url(redis_url), window_seconds=1)
    wait_for_phase(1, 0.6)
    index.add_and_query([colliding("a", b"ABCD")])
    wait_for_phase(1, 0.2)  # the next epoch: a is 0.6 windows old
    assert candidates(index, colliding("b", b"ABCD")) == ["a"]
    # b's write copied a into this epoch's bucket, which is now full
    assert candidates(index, colliding("full", b"ABCD")) == ["a", "b"]
    wait_for_phase(1, 0.8)  # a is stale, so its place is free
    index.add_and_query([colliding("c", b"ABCD")])
    assert candidates(index, colliding("d", b"ABCD")) == ["b", "c"]


def test_a_band_hash_is_freed_two_epochs_on_by_the_first_write(redis_url):
    client = Redis.from_url(redis_url)
    index = RedisNearDupIndex(client, window_seconds=1)
    wait_for_phase(1, 0.5)
    index.add_and_query([colliding("a", b"ABCD")])
    old = {key for key in client.scan_iter(f"{KEY_PREFIX}near:*")}
    time.sleep(1)  # the next epoch: the old hashes still hold a, which is live
    index.add_and_query([colliding("b", b"ABCD")])
    assert all(client.exists(key) for key in old)
    time.sleep(1)  # two epochs on: b's epoch writes again, a's is freed
    index.add_and_query([colliding("c", b"ABCD")])
    assert len(old) == NEAR.bands and not any(client.exists(key) for key in old)


def test_an_id_added_in_two_epochs_counts_once(redis_url):
    index = RedisNearDupIndex(Redis.from_url(redis_url), window_seconds=1)
    wait_for_phase(1, 0.7)
    index.add_and_query([colliding("a", b"ABCD")])
    wait_for_phase(1, 0.1)  # the next epoch
    index.add_and_query([colliding("a", b"ABCD")])
    found = index.add_and_query([colliding("b", b"ABCD")])[0].candidates
    assert [(c.item_id, c.near_hits, c.anchor_hits) for c in found] == [
        ("a", NEAR.bands, ANCHOR.bands)
    ]


def test_the_memory_index_answers_as_the_redis_one(redis_url, monkeypatch):
    monkeypatch.setattr("worker.classify.neardup.BUCKET_LIMIT", 3)
    rng = random.Random(7)
    indexes = [RedisNearDupIndex(Redis.from_url(redis_url)), MemoryNearDupIndex()]
    answers: list[list[Lookup]] = [[], []]
    for _ in range(30):  # items that share some buckets, and items looked up again
        batch = [
            Sketch(
                f"i{rng.randrange(40)}",
                f"h{rng.randrange(3)}",
                rng.randbytes(64),
                b"".join(rng.choice([b"AAAA", b"BBBB", rng.randbytes(4)]) for _ in range(16)),
                b"".join(rng.choice([b"CCCC", rng.randbytes(4)]) for _ in range(ANCHOR.bands)),
            )
            for _ in range(rng.randint(1, 8))
        ]
        for index, answer in zip(indexes, answers, strict=True):
            answer += index.add_and_query(batch)
    assert answers[0] == answers[1]


def test_an_item_id_must_fit_a_bucket_entry(redis_url):
    with pytest.raises(ValueError):
        RedisNearDupIndex(Redis.from_url(redis_url)).add_and_query([colliding("x" * 256, b"A")])
