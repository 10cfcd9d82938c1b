"""/metrics with two worker processes: every family, checked against the store and Redis.

Two Celery worker nodes (one process each) run the real pipeline on feeds polled from a
local HTTP server, a webhook subscription delivers to a real receiver, and one poison
batch becomes a dead letter; then /metrics is scraped and parsed with prometheus_client.
"""

from __future__ import annotations

import asyncio
import base64
import time
from collections import defaultdict

import pytest
import redis
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select
from starlette.testclient import TestClient

from tests.chaos.harness import configure
from tests.conftest import REDIS_BASE, SAMPLES
from tests.support.feedserver import FeedServer
from tests.support.webhook_receiver import WebhookReceiver
from tests.test_end_to_end import write_opml
from worker.monitor import telemetry
from worker.monitor.http import create_app
from worker.runner import System, start_worker, stop_worker
from worker.settings import Settings
from worker.store import tables as t

SECRET = "whsec_" + base64.b64encode(b"metrics-secret-metrics-secret-32").decode()


@pytest.fixture(scope="module")
def scraped(tmp_path_factory: pytest.TempPathFactory, redis_db: int):
    """One real run for every test of this module (it takes a dozen seconds)."""
    tmp = tmp_path_factory.mktemp("metrics")
    redis_url = f"{REDIS_BASE}/{redis_db}"
    redis.Redis.from_url(redis_url).flushdb()
    www = tmp / "www"
    www.mkdir()
    for sample in SAMPLES.glob("*.xml"):
        (www / sample.name).write_bytes(sample.read_bytes())
    with (
        FeedServer(www) as feed_server,
        WebhookReceiver(SECRET) as receiver,
        pytest.MonkeyPatch.context() as mp,
    ):
        subs = tmp / "subs.toml"
        subs.write_text(
            "[subscriptions.all]\nstream = true\n"
            f'[subscriptions.hook]\nwebhook = {{ url = "{receiver.url}", secret = "{SECRET}" }}\n'
        )
        urls = [feed_server.url(p.name) for p in sorted(SAMPLES.glob("*.xml"))]
        settings = configure(
            mp,
            tmp,
            BROKER_URL=redis_url,
            DATABASE_URL=f"sqlite:///{tmp / 'i.db'}",
            DATA_DIR=str(tmp / "var"),
            FEEDS_FILE=str(write_opml(tmp / "f.opml", urls)),
            SUBSCRIPTIONS_FILE=str(subs),
            ALLOW_NETWORKS="127.0.0.0/8",
        )
        workers = [start_worker(settings, ["-c", "1", "-n", f"w{i}@%h"]) for i in (1, 2)]
        try:
            system = System(settings)
            system.rt.store.migrate()
            system.load_feeds()
            from worker.tasks import process_entries

            process_entries.apply_async(("poison", [{"not": "an entry"}]))
            asyncio.run(system.run_once(workers[0], timeout=120))
            deadline = time.monotonic() + 30
            while len(telemetry.workers(system.rt.redis)) < 2 and time.monotonic() < deadline:
                time.sleep(0.2)
            system.rt.redis.xgroup_create("ingest:stream:all", "readers", id="0")
            system.rt.redis.xreadgroup("readers", "r1", {"ingest:stream:all": ">"}, count=2)
            text = TestClient(create_app(system.rt)).get("/metrics").text
            yield system.rt, parse(text), receiver
        finally:
            for w in workers:
                stop_worker(w)
            redis.Redis.from_url(redis_url).flushdb()


def parse(text: str) -> dict[str, dict[tuple, float]]:
    """{sample name: {sorted label items: value}}"""
    out: dict[str, dict[tuple, float]] = defaultdict(dict)
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[s.name][tuple(sorted(s.labels.items()))] = s.value
    return out


def one(m, name: str, **labels) -> float:
    return m[name][tuple(sorted(labels.items()))]


def db_count(rt, query) -> int:
    with rt.store.engine.connect() as conn:
        return int(conn.scalar(query))


