"""Fixtures: the sample feeds of config/samples, read into Entries as the poller would."""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest

from worker.record import Entry

REPO = Path(__file__).parents[2]
SAMPLES = REPO / "config" / "samples"
REFERENCE = REPO.parent / "shared" / "reference"


def feed_entries(name: str) -> list[Entry]:
    """The entries of one sample feed, mapped the way the poller maps feedparser output."""
    path = SAMPLES / name
    parsed = feedparser.parse(path.read_bytes())
    entries = []
    for item in parsed.entries:
        source = item.get("source") or {}
        summary_type = (item.get("summary_detail") or {}).get("type", "text/html")
        entries.append(
            Entry(
                feed=str(path),
                entry_key=item.get("id") or item.get("link"),
                content_hash="",
                url=item.get("link"),
                title=item.get("title", ""),
                author=item.get("author"),
                published_at=item.get("published"),
                content_html=item["content"][0]["value"] if item.get("content") else None,
                summary=item.get("summary"),
                summary_is_html=summary_type == "text/html",
                source_url=source.get("href"),
                source_title=source.get("title"),
            )
        )
    return entries


@pytest.fixture(scope="session")
def autoblog() -> list[Entry]:
    return feed_entries("autoblog.xml")


@pytest.fixture(scope="session")
def atom() -> list[Entry]:
    return feed_entries("atom.xml")


@pytest.fixture(scope="session")
def google_news() -> list[Entry]:
    return feed_entries("google-news.xml")


@pytest.fixture(scope="session")
def republisher() -> list[Entry]:
    return feed_entries("republisher.xml")


def html_entry(html: str, **fields: object) -> Entry:
    """An entry whose content:encoded is `html`."""
    return Entry(
        feed="https://feed.example/rss", entry_key="k", content_hash="", content_html=html, **fields
    )  # type: ignore[arg-type]


def text_entry(text: str, **fields: object) -> Entry:
    """An entry with only a plain (tag-stripped) description."""
    return Entry(
        feed="https://feed.example/rss",
        entry_key="k",
        content_hash="",
        summary=text,
        summary_is_html=False,
        **fields,
    )  # type: ignore[arg-type]
