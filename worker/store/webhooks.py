"""Webhook deliveries: scheduled by the relay, claimed by deliverers, every attempt kept.

The retry schedule lives here, in `next_attempt_at`, not in broker ETAs: a delivery due
in ten hours is a row, not a message the broker must hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, case, func, or_, select, update

from worker.store import tables as t
from worker.store.repository import Store, utcnow

wd = t.webhook_deliveries.c


@dataclass(slots=True)
class Delivery:
    id: int
    event_id: str
    subscription: str
    payload: str
    attempts: int


def schedule(store: Store, conn: Connection, events: Sequence[tuple[str, str, str]]) -> None:
    """Create pending deliveries for (event_id, subscription, payload), once per event."""
    now = utcnow()
    rows = [
        {
            "event_id": event_id,
            "subscription": sub,
            "payload": payload,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for event_id, sub, payload in events
    ]
    store.insert_ignore(conn, t.webhook_deliveries, rows, ["event_id"])


def claim_due(store: Store, *, limit: int, lease: timedelta) -> list[Delivery]:
    """Lease due deliveries of enabled endpoints, oldest first."""
    now = utcnow()
    disabled = select(t.webhook_endpoints.c.subscription).where(
        t.webhook_endpoints.c.disabled_at.is_not(None)
    )
    due = and_(
        wd.status == "pending",
        wd.next_attempt_at <= now,
        or_(wd.lease_until.is_(None), wd.lease_until < now),
        wd.subscription.not_in(disabled),
    )
    claimed = []
    with store.engine.begin() as conn:
        rows = conn.execute(
            select(wd.id, wd.event_id, wd.subscription, wd.payload, wd.attempts)
            .where(due)
            .order_by(wd.next_attempt_at, wd.id)
            .limit(limit)
        ).all()
        for row in rows:
            won = conn.execute(
                update(t.webhook_deliveries)
                .where(and_(wd.id == row.id, due))
                .values(lease_until=now + lease)
            ).rowcount
            if won:
                claimed.append(Delivery(*row))
    return claimed


def record_attempt(
    store: Store,
    delivery: Delivery,
    *,
    status_code: int | None,
    error: str | None,
    duration_ms: int,
    outcome: str,  # delivered | retry | failed
    next_attempt_at: datetime | None = None,
) -> None:
    now = utcnow()
    attempt = delivery.attempts + 1
    values: dict[str, Any] = {
        "attempts": attempt,
        "last_status": status_code,
        "last_error": error,
        "lease_until": None,
    }
    if outcome == "delivered":
        values.update(status="delivered", delivered_at=now)
    elif outcome == "failed":
        values.update(status="failed")
    else:
        values.update(next_attempt_at=next_attempt_at or now)
    with store.engine.begin() as conn:
        conn.execute(
            t.webhook_attempts.insert().values(
                delivery_id=delivery.id,
                attempt=attempt,
                at=now,
                status_code=status_code,
                error=error,
                duration_ms=duration_ms,
            )
        )
        conn.execute(update(t.webhook_deliveries).where(wd.id == delivery.id).values(**values))


def set_endpoint_disabled(store: Store, subscription: str, reason: str | None) -> None:
    """Disable (reason given) or re-enable (None) a subscription's endpoint."""
    with store.engine.begin() as conn:
        store.insert_ignore(
            conn, t.webhook_endpoints, [{"subscription": subscription}], ["subscription"]
        )
        conn.execute(
            update(t.webhook_endpoints)
            .where(t.webhook_endpoints.c.subscription == subscription)
            .values(disabled_at=utcnow() if reason else None, disabled_reason=reason)
        )


def endpoint_summary(store: Store) -> dict[str, dict[str, Any]]:
    """Per subscription: backlog, delivered, failed, success rate, last error, disabled."""
    counts = select(
        wd.subscription,
        func.sum(case((wd.status == "pending", 1), else_=0)).label("pending"),
        func.sum(case((wd.status == "delivered", 1), else_=0)).label("delivered"),
        func.sum(case((wd.status == "failed", 1), else_=0)).label("failed"),
    ).group_by(wd.subscription)
    wa = t.webhook_attempts.c
    attempts = (
        select(
            wd.subscription,
            func.count().label("attempts"),
            func.sum(case((and_(wa.status_code >= 200, wa.status_code < 300), 1), else_=0)).label(
                "ok"
            ),
        )
        .join(t.webhook_deliveries, wd.id == wa.delivery_id)
        .group_by(wd.subscription)
    )
    out: dict[str, dict[str, Any]] = {}
    with store.engine.connect() as conn:
        for row in conn.execute(counts):
            out[row.subscription] = {
                "pending": int(row.pending or 0),
                "delivered": int(row.delivered or 0),
                "failed": int(row.failed or 0),
                "attempts": 0,
                "success_rate": None,
                "last_error": None,
                "disabled": None,
            }
        for row in conn.execute(attempts):
            entry = out.setdefault(row.subscription, {})
            entry["attempts"] = int(row.attempts)
            entry["success_rate"] = round(int(row.ok or 0) / int(row.attempts), 3)
        for row in conn.execute(
            select(wd.subscription, wd.last_error)
            .where(wd.last_error.is_not(None))
            .order_by(wd.id.desc())
        ):
            if row.subscription in out and out[row.subscription]["last_error"] is None:
                out[row.subscription]["last_error"] = row.last_error
        for row in conn.execute(select(t.webhook_endpoints)):
            if row.disabled_at is not None:
                out.setdefault(row.subscription, {})["disabled"] = row.disabled_reason
    return out


def list_deliveries(
    store: Store, *, status: str | None = None, subscription: str | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    q = select(
        wd.id, wd.event_id, wd.subscription, wd.status, wd.attempts, wd.next_attempt_at,
        wd.last_status, wd.last_error, wd.created_at, wd.delivered_at,
    ).order_by(wd.id.desc()).limit(limit)  # fmt: skip
    if status:
        q = q.where(wd.status == status)
    if subscription:
        q = q.where(wd.subscription == subscription)
    with store.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(q)]


def attempts_of(store: Store, delivery_id: int) -> list[dict[str, Any]]:
    wa = t.webhook_attempts.c
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(t.webhook_attempts).where(wa.delivery_id == delivery_id).order_by(wa.attempt)
        )
        return [dict(r._mapping) for r in rows]


def retry(store: Store, *, delivery_id: int | None = None, subscription: str | None = None) -> int:
    """Put failed deliveries (one, or all of a subscription, or all) back to pending now."""
    cond = wd.status == "failed"
    if delivery_id is not None:
        cond = wd.id == delivery_id
    elif subscription:
        cond = and_(cond, wd.subscription == subscription)
    with store.engine.begin() as conn:
        return conn.execute(
            update(t.webhook_deliveries)
            .where(cond)
            .values(status="pending", next_attempt_at=utcnow(), lease_until=None)
        ).rowcount
