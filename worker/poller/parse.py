"""Parsing a fetched feed into entries (feedparser), with a stable key for each."""

from __future__ import annotations

import calendar
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import feedparser

from worker.record import Entry

HAS_MARKUP = re.compile(r"<[a-zA-Z/!][^>]*>")
#: A date further ahead than this is a publisher's clock or typo, not a scheduled story.
FUTURE_SLACK = timedelta(days=1)


@dataclass(slots=True)
class ParsedFeed:
    title: str | None
    entries: list[Entry]
    warnings: list[str] = field(default_factory=list)


def _hash(*parts: str | None) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update((part or "").encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return h.hexdigest()


def _date(entry: Any, now: datetime) -> str | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    when = datetime.fromtimestamp(calendar.timegm(parsed), UTC)
    return min(when, now + FUTURE_SLACK).isoformat()


def _content(entry: Any) -> str | None:
    """Full markup: content:encoded (RSS) or Atom content, the longest HTML part."""
    parts = [c.get("value", "") for c in entry.get("content", []) if c.get("value")]
    return max(parts, key=len) if parts else None


def entry_key(entry: Any, content: str | None) -> str:
    """GUID, else link, else a hash of title and content."""
    return (
        entry.get("id")
        or entry.get("link")
        or "sha256:" + _hash(entry.get("title"), content or entry.get("summary"))
    )


def to_entry(feed_url: str, raw: Any, now: datetime) -> Entry:
    content = _content(raw)
    summary = raw.get("summary")
    source = raw.get("source") or {}
    title = raw.get("title", "") or ""
    url = raw.get("link")
    published = _date(raw, now)
    author = raw.get("author")
    return Entry(
        feed=feed_url,
        entry_key=entry_key(raw, content),
        content_hash=_hash(title, url, author, published, content, summary),
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


def parse_feed(body: bytes, feed_url: str, *, max_entries: int = 500) -> ParsedFeed:
    """Parse a feed body. Ill-formed feeds still yield their entries, with a warning."""
    parsed = feedparser.parse(body, sanitize_html=False, resolve_relative_uris=True)
    warnings = []
    if parsed.get("bozo"):
        warnings.append(f"ill-formed feed: {parsed.get('bozo_exception')}")
    raw_entries = parsed.get("entries", [])
    if len(raw_entries) > max_entries:
        warnings.append(f"{len(raw_entries)} entries, only the first {max_entries} kept")
        raw_entries = raw_entries[:max_entries]
    now = datetime.now(UTC)
    entries = [to_entry(feed_url, e, now) for e in raw_entries]
    return ParsedFeed(parsed.get("feed", {}).get("title"), entries, warnings)
