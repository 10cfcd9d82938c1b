"""Entry identity: which key names an entry, and when a feed's GUIDs cannot be trusted.

An entry's key makes its item id, so a key that changes makes a new item every fetch
and a key shared by two entries merges them. A feed starts in `guid` mode; when its
GUIDs are mostly missing, repeated within one fetch, or churning (the same links come
back under new GUIDs on the next fetch), it moves to `link` mode, and to `content` mode
(a hash of title and body) when its links are no better. The mode only ever moves down
that ladder, and is stored per feed, so a feed does not flap between keys.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

from worker.record import Entry

GUID = "guid"
LINK = "link"
CONTENT = "content"
LADDER = (GUID, LINK, CONTENT)


def digest(*parts: str | None) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update((part or "").encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return h.hexdigest()


def key_for(mode: str, guid: str | None, entry: Entry) -> str:
    """The entry's key in `mode`; a missing GUID or link falls through to the next rung."""
    if mode == GUID and guid:
        return guid
    if mode in (GUID, LINK) and entry.url:
        return entry.url
    return "sha256:" + digest(entry.title, entry.content_html or entry.summary)


def unusable(values: Sequence[str | None]) -> str | None:
    """Why these per-entry ids cannot be keys: mostly missing, or repeated."""
    present = [v for v in values if v]
    if len(present) * 2 < len(values):
        return "missing"
    if len(set(present)) < len(present):
        return "repeated"
    return None


def churning(
    guids: Sequence[str | None], links: Sequence[str | None], previous: Mapping[str, str]
) -> bool:
    """Most links seen last time came back under new GUIDs (at least two of them)."""
    common = [(g, link) for g, link in zip(guids, links, strict=True) if link in previous]
    changed = sum(1 for g, link in common if g != previous[link])
    return changed >= 2 and changed * 2 > len(common)


def next_mode(
    mode: str,
    guids: Sequence[str | None],
    links: Sequence[str | None],
    previous: Mapping[str, str],
) -> tuple[str, str | None]:
    """The feed's key mode after this fetch, and why it moved (None if it did not)."""
    if mode == GUID:
        why = unusable(guids) or ("churning" if churning(guids, links, previous) else None)
        if why is None:
            return mode, None
        mode, reason = LINK, f"GUIDs {why}"
    else:
        reason = None
    if mode == LINK and (why := unusable(links)):
        return CONTENT, (reason + "; " if reason else "") + f"links {why}"
    return mode, reason


def link_snapshot(guids: Sequence[str | None], links: Sequence[str | None]) -> dict[str, str]:
    """What the next fetch compares against to see churn: link -> GUID."""
    return {link: g for g, link in zip(guids, links, strict=True) if g and link}
