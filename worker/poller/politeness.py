"""Politeness towards each host: a cap on fetches in flight and a request budget.

Many feeds live on one host (a CMS, FeedBurner, a news group): the cap keeps us from
opening a flood of connections, and the token bucket from hammering it over a pass.
A feed the budget cannot serve now is deferred to when a token will be there: that is
scheduling, not an error. A 429 from one feed pushes back that feed only (errors.py),
never the whole host.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(slots=True)
class Bucket:
    tokens: float
    at: float


class HostGate:
    """Per-host concurrency slots and token buckets (rate per second, burst)."""

    def __init__(
        self,
        concurrency: int,
        rate: float,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self._slots: defaultdict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(concurrency)
        )
        self._buckets: dict[str, Bucket] = {}

    def admit(self, host: str) -> float:
        """Take a token for `host`: 0.0 if taken, else the seconds until one is there."""
        now = self.clock()
        bucket = self._buckets.setdefault(host, Bucket(float(self.burst), now))
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.rate)
        bucket.at = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self.rate

    def slot(self, host: str) -> asyncio.Semaphore:
        return self._slots[host]
