"""Parsing turns feeds into entries with stable keys and hashes."""

from __future__ import annotations

from tests.conftest import SAMPLES
from worker.poller.parse import parse_feed

RSS_WITHOUT_GUIDS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>Linked story</title><link>https://a.example/1</link><description>One.</description></item>
<item><title>Bare story</title><description>Two.</description></item>
</channel></rss>"""


def test_content_encoded_is_kept_beside_the_description() -> None:
    entry = parse_feed((SAMPLES / "autoblog.xml").read_bytes(), "f").entries[0]

    assert "<table" in entry.content_html
    assert entry.summary and not entry.summary_is_html


def test_the_key_falls_back_to_the_link_then_to_a_content_hash() -> None:
    entries = parse_feed(RSS_WITHOUT_GUIDS, "f").entries

    assert entries[0].entry_key == "https://a.example/1"
    assert entries[1].entry_key.startswith("sha256:")


def test_the_same_feed_parses_to_the_same_keys_and_hashes() -> None:
    body = (SAMPLES / "atom.xml").read_bytes()

    first, second = parse_feed(body, "f").entries, parse_feed(body, "f").entries

    assert [(e.entry_key, e.content_hash) for e in first] == [
        (e.entry_key, e.content_hash) for e in second
    ]


def test_google_news_source_elements_are_kept() -> None:
    entry = parse_feed((SAMPLES / "google-news.xml").read_bytes(), "f").entries[0]

    assert entry.source_url and entry.source_title


def test_dates_are_utc_iso_strings() -> None:
    entry = parse_feed((SAMPLES / "autoblog.xml").read_bytes(), "f").entries[0]

    assert entry.published_at.endswith("+00:00")


def test_entries_per_fetch_are_capped_with_a_warning() -> None:
    parsed = parse_feed(RSS_WITHOUT_GUIDS, "f", max_entries=1)

    assert len(parsed.entries) == 1
    assert "only the first 1 kept" in parsed.warnings[0]


def test_an_ill_formed_feed_still_yields_its_entries_with_a_warning() -> None:
    broken = RSS_WITHOUT_GUIDS.replace(b"</channel></rss>", b"<item><title>x</title>")

    parsed = parse_feed(broken, "f")

    assert len(parsed.entries) >= 2
    assert parsed.warnings
