"""Retention: drop items, their history and spent fan-out rows older than a cut-off.

Seen-entry rows are kept: they are small, and without them an old entry still listed in
its feed would come back as a new item.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, select, text

from worker.store import tables as t
from worker.store.repository import Store


def purge(store: Store, older_than: datetime) -> dict[str, int]:
    """Delete what is older than the cut-off; returns counts per table."""
    items = t.items.c
    old_ids = select(items.id).where(items.updated_at < older_than).scalar_subquery()
    deleted: dict[str, int] = {}
    with store.engine.begin() as conn:
        if store.dialect == "sqlite":
            conn.execute(
                text("DELETE FROM items_fts WHERE item_id IN (SELECT id FROM items "
                     "WHERE updated_at < :cut)"),
                {"cut": older_than},
            )  # fmt: skip
        for table, column in (
            (t.item_versions, t.item_versions.c.item_id),
            (t.item_labels, t.item_labels.c.item_id),
            (t.fingerprints, t.fingerprints.c.item_id),
        ):
            deleted[table.name] = conn.execute(delete(table).where(column.in_(old_ids))).rowcount
        deleted["items"] = conn.execute(
            delete(t.items).where(items.updated_at < older_than)
        ).rowcount
        deleted["outbox"] = conn.execute(
            delete(t.outbox).where(t.outbox.c.sent_at < older_than)
        ).rowcount
        wd = t.webhook_deliveries.c
        spent = select(wd.id).where(
            wd.status != "pending", or_(wd.delivered_at < older_than, wd.created_at < older_than)
        )
        deleted["webhook_attempts"] = conn.execute(
            delete(t.webhook_attempts).where(t.webhook_attempts.c.delivery_id.in_(spent))
        ).rowcount
        deleted["webhook_deliveries"] = conn.execute(
            delete(t.webhook_deliveries).where(wd.id.in_(spent.scalar_subquery()))
        ).rowcount
    return deleted
