"""WebSub: subscribe to a feed's hub, verify, and take pushed content into the pipeline.

The poller discovers a hub (`<link rel="hub">` in the feed or an HTTP `Link` header) and
subscribes with a per-feed secret and the callback `/websub/<feed id>` under
`INGEST_WEBSUB_CALLBACK_URL`. The hub confirms with a GET the HTTP server answers
(the subscription turns active), then POSTs new content signed with `X-Hub-Signature`;
a valid push goes through the same Ingestor as a poll. While a subscription is active,
polling drops to the feed's longest interval; when the hub refuses, never verifies, or
the lease runs out without renewal, the feed is simply polled as before. Leases are
renewed a day before they end, by the poll that notices.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import httpx
import structlog
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from worker.store.repository import utcnow

if TYPE_CHECKING:
    from worker.poller.parse import ParsedFeed
    from worker.poller.poll import Enqueue
    from worker.runtime import Runtime
    from worker.store.feeds import FeedRow

log = structlog.get_logger(__name__)

PENDING, ACTIVE, FAILED = "pending", "active", "failed"
LEASE_S = 10 * 86_400  # asked of the hub; it may grant less
RENEW_BEFORE = timedelta(days=1)
VERIFY_WITHIN = timedelta(hours=1)  # a hub silent this long after subscribing has failed
RETRY_FAILED = timedelta(days=1)
LINK = re.compile(r"<([^>]*)>\s*((?:;[^,;]*)*)")
DIGESTS = {
    "sha1": hashlib.sha1,
    "sha256": hashlib.sha256,
    "sha384": hashlib.sha384,
    "sha512": hashlib.sha512,
}


def header_links(value: str) -> dict[str, str]:
    """rel -> URL from an HTTP Link header (RFC 8288), first of each rel."""
    found: dict[str, str] = {}
    for url, params in LINK.findall(value or ""):
        rel = re.search(r'rel\s*=\s*"?([^";]+)"?', params)
        for name in rel.group(1).split() if rel else []:
            found.setdefault(name.lower(), url.strip())
    return found


def discover(
    parsed: ParsedFeed, headers: Mapping[str, str], location: str
) -> tuple[str | None, str]:
    """(hub, topic): the Link header wins over the feed's own links, as the spec says."""
    linked = header_links(headers.get("link", ""))
    hub = linked.get("hub") or parsed.link_rel("hub")
    topic = linked.get("self") or parsed.link_rel("self") or location
    return hub, topic


def due_for_subscription(feed: FeedRow, hub: str, now: datetime) -> bool:
    """A new hub, no subscription, a lease near its end, or a failure old enough to retry."""
    if feed.websub_hub != hub or feed.websub_state is None or feed.websub_expires_at is None:
        return True
    if feed.websub_state == ACTIVE:
        return feed.websub_expires_at - RENEW_BEFORE <= now
    return feed.websub_expires_at <= now


async def subscribe(
    client: httpx.AsyncClient,
    feed: FeedRow,
    hub: str,
    topic: str,
    callback: str,
    now: datetime,
) -> dict[str, Any]:
    """Ask the hub for a subscription; returns the feed's new WebSub columns."""
    secret = feed.websub_secret if feed.websub_hub == hub and feed.websub_secret else None
    secret = secret or secrets.token_hex(32)
    form = {
        "hub.mode": "subscribe",
        "hub.topic": topic,
        "hub.callback": f"{callback.rstrip('/')}/websub/{feed.id}",
        "hub.secret": secret,
        "hub.lease_seconds": str(LEASE_S),
    }
    change: dict[str, Any] = {"websub_hub": hub, "websub_topic": topic, "websub_secret": secret}
    try:
        response = await client.post(hub, data=form)
        accepted = response.status_code in (202, 204)
        detail = f"HTTP {response.status_code}"
    except httpx.HTTPError as exc:
        accepted, detail = False, f"{type(exc).__name__}: {exc}"
    log.info("websub.subscribe", feed=feed.url, hub=hub, accepted=accepted, detail=detail)
    if accepted:
        # Stays pending until the hub's verification GET; if that never comes, the
        # subscription is retried after VERIFY_WITHIN, and the feed is polled meanwhile.
        return {**change, "websub_state": PENDING, "websub_expires_at": now + VERIFY_WITHIN}
    return {**change, "websub_state": FAILED, "websub_expires_at": now + RETRY_FAILED}


