"""Parsing a fetched feed into entries: RSS 0.9x/1.0/2.0 and Atom (feedparser), JSON Feed.

Ill-formed ("bozo") feeds still yield whatever entries could be read, with a warning;
only a body with no entries that also failed to parse counts as unparseable. Encoding
is feedparser's: the HTTP charset, the XML declaration and byte-order marks, then
fallbacks (UTF-8, windows-1252) when the declared one is wrong.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import feedparser

from worker.poller.identity import GUID, digest, key_for
from worker.poller.jsonfeed import looks_like_json_feed, parse_json_feed
from worker.record import Entry

HAS_MARKUP = re.compile(r"<[a-zA-Z/!][^>]*>")
#: A date further ahead than this is a publisher's clock or typo, not a scheduled story.
FUTURE_SLACK = timedelta(days=1)


@dataclass(slots=True)
class ParsedFeed:
    title: str | None
    entries: list[Entry]
    guids: list[str | None] = field(default_factory=list)  # per entry, as published
    warnings: list[str] = field(default_factory=list)
    channel: Mapping[str, Any] = field(default_factory=dict)  # ttl, sy:*, links
    bozo: bool = False

    @property
    def unparseable(self) -> bool:
        return self.bozo and not self.entries

    @property
    def links(self) -> list[str | None]:
        return [e.url for e in self.entries]

    def link_rel(self, rel: str) -> str | None:
        """The first channel link with this rel (WebSub's `hub` and `self`)."""
        for link in self.channel.get("links") or []:
            if link.get("rel") == rel and link.get("href"):
                return link["href"]
        return None

    def rekey(self, mode: str) -> None:
        for entry, guid in zip(self.entries, self.guids, strict=True):
            entry.entry_key = key_for(mode, guid, entry)


def published_at(entry: Entry) -> datetime | None:
    return datetime.fromisoformat(entry.published_at) if entry.published_at else None


def _date(raw: Mapping[str, Any], now: datetime) -> str | None:
    parsed = raw.get("published_parsed") or raw.get("updated_parsed")
    if not parsed:
        return None
    when = datetime.fromtimestamp(calendar.timegm(parsed), UTC)
    return min(when, now + FUTURE_SLACK).isoformat()


def _content(raw: Mapping[str, Any]) -> str | None:
    """Full markup: content:encoded (RSS) or Atom content, the longest HTML part."""
    parts = [c.get("value", "") for c in raw.get("content", []) if c.get("value")]
    return max(parts, key=len) if parts else None


def to_entry(feed_url: str, raw: Mapping[str, Any], now: datetime) -> Entry:
    content = _content(raw)
    summary = raw.get("summary")
    source = raw.get("source") or {}
    title = raw.get("title", "") or ""
    url = raw.get("link")
    published = _date(raw, now)
    author = raw.get("author")
    return Entry(
        feed=feed_url,
        entry_key="",  # set by ParsedFeed.rekey once the feed's key mode is known
        content_hash=digest(title, url, author, published, content, summary),
        url=url,
        title=title,
        author=author,
        published_at=published,
        content_html=content,
        summary=summary,
        summary_is_html=bool(summary and HAS_MARKUP.search(summary)),
        source_url=source.get("href"),
        source_title=source.get("title"),
    )


def _read(body: bytes, content_type: str | None) -> tuple[Mapping, list[Mapping], list[str]]:
    """(channel, raw entries, warnings) from either parser."""
    if looks_like_json_feed(body, content_type):
        try:
            channel, items = parse_json_feed(body)
        except ValueError as exc:
            return {}, [], [f"ill-formed feed: {exc}"]
        for item in items:
            if item["published"]:
                item["published_parsed"] = item["published"].utctimetuple()
        return channel, items, []
    headers = {"content-type": content_type} if content_type else {}
    parsed = feedparser.parse(
        body, sanitize_html=False, resolve_relative_uris=True, response_headers=headers
    )
    warnings = [f"ill-formed feed: {parsed.bozo_exception}"] if parsed.get("bozo") else []
    return parsed.get("feed", {}), parsed.get("entries", []), warnings


def parse_feed(
    body: bytes,
    feed_url: str,
    *,
    max_entries: int = 500,
    key_mode: str = GUID,
    content_type: str | None = None,
) -> ParsedFeed:
    """Parse a feed body; entries are keyed in the feed's `key_mode` (identity.py)."""
    channel, raw_entries, warnings = _read(body, content_type)
    bozo = bool(warnings)
    if len(raw_entries) > max_entries:
        warnings.append(f"{len(raw_entries)} entries, only the first {max_entries} kept")
        raw_entries = raw_entries[:max_entries]
    now = datetime.now(UTC)
    parsed = ParsedFeed(
        title=channel.get("title"),
        entries=[to_entry(feed_url, raw, now) for raw in raw_entries],
        guids=[raw.get("id") or None for raw in raw_entries],
        warnings=warnings,
        channel=channel,
        bozo=bozo,
    )
    parsed.rekey(key_mode)
    return parsed
