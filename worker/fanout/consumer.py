"""Reading a subscription's stream as a consumer-group member (`ingest notifications tail`)."""

from __future__ import annotations

from collections.abc import Iterator

from redis import Redis
from redis.exceptions import ResponseError

from worker.fanout.relay import stream_key

#: Entries pending longer than this in a dead consumer are claimed by the next reader.
STALE_MS = 60_000


def ensure_group(redis: Redis, stream: str, group: str, *, from_start: bool) -> None:
    try:
        redis.xgroup_create(stream, group, id="0" if from_start else "$", mkstream=True)
    except ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise


def tail(
    redis: Redis,
    subscription: str,
    *,
    group: str,
    consumer: str,
    limit: int = 0,
    follow: bool = True,
    from_start: bool = False,
    block_ms: int = 2000,
) -> Iterator[str]:
    """Yield event payloads (JSON text), acknowledging each after it was yielded.

    Stale pending entries of crashed consumers are claimed first (XAUTOCLAIM), then new
    ones are read. Delivery is at-least-once: consumers drop repeats by `event_id`.
    """
    stream = stream_key(subscription)
    ensure_group(redis, stream, group, from_start=from_start)
    delivered = 0

    def batches() -> Iterator[list[tuple[bytes, dict]]]:
        _next, claimed, *_ = redis.xautoclaim(stream, group, consumer, STALE_MS, "0-0", count=100)
        if claimed:
            yield claimed
        while True:
            got = redis.xreadgroup(group, consumer, {stream: ">"}, count=100, block=block_ms)
            if got:
                yield got[0][1]
            elif not follow:
                return

    for batch in batches():
        for entry_id, fields in batch:
            yield fields[b"payload"].decode("utf-8")
            redis.xack(stream, group, entry_id)
            delivered += 1
            if limit and delivered >= limit:
                return
