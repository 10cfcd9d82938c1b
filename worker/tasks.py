"""Thin Celery tasks: load, call the pipeline, store, return.

Reliability lives here only as policy: which errors are retried, when a message is
poison, and where a failure goes (split the batch, then a dead letter).
"""

from __future__ import annotations

import asyncio
import json
import time
import traceback
from typing import Any

import structlog
from celery import Task
from redis.exceptions import RedisError
from sqlalchemy.exc import DBAPIError

from worker import runtime
from worker.app import app
from worker.fanout.relay import relay_pending
from worker.fanout.webhooks import deliver_due, make_webhook_client
from worker.monitor.telemetry import count_deliveries, count_processed, record_task
from worker.pipeline import process_entries as run_pipeline
from worker.record import Entry

log = structlog.get_logger(__name__)

DELIVERY_KEY = "ingest:deliveries:{task_id}:{retries}"
DLQ_SPOOL = "ingest:dlq:spool"
#: Set while a relay run is scheduled: the batches committed meanwhile share that run.
RELAY_WAKE = "ingest:relay:wake"
#: How long a relay run waits for more batches to join it. Each run costs a few queries
#: and a task whatever it publishes, so one run per batch spent more on the relay's
#: overhead than on its events; half a second of added latency buys runs of hundreds.
RELAY_COALESCE_S = 0.5
#: The wake flag expires, so a scheduled run that never comes (its worker node died
#: holding it) stops holding back new ones: the next commit schedules a fresh run, and
#: the poller's sweep publishes in between.
RELAY_WAKE_TTL_S = 10
TRANSIENT = (DBAPIError, RedisError, ConnectionError, TimeoutError)


class IngestTask(Task):
    """Counts deliveries (poison that kills its worker is stopped) and dead-letters."""

    # Transient failures (database or Redis away) retry with full-jitter exponential
    # backoff: 12 tries span minutes, so a restart or failover is ridden out unattended.
    autoretry_for = TRANSIENT
    max_retries = 12
    retry_backoff = 2
    retry_backoff_max = 60
    retry_jitter = True

    def too_many_deliveries(self) -> bool:
        """True when this same attempt was already delivered more than allowed.

        A message whose worker process dies is redelivered (reject_on_worker_lost);
        without this cap a poison message would kill workers forever.
        """
        rt = runtime.current()
        key = DELIVERY_KEY.format(task_id=self.request.id, retries=self.request.retries)
        pipe = rt.redis.pipeline()
        pipe.incr(key)
        pipe.expire(key, 86_400)
        count, _ = pipe.execute()
        return int(count) > rt.settings.max_deliveries

    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        """Past its retry budget a task becomes a dead letter, arguments and all."""
        dead_letter(self.name, task_id, [args, kwargs], exc, str(einfo), self.request.retries + 1)


def dead_letter(
    task: str, task_id: str | None, args: Any, exc: BaseException, tb: str, attempts: int
) -> None:
    """Record a dead letter; if the database is down, spool it in Redis (never lost)."""
    rt = runtime.current()
    error = f"{type(exc).__name__}: {exc}"
    log.error("task.dead_letter", task=task, task_id=task_id, error=error, attempts=attempts)
    record_task(rt.redis, task, "dead_lettered")
    try:
        rt.store.add_dead_letter(task, task_id, args, error, tb, attempts)
    except DBAPIError:
        rt.redis.rpush(
            DLQ_SPOOL,
            json.dumps(
                {
                    "task": task,
                    "task_id": task_id,
                    "args": args,
                    "error": error,
                    "traceback": tb,
                    "attempts": attempts,
                }
            ),
        )


def drain_dead_letter_spool() -> int:
    """Move dead letters spooled while the database was down into the database."""
    rt = runtime.current()
    moved = 0
    while raw := rt.redis.lindex(DLQ_SPOOL, 0):
        d = json.loads(raw)
        rt.store.add_dead_letter(
            d["task"], d["task_id"], d["args"], d["error"], d["traceback"], d["attempts"]
        )
        rt.redis.lpop(DLQ_SPOOL)
        moved += 1
    return moved


