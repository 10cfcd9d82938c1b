"""Titles: the aggregator's " - publisher" suffix comes off and becomes the publisher.

Google News (and the autoblogs that copy it) append " - bbc.com" or " - BBC News"; we only
strip a suffix that is the entry's <source> title or looks like a domain, so a headline
such as "Ceasefire - what we know" keeps its dash.
"""

from __future__ import annotations

import re

from worker.clean.sanitize import normalize_text

_SUFFIX = re.compile(r"^(?P<title>.+)\s[-–—|]\s(?P<pub>\S.{0,79})$")  # greedy: last dash
MAX_TITLE_CHARS = 2_000  # a longer "title" is a broken feed; keep the record bounded
_DOMAIN = re.compile(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}$", re.IGNORECASE)


def split_title(title: str, source_title: str | None) -> tuple[str, str | None]:
    """(clean title, publisher named by its suffix or None)."""
    title = " ".join(normalize_text(title[:MAX_TITLE_CHARS]).split())
    match = _SUFFIX.match(title)
    if match:
        pub = match.group("pub").strip()
        named = source_title and pub.casefold() == " ".join(source_title.split()).casefold()
        if named or _DOMAIN.match(pub):
            return match.group("title").strip(), pub
    return title, None
