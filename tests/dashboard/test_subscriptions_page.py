"""Subscriptions: stream length, consumer-group pending, outbox backlog, webhook record."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from tests.factories import record, to_all
from worker.fanout.relay import stream_key
from worker.runtime import Runtime
from worker.store.repository import feed_id_for
from worker.store.webhooks import Delivery, record_attempt


def figure(page: str, subscription: str, name: str) -> str:
    section = page.split(f'data-subscription="{subscription}"', 1)[1]
    return re.search(rf'data-figure="{name}"><b>([^<]*)</b>', section).group(1)


def test_shows_the_stream_length_and_what_consumer_groups_hold_unacked(
    runtime: Runtime, client: TestClient
) -> None:
    key = stream_key("all")
    for n in range(3):
        runtime.redis.xadd(key, {"n": n})
    runtime.redis.xgroup_create(key, "indexer", id="0")
    runtime.redis.xreadgroup("indexer", "c1", {key: ">"}, count=2)

    page = client.get("/subscriptions").text

    assert figure(page, "all", "stream_length") == "3"
    assert figure(page, "all", "group_pending") == "2"


def test_shows_the_outbox_backlog_of_each_subscription(
    runtime: Runtime, client: TestClient
) -> None:
    runtime.store.save_items(feed_id_for(record().feed), [record("a"), record("b", text="B.")],
                             to_all)  # fmt: skip

    page = client.get("/subscriptions").text

    assert figure(page, "all", "outbox_backlog") == "2"


def test_shows_the_webhook_backlog_success_rate_and_last_error(
    runtime: Runtime, client: TestClient
) -> None:
    runtime.store.mark_sent([], [("e1", "hooked", "{}"), ("e2", "hooked", "{}")])
    record_attempt(runtime.store, Delivery(1, "e1", "hooked", "{}", 0), status_code=500,
                   error="HTTP 500 from receiver", duration_ms=5, outcome="failed")  # fmt: skip

    page = client.get("/subscriptions").text

    assert figure(page, "hooked", "webhook_pending") == "1"
    assert figure(page, "hooked", "webhook_success") == "0.0 %"
    assert "Last error: HTTP 500 from receiver" in page
