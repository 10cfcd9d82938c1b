"""Telemetry kept in Redis, so every process on every machine adds to the same figures
and the history survives a restart of any of them.

Counters and histograms are Redis hashes incremented in one pipeline per event; the
per-minute throughput counters are keys that expire after two hours. Workers announce
themselves with a heartbeat key that expires, so a dead worker really disappears.
Label values are bounded by construction: task names, queue names, stages, classes,
the taxonomy's topic codes and the detector's languages.
"""

from __future__ import annotations

import contextlib
import functools
import json
import time
from collections import Counter
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from redis import Redis
from redis.exceptions import RedisError

from worker.monitor.queues import queue_depths, redis_queue_names

if TYPE_CHECKING:
    from worker.record import ItemRecord
    from worker.runtime import Runtime

TASKS = "ingest:m:tasks"  # field "task|state"
FETCHES = "ingest:m:fetches"  # field status class
STAGES = "ingest:m:stages"  # field stage
LABELS = "ingest:m:labels"  # field "kind|label": item versions stored with that label
WEBHOOK_ATTEMPTS = "ingest:m:webhook_attempts"  # field ok|error
RUNTIME = "ingest:m:runtime:"  # + task; fields: bucket bounds, "sum", "count"
WAIT = "ingest:m:wait:"  # + queue
THROUGHPUT = "ingest:tp:"  # + "<stage>:<minute>"
WORKER = "ingest:worker:"  # + hostname, JSON {"active": n, "at": ts}
POLLER_HEARTBEAT = "ingest:poller:heartbeat"

STAGE_NAMES = ("fetched", "processed", "published", "delivered")
RUNTIME_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
WAIT_BUCKETS = (0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0)
WORKER_TTL_S = 15
MINUTE_TTL_S = 2 * 3600


def _bucket(value: float, bounds: tuple[float, ...]) -> str:
    return next((repr(b) for b in bounds if value <= b), "+Inf")


def _observe(pipe: Any, key: str, value: float, bounds: tuple[float, ...]) -> None:
    pipe.hincrby(key, _bucket(value, bounds), 1)
    pipe.hincrbyfloat(key, "sum", value)
    pipe.hincrby(key, "count", 1)


def _count_stage(pipe: Any, stage: str, n: int, now: float) -> None:
    pipe.hincrby(STAGES, stage, n)
    key = f"{THROUGHPUT}{stage}:{int(now // 60)}"
    pipe.incrby(key, n)
    pipe.expire(key, MINUTE_TTL_S)


