"""One polling pass: fetch claimed feeds politely, drop seen entries, enqueue the rest.

The enqueue function is a seam: the Celery producer in the services, a direct call to
the pipeline in tests. What each fetch means for its feed (schedule, errors, redirects,
key mode) is computed here as a plain dict of column values; a pass writes them all in
one transaction at its end, which is what lets one poller keep up with thousands of
feeds that answer 304.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlparse

import httpx
import structlog

from worker.poller import errors, schedule, websub
from worker.poller.article import Articles
from worker.poller.fetch import FetchResult, client_for, fetch
from worker.poller.identity import link_snapshot, next_mode
from worker.poller.parse import ParsedFeed, parse_feed, published_at
from worker.poller.politeness import HostGate
from worker.record import Entry
from worker.settings import Settings
from worker.store.feeds import FeedRow
from worker.store.repository import Store, utcnow

log = structlog.get_logger(__name__)

Enqueue = Callable[[str, list[dict]], None]
"""enqueue(feed_id, entries-as-dicts): hand one batch to the pipeline."""

Change = dict[str, Any]
"""Column values to write to one feed row (with its "id")."""


@dataclass(slots=True)
class PollStats:
    feeds_polled: int = 0
    feeds_failed: int = 0
    not_modified: int = 0
    deferred: int = 0
    entries_new: int = 0
    entries_unchanged: int = 0
    batches: int = 0
    articles_fetched: int = 0  # full articles that replaced the feed's content...
    articles_failed: int = 0  # ...and those that fell back to it (the reason is on the item)
    errors: list[str] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)  # HTTP status of each fetch (0: none)

    def add(self, other: PollStats) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


def gate_for(settings: Settings) -> HostGate:
    """Per-host politeness as the settings describe it."""
    return HostGate(settings.host_concurrency, settings.host_rate, settings.host_burst)


def bounds_for(feed: FeedRow, settings: Settings) -> schedule.Bounds:
    return schedule.Bounds(
        feed.min_interval_s or settings.poll_min_interval,
        feed.max_interval_s or settings.poll_max_interval,
    )


def redirect_change(feed: FeedRow, result: FetchResult, confirmations: int) -> Change:
    """Adopt a permanent redirect once it has led to the same place on N polls in a row.

    A one-off 301 (a misconfigured server, a captive portal) moves nothing; any other
    answer in between restarts the count. Only answered fetches (200/304) count.
    """
    if result.status not in (200, 304):
        return {}
    target = result.moved_to
    if target is None:
        return {"redirect_url": None, "redirect_seen": 0} if feed.redirect_url else {}
    seen = feed.redirect_seen + 1 if target == feed.redirect_url else 1
    if seen < confirmations:
        return {"redirect_url": target, "redirect_seen": seen}
    log.info("poll.moved", feed=feed.url, to=target, after=seen)
    return {
        "fetch_url": None if target == feed.url else target,
        "redirect_url": None,
        "redirect_seen": 0,
    }


def failure_change(
    feed: FeedRow,
    error: str,
    kind: str,
    now: datetime,
    settings: Settings,
    retry_after: timedelta | None = None,
) -> Change:
    """Count the failure by kind; back off (or wait out Retry-After); dead after 30 days."""
    failing_since = feed.failing_since or now
    dead = errors.is_dead(failing_since, now)
    interval = feed.interval_s or settings.poll_interval
    delay = errors.backoff(max(interval, bounds_for(feed, settings).min_s), feed.error_count + 1)
    change: Change = {
        "status": "dead" if dead else "error",
        "last_error": error[:2000],
        "last_error_at": now,
        "error_count": feed.error_count + 1,
        "soft_errors": feed.soft_errors + (kind == errors.SOFT),
        "hard_errors": feed.hard_errors + (kind == errors.HARD),
        "failing_since": failing_since,
        "retry_after_until": now + retry_after if retry_after else None,
    }
    if dead:
        delay = errors.DEAD_PROBE
    elif retry_after is not None:
        delay = retry_after
    change["next_poll_at"] = schedule.jittered(now, delay.total_seconds())
    return change


def success_change(feed: FeedRow, now: datetime, interval_s: int) -> Change:
    return {
        "status": "ok",
        "last_success_at": now,
        "error_count": 0,
        "soft_errors": 0,
        "hard_errors": 0,
        "failing_since": None,
        "retry_after_until": None,
        "interval_s": interval_s,
        "next_poll_at": schedule.jittered(now, interval_s),
    }


class Ingestor:
    """A feed body in, fresh entries enqueued: shared by polling and WebSub pushes.

    `articles` fetches full articles with the poller's client and host budget; without
    it (a WebSub push) a full-article feed's entries get a client of their own.
    """

    def __init__(
        self,
        store: Store,
        enqueue: Enqueue,
        settings: Settings,
        articles: Articles | None = None,
    ) -> None:
        self.store = store
        self.enqueue = enqueue
        self.settings = settings
        self.articles = articles

    async def ingest(
        self, feed: FeedRow, body: bytes, content_type: str | None
    ) -> tuple[Change, PollStats, ParsedFeed]:
        """Parse, key, drop what was seen unchanged, enqueue. Returns (change, stats, parsed).

        A change of key mode is persisted in the change; so is the parser's warning.
        """
        s = self.settings
        parsed = await asyncio.to_thread(
            parse_feed,
            body,
            feed.url,
            max_entries=s.max_entries_per_fetch,
            key_mode=feed.key_mode,
            content_type=content_type,
        )
        if parsed.unparseable:
            raise Unparseable(parsed.warnings[0])
        previous = await asyncio.to_thread(self.store.feeds.links, feed.id)
        mode, why = next_mode(feed.key_mode, parsed.guids, parsed.links, previous)
        change: Change = {"last_warning": "; ".join(parsed.warnings) or None}
        if parsed.title:
            change["title"] = parsed.title
        if mode != feed.key_mode:
            parsed.rekey(mode)
            change["key_mode"] = mode
            log.warning("poll.key_mode", feed=feed.url, mode=mode, reason=why)
        snapshot = link_snapshot(parsed.guids, parsed.links)
        if snapshot != previous:
            await asyncio.to_thread(self.store.feeds.save_links, feed.id, snapshot)
        entries = list({e.entry_key: e for e in parsed.entries}.values())
        seen = await asyncio.to_thread(
            self.store.feeds.seen_hashes, feed.id, [e.entry_key for e in entries]
        )
        fresh = [e for e in entries if seen.get(e.entry_key) != e.content_hash]
        failed = await self._full_articles(feed, fresh) if feed.full_article and fresh else 0
        size = s.batch_size
        batches = [fresh[i : i + size] for i in range(0, len(fresh), size)]
        for batch in batches:
            await asyncio.to_thread(self.enqueue, feed.id, [e.to_dict() for e in batch])
        log.info(
            "poll.fetched",
            feed=feed.url,
            entries=len(entries),
            new=len(fresh),
            batches=len(batches),
            articles_failed=failed or None,
            warnings=parsed.warnings or None,
        )
        stats = PollStats(
            entries_new=len(fresh),
            entries_unchanged=len(entries) - len(fresh),
            batches=len(batches),
            articles_fetched=(len(fresh) - failed) if feed.full_article else 0,
            articles_failed=failed,
        )
        return change, stats, parsed

    async def _full_articles(self, feed: FeedRow, entries: list[Entry]) -> int:
        """Swap in the entries' full articles before they are enqueued; how many failed."""
        if self.articles is not None:
            return await self.articles.enrich(feed.url, entries)
        async with client_for(self.settings) as client:
            articles = Articles(client, self.settings, gate_for(self.settings))
            return await articles.enrich(feed.url, entries)


