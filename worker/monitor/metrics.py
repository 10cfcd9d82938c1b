"""Prometheus metrics, computed at scrape time from Redis and the database.

Nothing is counted in this process's memory: counters and histograms live in Redis
(worker.monitor.telemetry), states and backlogs in the database, so the figures are the
same whichever process serves /metrics and however many workers run. A scrape never
scans a table that grows with the items: those figures are counters or estimates.
Label values are bounded: queues, task names, stages, status classes, subscriptions,
the taxonomy's topic codes, and the most common languages.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector
from redis import Redis
from redis.exceptions import ResponseError
from sqlalchemy import func, select

from worker.fanout.relay import stream_key
from worker.monitor import telemetry as tm
from worker.monitor.queues import QUEUES, queue_depths
from worker.runtime import Runtime
from worker.store import tables as t

MAX_LANGUAGES = 20  # the rest are summed under "other"
OPEN_DELIVERIES = ("pending", "failed")


def gauge(name: str, doc: str, value: float | None = None, labels: list[str] | None = None):
    return GaugeMetricFamily(name, doc, value=value, labels=labels)


def hash_counter(redis: Redis, key: str, name: str, doc: str, label: str) -> Metric:
    """A counter family with one sample per field of a telemetry hash."""
    family = CounterMetricFamily(name, doc, labels=[label])
    for value, n in sorted(tm.hash_counts(redis, key).items()):
        family.add_metric([value], n)
    return family


class IngestCollector(Collector):
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def collect(self) -> Iterator[Metric]:
        yield from self.broker()
        yield from self.tasks()
        yield from self.store()
        yield from self.labels()
        yield from self.streams()

    def broker(self) -> Iterator[Metric]:
        redis = self.runtime.redis
        depths, unacked = queue_depths(self.runtime.celery, redis)
        waiting = gauge(
            "ingest_queue_waiting", "Messages waiting, all priorities", labels=["queue"]
        )
        oldest = gauge("ingest_queue_oldest_waiting_seconds", "Age of the oldest waiting message",
                       labels=["queue"])  # fmt: skip
        for d in depths:
            waiting.add_metric([d.name], d.waiting)
            oldest.add_metric([d.name], tm.oldest_waiting_age(redis, d.name) or 0.0)
        yield waiting
        yield oldest
        yield gauge("ingest_queue_unacked", "Messages taken by workers, not yet acked", unacked)
        workers = tm.workers(redis)
        yield gauge("ingest_workers_online", "Workers with a fresh heartbeat", len(workers))
        yield gauge("ingest_worker_active_tasks", "Tasks running now",
                    sum(w["active"] for w in workers))  # fmt: skip
        age = tm.heartbeat_age(redis)
        yield gauge("ingest_poller_heartbeat_age_seconds", "Seconds since the poller's last pass",
                    age if age is not None else float("inf"))  # fmt: skip

    def tasks(self) -> Iterator[Metric]:
        redis = self.runtime.redis
        tasks = CounterMetricFamily("ingest_tasks", "Tasks by name and state",
                                    labels=["task", "state"])  # fmt: skip
        names = set()
        for field, n in tm.hash_counts(redis, tm.TASKS).items():
            name, _, state = field.partition("|")
            names.add(name)
            tasks.add_metric([name, state], n)
        yield tasks
        runtime = HistogramMetricFamily("ingest_task_runtime_seconds", "Task runtime",
                                        labels=["task"])  # fmt: skip
        for name in sorted(names):
            if found := tm.histogram(redis, tm.RUNTIME + name, tm.RUNTIME_BUCKETS):
                runtime.add_metric([name], *found)
        yield runtime
        wait = HistogramMetricFamily("ingest_task_queue_wait_seconds",
                                     "Time from publish to start", labels=["queue"])  # fmt: skip
        for queue in QUEUES:
            if found := tm.histogram(redis, tm.WAIT + queue, tm.WAIT_BUCKETS):
                wait.add_metric([queue], *found)
        yield wait
        yield hash_counter(redis, tm.FETCHES, "ingest_fetches", "Feed fetches by status class",
                           "status_class")  # fmt: skip
        stages = CounterMetricFamily("ingest_stage_processed", "Units through each stage",
                                     labels=["stage"])  # fmt: skip
        done = tm.hash_counts(redis, tm.STAGES)
        for stage in tm.STAGE_NAMES:
            stages.add_metric([stage], done.get(stage, 0))
        yield stages

    def store(self) -> Iterator[Metric]:
        """Cheap at any size: estimated or indexed counts, and no scan of the items."""
        store = self.runtime.store
        counts = store.counts()
        yield gauge("ingest_items", "Items stored (planner estimate on large tables)",
                    counts["items"])  # fmt: skip
        yield gauge("ingest_outbox_backlog", "Outbox rows not yet published",
                    counts["outbox_backlog"])  # fmt: skip
        yield gauge("ingest_dead_letters", "Dead letters not replayed", counts["dead_letters"])
        feeds, hooks = t.feeds.c, t.webhook_deliveries.c
        with store.engine.connect() as conn:
            by_state = conn.execute(select(feeds.status, func.count()).group_by(feeds.status)).all()
            # Delivered ones are the stage counter; these are the few still at stake.
            open_hooks = conn.execute(
                select(hooks.status, func.count())
                .where(hooks.status.in_(OPEN_DELIVERIES))
                .group_by(hooks.status)
            ).all()
        state = gauge("ingest_feeds", "Feeds by state", labels=["state"])
        for name, n in by_state:
            state.add_metric([name], n)
        yield state
        status = gauge("ingest_webhook_deliveries", "Webhook deliveries not delivered, by status",
                       labels=["status"])  # fmt: skip
        found = dict(open_hooks)
        for name in OPEN_DELIVERIES:
            status.add_metric([name], found.get(name, 0))
        yield status

    def labels(self) -> Iterator[Metric]:
        """Counted as items are stored (worker.monitor.telemetry.count_processed)."""
        redis = self.runtime.redis
        labelled = CounterMetricFamily(
            "ingest_items_labelled", "Item versions stored, by label", labels=["kind", "label"]
        )
        languages: list[tuple[str, int]] = []
        for field, n in sorted(tm.hash_counts(redis, tm.LABELS).items()):
            kind, _, label = field.partition("|")
            if kind == "language":
                languages.append((label, n))
            else:
                labelled.add_metric([kind, label], n)
        languages.sort(key=lambda pair: -pair[1])
        for label, n in languages[:MAX_LANGUAGES]:
            labelled.add_metric(["language", label], n)
        if rest := sum(n for _, n in languages[MAX_LANGUAGES:]):
            labelled.add_metric(["language", "other"], rest)
        yield labelled
        yield hash_counter(redis, tm.WEBHOOK_ATTEMPTS, "ingest_webhook_attempts",
                           "Webhook attempts by result", "result")  # fmt: skip

    def streams(self) -> Iterator[Metric]:
        redis = self.runtime.redis
        length = gauge("ingest_stream_length", "Entries in a subscription stream",
                       labels=["subscription"])  # fmt: skip
        pending = gauge("ingest_stream_pending", "Entries delivered to consumers, not acked",
                        labels=["subscription"])  # fmt: skip
        for sub in self.runtime.subscriptions.items:
            if not sub.stream:
                continue
            key = stream_key(sub.name)
            length.add_metric([sub.name], redis.xlen(key))
            try:
                groups = redis.xinfo_groups(key)
            except ResponseError:  # no such stream yet
                groups = []
            pending.add_metric([sub.name], sum(g["pending"] for g in groups))
        yield length
        yield pending
