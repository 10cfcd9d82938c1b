"""What is waiting and in flight in the broker, counted without consuming anything."""

from __future__ import annotations

from dataclasses import dataclass

from celery import Celery
from redis import Redis

QUEUES = ("process", "fanout")
#: kombu's Redis transport keeps priorities 3, 6 and 9 in sub-queues named with this sep.
PRIORITY_SEP = "\x06\x16"
PRIORITY_STEPS = (0, 3, 6, 9)


@dataclass(slots=True)
class QueueDepth:
    name: str
    waiting: int


def redis_queue_names(queue: str) -> list[str]:
    return [queue if p == 0 else f"{queue}{PRIORITY_SEP}{p}" for p in PRIORITY_STEPS]


def queue_depths(app: Celery, redis: Redis | None) -> tuple[list[QueueDepth], int]:
    """(waiting per queue including priority sub-queues, messages taken but not acked)."""
    if app.conf.broker_url.startswith(("redis", "rediss")) and redis is not None:
        pipe = redis.pipeline(transaction=False)
        for q in QUEUES:
            for name in redis_queue_names(q):
                pipe.llen(name)
        pipe.hlen("unacked")
        counts = pipe.execute()
        per = len(PRIORITY_STEPS)
        depths = [QueueDepth(q, sum(counts[i * per : (i + 1) * per])) for i, q in enumerate(QUEUES)]
        return depths, int(counts[-1])
    depths = []
    with app.connection_for_read() as conn:
        channel = conn.default_channel
        for q in QUEUES:
            depths.append(QueueDepth(q, channel.queue_declare(q, passive=True).message_count))
    active = app.control.inspect(timeout=1.0).active() or {}
    return depths, sum(len(tasks) for tasks in active.values())