@app.task(base=IngestTask, bind=True)
def process_entries(self: IngestTask, feed_id: str, entries: list[dict]) -> dict[str, int]:
    """Clean, classify and store one batch of one feed's entries; then wake the relay.

    Transient failures (database, Redis) retry the batch with backoff. Anything else is
    about the entries themselves: a batch is split at once into one task per entry, so
    one bad entry does not hold up its neighbours, and a single entry gets the poison
    retry budget before it becomes a dead letter.
    """
    rt = runtime.current()
    if self.too_many_deliveries():
        if len(entries) > 1:
            return split(feed_id, entries, "delivered too many times")
        dead_letter(
            self.name,
            self.request.id,
            [[feed_id, entries], {}],
            RuntimeError("delivered too many times: the task kills its worker"),
            traceback.format_stack()[-1],
            self.request.retries + 1,
        )
        return {"dead_lettered": len(entries)}
    try:
        result = run_pipeline(
            rt.store,
            rt.subscriptions.match,
            feed_id,
            [Entry.from_dict(e) for e in entries],
            rt.near_dups,
        )
    except TRANSIENT:
        raise
    except Exception as exc:
        if len(entries) > 1:
            return split(feed_id, entries, f"{type(exc).__name__}: {exc}")
        if self.request.retries < rt.settings.poison_retries:
            raise self.retry(exc=exc, countdown=2**self.request.retries) from exc
        raise
    count_processed(rt.redis, len(entries), result.records)
    if result.events:
        wake_relay(rt)
    return {"created": result.created, "updated": result.updated, "events": result.events}


def split(feed_id: str, entries: list[dict], reason: str) -> dict[str, int]:
    for entry in entries:
        process_entries.apply_async((feed_id, [entry]))
    log.warning("task.batch_split", feed_id=feed_id, entries=len(entries), reason=reason)
    return {"split": len(entries)}


def wake_relay(rt: runtime.Runtime) -> None:
    """Schedule a relay run unless one is already scheduled and has not started yet.

    Whatever commits before that run starts is visible to it, so one run serves every
    batch committed in the meantime instead of one run (and its queries) per batch.
    """
    if rt.redis.set(RELAY_WAKE, 1, nx=True, ex=RELAY_WAKE_TTL_S):
        relay.apply_async(countdown=RELAY_COALESCE_S)


@app.task(base=IngestTask, bind=True)
def relay(self: IngestTask) -> int:
    """Publish pending outbox rows to the subscription streams; wake the webhook sender.

    It works within half its soft time limit and hands what is left to a fresh run.
    """
    rt = runtime.current()
    # Cleared before reading the outbox: a batch committed from here on schedules a
    # run of its own, one committed before is published by this one.
    rt.redis.delete(RELAY_WAKE)
    run = relay_pending(
        rt.store,
        rt.redis,
        rt.subscriptions,
        maxlen=rt.settings.stream_maxlen,
        budget_s=task_budget(self),
    )
    if run.hooks:
        deliver_webhooks.apply_async()
    if run.more or run.busy:
        # Budget spent, or another relay holds the lock and may have read the outbox
        # before our batches committed: come back rather than leave them to the sweep.
        wake_relay(rt)
    return run.sent


@app.task(base=IngestTask, bind=True)
def deliver_webhooks(self: IngestTask) -> int:
    """Attempt the webhook deliveries that are due now (later ones wait in the database)."""
    rt = runtime.current()
    delivered, more = asyncio.run(send_due_webhooks(rt, budget_s=task_budget(self)))
    if more:
        deliver_webhooks.apply_async()
    return delivered


def task_budget(task: Task) -> float:
    """Half the soft time limit: a long drain is split over tasks, never cut by the limit."""
    return float(task.app.conf.task_soft_time_limit) / 2


async def send_due_webhooks(rt: runtime.Runtime, budget_s: float | None = None) -> tuple[int, bool]:
    """Deliver until nothing is due or the budget is spent: (delivered, more may be due).

    Shared by the task and the poller's sweep.
    """
    total = 0
    deadline = None if budget_s is None else time.monotonic() + budget_s
    async with make_webhook_client(rt.settings.allowed_networks) as client:
        while True:
            stats = await deliver_due(rt.store, rt.subscriptions, client)
            total += stats.delivered
            count_deliveries(rt.redis, stats.attempts, stats.delivered)
            if not stats.attempts:
                return total, False
            if deadline is not None and time.monotonic() >= deadline:
                return total, True


@app.task(name="worker.tasks.noop")
def noop(*_args: Any) -> None:
    """The baseline for benchmarks: what a task costs with no work in it."""
