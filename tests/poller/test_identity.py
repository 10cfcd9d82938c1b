"""When a feed's GUIDs stop being usable keys, and what replaces them."""

from __future__ import annotations

from worker.poller.identity import CONTENT, GUID, LINK, key_for, next_mode
from worker.record import Entry

LINKS = ["https://a.example/1", "https://a.example/2", "https://a.example/3"]


def test_good_guids_keep_the_feed_on_guids() -> None:
    assert next_mode(GUID, ["g1", "g2", "g3"], LINKS, {}) == (GUID, None)


def test_mostly_missing_guids_move_the_feed_to_links() -> None:
    assert next_mode(GUID, [None, None, "g3"], LINKS, {}) == (LINK, "GUIDs missing")


def test_guids_changing_between_fetches_move_the_feed_to_links() -> None:
    previous = dict(zip(LINKS, ["old1", "old2", "old3"], strict=True))

    assert next_mode(GUID, ["g1", "g2", "g3"], LINKS, previous) == (LINK, "GUIDs churning")


def test_one_corrected_guid_is_not_churn() -> None:
    previous = dict(zip(LINKS, ["g1", "g2", "old3"], strict=True))

    assert next_mode(GUID, ["g1", "g2", "g3"], LINKS, previous) == (GUID, None)


def test_repeated_links_fall_through_to_content_keys() -> None:
    mode, why = next_mode(GUID, ["g", "g", "g"], ["https://a.example/"] * 3, {})

    assert (mode, why) == (CONTENT, "GUIDs repeated; links repeated")


def test_a_content_key_ignores_the_guid_and_link() -> None:
    entry = Entry(
        feed="f", entry_key="", content_hash="h", url="https://a.example/1", title="T", summary="S"
    )

    assert key_for(CONTENT, "g", entry).startswith("sha256:")
    assert key_for(LINK, "g", entry) == "https://a.example/1"
