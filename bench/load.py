"""Load: N items end to end through real Celery workers, beside a no-op task's rate.

    .venv/bin/python bench/load.py [--items 100000] [--database-url URL]

Without --database-url it creates a throw-away PostgreSQL database on the local server
(postgresql://postgres@127.0.0.1:5432), or falls back to SQLite. Prints items/s (every
item stored and every event published to its stream), the no-op Celery task rate on
the same broker and worker, their ratio (target: 2 and above, which only batching
reaches), and the peak RSS of each worker process over the first and the last 10% of
the items (target: flat, under 500 MB). Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path

import psutil
import psycopg
import redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.chaos.harness import entries  # noqa: E402
from worker.app import app, use_broker  # noqa: E402
from worker.monitor.queues import queue_depths  # noqa: E402
from worker.monitor.telemetry import STAGES  # noqa: E402
from worker.runner import start_worker, stop_worker  # noqa: E402
from worker.runtime import Runtime  # noqa: E402
from worker.settings import Settings  # noqa: E402

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


class RssSampler(threading.Thread):
    """Samples the RSS of a worker node's processes, tagged with the items done so far."""

    def __init__(self, node_pid: int, progress) -> None:
        super().__init__(daemon=True)
        self.node = psutil.Process(node_pid)
        self.progress = progress
        self.samples: list[tuple[int, dict[int, int]]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.5):
            procs = [self.node, *self.node.children(recursive=True)]
            rss = {}
            for p in procs:
                try:
                    rss[p.pid] = p.memory_info().rss
                except psutil.NoSuchProcess:
                    continue
            self.samples.append((self.progress(), rss))

    def peaks(self, lo: int, hi: int) -> dict[int, int]:
        peak: dict[int, int] = defaultdict(int)
        for done, rss in self.samples:
            if lo <= done <= hi:
                for pid, value in rss.items():
                    peak[pid] = max(peak[pid], value)
        return dict(peak)


def cpu_seconds(worker_pid: int, client: redis.Redis) -> dict[str, float]:
    """CPU seconds used so far by the worker node (parent and pool), every PostgreSQL
    process on the machine and the Redis server: where an item's cost goes."""

    def used(procs) -> float:
        total = 0.0
        for p in procs:
            try:
                t = p.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += t.user + t.system
        return total

    node = psutil.Process(worker_pid)
    info = client.info("cpu")
    return {
        "worker": used([node, *node.children(recursive=True)]),
        "postgres": used(p for p in psutil.process_iter(["name"]) if p.info["name"] == "postgres"),
        "redis": float(info["used_cpu_sys"]) + float(info["used_cpu_user"]),
    }


def idle(rt: Runtime) -> bool:
    depths, unacked = queue_depths(rt.celery, rt.redis)
    return sum(d.waiting for d in depths) + unacked == 0


def wait(predicate, timeout: float = 7200) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError
        time.sleep(0.2)


def throwaway_postgres() -> tuple[str | None, str | None]:
    name = f"ingest_load_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error:
        return None, None
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}", name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--noop-tasks", type=int, default=5_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    n = args.items
    redis_url = os.environ.get("INGEST_BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
    redis.Redis.from_url(redis_url).flushdb(asynchronous=True)
    created = None
    database_url = args.database_url
    tmp = tempfile.mkdtemp(prefix="ingest-load-")
    if database_url is None:
        database_url, created = throwaway_postgres()
        database_url = database_url or f"sqlite:///{tmp}/load.db"
    os.environ.update(
        INGEST_BROKER_URL=redis_url,
        INGEST_DATABASE_URL=database_url,
        INGEST_DATA_DIR=tmp,
        INGEST_SUBSCRIPTIONS_FILE=str(Path(tmp) / "none.toml"),
        INGEST_LOG_FORMAT="json",
    )
    use_broker(redis_url)
    settings = Settings()
    rt = Runtime(settings)
    rt.store.migrate()
    from worker.tasks import noop, process_entries

    worker = start_worker(settings, ["--loglevel", "ERROR"])
    try:
        noop.apply_async(queue="process")
        wait(lambda: idle(rt))
        t0 = time.perf_counter()
        with app.producer_or_acquire() as producer:
            for _ in range(args.noop_tasks):
                noop.apply_async(queue="process", producer=producer)
        wait(lambda: idle(rt))
        noop_rate = args.noop_tasks / (time.perf_counter() - t0)

        items = [e.to_dict() for e in entries(n)]

        # Progress from the Redis stage counter: O(1), where COUNT(*) on the growing
        # tables would load the database the benchmark is measuring.
        def processed() -> int:
            return int(rt.redis.hget(STAGES, "processed") or 0)

        sampler = RssSampler(worker.pid, processed)
        sampler.start()
        cpu_before = cpu_seconds(worker.pid, rt.redis)
        t0 = time.perf_counter()
        with app.producer_or_acquire() as producer:
            for i in range(0, n, settings.batch_size):
                batch = items[i : i + settings.batch_size]
                process_entries.apply_async(("load-feed", batch), producer=producer)
        # Done when every item is stored and every event published: the relay's work
        # counts too (its runs are coalesced, so they may trail the last batch).
        wait(lambda: processed() >= n and idle(rt) and not rt.store.outbox_backlog())
        seconds = time.perf_counter() - t0
        cpu = {k: v - cpu_before[k] for k, v in cpu_seconds(worker.pid, rt.redis).items()}
        stored = rt.store.counts(exact=True)["items"]
        sampler.stop.set()
        sampler.join()
    finally:
        stop_worker(worker)
        rt.store.dispose()
        if created:
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)')
    items_rate = n / seconds
    first = sampler.peaks(0, n // 10)
    last = sampler.peaks(n - n // 10, n)
    kind = database_url.split(":", 1)[0]
    print(f"items: {n} enqueued, {stored} stored, store: {kind}, broker: redis, "
          f"worker: 1 node x {settings.worker_concurrency} processes")  # fmt: skip
    print(f"{'measure':<44}{'rate/s':>10}{'ratio':>8}")
    print(f"{'no-op Celery task (baseline)':<44}{noop_rate:>10,.0f}{1:>8.2f}")
    print(f"{'items end to end (batches of 50)':<44}{items_rate:>10,.0f}"
          f"{items_rate / noop_rate:>8.2f}")  # fmt: skip
    per_item = "  ".join(f"{name} {1000 * used / n:.2f}" for name, used in cpu.items())
    print(f"CPU ms per item: {per_item}  (machine: {os.cpu_count()} cores)")
    print(f"{'process':<12}{'peak RSS first 10% (MB)':>26}{'peak RSS last 10% (MB)':>26}")
    for pid in sorted(set(first) | set(last)):
        print(f"{pid:<12}{first.get(pid, 0) / 2**20:>26.0f}{last.get(pid, 0) / 2**20:>26.0f}")


if __name__ == "__main__":
    main()
