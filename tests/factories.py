"""Small builders for records and entries, so each test states only what it is about."""

from __future__ import annotations

from worker.record import Attribution, Block, ItemRecord, Spin, Syndication, stable_id

FEED = "https://news.example.org/feed.xml"


def record(
    key: str = "guid-1",
    *,
    text: str = "The council approved the budget on Tuesday.",
    content_hash: str = "h1",
    feed: str = FEED,
    text_hash: str | None = None,
) -> ItemRecord:
    return ItemRecord(
        id=stable_id(feed, key),
        feed=feed,
        entry_key=key,
        url=f"https://news.example.org/{key}",
        title=f"Title {key}",
        author=None,
        published_at="2026-11-20T08:00:00+00:00",
        language="en",
        text=text,
        blocks=[Block("paragraph", text)],
        attribution=Attribution(),
        syndication=Syndication(),
        spin=Spin(),
        topics=[],
        regions=[],
        content_hash=content_hash,
        text_hash=text_hash if text_hash is not None else stable_id("text", text),
    )


def to_all(_record: ItemRecord) -> list[str]:
    return ["all"]
