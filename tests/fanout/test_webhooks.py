"""Webhooks end to end with a real receiver on 127.0.0.1, on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import ipaddress
import json
from datetime import timedelta

import pytest
import redis
import standardwebhooks

from tests.factories import record
from tests.support.webhook_receiver import WebhookReceiver
from worker.fanout.relay import relay_pending
from worker.fanout.subscriptions import Subscription, Subscriptions, Webhook
from worker.fanout.webhooks import deliver_due, make_webhook_client, signed_headers
from worker.store import webhooks as db
from worker.store.repository import Store, feed_id_for, utcnow

SECRET = "whsec_" + base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()
OLD_SECRET = "whsec_" + base64.b64encode(b"old-secret-old-secret-old-secret").decode()
LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"),)


@pytest.fixture
def receiver():
    with WebhookReceiver(SECRET) as r:
        yield r


@pytest.fixture
def subs(store: Store, redis_url: str, receiver: WebhookReceiver) -> Subscriptions:
    """A webhook-only subscription to the receiver, with one event already relayed."""
    hook = subs_for(receiver.url, SECRET)
    enqueue_event(store, redis_url, hook)
    return hook


def wait_before_next_attempt(store: Store) -> timedelta:
    due = only_delivery(store)["next_attempt_at"]
    return due.replace(tzinfo=None) - utcnow().replace(tzinfo=None)


def subs_for(url: str, *secrets: str) -> Subscriptions:
    return Subscriptions([Subscription("hook", stream=False, webhook=Webhook(url, secrets))])


def enqueue_event(store: Store, redis_url: str, subs: Subscriptions, key: str = "a") -> None:
    item = record(key, text=f"Story {key}.")
    store.save_items(feed_id_for(item.feed), [item], subs.match)
    relay_pending(store, redis.Redis.from_url(redis_url), subs, maxlen=100)


async def deliver(store: Store, subs: Subscriptions, timeout: float = 5.0, allowed=LOOPBACK):
    async with make_webhook_client(allowed, timeout=timeout) as client:
        return await deliver_due(store, subs, client)


def only_delivery(store: Store) -> dict:
    [d] = db.list_deliveries(store)
    return d


def test_signatures_verify_with_the_reference_library() -> None:
    body = b'{"event_id": "e1"}'

    headers = signed_headers((SECRET,), "e1", body)

    assert standardwebhooks.Webhook(SECRET).verify(body, headers) == {"event_id": "e1"}


def test_during_rotation_either_secret_verifies() -> None:
    body = b"{}"

    headers = signed_headers((OLD_SECRET, SECRET), "e1", body)

    standardwebhooks.Webhook(SECRET).verify(body, headers)
    standardwebhooks.Webhook(OLD_SECRET).verify(body, headers)


async def test_an_event_is_delivered_signed_and_recorded(
    store: Store, subs: Subscriptions, receiver: WebhookReceiver
) -> None:

    stats = await deliver(store, subs)

    assert stats.delivered == 1
    [got] = receiver.received
    assert got.verified
    assert json.loads(got.body)["type"] == "item.created"
    assert only_delivery(store)["status"] == "delivered"
    assert [a["status_code"] for a in db.attempts_of(store, only_delivery(store)["id"])] == [200]


async def test_a_webhook_only_subscription_adds_nothing_to_a_stream(
    store: Store, redis_url: str, receiver: WebhookReceiver
) -> None:
    enqueue_event(store, redis_url, subs_for(receiver.url, SECRET))

    assert redis.Redis.from_url(redis_url).exists("ingest:stream:hook") == 0


async def test_a_server_error_is_retried_on_the_schedule_with_the_same_id(
    store: Store, subs: Subscriptions, receiver: WebhookReceiver
) -> None:
    receiver.script.append("500")

    await deliver(store, subs)

    d = only_delivery(store)
    assert (d["status"], d["attempts"], d["last_status"]) == ("pending", 1, 500)
    assert timedelta(seconds=3) < wait_before_next_attempt(store) <= timedelta(seconds=6)
    _make_due(store)
    await deliver(store, subs)
    assert only_delivery(store)["status"] == "delivered"
    assert receiver.received[0].msg_id == receiver.received[1].msg_id


async def test_a_timeout_is_recorded_and_retried(
    store: Store, subs: Subscriptions, receiver: WebhookReceiver
) -> None:
    receiver.script.append("sleep:2")

    await deliver(store, subs, timeout=0.5)

    d = only_delivery(store)
    assert d["status"] == "pending"
    assert "Timeout" in d["last_error"]


async def test_429_honours_retry_after(
    store: Store, subs: Subscriptions, receiver: WebhookReceiver
) -> None:
    receiver.script.append("429:120")

    await deliver(store, subs)

    assert timedelta(seconds=110) < wait_before_next_attempt(store) <= timedelta(seconds=120)


async def test_410_disables_the_endpoint_without_losing_the_delivery(
    store: Store, subs: Subscriptions, receiver: WebhookReceiver
) -> None:
    receiver.script.append("410")

    stats = await deliver(store, subs)
    _make_due(store)

    assert stats.disabled == {"hook"}
    assert db.endpoint_summary(store)["hook"]["disabled"] == "HTTP 410 Gone"
    assert db.claim_due(store, limit=10, lease=timedelta(seconds=1)) == []
    db.set_endpoint_disabled(store, "hook", None)
    assert (await deliver(store, subs)).delivered == 1


async def test_when_the_schedule_is_spent_the_delivery_fails_and_can_be_retried(
    store: Store, subs: Subscriptions, receiver: WebhookReceiver
) -> None:
    receiver.script.extend(["500"] * 10)

    for _ in range(10):
        _make_due(store)
        await deliver(store, subs)

    assert only_delivery(store)["status"] == "failed"
    assert db.retry(store, subscription="hook") == 1
    assert (await deliver(store, subs)).delivered == 1


async def test_a_webhook_on_a_private_address_is_refused(
    store: Store, subs: Subscriptions, receiver: WebhookReceiver
) -> None:

    await deliver(store, subs, allowed=())

    assert "private or reserved address" in only_delivery(store)["last_error"]
    assert receiver.received == []


def _make_due(store: Store) -> None:
    from sqlalchemy import update

    from worker.store import tables as t

    with store.engine.begin() as conn:
        conn.execute(update(t.webhook_deliveries).values(next_attempt_at=utcnow()))
