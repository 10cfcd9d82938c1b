"""OPML import and export of the feed list (with categories, as feed readers do).

Our per-feed option travels as a namespaced outline attribute (`ingest:fullArticle`), as
FreshRSS does with its `frss:` ones: OPML 2.0 allows attributes from other namespaces,
and readers that do not know ours simply ignore it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path

from worker.poller.fetch import local_path
from worker.store.feeds import FeedSpec, unpack

NAMESPACE = "urn:ingest-worker:opml"
FULL_ARTICLE = f"{{{NAMESPACE}}}fullArticle"
ET.register_namespace("ingest", NAMESPACE)


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
                full = outline.get(FULL_ARTICLE, "").strip().lower() == "true"
                feeds.append((url, title, category, True) if full else (url, title, category))
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
    for url, name, category, full_article in map(unpack, feeds):
        parent = body
        if category:
            if category not in groups:
                groups[category] = ET.SubElement(body, "outline", text=category, title=category)
            parent = groups[category]
        attrs = {"type": "rss", "xmlUrl": url, "text": name or url}
        if name:
            attrs["title"] = name
        if full_article:
            attrs[FULL_ARTICLE] = "true"
        ET.SubElement(parent, "outline", attrs)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")
