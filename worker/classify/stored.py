"""Earlier records, read from the store for the linking step (read-only, one query).

Kept beside the classifier rather than in worker/store: it is the one read the linking
step needs, and it needs nothing from the repository but its engine and tables.
"""

from __future__ import annotations

import json
from collections.abc import Collection

from sqlalchemy import Engine, select

from worker.record import ItemRecord
from worker.store import tables as t

MAX_IDS = 1_000  # a batch asks for at most ~4 per item; more means a bug upstream


def fetch_records(engine: Engine, ids: Collection[str]) -> dict[str, ItemRecord]:
    """The stored records of `ids` (missing ids are absent: not committed, or expired)."""
    if not ids:
        return {}
    wanted = sorted(ids)[:MAX_IDS]
    with engine.connect() as conn:
        rows = conn.execute(select(t.items.c.id, t.items.c.record).where(t.items.c.id.in_(wanted)))
        return {item_id: ItemRecord.from_dict(json.loads(raw)) for item_id, raw in rows}