def test_queue_and_worker_families(scraped) -> None:
    _rt, m, _ = scraped

    assert one(m, "ingest_workers_online") == 2
    assert one(m, "ingest_queue_waiting", queue="process") == 0
    assert one(m, "ingest_queue_waiting", queue="fanout") == 0
    assert one(m, "ingest_queue_unacked") == 0
    assert one(m, "ingest_queue_oldest_waiting_seconds", queue="process") == 0
    assert one(m, "ingest_worker_active_tasks") == 0
    assert one(m, "ingest_poller_heartbeat_age_seconds") < 60


def test_task_families_count_every_task_once(scraped) -> None:
    _rt, m, _ = scraped
    name = "worker.tasks.process_entries"
    succeeded = one(m, "ingest_tasks_total", task=name, state="succeeded")
    failed = one(m, "ingest_tasks_total", task=name, state="failed")

    assert succeeded == len(list(SAMPLES.glob("*.xml")))  # one batch per feed
    retried = one(m, "ingest_tasks_total", task=name, state="retried")
    # The poison entry: tried, retried within its budget, then failed for good.
    assert (retried, failed) == (Settings().poison_retries, 1)
    assert one(m, "ingest_tasks_total", task=name, state="dead_lettered") == 1
    runs = succeeded + retried + failed
    assert one(m, "ingest_task_runtime_seconds_count", task=name) == runs
    waits = one(m, "ingest_task_queue_wait_seconds_count", queue="process")
    assert waits == runs
    assert one(m, "ingest_task_queue_wait_seconds_bucket", queue="process", le="+Inf") == waits


def test_fetch_and_feed_families(scraped) -> None:
    _rt, m, _ = scraped
    feeds = len(list(SAMPLES.glob("*.xml")))

    assert one(m, "ingest_fetches_total", status_class="2xx") == feeds
    assert one(m, "ingest_feeds", state="ok") == feeds


def test_item_families_match_the_store(scraped) -> None:
    rt, m, _ = scraped
    items = db_count(rt, select(func.count()).select_from(t.items))
    labels = t.item_labels.c

    assert one(m, "ingest_items") == items > 0
    with rt.store.engine.connect() as conn:
        by_topic = select(labels.code, func.count()).where(labels.kind == "topic")
        topics = dict(conn.execute(by_topic.group_by(labels.code)).all())
        by_language = select(t.items.c.language, func.count()).group_by(t.items.c.language)
        languages = dict(conn.execute(by_language).all())
    labelled = m["ingest_items_labelled_total"]
    assert {k[1][1]: v for k, v in labelled.items() if k[0][1] == "topic"} == topics
    assert {k[1][1]: v for k, v in labelled.items() if k[0][1] == "language"} == {
        (code or "unknown"): n for code, n in languages.items()
    }
    spun = db_count(rt, select(func.count()).where(t.items.c.spun.is_(True)))
    assert labelled.get((("kind", "spin"), ("label", "spun")), 0) == spun


def test_fanout_families(scraped) -> None:
    _rt, m, receiver = scraped
    items = one(m, "ingest_items")

    assert one(m, "ingest_outbox_backlog") == 0
    assert one(m, "ingest_stream_length", subscription="all") == items
    assert one(m, "ingest_stream_pending", subscription="all") == 2
    assert one(m, "ingest_webhook_deliveries", status="pending") == 0
    assert one(m, "ingest_webhook_deliveries", status="failed") == 0
    assert one(m, "ingest_webhook_attempts_total", result="ok") == len(receiver.received)
    assert one(m, "ingest_dead_letters") == 1


def test_stage_counters_follow_the_work(scraped) -> None:
    rt, m, _ = scraped
    items = one(m, "ingest_items")
    events = db_count(rt, select(func.count()).select_from(t.outbox))

    assert one(m, "ingest_stage_processed_total", stage="fetched") == items
    assert one(m, "ingest_stage_processed_total", stage="processed") == items
    assert one(m, "ingest_stage_processed_total", stage="published") == events
    assert one(m, "ingest_stage_processed_total", stage="delivered") == items