def safely(fn: Callable[..., None]) -> Callable[..., None]:
    """Telemetry must never fail the work it describes: Redis errors are swallowed."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        with contextlib.suppress(RedisError):
            fn(*args, **kwargs)

    return wrapper


@safely
def record_task(
    redis: Redis,
    task: str,
    state: str,
    *,
    runtime_s: float | None = None,
    queue: str | None = None,
    wait_s: float | None = None,
) -> None:
    """One finished (or retried, or dead-lettered) task, with its runtime and queue wait."""
    now = time.time()
    pipe = redis.pipeline(transaction=False)
    pipe.hincrby(TASKS, f"{task}|{state}", 1)
    if state in ("succeeded", "failed"):
        _count_stage(pipe, f"task_{state}", 1, now)
    if runtime_s is not None:
        _observe(pipe, RUNTIME + task, runtime_s, RUNTIME_BUCKETS)
    if wait_s is not None and queue:
        _observe(pipe, WAIT + queue, max(wait_s, 0.0), WAIT_BUCKETS)
    pipe.execute()


@safely
def count_stage(redis: Redis, stage: str, n: int) -> None:
    if n:
        pipe = redis.pipeline(transaction=False)
        _count_stage(pipe, stage, n, time.time())
        pipe.execute()


@safely
def count_processed(redis: Redis, entries: int, stored: Iterable[ItemRecord]) -> None:
    """The processed stage and, per label, the item versions stored with it: /metrics
    reads these counters instead of grouping the ever-growing items table per scrape."""
    pipe = redis.pipeline(transaction=False)
    _count_stage(pipe, "processed", entries, time.time())
    labels: Counter[str] = Counter()
    for record in stored:
        labels[f"language|{record.language or 'unknown'}"] += 1
        labels.update(f"topic|{topic.code}" for topic in record.topics)
        if record.spin.is_spun:
            labels["spin|spun"] += 1
    for field, n in labels.items():
        pipe.hincrby(LABELS, field, n)
    pipe.execute()


@safely
def count_deliveries(redis: Redis, attempts: int, delivered: int) -> None:
    """Webhook attempts by result, and the delivered stage, in one round trip."""
    if not attempts:
        return
    pipe = redis.pipeline(transaction=False)
    if delivered:
        _count_stage(pipe, "delivered", delivered, time.time())
    for field, n in (("ok", delivered), ("error", attempts - delivered)):
        if n:
            pipe.hincrby(WEBHOOK_ATTEMPTS, field, n)
    pipe.execute()


@safely
def count_fetches(redis: Redis, statuses: Iterable[int]) -> None:
    """A poll round's fetch outcomes by status class (0 means no HTTP answer: DNS,
    timeout, refused), in one round trip."""
    classes = Counter(f"{status // 100}xx" if status else "error" for status in statuses)
    if classes:
        pipe = redis.pipeline(transaction=False)
        for cls, n in classes.items():
            pipe.hincrby(FETCHES, cls, n)
        pipe.execute()


@safely
def worker_heartbeat(redis: Redis, hostname: str, active: int) -> None:
    redis.set(WORKER + hostname, json.dumps({"active": active, "at": time.time()}),
              ex=WORKER_TTL_S)  # fmt: skip


@safely
def poller_heartbeat(redis: Redis) -> None:
    redis.set(POLLER_HEARTBEAT, time.time(), ex=600)


# -- reading ---------------------------------------------------------------------------


def workers(redis: Redis) -> list[dict[str, Any]]:
    now = time.time()
    found = []
    for key in redis.scan_iter(match=WORKER + "*", count=100):
        raw = redis.get(key)
        if raw:
            beat = json.loads(raw)
            name = key.decode().removeprefix(WORKER)
            found.append({"name": name, "active": beat["active"], "age_s": now - beat["at"]})
    return sorted(found, key=lambda w: w["name"])


def oldest_waiting_age(redis: Redis, queue: str) -> float | None:
    """Age of the oldest message waiting in a queue (kombu pushes left, pops right)."""
    ages = []
    for name in redis_queue_names(queue):
        raw = redis.lindex(name, -1)
        if raw:
            sent = json.loads(raw).get("headers", {}).get("ingest_sent_at")
            if sent:
                ages.append(time.time() - float(sent))
    return max(ages) if ages else None


def throughput(redis: Redis, stages: Iterable[str], minutes: int) -> dict[str, int]:
    now_min = int(time.time() // 60)
    out = {}
    for stage in stages:
        keys = [f"{THROUGHPUT}{stage}:{m}" for m in range(now_min - minutes + 1, now_min + 1)]
        out[stage] = sum(int(v) for v in redis.mget(keys) if v)
    return out


def histogram(redis: Redis, key: str, bounds: tuple[float, ...]) -> tuple[list, float] | None:
    """Cumulative (le, count) buckets and the sum, as Prometheus wants them."""
    raw = {k.decode(): v for k, v in redis.hgetall(key).items()}
    if not raw:
        return None
    running, buckets = 0, []
    for le in [*map(repr, bounds), "+Inf"]:
        running += int(raw.get(le, 0))
        buckets.append((le, running))
    return buckets, float(raw.get("sum", 0))


def hash_counts(redis: Redis, key: str) -> dict[str, int]:
    return {k.decode(): int(v) for k, v in redis.hgetall(key).items()}


def heartbeat_age(redis: Redis) -> float | None:
    beat = redis.get(POLLER_HEARTBEAT)
    return time.time() - float(beat) if beat else None


def snapshot(rt: Runtime) -> dict[str, Any]:
    """What the overview page and `ingest status` show: one consistent read."""
    depths, unacked = queue_depths(rt.celery, rt.redis)
    five = throughput(rt.redis, [*STAGE_NAMES, "task_succeeded", "task_failed"], 5)
    sixty = throughput(rt.redis, STAGE_NAMES, 60)
    failed = five.pop("task_failed")
    succeeded = five.pop("task_succeeded")
    finished = failed + succeeded
    return {
        "queues": [
            {
                "name": d.name,
                "waiting": d.waiting,
                "oldest_age_s": oldest_waiting_age(rt.redis, d.name),
            }
            for d in depths
        ],
        "unacked": unacked,
        "workers": workers(rt.redis),
        "throughput": {s: {"5m": five[s], "60m": sixty[s]} for s in STAGE_NAMES},
        "error_rate_5m": round(failed / finished, 4) if finished else None,
        "poller_heartbeat_age_s": heartbeat_age(rt.redis),
    }
