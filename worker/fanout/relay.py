"""The outbox relay: publish committed outbox rows to one Redis Stream per subscription.

Exactly-once in the stream comes from explicit entry ids: every row is stamped with its
stream sequence in the database before it is published, and XADD with an id not above
the stream's top is refused by Redis itself. A relay that dies between XADD and marking
the row sent republishes the same ids next time; Redis rejects them and we mark them.
One relay publishes at a time (a Redis lock), so ids always arrive in order.
"""

from __future__ import annotations

import contextlib

import structlog
from redis import Redis
from redis.exceptions import LockError, ResponseError

from worker.store.repository import Store

log = structlog.get_logger(__name__)

LOCK_KEY = "ingest:lock:relay"
STREAM_PREFIX = "ingest:stream:"


def stream_key(subscription: str) -> str:
    return f"{STREAM_PREFIX}{subscription}"


def _already_there(error: Exception) -> bool:
    return isinstance(error, ResponseError) and "equal or smaller" in str(error)


def relay_once(store: Store, redis: Redis, *, maxlen: int, batch: int = 1000) -> int:
    """Publish up to `batch` pending events; returns how many were marked sent."""
    store.stamp_outbox(batch)
    events = store.stamped_unsent(batch)
    if not events:
        return 0
    pipe = redis.pipeline(transaction=False)
    for ev in events:
        pipe.xadd(
            stream_key(ev.subscription),
            {"event_id": ev.event_id, "type": ev.type, "payload": ev.payload},
            id=f"{ev.stream_seq}-0",
            maxlen=maxlen,
            approximate=True,
        )
    results = pipe.execute(raise_on_error=False)
    sent = []
    for ev, res in zip(events, results, strict=True):
        if isinstance(res, Exception) and not _already_there(res):
            # Keep order: nothing after a failed event in its stream may be published.
            log.error("relay.publish_failed", subscription=ev.subscription, error=str(res))
            break
        sent.append(ev.seq)
    store.mark_sent(sent)
    return len(sent)


def relay_pending(store: Store, redis: Redis, *, maxlen: int, lock_ttl: float = 60) -> int:
    """Drain the outbox while holding the relay lock; a busy lock means another relay runs."""
    lock = redis.lock(LOCK_KEY, timeout=lock_ttl, blocking=False)
    if not lock.acquire():
        return 0
    total = 0
    try:
        while n := relay_once(store, redis, maxlen=maxlen):
            total += n
            lock.extend(lock_ttl, replace_ttl=True)
    finally:
        with contextlib.suppress(LockError):  # expired meanwhile: nothing to release
            lock.release()
    if total:
        log.info("relay.published", events=total)
    return total
