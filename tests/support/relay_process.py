"""A relay as its own process, for the crash test: publish until the outbox is empty.

python -m tests.support.relay_process DATABASE_URL REDIS_URL
"""

from __future__ import annotations

import sys
import time

import redis

from worker.fanout.relay import relay_pending
from worker.fanout.subscriptions import Subscription, Subscriptions
from worker.store.repository import Store

SUBS = Subscriptions([Subscription("a"), Subscription("b")])


def main(database_url: str, redis_url: str) -> None:
    store = Store(database_url)
    client = redis.Redis.from_url(redis_url)
    while store.outbox_backlog():
        # Small batches and a short lock, so kills land mid-publish and recovery is quick.
        relay_pending(store, client, SUBS, maxlen=1_000_000, lock_ttl=1, batch=50)
        time.sleep(0.05)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
