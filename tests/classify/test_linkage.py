"""The linking step: duplicate_of, cluster_id, syndication and spin evidence from earlier
items. Pure behaviour with the in-memory index and records in a dict; the store and
Redis together in the last tests."""

from __future__ import annotations

from redis import Redis

from tests.classify.stories import HARBOUR, ORCHARD, SWAPS, record, spin
from worker.classify.linkage import link_records
from worker.classify.neardup import MemoryNearDupIndex, RedisNearDupIndex
from worker.classify.stored import fetch_records
from worker.pipeline import process_entries
from worker.record import Entry, ItemRecord
from worker.store.repository import Store, feed_id_for

ORIGIN = "https://origin.example/feed"
COPIER = "https://copier.example/feed"


class Linker:
    """Batches through one index, earlier records kept as a store would keep them."""

    def __init__(self) -> None:
        self.index = MemoryNearDupIndex()
        self.stored: dict[str, ItemRecord] = {}

    def fetch(self, ids):
        return {i: self.stored[i] for i in ids if i in self.stored}

    def run(self, *records: ItemRecord) -> list[ItemRecord]:
        link_records(list(records), self.index, self.fetch)
        self.stored.update({r.id: r for r in records})
        return list(records)


def test_a_near_duplicate_points_at_the_earlier_item_and_its_cluster():
    linker = Linker()
    original = record("a", HARBOUR)
    original.cluster_id = "story-1"
    linker.run(original)
    [copy] = linker.run(record("b", HARBOUR.replace("March", "April")))
    assert (copy.duplicate_of, copy.cluster_id) == ("a", "story-1")


def test_the_earliest_of_several_matches_is_the_original():
    linker = Linker()
    linker.run(record("a", HARBOUR))
    linker.run(record("b", HARBOUR + " More later."))
    [third] = linker.run(record("c", HARBOUR + " More soon."))
    assert third.duplicate_of == "a"


def test_an_unrelated_item_stays_unlinked():
    linker = Linker()
    linker.run(record("a", HARBOUR))
    [other] = linker.run(record("b", ORCHARD))
    assert (other.duplicate_of, other.cluster_id) == (None, None)


def test_a_spun_copy_is_linked_to_its_original():
    linker = Linker()
    linker.run(record("a", HARBOUR, feed=ORIGIN))
    [copy] = linker.run(record("b", spin(HARBOUR), feed=COPIER))
    assert copy.duplicate_of == "a"


def test_the_swapped_words_are_the_spun_copys_evidence():
    linker = Linker()
    linker.run(record("a", HARBOUR, feed=ORIGIN))
    [copy] = linker.run(record("b", spin(HARBOUR), feed=COPIER))
    assert {(e.found, e.likely) for e in copy.spin.evidence} <= {
        (new, old) for old, new in SWAPS.items()
    }
    assert len(copy.spin.evidence) == 10


def test_a_copy_with_many_swapped_words_is_spun():
    linker = Linker()
    linker.run(record("a", HARBOUR, feed=ORIGIN))
    [copy] = linker.run(record("b", spin(HARBOUR), feed=COPIER))
    assert copy.spin.is_spun


def test_a_copy_with_one_corrected_word_is_not_spun():
    linker = Linker()
    linker.run(record("a", HARBOUR, feed=ORIGIN))
    [copy] = linker.run(record("b", HARBOUR.replace("slow", "sluggish"), feed=COPIER))
    assert copy.duplicate_of == "a" and not copy.spin.is_spun


def test_a_spun_copy_is_found_when_its_original_is_not_yet_stored_but_in_the_batch():
    [_, copy] = Linker().run(record("a", HARBOUR), record("b", spin(HARBOUR)))
    assert copy.duplicate_of == "a"


def test_a_copy_from_another_publisher_is_syndicated_with_the_originals_url():
    linker = Linker()
    linker.run(record("a", HARBOUR, feed=ORIGIN))
    [copy] = linker.run(record("b", HARBOUR, feed=COPIER))
    assert copy.syndication.is_syndicated
    assert copy.syndication.canonical_url == "https://origin.example/a"


def test_the_attributions_canonical_url_is_kept():
    linker = Linker()
    linker.run(record("a", HARBOUR, feed=ORIGIN))
    copy = record("b", HARBOUR, feed=COPIER)
    copy.syndication.canonical_url = "https://wire.example/story"
    linker.run(copy)
    assert copy.syndication.canonical_url == "https://wire.example/story"


def test_a_copy_from_the_same_publisher_is_not_syndication():
    linker = Linker()
    linker.run(record("a", HARBOUR, feed=ORIGIN))
    [copy] = linker.run(record("b", HARBOUR, feed="https://origin.example/other-feed"))
    assert copy.duplicate_of == "a" and not copy.syndication.is_syndicated


def entry(feed: str, key: str, text: str) -> Entry:
    return Entry(
        feed=feed,
        entry_key=key,
        content_hash=key,
        url=f"{feed.rsplit('/', 1)[0]}/{key}",
        title="Harbour bridge delayed",
        content_html="".join(f"<p>{p}</p>" for p in text.split(". ")),
    )


def test_fetch_records_reads_stored_records_by_id(store: Store):
    saved = process_entries(
        store, lambda _r: (), feed_id_for(ORIGIN), [entry(ORIGIN, "a", HARBOUR)]
    )
    [stored] = saved.records
    assert fetch_records(store.engine, [stored.id, "missing"]) == {stored.id: stored}


def original_then_spun_copy(store: Store, redis_url: str) -> tuple[ItemRecord, ItemRecord]:
    """Ingest a story, then a spun copy of it from another site, through the pipeline."""
    index = RedisNearDupIndex(Redis.from_url(redis_url))
    [original] = process_entries(
        store, lambda _r: (), feed_id_for(ORIGIN), [entry(ORIGIN, "a", HARBOUR)], index
    ).records
    [copy] = process_entries(
        store, lambda _r: (), feed_id_for(COPIER), [entry(COPIER, "b", spin(HARBOUR))], index
    ).records
    return original, copy


def test_the_pipeline_links_a_spun_copy_through_redis_and_the_store(store: Store, redis_url):
    original, copy = original_then_spun_copy(store, redis_url)
    stored = store.get_item(copy.id)
    assert stored.duplicate_of == original.id and stored.syndication.is_syndicated
    assert stored.spin.evidence


def test_a_linked_copy_is_stored_in_its_originals_cluster(store: Store, redis_url):
    original, copy = original_then_spun_copy(store, redis_url)
    assert store.get_item(copy.id).cluster_id == original.cluster_id
