"""Builders for classifier inputs: tests state only the fields their behaviour depends on."""

from __future__ import annotations

from worker.record import Attribution, Cleaned, Entry, Syndication


def cleaned(text: str, title: str = "", original_title: str | None = None) -> Cleaned:
    return Cleaned(
        title=title,
        text=text,
        blocks=[],
        attribution=Attribution(),
        syndication=Syndication(
            is_syndicated=original_title is not None, original_title=original_title
        ),
    )


def entry() -> Entry:
    return Entry(feed="https://feeds.example.org/news.xml", entry_key="item-1", content_hash="x")
