"""`ingest process`: the whole pipeline, synchronously, over feeds given on the command line.

No broker and no worker: the same fetch, parse and pipeline functions the services use,
called in order, against the store the caller hands in (a throw-away one for the CLI).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

from worker.classify.neardup import MemoryNearDupIndex
from worker.pipeline import process_entries
from worker.poller.fetch import FetchResult, client_for, fetch, local_path
from worker.poller.parse import parse_feed
from worker.record import ItemRecord
from worker.settings import Settings
from worker.store.repository import Store, feed_id_for


def feed_url(arg: str) -> str:
    """A local path is named by its absolute path, so its ids match the running system's."""
    path = local_path(arg)
    return str(path.resolve()) if path is not None else arg


async def _fetch(settings: Settings, url: str) -> FetchResult:
    async with client_for(settings) as client:
        return await fetch(
            client,
            url,
            etag=None,
            last_modified=None,
            max_bytes=settings.fetch_max_bytes,
            total_timeout=settings.fetch_total_timeout,
        )


def process_feeds(settings: Settings, feeds: list[str]) -> Iterator[ItemRecord]:
    """Yield the records made from each feed's entries, feed by feed, entry by entry."""
    store = Store(settings.database)
    store.migrate()
    # The near-duplicate index lives as long as the throw-away store: this call only.
    near_dups = MemoryNearDupIndex()
    try:
        for arg in feeds:
            url = feed_url(arg)
            result = asyncio.run(_fetch(settings, url))
            if not result.ok:
                raise RuntimeError(f"{arg}: {result.error or f'HTTP {result.status}'}")
            parsed = parse_feed(result.body, url, max_entries=settings.max_entries_per_fetch)
            store.add_feeds([(url, parsed.title, None)])
            saved = process_entries(
                store, lambda _r: (), feed_id_for(url), parsed.entries, near_dups
            )
            by_id = {r.id: r for r in saved.records}
            for entry in parsed.entries:
                if entry.item_id in by_id:
                    yield by_id.pop(entry.item_id)
    finally:
        store.dispose()
