"""OPML import and export of the feed list (with categories, as feed readers do)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path

from worker.poller.fetch import local_path

FeedSpec = tuple[str, str | None, str | None]  # (url, title, category)


def read_opml(path: Path) -> list[FeedSpec]:
    """Feeds in an OPML file; relative xmlUrls are taken relative to the file."""
    root = ET.parse(path).getroot()
    feeds: list[FeedSpec] = []

    def walk(node: ET.Element, category: str | None) -> None:
        for outline in node.findall("outline"):
            url = outline.get("xmlUrl")
            title = outline.get("title") or outline.get("text")
            if url:
                title = None if title == url else title  # untitled: exported with text=URL
                local = local_path(url)
                if local is not None and not local.is_absolute():
                    url = str((path.parent / local).resolve())
                feeds.append((url, title, category))
            else:
                walk(outline, title or category)

    body = root.find("body")
    if body is not None:
        walk(body, None)
    return feeds


def write_opml(feeds: Iterable[FeedSpec], title: str = "ingest-worker feeds") -> str:
    root = ET.Element("opml", version="2.0")
    ET.SubElement(ET.SubElement(root, "head"), "title").text = title
    body = ET.SubElement(root, "body")
    groups: dict[str | None, ET.Element] = {}
    for url, name, category in feeds:
        parent = body
        if category:
            if category not in groups:
                groups[category] = ET.SubElement(body, "outline", text=category, title=category)
            parent = groups[category]
        attrs = {"type": "rss", "xmlUrl": url, "text": name or url}
        if name:
            attrs["title"] = name
        ET.SubElement(parent, "outline", attrs)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")
