"""Search, filters, history and retention, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.factories import record, to_all
from worker.record import Region, Spin, Topic
from worker.store import tables as t
from worker.store.repository import Store, feed_id_for, utcnow
from worker.store.retention import purge
from worker.store.search import ItemFilter, item_history, search_items

FEED_ID = feed_id_for("https://news.example.org/feed.xml")


def save(store: Store, *records) -> None:
    store.save_items(FEED_ID, list(records), to_all)


def ids(found) -> list[str]:
    return sorted(r.id for r in found)


def test_words_find_items_by_title_and_text(store: Store) -> None:
    bank = record("a", text="The central bank raised interest rates again.")
    sport = record("b", text="The striker scored twice in the final.")
    save(store, bank, sport)

    assert ids(search_items(store, ItemFilter(query="interest rates"))) == [bank.id]


def test_stemming_matches_other_forms_of_a_word(store: Store) -> None:
    bank = record("a", text="Elections were held in spring.")
    save(store, bank)

    assert ids(search_items(store, ItemFilter(query="election"))) == [bank.id]


def test_query_syntax_characters_are_taken_as_words(store: Store) -> None:
    save(store, record("a", text="Budget talks resumed."))

    assert search_items(store, ItemFilter(query='budget" (*')) != []


def test_topic_region_and_language_filters(store: Store) -> None:
    tagged = record("a", text="Markets in France rallied.")
    tagged.topics = [Topic("medtop:04000000", "economy", 0.9, ["markets"])]
    tagged.regions = [Region("France", "FR", 0.8)]
    plain = record("b", text="Nothing to see.")
    save(store, tagged, plain)

    assert ids(search_items(store, ItemFilter(topic="medtop:04000000"))) == [tagged.id]
    assert ids(search_items(store, ItemFilter(region="FR"))) == [tagged.id]
    assert len(search_items(store, ItemFilter(language="en"))) == 2


def test_spun_and_duplicate_filters(store: Store) -> None:
    spun = record("a", text="Spun text.")
    spun.spin = Spin(0.9, True, [])
    copy = record("b", text="Spun text.")  # same text: an exact duplicate of the first
    save(store, spun)
    save(store, copy)

    assert ids(search_items(store, ItemFilter(spun=True))) == [spun.id]
    assert ids(search_items(store, ItemFilter(duplicates=True))) == [copy.id]
    assert ids(search_items(store, ItemFilter(duplicates=False))) == [spun.id]


def test_an_update_keeps_every_version_and_search_sees_the_new_text(store: Store) -> None:
    save(store, record("a", text="First draft about tariffs."))
    save(store, record("a", text="Corrected story about subsidies.", content_hash="h2"))

    history = item_history(store, record("a").id)

    assert [(r.version, r.text) for r in history] == [
        (1, "First draft about tariffs."),
        (2, "Corrected story about subsidies."),
    ]
    assert search_items(store, ItemFilter(query="tariffs")) == []
    assert len(search_items(store, ItemFilter(query="subsidies"))) == 1


def test_retention_purges_old_items_and_sent_outbox_rows_only(store: Store) -> None:
    save(store, record("a", text="Old story."))
    save(store, record("a", text="Old story, corrected.", content_hash="h2"))
    store.stamp_outbox(10)
    store.mark_sent([e.seq for e in store.stamped_unsent(10)])

    kept = purge(store, utcnow() - timedelta(days=1))
    gone = purge(store, utcnow() + timedelta(seconds=1))

    assert kept["items"] == 0
    assert (gone["items"], gone["outbox"], gone["item_versions"]) == (1, 2, 1)
    assert search_items(store, ItemFilter(query="story")) == []


def test_only_superseded_versions_are_kept_beside_the_item(store: Store) -> None:
    save(store, record("a", text="First draft."))
    save(store, record("b", text="Another story."))
    save(store, record("a", text="Second draft.", content_hash="h2"))

    with store.engine.connect() as conn:
        kept = conn.execute(select(t.item_versions.c.item_id, t.item_versions.c.version)).all()

    assert kept == [(record("a").id, 1)]
