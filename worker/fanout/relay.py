"""The outbox relay: publish committed outbox rows to one Redis Stream per subscription,
and schedule the webhook deliveries of subscriptions that have one.

Exactly-once in the stream comes from explicit entry ids: every row is stamped with its
stream sequence in the database before it is published, and XADD with an id not above
the stream's top is refused by Redis itself. A relay that dies between XADD and marking
the row sent republishes the same ids next time; Redis rejects them and we mark them.
One relay publishes at a time (a Redis lock), so ids always arrive in order.
"""

from __future__ import annotations

import contextlib
import time
from typing import NamedTuple

import structlog
from redis import Redis
from redis.exceptions import LockError, ResponseError

from worker.fanout.subscriptions import Subscriptions
from worker.monitor.telemetry import count_stage
from worker.store.repository import Store

log = structlog.get_logger(__name__)

LOCK_KEY = "ingest:lock:relay"
STREAM_PREFIX = "ingest:stream:"


def stream_key(subscription: str) -> str:
    return f"{STREAM_PREFIX}{subscription}"


def _already_there(error: Exception) -> bool:
    return isinstance(error, ResponseError) and "equal or smaller" in str(error)


def relay_once(
    store: Store, redis: Redis, subs: Subscriptions, *, maxlen: int, batch: int = 1000
) -> tuple[int, int]:
    """Publish up to `batch` pending events; returns (marked sent, webhooks scheduled).

    A subscription missing from the current file (removed since its rows were written)
    still gets its stream events: the outbox is never dropped silently.
    """
    store.stamp_outbox(batch)
    events = store.stamped_unsent(batch)
    if not events:
        return 0, 0
    targets = {ev.subscription: subs.get(ev.subscription) for ev in events}
    streamed = [ev for ev in events if targets[ev.subscription] is None
                or targets[ev.subscription].stream]  # fmt: skip
    pipe = redis.pipeline(transaction=False)
    for ev in streamed:
        pipe.xadd(
            stream_key(ev.subscription),
            {"event_id": ev.event_id, "type": ev.type, "payload": ev.payload},
            id=f"{ev.stream_seq}-0",
            maxlen=maxlen,
            approximate=True,
        )
    results = dict(zip((ev.seq for ev in streamed), pipe.execute(raise_on_error=False),
                       strict=True))  # fmt: skip
    sent, hooks = [], []
    for ev in events:
        res = results.get(ev.seq)
        if isinstance(res, Exception) and not _already_there(res):
            # Keep order: nothing after a failed event may be marked or published.
            log.error("relay.publish_failed", subscription=ev.subscription, error=str(res))
            break
        sent.append(ev.seq)
        target = targets[ev.subscription]
        if target is not None and target.webhook is not None:
            hooks.append((ev.event_id, ev.subscription, ev.payload))
    store.mark_sent(sent, hooks)
    return len(sent), len(hooks)


class Relayed(NamedTuple):
    """What one relay run did, and whether the outbox wants another run soon."""

    sent: int = 0
    hooks: int = 0
    more: bool = False  # the time budget ran out with a full batch just published
    busy: bool = False  # another relay held the lock: nothing was read


def relay_pending(
    store: Store,
    redis: Redis,
    subs: Subscriptions,
    *,
    maxlen: int,
    lock_ttl: float = 30,
    batch: int = 1000,
    budget_s: float | None = None,
) -> Relayed:
    """Drain the outbox while holding the relay lock; a busy lock means another relay runs.

    A batch short of `batch` events means the outbox was drained (or a publish failed,
    which the next run retries): no further round just to find it empty. With a time
    budget it stops after the batch that spends it (whatever is left stays in the outbox
    for the next relay), so a task never runs into its time limit.
    """
    lock = redis.lock(LOCK_KEY, timeout=lock_ttl, blocking=False)
    if not lock.acquire():
        return Relayed(busy=True)
    sent = hooks = 0
    more = False
    deadline = None if budget_s is None else time.monotonic() + budget_s
    try:
        while True:
            n, h = relay_once(store, redis, subs, maxlen=maxlen, batch=batch)
            sent, hooks = sent + n, hooks + h
            if n < batch:
                break
            lock.extend(lock_ttl, replace_ttl=True)
            if deadline is not None and time.monotonic() >= deadline:
                more = True
                break
    finally:
        with contextlib.suppress(LockError):  # expired meanwhile: nothing to release
            lock.release()
    if sent:
        count_stage(redis, "published", sent)
        log.info("relay.published", events=sent, webhooks_scheduled=hooks)
    return Relayed(sent, hooks, more)
