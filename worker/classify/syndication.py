"""Syndication found by matching text: a copy of an earlier item from another publisher.

The cleaner already marks an item syndicated when its attribution names another source
(worker/clean/syndication.py). Many republishers give no attribution at all; the text
then gives them away, once the linking step has found the earlier item it copies.
"""

from __future__ import annotations

from worker.clean.sanitize import host_of
from worker.record import ItemRecord


def publisher_host(record: ItemRecord) -> str:
    """The publisher of an item, as the host of the feed it came from."""
    return host_of(record.feed)


def mark_copy(record: ItemRecord, original_host: str, original: ItemRecord | None) -> None:
    """`record` copies an earlier item from `original_host` (its record if stored).

    A copy from the same host is the publisher repeating itself (two of its feeds), not
    syndication. The canonical URL comes from the attribution when the cleaner found one;
    else it is the earliest copy's: its own canonical URL if it is itself syndicated.
    """
    if original_host == publisher_host(record):
        return
    syndication = record.syndication
    syndication.is_syndicated = True
    if syndication.canonical_url is None and original is not None:
        syndication.canonical_url = original.syndication.canonical_url or original.url
