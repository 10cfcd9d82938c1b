"""Webhook delivery per the Standard Webhooks spec, with the retry schedule in the database.

Each request carries `webhook-id` (the event id, stable across retries, so receivers
drop repeats), `webhook-timestamp` and `webhook-signature`: `v1,<base64 HMAC-SHA256>` of
`id.timestamp.body` under each configured `whsec_` secret (several during a rotation).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx
import structlog

from worker.fanout.subscriptions import Subscriptions
from worker.poller.guard import GuardedTransport, IPNetwork
from worker.store import webhooks as db
from worker.store.repository import Store, utcnow

log = structlog.get_logger(__name__)

#: Delay before attempt n+1 after attempt n failed: immediately, 5 s, 5 min, 30 min,
#: 2 h, 5 h, 10 h, 14 h, 20 h, 24 h. After the last one the delivery has failed.
RETRY_DELAYS_S = (0, 5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400)
MAX_RETRY_AFTER_S = 86400
TIMEOUT_S = 15.0
LEASE = timedelta(seconds=60)


def secret_key(secret: str) -> bytes:
    """The key bytes of a `whsec_<base64>` secret (a bare string is used as it is)."""
    if secret.startswith("whsec_"):
        return base64.b64decode(secret.removeprefix("whsec_"))
    return secret.encode()


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signed_headers(secrets: tuple[str, ...], msg_id: str, body: bytes) -> dict[str, str]:
    timestamp = int(time.time())
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(sign(s, msg_id, timestamp, body) for s in secrets),
        "content-type": "application/json",
    }


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Retry-After as seconds or an HTTP date, capped at 24 h; None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            seconds = (parsedate_to_datetime(value) - now).total_seconds()
        except (TypeError, ValueError):
            return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_S)


def next_delay(attempts_done: int, retry_after: float | None = None) -> float | None:
    """Seconds until the next attempt (±10% jitter), or None when the schedule is spent."""
    if attempts_done >= len(RETRY_DELAYS_S):
        return None
    delay = RETRY_DELAYS_S[attempts_done] * random.uniform(0.9, 1.1)
    return max(delay, retry_after or 0.0)


@dataclass(slots=True)
class DeliveryStats:
    attempts: int = 0
    delivered: int = 0
    retried: int = 0
    failed: int = 0
    disabled: set[str] = field(default_factory=set)


def make_webhook_client(
    allowed: tuple[IPNetwork, ...], timeout: float = TIMEOUT_S
) -> httpx.AsyncClient:
    """Redirects are not followed: a webhook answering 3xx has failed that attempt."""
    return httpx.AsyncClient(
        transport=GuardedTransport(httpx.AsyncHTTPTransport(retries=0), allowed),
        timeout=httpx.Timeout(timeout),
        follow_redirects=False,
        headers={"User-Agent": "ingest-worker-webhooks"},
    )


async def deliver_one(
    store: Store, client: httpx.AsyncClient, subs: Subscriptions, d: db.Delivery
) -> str:
    """One attempt; records it and returns its outcome (delivered | retry | failed | disabled)."""
    sub = subs.get(d.subscription)
    if sub is None or sub.webhook is None:
        await asyncio.to_thread(
            db.record_attempt, store, d, status_code=None, duration_ms=0, outcome="failed",
            error="the subscription no longer has a webhook",
        )  # fmt: skip
        return "failed"
    body = d.payload.encode()
    started = time.monotonic()
    status, error, retry_after = None, None, None
    try:
        response = await client.post(
            sub.webhook.url,
            content=body,
            headers=signed_headers(sub.webhook.secrets, d.event_id, body),
        )
        status = response.status_code
        if not 200 <= status < 300:
            error = f"HTTP {status}"
        if status in (429, 503):
            retry_after = retry_after_seconds(
                response.headers.get("Retry-After"), datetime.now(UTC)
            )
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    duration_ms = int((time.monotonic() - started) * 1000)
    outcome, next_at = "delivered", None
    if error:
        delay = next_delay(d.attempts + 1, retry_after)
        outcome = "failed" if delay is None else "retry"
        next_at = utcnow() + timedelta(seconds=delay or 0)
    await asyncio.to_thread(
        db.record_attempt, store, d, status_code=status, error=error, duration_ms=duration_ms,
        outcome=outcome, next_attempt_at=next_at,
    )  # fmt: skip
    log.info(
        "webhook.attempt",
        subscription=d.subscription,
        event_id=d.event_id,
        item_id=json.loads(d.payload)["item"]["id"],
        attempt=d.attempts + 1,
        status=status,
        error=error,
        outcome=outcome,
    )
    if status == 410:
        # Gone: stop sending to this endpoint until someone re-enables it; the
        # delivery stays pending, so nothing is lost.
        await asyncio.to_thread(db.set_endpoint_disabled, store, d.subscription, "HTTP 410 Gone")
        return "disabled"
    return outcome


async def deliver_due(
    store: Store, subs: Subscriptions, client: httpx.AsyncClient, *, limit: int = 200,
    concurrency: int = 20,
) -> DeliveryStats:  # fmt: skip
    """Attempt every due delivery (up to `limit`), `concurrency` at a time."""
    due = await asyncio.to_thread(db.claim_due, store, limit=limit, lease=LEASE)
    stats = DeliveryStats()
    gate = asyncio.Semaphore(concurrency)

    async def attempt(d: db.Delivery) -> None:
        async with gate:
            outcome = await deliver_one(store, client, subs, d)
        stats.attempts += 1
        if outcome == "delivered":
            stats.delivered += 1
        elif outcome == "retry":
            stats.retried += 1
        elif outcome == "failed":
            stats.failed += 1
        else:
            stats.disabled.add(d.subscription)

    await asyncio.gather(*(attempt(d) for d in due))
    return stats
