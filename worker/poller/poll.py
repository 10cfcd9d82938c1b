"""One polling pass: fetch claimed feeds concurrently, drop seen entries, enqueue the rest.

The enqueue function is a seam: the Celery producer in the services, a direct call to
the pipeline in `ingest process` and in tests.
"""

from __future__ import annotations

import asyncio
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlparse

import httpx
import structlog

from worker.poller.fetch import fetch
from worker.poller.parse import parse_feed
from worker.settings import Settings
from worker.store.repository import FeedRow, Store, utcnow

log = structlog.get_logger(__name__)

Enqueue = Callable[[str, list[dict]], None]
"""enqueue(feed_id, entries-as-dicts): hand one batch to the pipeline."""

MAX_BACKOFF = timedelta(hours=24)


@dataclass(slots=True)
class PollStats:
    feeds_polled: int = 0
    feeds_failed: int = 0
    not_modified: int = 0
    entries_new: int = 0
    entries_unchanged: int = 0
    batches: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: PollStats) -> None:
        for name in ("feeds_polled", "feeds_failed", "not_modified", "entries_new",
                     "entries_unchanged", "batches"):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors.extend(other.errors)


def next_poll(interval_s: int, error_count: int = 0) -> datetime:
    """Next attempt: the interval plus 0-25% jitter; after errors, doubling up to 24 h."""
    base = timedelta(seconds=interval_s)
    if error_count:
        base = min(base * (2 ** min(error_count, 16)), MAX_BACKOFF)
    return utcnow() + base * (1 + random.uniform(0, 0.25))


class Poller:
    """Fetches feeds with bounded concurrency, overall and per host."""

    def __init__(
        self, store: Store, client: httpx.AsyncClient, enqueue: Enqueue, settings: Settings
    ) -> None:
        self.store = store
        self.client = client
        self.enqueue = enqueue
        self.settings = settings
        self._all = asyncio.Semaphore(settings.fetch_concurrency)
        self._hosts: defaultdict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(2))

    async def poll(self, feeds: list[FeedRow]) -> PollStats:
        stats = PollStats()
        for outcome in await asyncio.gather(*(self._guarded(f) for f in feeds)):
            stats.add(outcome)
        return stats

    async def _guarded(self, feed: FeedRow) -> PollStats:
        host = urlparse(feed.url).hostname or "local"
        async with self._all, self._hosts[host]:
            try:
                return await self.poll_one(feed)
            except Exception as exc:  # one feed's bug must not stop the others
                log.exception("poll.crashed", feed=feed.url)
                return await self._failed(feed, f"internal error: {type(exc).__name__}: {exc}")

    async def _failed(self, feed: FeedRow, error: str) -> PollStats:
        await asyncio.to_thread(
            self.store.record_fetch,
            feed.id,
            ok=False,
            error=error,
            next_poll_at=next_poll(self.settings.poll_interval, feed.error_count + 1),
        )
        log.warning("poll.failed", feed=feed.url, error=error)
        return PollStats(feeds_polled=1, feeds_failed=1, errors=[f"{feed.url}: {error}"])

    async def poll_one(self, feed: FeedRow) -> PollStats:
        s = self.settings
        result = await fetch(
            self.client,
            feed.url,
            etag=feed.etag,
            last_modified=feed.last_modified,
            max_bytes=s.fetch_max_bytes,
        )
        if result.not_modified:
            await asyncio.to_thread(
                self.store.record_fetch, feed.id, ok=True, next_poll_at=next_poll(s.poll_interval)
            )
            log.info("poll.not_modified", feed=feed.url)
            return PollStats(feeds_polled=1, not_modified=1)
        if not result.ok:
            return await self._failed(feed, result.error or f"HTTP {result.status}")
        parsed = await asyncio.to_thread(
            parse_feed, result.body, feed.url, max_entries=s.max_entries_per_fetch
        )
        if not parsed.entries and parsed.warnings:
            return await self._failed(feed, f"unparseable: {parsed.warnings[0]}")
        seen = await asyncio.to_thread(
            self.store.seen_hashes, feed.id, [e.entry_key for e in parsed.entries]
        )
        fresh = [e for e in parsed.entries if seen.get(e.entry_key) != e.content_hash]
        batches = [fresh[i : i + s.batch_size] for i in range(0, len(fresh), s.batch_size)]
        for batch in batches:
            await asyncio.to_thread(self.enqueue, feed.id, [e.to_dict() for e in batch])
        # Validators are stored only after the entries are safely enqueued: a crash
        # before this point re-fetches the whole feed instead of losing entries.
        await asyncio.to_thread(
            self.store.record_fetch,
            feed.id,
            ok=True,
            etag=result.etag,
            last_modified=result.last_modified,
            title=parsed.title,
            next_poll_at=next_poll(s.poll_interval),
        )
        log.info(
            "poll.fetched",
            feed=feed.url,
            entries=len(parsed.entries),
            new=len(fresh),
            batches=len(batches),
            warnings=parsed.warnings or None,
        )
        return PollStats(
            feeds_polled=1,
            entries_new=len(fresh),
            entries_unchanged=len(parsed.entries) - len(fresh),
            batches=len(batches),
        )