class Unparseable(Exception):
    """A body with no entries that the parser could not read: a hard error."""


class Poller:
    """Fetches feeds with bounded concurrency, overall and per host (politeness.py)."""

    def __init__(
        self,
        store: Store,
        client: httpx.AsyncClient,
        enqueue: Enqueue,
        settings: Settings,
        gate: HostGate | None = None,
    ) -> None:
        self.store = store
        self.client = client
        self.settings = settings
        self.gate = gate or gate_for(settings)
        self.ingestor = Ingestor(store, enqueue, settings, Articles(client, settings, self.gate))
        self._all = asyncio.Semaphore(settings.fetch_concurrency)

    async def poll(self, feeds: list[FeedRow]) -> PollStats:
        """Poll these (claimed) feeds; record every outcome and release the leases."""
        results = await asyncio.gather(*(self._polite(f) for f in feeds))
        stats = PollStats()
        changes = []
        for change, outcome in results:
            stats.add(outcome)
            changes.append(change)
        await asyncio.to_thread(self.store.feeds.record, changes)
        return stats

    async def _polite(self, feed: FeedRow) -> tuple[Change, PollStats]:
        host = urlparse(feed.location).hostname or "local"
        wait = self.gate.admit(host)
        if wait:  # over the host's budget: later, and not an error
            later = {"id": feed.id, "next_poll_at": utcnow() + timedelta(seconds=wait)}
            return later, PollStats(deferred=1)
        s = self.settings
        async with self.gate.slot(host), self._all:
            now = utcnow()
            result = await fetch(
                self.client,
                feed.location,
                etag=feed.etag,
                last_modified=feed.last_modified,
                max_bytes=s.fetch_max_bytes,
                total_timeout=s.fetch_total_timeout,
            )
            try:
                change, stats = await self.outcome(feed, result, now)
            except Exception as exc:  # one feed's bug must not stop the others
                log.exception("poll.crashed", feed=feed.url)
                error = f"internal error: {type(exc).__name__}: {exc}"
                change = failure_change(feed, error, errors.HARD, now, s)
                stats = PollStats(feeds_failed=1, errors=[f"{feed.url}: {error}"])
        stats.feeds_polled = 1
        stats.statuses.append(result.status)
        return {"id": feed.id, "last_polled_at": now, **change}, stats

    async def outcome(
        self, feed: FeedRow, result: FetchResult, now: datetime
    ) -> tuple[Change, PollStats]:
        """What this fetch means for the feed, and the entries it brought (enqueued)."""
        s = self.settings
        change = redirect_change(feed, result, s.redirect_confirmations)
        bounds = bounds_for(feed, s)
        hint = schedule.header_hint(result.headers, now)
        if result.status == 410:
            log.warning("poll.gone", feed=feed.url)
            return {
                **change,
                "enabled": False,
                "status": "disabled",
                "next_poll_at": None,
                "last_error": "HTTP 410 Gone: feed disabled",
                "last_error_at": now,
            }, PollStats(feeds_failed=1, errors=[f"{feed.url}: HTTP 410 Gone"])
        if result.not_modified:
            interval = schedule.lengthen(feed.interval_s or s.poll_interval, [hint], bounds)
            log.info("poll.not_modified", feed=feed.url)
            return {
                **change,
                **success_change(feed, now, self._websub_interval(feed, interval, bounds, now)),
            }, PollStats(not_modified=1)
        if not result.ok:
            return self._failed(
                feed,
                result.error or f"HTTP {result.status}",
                result.error_kind or errors.HARD,
                now,
                change,
                result,
            )
        try:
            found, stats, parsed = await self.ingestor.ingest(
                feed, result.body, result.headers.get("content-type")
            )
        except Unparseable as exc:
            return self._failed(feed, f"unparseable: {exc}", errors.HARD, now, change, result)
        base = schedule.entry_interval(
            filter(None, map(published_at, parsed.entries)),
            now,
            default_s=s.poll_interval,
            bounds=bounds,
        )
        interval = schedule.lengthen(base, [schedule.feed_hint(parsed.channel), hint], bounds)
        found.update(await self._websub(feed, parsed, result, now))
        interval = self._websub_interval(feed, interval, bounds, now, found)
        found.update(etag=result.etag, last_modified=result.last_modified)
        # Validators are stored only after the entries are safely enqueued: a crash
        # before this point re-fetches the whole feed instead of losing entries.
        return {**change, **found, **success_change(feed, now, interval)}, stats

    def _failed(
        self,
        feed: FeedRow,
        error: str,
        kind: str,
        now: datetime,
        change: Change,
        result: FetchResult,
    ) -> tuple[Change, PollStats]:
        wait = None
        if result.status in (429, 503):
            wait = errors.retry_after(result.headers.get("retry-after"), now)
        log.warning("poll.failed", feed=feed.url, error=error, kind=kind, retry_after=wait)
        failed = failure_change(feed, error, kind, now, self.settings, wait)
        return {**change, **failed}, PollStats(feeds_failed=1, errors=[f"{feed.url}: {error}"])

    async def _websub(
        self, feed: FeedRow, parsed: ParsedFeed, result: FetchResult, now: datetime
    ) -> Change:
        callback = self.settings.websub_callback_url
        hub, topic = websub.discover(parsed, result.headers, feed.location)
        if not (callback and hub) or not websub.due_for_subscription(feed, hub, now):
            return {}
        return await websub.subscribe(self.client, feed, hub, topic, callback, now)

    @staticmethod
    def _websub_interval(
        feed: FeedRow,
        interval: int,
        bounds: schedule.Bounds,
        now: datetime,
        change: Change | None = None,
    ) -> int:
        """While a hub pushes, polling is only the safety net: the longest interval."""
        state = (change or {}).get("websub_state", feed.websub_state)
        expires = (change or {}).get("websub_expires_at", feed.websub_expires_at)
        active = state == websub.ACTIVE and expires is not None and expires > now
        return bounds.max_s if active else interval
