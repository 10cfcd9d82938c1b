"""WebSub: discovery and subscription by the poller, verification and pushes by the server."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import parse_qs

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.poller.builders import item, rss
from tests.poller.conftest import poll_once
from tests.support.misbehaving import Reply
from worker.poller.poll import Poller
from worker.poller.websub import ACTIVE, FAILED, PENDING, due_for_subscription, header_links
from worker.store.repository import utcnow

TOPIC = "https://news.example/feed.xml"


@pytest.fixture
def settings(settings):
    settings.websub_callback_url = "https://ingest.example/"
    return settings


@pytest.fixture
def hub_feed(server):
    """A feed that names a hub (which accepts subscriptions) and its own topic URL."""
    hub = server.route("/hub", Reply(202))
    links = f'<atom:link rel="hub" href="{hub}"/><atom:link rel="self" href="{TOPIC}"/>'
    return server.route("/feed", Reply(body=rss(item(1), channel=links)))


@pytest.fixture
def callback(store, settings, enqueued):
    from worker.poller.websub import websub_routes

    runtime = SimpleNamespace(store=store, settings=settings)
    return TestClient(Starlette(routes=websub_routes(runtime, enqueued)))


def signed(body: bytes, secret: str) -> dict[str, str]:
    return {
        "X-Hub-Signature": "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    }


async def subscribed(store, poller: Poller, hub_feed: str, callback: TestClient):
    """Poll (which subscribes), then verify as the hub would."""
    feed, _ = await poll_once(store, poller, hub_feed)
    callback.get(
        f"/websub/{feed.id}",
        params={
            "hub.mode": "subscribe",
            "hub.topic": TOPIC,
            "hub.challenge": "c",
            "hub.lease_seconds": "86400",
        },
    )
    return store.get_feed(hub_feed)


async def test_a_poll_discovers_the_hub_and_subscribes(store, poller, server, hub_feed):
    feed, _ = await poll_once(store, poller, hub_feed)

    form = parse_qs(server.seen("/hub")[0].body.decode())
    assert form["hub.mode"] == ["subscribe"] and form["hub.topic"] == [TOPIC]
    assert form["hub.callback"] == [f"https://ingest.example/websub/{feed.id}"]
    assert (feed.websub_state, feed.websub_secret) == (PENDING, form["hub.secret"][0])


async def test_the_hubs_verification_activates_the_subscription(store, poller, hub_feed, callback):
    feed, _ = await poll_once(store, poller, hub_feed)

    reply = callback.get(
        f"/websub/{feed.id}",
        params={
            "hub.mode": "subscribe",
            "hub.topic": TOPIC,
            "hub.challenge": "xyz",
            "hub.lease_seconds": "3600",
        },
    )

    assert (reply.status_code, reply.text) == (200, "xyz")
    feed = store.get_feed(hub_feed)
    assert feed.websub_state == ACTIVE
    assert feed.websub_expires_at - utcnow() <= timedelta(hours=1)


async def test_a_verification_for_another_topic_is_refused(store, poller, hub_feed, callback):
    feed, _ = await poll_once(store, poller, hub_feed)

    reply = callback.get(
        f"/websub/{feed.id}",
        params={
            "hub.mode": "subscribe",
            "hub.topic": "https://evil.example/",
            "hub.challenge": "x",
        },
    )

    assert reply.status_code == 404
    assert store.get_feed(hub_feed).websub_state == PENDING


async def test_a_signed_push_enters_the_pipeline(store, poller, hub_feed, callback, enqueued):
    feed = await subscribed(store, poller, hub_feed, callback)
    enqueued.clear()
    body = rss(item(2))

    reply = callback.post(
        f"/websub/{feed.id}", content=body, headers=signed(body, feed.websub_secret)
    )

    assert reply.status_code == 202
    assert [e["entry_key"] for e in enqueued.entries] == ["id-2"]


async def test_a_push_with_a_bad_signature_is_ignored(store, poller, hub_feed, callback, enqueued):
    feed = await subscribed(store, poller, hub_feed, callback)
    enqueued.clear()
    body = rss(item(2))

    reply = callback.post(f"/websub/{feed.id}", content=body, headers=signed(body, "wrong"))

    assert reply.status_code == 202
    assert enqueued == []


async def test_while_the_hub_pushes_polling_drops_to_the_longest_interval(
    store, poller, hub_feed, callback
):
    await subscribed(store, poller, hub_feed, callback)

    feed, _ = await poll_once(store, poller, hub_feed)

    assert feed.interval_s == 86_400


async def test_a_failing_hub_leaves_the_feed_polled_as_before(store, poller, server):
    hub = server.route("/hub", Reply(500))
    daily = [item(n, age=timedelta(hours=n)) for n in range(20)]  # polled every 8.4 h
    url = server.route(
        "/feed", Reply(body=rss(*daily, channel=f'<atom:link rel="hub" href="{hub}"/>'))
    )

    feed, _ = await poll_once(store, poller, url)

    assert feed.websub_state == FAILED
    assert feed.interval_s == 7 * 86_400 // 20


def test_a_lease_is_renewed_a_day_before_it_ends():
    feed = SimpleNamespace(
        websub_hub="h", websub_state=ACTIVE, websub_expires_at=utcnow() + timedelta(hours=20)
    )

    assert due_for_subscription(feed, "h", utcnow())


def test_the_hub_can_be_announced_in_a_link_header():
    links = header_links('<https://hub.example/>; rel="hub", <https://x.example/f>; rel=self')

    assert links == {"hub": "https://hub.example/", "self": "https://x.example/f"}