def valid_signature(secret: str | None, header: str | None, body: bytes) -> bool:
    """X-Hub-Signature: `method=hexdigest`, an HMAC of the body with the feed's secret."""
    if not (secret and header and "=" in header):
        return False
    method, _, given = header.partition("=")
    digest = DIGESTS.get(method.strip().lower())
    if digest is None:
        return False
    expected = hmac.new(secret.encode(), body, digest).hexdigest()
    return hmac.compare_digest(expected, given.strip().lower())


def websub_routes(runtime: Runtime, enqueue: Enqueue | None = None) -> list[Route]:
    """The callback the hubs call: verification (GET) and content distribution (POST)."""
    from worker.poller.poll import Ingestor, Unparseable

    hand_over = _celery_enqueue if enqueue is None else enqueue

    async def feed_for(request: Request) -> FeedRow | None:
        return await asyncio.to_thread(runtime.store.get_feed, request.path_params["feed_id"])

    async def verify(request: Request) -> Response:
        feed = await feed_for(request)
        q = request.query_params
        mode, topic = q.get("hub.mode"), q.get("hub.topic")
        if feed is None or feed.websub_topic is None or topic != feed.websub_topic:
            return PlainTextResponse("unknown subscription", status_code=404)
        now = utcnow()
        if mode == "denied":
            values = {"websub_state": FAILED, "websub_expires_at": now + RETRY_FAILED}
        elif mode == "subscribe" and feed.websub_state in (PENDING, ACTIVE):
            lease = q.get("hub.lease_seconds", "")
            lease_s = int(lease) if lease.isdigit() else LEASE_S
            values = {"websub_state": ACTIVE, "websub_expires_at": now + timedelta(seconds=lease_s)}
        else:
            return PlainTextResponse("not expected", status_code=404)
        await asyncio.to_thread(runtime.store.feeds.update, feed.id, **values)
        log.info("websub.verified", feed=feed.url, mode=mode, state=values["websub_state"])
        return PlainTextResponse(q.get("hub.challenge", ""))

    async def push(request: Request) -> Response:
        feed = await feed_for(request)
        if feed is None or feed.websub_state not in (PENDING, ACTIVE):
            return PlainTextResponse("unknown subscription", status_code=410)
        limit = runtime.settings.fetch_max_bytes
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                return PlainTextResponse("too large", status_code=413)
        if not valid_signature(feed.websub_secret, request.headers.get("x-hub-signature"), body):
            # The spec: acknowledge, but ignore what does not carry our signature.
            log.warning("websub.bad_signature", feed=feed.url)
            return Response(status_code=202)
        ingestor = Ingestor(runtime.store, hand_over, runtime.settings)
        try:
            change, stats, _ = await ingestor.ingest(
                feed, body, request.headers.get("content-type")
            )
        except Unparseable as exc:
            log.warning("websub.unparseable", feed=feed.url, error=str(exc))
            return Response(status_code=202)
        await asyncio.to_thread(runtime.store.feeds.update, feed.id, **change)
        log.info("websub.push", feed=feed.url, new=stats.entries_new)
        return Response(status_code=202)

    async def endpoint(request: Request) -> Response:
        return await (verify if request.method == "GET" else push)(request)

    return [Route("/websub/{feed_id}", endpoint, methods=["GET", "POST"])]


def _celery_enqueue(feed_id: str, entries: list[dict]) -> None:
    from worker.runner import enqueue_celery

    enqueue_celery(feed_id, entries)
