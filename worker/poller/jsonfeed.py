"""JSON Feed 1.0/1.1 (feedparser reads only XML): the same shape feedparser gives.

Items become dicts with feedparser's keys (`id`, `link`, `title`, `content`, `summary`,
`author`, dates as `datetime`), so parse.py turns both kinds of feed into entries with
one function.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

MIME_TYPES = ("application/feed+json", "application/json")


def looks_like_json_feed(body: bytes, content_type: str | None) -> bool:
    if content_type and content_type.split(";")[0].strip().lower() in MIME_TYPES:
        return True
    return body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def _when(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _author(item: dict, feed: dict) -> str | None:
    authors = item.get("authors") or [item.get("author") or {}]
    authors = authors if authors != [{}] else feed.get("authors") or [feed.get("author") or {}]
    names = [a.get("name") for a in authors if isinstance(a, dict) and a.get("name")]
    return ", ".join(names) or None


def _item(item: dict, feed: dict) -> dict[str, Any]:
    ident = item.get("id")
    content = item.get("content_html") or item.get("content_text")
    return {
        "id": str(ident) if ident not in (None, "") else None,
        "link": item.get("url") or item.get("external_url"),
        "title": item.get("title") or "",
        "content": [{"value": content}] if content else [],
        "summary": item.get("summary"),
        "author": _author(item, feed),
        "published": _when(item.get("date_published")) or _when(item.get("date_modified")),
    }


def parse_json_feed(body: bytes) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(feed fields, items) of a JSON Feed; ValueError if it is not one."""
    try:
        doc = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not JSON: {exc}") from exc
    if not isinstance(doc, dict) or "jsonfeed.org/version" not in str(doc.get("version", "")):
        raise ValueError("not a JSON Feed (no jsonfeed.org version)")
    items = [i for i in doc.get("items") or [] if isinstance(i, dict)]
    links = [{"rel": "hub", "href": h["url"]} for h in doc.get("hubs") or [] if h.get("url")]
    if doc.get("feed_url"):
        links.append({"rel": "self", "href": doc["feed_url"]})
    feed = {"title": doc.get("title"), "links": links}
    return feed, [_item(i, doc) for i in items]
