"""Full-text search and filters over stored items (SQLite FTS5 or PostgreSQL tsvector)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, func, literal_column, select, text

from worker.record import ItemRecord
from worker.store import tables as t
from worker.store.repository import Store

WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(slots=True)
class ItemFilter:
    query: str | None = None
    topic: str | None = None
    region: str | None = None
    language: str | None = None
    spun: bool | None = None  # True: only spun; False: no spun
    duplicates: bool | None = None  # True: only duplicates; False: no duplicates
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 20


def fts5_query(query: str) -> str:
    """User words as quoted FTS5 terms, ANDed: no operator in the input can break syntax."""
    return " ".join(f'"{w}"' for w in WORD.findall(query))


def search_items(store: Store, f: ItemFilter) -> list[ItemRecord]:
    """Items matching every given filter, best match first (newest first without a query)."""
    items = t.items.c
    q = select(items.record)
    conditions = []
    order = [items.published_at.desc().nulls_last(), items.id]
    if f.query:
        if store.dialect == "postgresql":
            tsq = func.websearch_to_tsquery("english", f.query)
            vector = literal_column("items.search")
            conditions.append(vector.op("@@")(tsq))
            order = [func.ts_rank(vector, tsq).desc(), items.id]
        else:
            terms = fts5_query(f.query)
            if not terms:
                return []
            hits = text("SELECT item_id FROM items_fts WHERE items_fts MATCH :q").bindparams(
                q=terms
            )
            conditions.append(items.id.in_(hits.columns(item_id=t.items.c.id.type)))
    for kind, code in (("topic", f.topic), ("region", f.region)):
        if code:
            labels = t.item_labels.c
            conditions.append(
                exists().where(
                    and_(labels.item_id == items.id, labels.kind == kind, labels.code == code)
                )
            )
    if f.language:
        conditions.append(items.language == f.language)
    if f.spun is not None:
        conditions.append(items.spun.is_(True) if f.spun else items.spun.is_not(True))
    if f.duplicates is not None:
        dup = items.duplicate_of
        conditions.append(dup.is_not(None) if f.duplicates else dup.is_(None))
    if f.since:
        conditions.append(items.published_at >= f.since)
    if f.until:
        conditions.append(items.published_at < f.until)
    q = q.where(*conditions).order_by(*order).limit(f.limit)
    with store.engine.connect() as conn:
        rows = conn.scalars(q).all()
    return [ItemRecord.from_dict(json.loads(r)) for r in rows]


def item_history(store: Store, item_id: str) -> list[ItemRecord]:
    """Every stored version of an item, oldest first: the superseded ones from
    item_versions, then the current one from items (older databases also hold the
    current one in item_versions; it is read once)."""
    v, i = t.item_versions.c, t.items.c
    with store.engine.connect() as conn:
        current = conn.execute(
            select(i.id, i.version, i.record).where(i.id.startswith(item_id)).limit(1)
        ).first()
        if current is None:
            return []
        older = conn.scalars(
            select(v.record)
            .where(v.item_id == current.id, v.version < current.version)
            .order_by(v.version)
        ).all()
    return [ItemRecord.from_dict(json.loads(r)) for r in [*older, current.record]]
