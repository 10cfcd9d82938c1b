"""Feed documents for tests, written out in full so each test shows what it serves."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime


def item(
    n: int,
    *,
    guid: str | None = "auto",
    link: str | None = "auto",
    title: str = "",
    body: str = "",
    age: timedelta = timedelta(hours=1),
) -> str:
    """One RSS <item>; `guid`/`link` "auto" derive from n, None leaves them out."""
    parts = [f"<title>{title or f'Story {n}'}</title>"]
    if link:
        parts.append(f"<link>{f'https://news.example/{n}' if link == 'auto' else link}</link>")
    if guid:
        parts.append(f'<guid isPermaLink="false">{f"id-{n}" if guid == "auto" else guid}</guid>')
    parts.append(f"<description>{body or f'Body of story {n}.'}</description>")
    parts.append(f"<pubDate>{format_datetime(datetime.now(UTC) - age, usegmt=True)}</pubDate>")
    return "<item>" + "".join(parts) + "</item>"


def rss(*items: str, channel: str = "", encoding: str = "utf-8") -> bytes:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>'
        '<rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"'
        ' xmlns:atom="http://www.w3.org/2005/Atom">'
        f"<channel><title>Test feed</title><link>https://news.example/</link>{channel}"
        + "".join(items)
        + "</channel></rss>"
    ).encode(encoding, "xmlcharrefreplace")


def json_feed(*items: dict, hubs: list[str] = ()) -> bytes:
    return json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "JSON test feed",
            "hubs": [{"type": "WebSub", "url": h} for h in hubs],
            "items": list(items),
        }
    ).encode()
