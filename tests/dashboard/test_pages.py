"""Overview and feeds pages over a real Redis and SQLite, through the HTTP app."""

from __future__ import annotations

import re

from redis import Redis
from starlette.testclient import TestClient

from tests.factories import record, to_all
from worker.monitor.telemetry import worker_heartbeat
from worker.runtime import Runtime
from worker.store.repository import feed_id_for


def figure(html: str, name: str) -> str:
    found = re.search(rf'data-figure="{name}"><b>([^<]*)</b>', html)
    assert found, f"no figure {name}"
    return found.group(1)


def test_the_overview_shows_the_store_figures(runtime: Runtime, client: TestClient) -> None:
    runtime.store.save_items(feed_id_for(record().feed), [record("a"), record("b", text="B.")],
                             to_all)  # fmt: skip

    page = client.get("/").text

    assert figure(page, "items") == "2"
    assert figure(page, "outbox_backlog") == "2"


def test_the_overview_shows_queues_and_the_workers_active_tasks(
    runtime: Runtime, client: TestClient
) -> None:
    runtime.redis.lpush("process", b"{}")
    worker_heartbeat(runtime.redis, "ingest-1@box", 2)

    page = client.get("/").text

    assert re.search(r'data-queue="process"><td>process</td><td class="num">1<', page)
    assert re.search(r"<td>ingest-1@box</td><td class=\"num\">2<", page)


def test_without_a_worker_the_overview_says_so_first(client: TestClient) -> None:
    page = client.get("/").text

    assert re.search(r"Needs attention</b><ul><li>No worker is online", page)


def test_the_fragment_is_only_the_live_section(client: TestClient) -> None:
    fragment = client.get("/?fragment=1").text

    assert 'data-figure="items"' in fragment
    assert "<html" not in fragment and "<nav" not in fragment


def test_pages_load_nothing_from_elsewhere_and_run_only_their_own_script(
    client: TestClient,
) -> None:
    response = client.get("/")

    nonce = re.search(r'<script nonce="([^"]+)">', response.text).group(1)
    assert f"script-src 'nonce-{nonce}'" in response.headers["content-security-policy"]
    assert not re.search(r'(src|href)="(https?:)?//', response.text)


def test_the_feeds_page_sorts_by_the_requested_column(runtime: Runtime, client: TestClient) -> None:
    runtime.store.add_feeds([("https://a.example/feed", "Alpha", None),
                             ("https://b.example/feed", "Beta", None)])  # fmt: skip

    page = client.get("/feeds?sort=-title").text

    assert page.index(">Beta<") < page.index(">Alpha<")


def test_the_feeds_page_filters_by_state(runtime: Runtime, client: TestClient) -> None:
    runtime.store.add_feeds([("https://a.example/feed", "Alpha", None),
                             ("https://b.example/feed", "Beta", None)])  # fmt: skip
    runtime.store.feeds.update(feed_id_for("https://b.example/feed"), status="error")

    page = client.get("/feeds?status=error").text

    assert ">Beta<" in page and ">Alpha<" not in page


def test_a_feed_page_shows_its_last_error(runtime: Runtime, client: TestClient) -> None:
    url = "https://down.example/feed"
    runtime.store.add_feeds([(url, "Down", None)])
    runtime.store.feeds.update(feed_id_for(url), status="error", last_error="HTTP 503 Busy")

    page = client.get(f"/feeds/{feed_id_for(url)}").text

    assert re.search(r'id="last-error".*HTTP 503 Busy', page, re.S)


def test_a_feed_page_says_when_its_items_are_fetched_from_their_links(
    runtime: Runtime, client: TestClient
) -> None:
    url = "https://summaries.example/feed"
    runtime.store.add_feeds([(url, "Summaries", None, True)])

    page = client.get(f"/feeds/{feed_id_for(url)}").text

    assert re.search(r'data-field="content">full article', page)


def test_an_unknown_feed_is_a_404(client: TestClient) -> None:
    assert client.get("/feeds/nope").status_code == 404


def test_with_redis_down_the_overview_still_shows_the_store_and_says_why(
    runtime: Runtime, client: TestClient
) -> None:
    runtime.redis = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)

    page = client.get("/").text

    assert "The broker (Redis) is unreachable" in page
    assert figure(page, "items") == "0"
