"""Per subscription: its Redis Stream, the consumer groups reading it, its outbox backlog
and its webhook's record. Subscriptions removed from the file still show while they
have a stream, a backlog or deliveries, because that is exactly when someone asks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from redis import Redis
from sqlalchemy import func, select

from worker.fanout.relay import stream_key
from worker.runtime import Runtime
from worker.store import tables as t
from worker.store.repository import Store
from worker.store.webhooks import endpoint_summary


@dataclass(slots=True)
class Group:
    name: str
    consumers: int
    pending: int  # delivered to a consumer, not acknowledged
    lag: int | None  # entries not yet delivered to the group (Redis 7+)
    last_delivered_id: str


@dataclass(slots=True)
class SubscriptionView:
    name: str
    configured: bool
    stream: bool
    webhook_host: str | None  # never the whole URL: it may carry a key
    length: int = 0
    groups: list[Group] = field(default_factory=list)
    outbox_backlog: int = 0
    webhook: dict[str, Any] | None = None


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def stream_groups(redis: Redis, key: str) -> tuple[int, list[Group]]:
    """(length, consumer groups) of a stream; (0, []) when it does not exist yet."""
    if not redis.exists(key):
        return 0, []
    groups = [
        Group(
            name=_text(g["name"]),
            consumers=int(g["consumers"]),
            pending=int(g["pending"]),
            lag=None if g.get("lag") is None else int(g["lag"]),
            last_delivered_id=_text(g["last-delivered-id"]),
        )
        for g in redis.xinfo_groups(key)
    ]
    return int(redis.xlen(key)), groups


def outbox_backlogs(store: Store) -> dict[str, int]:
    o = t.outbox.c
    q = select(o.subscription, func.count()).where(o.sent_at.is_(None)).group_by(o.subscription)
    with store.engine.connect() as conn:
        return {name: int(n) for name, n in conn.execute(q)}


def subscription_views(rt: Runtime) -> list[SubscriptionView]:
    configured = {s.name: s for s in rt.subscriptions.items}
    backlogs = outbox_backlogs(rt.store)
    hooks = endpoint_summary(rt.store)
    views = []
    for name in sorted({*configured, *backlogs, *hooks}):
        sub = configured.get(name)
        webhook = sub.webhook if sub else None
        view = SubscriptionView(
            name=name,
            configured=sub is not None,
            stream=sub.stream if sub else True,
            webhook_host=urlsplit(webhook.url).netloc if webhook else None,
            outbox_backlog=backlogs.get(name, 0),
            webhook=hooks.get(name),
        )
        view.length, view.groups = stream_groups(rt.redis, stream_key(name))
        views.append(view)
    return views
