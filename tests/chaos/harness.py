"""Chaos harness: run N items through real worker processes while killing them with
SIGKILL, then account for every item, event and message.

Used by the short CI test (tests/chaos/) and the long run (bench/chaos_kill.py).
"""

from __future__ import annotations

import random
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest
import redis
from sqlalchemy.exc import OperationalError

from worker import runtime as worker_runtime
from worker.app import app, use_broker
from worker.fanout.relay import relay_pending, stream_key
from worker.fanout.subscriptions import Subscriptions
from worker.monitor.queues import queue_depths
from worker.record import Entry, stable_id
from worker.runner import start_worker, stop_worker
from worker.runtime import Runtime
from worker.settings import Settings

FEED = "https://chaos.example.org/feed.xml"
TOPICS = ("markets", "elections", "football", "vaccines", "satellites", "wildfires")


def entries(n: int) -> list[Entry]:
    """n distinct entries of a few paragraphs each (distinct text: no exact duplicates)."""
    out = []
    for i in range(n):
        topic = TOPICS[i % len(TOPICS)]
        html = "".join(
            f"<p>Report {i} on {topic}: paragraph {j} gives figure {i * 31 + j} and a quote "
            f"from official number {i % 97}.</p>"
            for j in range(6)
        )
        out.append(
            Entry(
                feed=FEED,
                entry_key=f"chaos-{i}",
                content_hash=stable_id("c", str(i)),
                url=f"https://chaos.example.org/{i}",
                title=f"{topic} report {i}",
                content_html=html,
            )
        )
    return out


@dataclass
class Outcome:
    items: int
    versions_above_one: int
    stream_events: int
    distinct_events: int
    waiting: int
    unacked: int
    outbox_backlog: int
    dead_letters: int
    kills: int
    seconds: float


class ChaosRun:
    """Owns the worker node, enqueues the items, lets a disruption loose, then counts."""

    def __init__(self, settings: Settings, rng: random.Random) -> None:
        self.settings = settings
        self.rng = rng
        self.rt = Runtime(settings)
        self.worker: subprocess.Popen | None = None
        self.kills = 0

    def start(self) -> None:
        self.worker = start_worker(self.settings, ["-n", f"chaos{self.kills}@%h"])

    def kill_one(self) -> None:
        """SIGKILL a pool process, or (one time in three) the whole node, which restarts."""
        assert self.worker is not None
        node = psutil.Process(self.worker.pid)
        children = node.children(recursive=True)
        if children and self.rng.random() < 2 / 3:
            self.rng.choice(children).send_signal(signal.SIGKILL)
        else:
            for p in [*children, node]:
                p.send_signal(signal.SIGKILL)
            self.worker.wait()
            self.start()
        self.kills += 1

    def run(self, n: int, disrupt: Callable[[ChaosRun], None], *, timeout: float = 600) -> Outcome:
        from worker.tasks import process_entries

        started = time.monotonic()
        self.rt.store.migrate()
        self.start()
        batch = self.settings.batch_size
        all_entries = entries(n)
        with app.producer_or_acquire() as producer:
            for i in range(0, n, batch):
                chunk = [e.to_dict() for e in all_entries[i : i + batch]]
                process_entries.apply_async(("chaos-feed", chunk), producer=producer)
        disrupt(self)
        try:
            self.wait_done(n, started + timeout)
        finally:
            stop_worker(self.worker)
        return self.outcome(time.monotonic() - started)

    def wait_done(self, n: int, deadline: float) -> None:
        subs = self.rt.subscriptions
        busy = -1
        while True:
            try:
                relay_pending(self.rt.store, self.rt.redis, subs, maxlen=10 * n)
                depths, unacked = queue_depths(self.rt.celery, self.rt.redis)
                busy = sum(d.waiting for d in depths) + unacked + self.rt.store.outbox_backlog()
                if self.rt.store.counts()["items"] >= n and busy == 0:
                    return
            except (redis.RedisError, OperationalError):
                pass  # the disruption may still be under way: look again
            if time.monotonic() > deadline:
                raise TimeoutError(f"not done: {self.rt.store.counts()}, busy={busy}")
            time.sleep(0.5)

    def outcome(self, seconds: float) -> Outcome:
        from sqlalchemy import func, select

        from worker.store import tables as t

        client: redis.Redis = self.rt.redis
        subs: Subscriptions = self.rt.subscriptions
        events = [
            fields[b"event_id"]
            for sub in subs.items
            for _id, fields in client.xrange(stream_key(sub.name))
        ]
        depths, unacked = queue_depths(self.rt.celery, client)
        counts = self.rt.store.counts(exact=True)
        with self.rt.store.engine.connect() as conn:
            updated = conn.scalar(select(func.count()).where(t.items.c.version > 1))
        return Outcome(
            items=counts["items"],
            versions_above_one=int(updated),
            stream_events=len(events),
            distinct_events=len(set(events)),
            waiting=sum(d.waiting for d in depths),
            unacked=unacked,
            outbox_backlog=counts["outbox_backlog"],
            dead_letters=counts["dead_letters"],
            kills=self.kills,
            seconds=seconds,
        )


def kill_randomly(kills: int) -> Callable[[ChaosRun], None]:
    """SIGKILL `kills` worker processes (or whole nodes) at random moments."""

    def disrupt(run: ChaosRun) -> None:
        for _ in range(kills):
            time.sleep(run.rng.uniform(0.3, 1.5))
            run.kill_one()

    return disrupt


def configure(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **env: str | None) -> Settings:
    """Point this test process (and the workers it starts) at a throw-away system.

    The defaults are the chaos runs' own: the catch-all subscription, JSON logs, a
    visibility timeout short enough that a dead node's messages return in seconds.
    `env` overrides them (INGEST_ prefix implied); None removes a variable.
    """
    values: dict[str, str | None] = {
        "DATA_DIR": str(tmp_path),
        "SUBSCRIPTIONS_FILE": str(tmp_path / "none.toml"),
        "VISIBILITY_TIMEOUT": "10",
        "LOG_FORMAT": "json",
        **env,
    }
    for key, value in values.items():
        if value is None:
            monkeypatch.delenv(f"INGEST_{key}", raising=False)
        else:
            monkeypatch.setenv(f"INGEST_{key}", value)
    monkeypatch.setattr(worker_runtime, "_runtime", None)
    settings = Settings()
    use_broker(settings.broker)
    return settings
