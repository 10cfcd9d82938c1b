"""Per-process context: the store, Redis and subscriptions a process needs, made lazily.

Lazily, because Celery forks its pool: connections opened before the fork would be
shared by the children, so each process builds its own on first use.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property

from celery import Celery
from redis import Redis

from worker.app import make_app
from worker.classify.neardup import RedisNearDupIndex
from worker.fanout.subscriptions import Subscriptions, SubscriptionsFile
from worker.settings import Settings
from worker.store.repository import Store


def redis_url(broker: str) -> str:
    """Our own Redis client's URL for a broker URL (kombu's redis+socket → unix)."""
    if broker.startswith("redis+socket://"):
        return "unix://" + broker.removeprefix("redis+socket://")
    return broker


@dataclass
class Runtime:
    settings: Settings = field(default_factory=Settings)

    @cached_property
    def store(self) -> Store:
        return Store(self.settings.database)

    @cached_property
    def redis(self) -> Redis:
        url = self.settings.redis_url or redis_url(self.settings.broker)
        return Redis.from_url(url, socket_timeout=10, health_check_interval=30)

    @cached_property
    def near_dups(self) -> RedisNearDupIndex:
        """The near-duplicate index every worker shares (worker/classify/neardup.py)."""
        return RedisNearDupIndex(self.redis)

    @cached_property
    def celery(self) -> Celery:
        """A Celery app bound to this runtime's broker, for inspection and control."""
        return make_app(self.settings)

    @cached_property
    def subscriptions_file(self) -> SubscriptionsFile:
        return SubscriptionsFile(self.settings.subscriptions_file)

    @property
    def subscriptions(self) -> Subscriptions:
        """The current subscriptions (the file is re-read when it changes)."""
        return self.subscriptions_file.current()


_runtime: Runtime | None = None
_pid: int | None = None


def current() -> Runtime:
    """This process's runtime (rebuilt after a fork)."""
    global _runtime, _pid
    if _runtime is None or _pid != os.getpid():
        _runtime, _pid = Runtime(), os.getpid()
    return _runtime


def use(settings: Settings) -> Runtime:
    """Make a fresh runtime on these settings this process's own, and return it.

    Fresh, not re-configured: a runtime's store and Redis client are built from its
    settings on first use, so swapping settings under them would leave stale ones.
    """
    global _runtime, _pid
    _runtime, _pid = Runtime(settings), os.getpid()
    return _runtime
