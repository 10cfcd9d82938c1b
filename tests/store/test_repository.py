"""The store's contract, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from tests.factories import record, to_all
from worker.store import repository
from worker.store import tables as t
from worker.store.repository import Store, feed_id_for

FEED_ID = feed_id_for("https://news.example.org/feed.xml")


def test_a_new_record_is_stored_with_one_event_per_subscription(store: Store) -> None:
    result = store.save_items(FEED_ID, [record("a")], lambda r: ["all", "economy"])

    assert (result.created, result.events) == (1, 2)
    assert store.outbox_backlog() == 2
    assert store.get_item(record("a").id).title == "Title a"


def test_saving_the_same_record_again_changes_nothing(store: Store) -> None:
    store.save_items(FEED_ID, [record("a")], to_all)

    again = store.save_items(FEED_ID, [record("a")], to_all)

    assert (again.created, again.updated, again.unchanged, again.events) == (0, 0, 1, 0)
    assert store.counts()["items"] == 1
    assert store.outbox_backlog() == 1


def test_changed_content_becomes_the_next_version_with_an_update_event(store: Store) -> None:
    store.save_items(FEED_ID, [record("a")], to_all)

    result = store.save_items(FEED_ID, [record("a", content_hash="h2", text="New text.")], to_all)

    assert result.updated == 1
    stored = store.get_item(record("a").id)
    assert (stored.version, stored.text) == (2, "New text.")
    store.stamp_outbox(10)
    events = store.stamped_unsent(10)
    assert [e.type for e in events] == ["item.created", "item.updated"]


def test_the_same_text_in_another_feed_is_an_exact_duplicate(store: Store) -> None:
    first = record("a")
    copy = record("b", feed="https://copier.example.net/rss")
    store.save_items(FEED_ID, [first], to_all)

    store.save_items(feed_id_for(copy.feed), [copy], to_all)

    stored = store.get_item(copy.id)
    assert stored.duplicate_of == first.id
    assert stored.cluster_id == first.id


def test_two_copies_in_one_batch_point_at_the_first(store: Store) -> None:
    first, second = record("a"), record("b")

    store.save_items(FEED_ID, [first, second], to_all)

    assert store.get_item(first.id).duplicate_of is None
    assert store.get_item(second.id).duplicate_of == first.id


def test_seen_hashes_report_what_is_stored(store: Store) -> None:
    store.save_items(FEED_ID, [record("a", content_hash="ha")], to_all)

    assert store.seen_hashes(FEED_ID, ["a", "b"]) == {"a": "ha"}


def test_a_claimed_feed_is_not_claimed_again_while_leased(store: Store) -> None:
    store.add_feeds([("https://news.example.org/feed.xml", None, None)])

    first = store.claim_feeds(due_only=True, lease=timedelta(minutes=5))
    second = store.claim_feeds(due_only=True, lease=timedelta(minutes=5))

    assert [f.url for f in first] == ["https://news.example.org/feed.xml"]
    assert second == []


def test_stamping_numbers_events_per_subscription_in_outbox_order(store: Store) -> None:
    store.save_items(FEED_ID, [record("a"), record("b", text="Other.")], lambda r: ["x", "y"])

    store.stamp_outbox(100)

    stamped = [(e.subscription, e.stream_seq) for e in store.stamped_unsent(100)]
    assert stamped == [("x", 1), ("x", 2), ("y", 1), ("y", 2)]


def test_a_batch_queues_its_events_in_the_order_of_its_records(store: Store) -> None:
    keys = [f"k{i:02d}" for i in range(30, 0, -1)]  # not the order of their ids either

    store.save_items(FEED_ID, [record(k, text=f"Story {k}.") for k in keys], to_all)

    store.stamp_outbox(100)
    events = store.stamped_unsent(100)
    assert [json.loads(e.payload)["item"]["entry_key"] for e in events] == keys
    assert [e.stream_seq for e in events] == list(range(1, 31))


def test_a_changed_entry_is_seen_with_its_new_content_hash(store: Store) -> None:
    store.save_items(FEED_ID, [record("a", content_hash="h1"), record("b")], to_all)

    store.save_items(FEED_ID, [record("a", content_hash="h2", text="New text.")], to_all)

    assert store.seen_hashes(FEED_ID, ["a", "b"]) == {"a": "h2", "b": "h1"}


def test_inserting_rows_skips_or_overwrites_those_whose_keys_are_taken(store: Store) -> None:
    def fingerprint(text_hash: str, item_id: str) -> dict[str, str]:
        return {"text_hash": text_hash, "item_id": item_id, "cluster_id": item_id}

    with store.engine.begin() as conn:
        store.insert_rows(conn, t.fingerprints, [fingerprint("x", "first")])
        store.insert_rows(
            conn, t.fingerprints, [fingerprint("x", "second"), fingerprint("y", "second")],
            keys=["text_hash"],
        )  # fmt: skip
        store.insert_rows(
            conn, t.fingerprints, [fingerprint("y", "third")],
            keys=["text_hash"], update=["item_id"],
        )  # fmt: skip
        fp = t.fingerprints.c
        rows = conn.execute(
            select(fp.text_hash, fp.item_id, fp.cluster_id).order_by(fp.text_hash)
        ).all()

    assert [tuple(r) for r in rows] == [("x", "first", "first"), ("y", "third", "second")]


def test_a_dead_letter_keeps_its_arguments_and_error(store: Store) -> None:
    dl_id = store.add_dead_letter("t", "id-1", [["feed", []], {}], "ValueError: bad", "tb", 3)

    found = store.get_dead_letter(dl_id)

    assert (found["task"], found["error"], found["attempts"]) == ("t", "ValueError: bad", 3)
    assert store.counts()["dead_letters"] == 1


def test_counts_are_exact_while_the_tables_are_small(store: Store) -> None:
    store.save_items(FEED_ID, [record("a"), record("b", text="Other.")], to_all)

    counts = store.counts()

    assert (counts["items"], counts["estimated"]) == (2, 0)


def test_large_tables_are_counted_from_postgresql_statistics(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(postgres_url)
    store.migrate()
    # Three copies of one text: the second and third become duplicates of the first.
    same = [record(f"same-{i}", text="One story, three feeds.") for i in range(3)]
    store.save_items(FEED_ID, [*same, *(record(f"k{i}", text=f"Story {i}.") for i in range(7))],
                     to_all)  # fmt: skip
    with store.engine.begin() as conn:
        conn.execute(text("ANALYZE items; ANALYZE outbox"))
    monkeypatch.setattr(repository, "ESTIMATE_ABOVE", 5)

    counts = store.counts()

    assert counts["estimated"] == 1
    assert (counts["items"], counts["duplicates"], counts["events_sent"]) == (10, 2, 0)
    assert store.counts(exact=True)["estimated"] == 0
    store.dispose()
