"""Property tests: parsing any bytes never raises, and what it yields stays bounded."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from worker.poller.parse import parse_feed

ITEM = st.builds(
    lambda title, body, guid: (
        f"<item><title>{title}</title><guid>{guid}</guid>"
        f"<description><![CDATA[{body}]]></description></item>"
    ),
    st.text(max_size=40),
    st.text(max_size=200),
    st.text(min_size=1, max_size=20),
)
RSS = st.lists(ITEM, max_size=8).map(
    lambda items: (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        f"{''.join(items)}</channel></rss>"
    )
)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=4096))
def test_parsing_arbitrary_bytes_never_raises(body: bytes) -> None:
    parsed = parse_feed(body, "https://fuzz.example/feed", max_entries=20)

    assert len(parsed.entries) <= 20


@settings(max_examples=200, deadline=None)
@given(RSS)
def test_every_entry_of_a_generated_feed_has_a_key_and_a_hash(text: str) -> None:
    parsed = parse_feed(text.encode("utf-8", "surrogatepass"), "https://fuzz.example/feed")

    for entry in parsed.entries:
        assert entry.entry_key and len(entry.content_hash) == 64
