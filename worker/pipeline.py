"""The pipeline: entry → clean → classify → item record → link, then one store transaction.

Stages are plain functions over plain data; this module only chains them. The Celery
task and `ingest process` both call `process_entries`, so what is debugged in process is
exactly what runs in the workers. Linking (near and spun duplicates, syndication by
text) is the one step that looks beyond the item: it is given the shared index and
reads earlier records through the store's engine.
"""

from __future__ import annotations

from functools import partial

import structlog

from worker.classify import classify
from worker.classify.linkage import link_records
from worker.classify.neardup import NearDupIndex
from worker.classify.stored import fetch_records
from worker.clean import clean
from worker.record import Entry, ItemRecord
from worker.store.repository import Matcher, SaveResult, Store

log = structlog.get_logger(__name__)


def build_record(entry: Entry) -> ItemRecord:
    """Clean and classify one entry into the contract's item record."""
    cleaned = clean(entry)
    labels = classify(cleaned, entry)
    attribution = cleaned.attribution
    return ItemRecord(
        id=entry.item_id,
        feed=entry.feed,
        entry_key=entry.entry_key,
        url=entry.url,
        title=cleaned.title,
        author=attribution.author or entry.author,
        published_at=entry.published_at,
        language=labels.language,
        text=cleaned.text,
        blocks=cleaned.blocks,
        attribution=attribution,
        syndication=cleaned.syndication,
        spin=labels.spin,
        topics=labels.topics,
        regions=labels.regions,
        content_hash=entry.content_hash,
        text_hash=labels.text_hash,
        warnings=[*entry.warnings, *cleaned.warnings],
    )


def process_entries(
    store: Store,
    match: Matcher,
    feed_id: str,
    entries: list[Entry],
    near_dups: NearDupIndex | None = None,
) -> SaveResult:
    """Build records for a batch of one feed's entries, link them to the earlier items
    they copy (when given the shared index), and store them in one transaction."""
    records = [build_record(e) for e in entries]
    if near_dups is not None:
        link_records(records, near_dups, partial(fetch_records, store.engine))
    result = store.save_items(feed_id, records, match)
    log.info(
        "pipeline.batch",
        feed_id=feed_id,
        entries=len(entries),
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        events=result.events,
    )
    return result
