"""The poller's persistence: feeds, their schedule and leases, and entry identity.

`Store` delegates its feed methods here so that the poller's tables have one owner.
Fetch outcomes are written in batches (one transaction per polling pass) because at
scale almost every fetch is a 304 whose only effect is a new `next_poll_at`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, bindparam, delete, func, or_, select, update

from worker.store import tables as t
from worker.store.repository import _chunks, as_utc, feed_id_for, utcnow

if TYPE_CHECKING:
    from worker.store.repository import Store

FeedSpec = tuple[str, str | None, str | None] | tuple[str, str | None, str | None, bool]
"""(url, title, category[, full_article]): the option trails only when given, so a plain
feed stays the (url, title, category) triple that OPML and older callers use."""


def unpack(spec: FeedSpec) -> tuple[str, str | None, str | None, bool]:
    """(url, title, category, full_article) of a spec, the option false when absent."""
    url, title, category, *option = spec
    return url, title, category, bool(option and option[0])


@dataclass(slots=True)
class FeedRow:
    """A feed as the poller and `ingest feeds list` see it."""

    id: str
    url: str
    title: str | None
    category: str | None
    enabled: bool
    status: str  # new|ok|error|dead|disabled
    etag: str | None
    last_modified: str | None
    interval_s: int | None
    next_poll_at: datetime | None
    last_polled_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    error_count: int  # consecutive failed fetches
    soft_errors: int  # of which soft (timeouts, 5xx, DNS, 429)...
    hard_errors: int  # ...and hard (other 4xx, unparseable)
    failing_since: datetime | None
    retry_after_until: datetime | None
    last_warning: str | None
    fetch_url: str | None
    redirect_url: str | None
    redirect_seen: int
    min_interval_s: int | None
    max_interval_s: int | None
    key_mode: str
    websub_hub: str | None
    websub_topic: str | None
    websub_secret: str | None
    websub_state: str | None
    websub_expires_at: datetime | None
    full_article: bool  # fetch each new entry's linked page (worker/poller/article.py)

    @property
    def location(self) -> str:
        """Where the feed is fetched from: its confirmed new home, or its URL."""
        return self.fetch_url or self.url

    @classmethod
    def from_row(cls, row: Any) -> FeedRow:
        m = row._mapping
        values = {f.name: m[f.name] for f in fields(cls)}
        for name, value in values.items():
            if isinstance(value, datetime):
                values[name] = as_utc(value)
        values["enabled"] = bool(values["enabled"])
        return cls(**values)


class FeedStore:
    """Feed reads and writes over the store's engine."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.engine = store.engine

    def add(self, feeds: Iterable[FeedSpec]) -> int:
        """Add the feeds that are not there yet (an existing feed keeps its settings);
        returns how many were added."""
        now = utcnow()
        rows = [
            {
                "id": feed_id_for(url),
                "url": url,
                "title": title,
                "category": category,
                "full_article": full_article,
                "enabled": True,
                "status": "new",
                "error_count": 0,
                "next_poll_at": now,
                "created_at": now,
            }
            for url, title, category, full_article in map(unpack, feeds)
        ]
        with self.engine.begin() as conn:
            before = conn.scalar(select(func.count()).select_from(t.feeds))
            self.store.insert_ignore(conn, t.feeds, rows, ["url"])
            after = conn.scalar(select(func.count()).select_from(t.feeds))
        return int(after - before)

    def list(self) -> list[FeedRow]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.feeds).order_by(t.feeds.c.url)).all()
        return [FeedRow.from_row(r) for r in rows]

    def get(self, id_or_url: str) -> FeedRow | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.feeds).where(_named(id_or_url))).first()
        return FeedRow.from_row(row) if row else None

    def remove(self, id_or_url: str) -> bool:
        with self.engine.begin() as conn:
            ids = conn.scalars(select(t.feeds.c.id).where(_named(id_or_url))).all()
            conn.execute(delete(t.feed_identities).where(t.feed_identities.c.feed_id.in_(ids)))
            conn.execute(delete(t.feeds).where(t.feeds.c.id.in_(ids)))
        return bool(ids)

    def update(self, feed_id: str, **values: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(t.feeds).where(t.feeds.c.id == feed_id).values(**values))

    def claim(self, *, due_only: bool, lease: timedelta, limit: int | None) -> list[FeedRow]:
        """Lease enabled feeds, most overdue first, in one atomic UPDATE … RETURNING.

        Due order means no feed starves; the lease means no other poller fetches a
        claimed feed until its outcome is recorded or the lease runs out (a crashed
        poller's feeds come back then). Without `due_only` (`ingest run --once`) every
        feed is taken except those waiting out a Retry-After and dead ones not yet due
        for their weekly probe.
        """
        now = utcnow()
        c = t.feeds.c
        cond = and_(
            c.enabled.is_(True),
            or_(c.lease_until.is_(None), c.lease_until < now),
            or_(c.retry_after_until.is_(None), c.retry_after_until <= now),
        )
        due = or_(c.next_poll_at.is_(None), c.next_poll_at <= now)
        cond = and_(cond, due if due_only else or_(c.status != "dead", due))
        pick = select(c.id).where(cond).order_by(c.next_poll_at.asc().nulls_first()).limit(limit)
        if self.store.dialect == "postgresql":
            pick = pick.with_for_update(skip_locked=True)
        stmt = (
            update(t.feeds)
            .where(c.id.in_(pick.scalar_subquery()), cond)
            .values(lease_until=now + lease)
            .returning(*t.feeds.c)
        )
        with self.engine.begin() as conn:
            rows = conn.execute(stmt).all()
        return sorted((FeedRow.from_row(r) for r in rows), key=_due_order)

    def record(self, changes: Sequence[dict[str, Any]]) -> None:
        """Write fetch outcomes ({"id", column: value…}) and release their leases.

        Changes with the same columns go in one executemany, all in one transaction.
        """
        groups: defaultdict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
        for change in changes:
            values = {**change, "lease_until": None}
            groups[tuple(sorted(values))].append(values)
        with self.engine.begin() as conn:
            for columns, rows in groups.items():
                names = [n for n in columns if n != "id"]
                stmt = (
                    update(t.feeds)
                    .where(t.feeds.c.id == bindparam("b_id"))
                    .values({n: bindparam(f"b_{n}") for n in names})
                )
                conn.execute(stmt, [{f"b_{k}": v for k, v in row.items()} for row in rows])

    def seen_hashes(self, feed_id: str, keys: Sequence[str]) -> dict[str, str]:
        """Content hashes already stored for these entry keys (one query per 500 keys)."""
        found: dict[str, str] = {}
        s = t.seen_entries.c
        with self.engine.connect() as conn:
            for chunk in _chunks(list(keys), 500):
                rows = conn.execute(
                    select(s.entry_key, s.content_hash).where(
                        s.feed_id == feed_id, s.entry_key.in_(chunk)
                    )
                )
                found.update({k: h for k, h in rows})
        return found

    def links(self, feed_id: str) -> dict[str, str]:
        """The link -> GUID pairs of the feed's previous fetch (empty the first time)."""
        with self.engine.connect() as conn:
            raw = conn.scalar(
                select(t.feed_identities.c.links).where(t.feed_identities.c.feed_id == feed_id)
            )
        return json.loads(raw) if raw else {}

    def save_links(self, feed_id: str, links: dict[str, str]) -> None:
        row = {"feed_id": feed_id, "links": json.dumps(links), "updated_at": utcnow()}
        stmt = self.store.insert(t.feed_identities)
        with self.engine.begin() as conn:
            conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=["feed_id"],
                    set_={"links": stmt.excluded.links, "updated_at": stmt.excluded.updated_at},
                ),
                row,
            )


def _named(id_or_url: str) -> Any:
    return or_(t.feeds.c.id == id_or_url, t.feeds.c.url == id_or_url)


def _due_order(feed: FeedRow) -> tuple[bool, datetime]:
    return (feed.next_poll_at is not None, feed.next_poll_at or datetime.min)
