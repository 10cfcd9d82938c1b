"""The linking step: point each new item at the earliest item it copies.

Runs after the records of a batch are built and before they are stored, because it needs
what no pure stage has: the shared near-duplicate index (Redis) and earlier records (the
store). Per batch it makes one index call (look up and add every item) and one store
query (every candidate record it must read), whatever the batch size.

An earlier item is a match when either
- its five-word-shingle MinHash signature is similar enough (a near duplicate: small
  edits, a paragraph added or dropped), or
- it shares anchor pairs with the item and the two texts align on their anchors with the
  differences explained as short word swaps (a spun copy, at 30-50% substitution too:
  worker/classify/alignment.py). That needs the earlier text, so it is read from the
  store; an earlier item not committed yet is left for the near-duplicate test.

The earliest match becomes `duplicate_of`; its cluster becomes the item's. A copy from
another publisher is marked syndicated, and the words swapped against the original are
the item's spin evidence. Exact duplicates are the store's business (fingerprints
table): it overrides `duplicate_of` when it finds one.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

import structlog

from worker.classify.alignment import Alignment, align, words
from worker.classify.minhash import similarity
from worker.classify.neardup import (
    Candidate,
    Lookup,
    NearDupIndex,
    Sketch,
    signature_of,
    sketch,
)
from worker.classify.spin import MAX_EVIDENCE, SPUN_AT
from worker.classify.syndication import mark_copy, publisher_host
from worker.record import Evidence, ItemRecord

log = structlog.get_logger(__name__)

Fetch = Callable[[Collection[str]], Mapping[str, ItemRecord]]
"""Records of earlier items by id (those the store holds); one call per batch."""

NEAR_SIMILARITY = 0.5  # estimated Jaccard of 5-word shingles: above this, a near duplicate
MAX_SPUN_CANDIDATES = 3  # most anchor-sharing candidates aligned per item (best first)
SWAP_RATE = 5.0  # spin from alignment: one word in ten swapped -> 0.5 (an edit: ~1 in 100)


@dataclass(frozen=True, slots=True)
class Shortlist:
    """The candidates of one record worth a closer look."""

    near: list[Candidate]  # passed the signature test: matches already
    spun: list[Candidate]  # share anchor pairs: match only if the texts align


@dataclass(frozen=True, slots=True)
class Match:
    """The earlier item a record copies, and how the copy lines up against it."""

    candidate: Candidate
    alignment: Alignment | None  # None when the earlier text is not available


def link_records(records: list[ItemRecord], index: NearDupIndex, fetch: Fetch) -> None:
    """Set duplicate_of, cluster_id, syndication and spin evidence on `records` (in batch
    order: a record may copy an earlier one of the same batch)."""
    sketches = [s for s in (sketch(r.id, publisher_host(r), r.text) for r in records) if s]
    lookups = index.add_and_query(sketches)
    shortlists = {
        s.item_id: shortlist(s, lookup) for s, lookup in zip(sketches, lookups, strict=True)
    }
    batch = {r.id: r for r in records}
    wanted = {c.item_id for s in shortlists.values() for c in s.near + s.spun} - batch.keys()
    known = {**fetch(wanted), **batch} if wanted else batch
    for record in records:
        if record.id not in shortlists:
            continue
        try:
            match = earliest_match(record, shortlists[record.id], known)
        except Exception:  # one odd text must not cost the batch its other links
            log.exception("classify.link_failed", item=record.id)
            continue
        if match is not None:
            apply_match(record, match, known.get(match.candidate.item_id))


def shortlist(item: Sketch, lookup: Lookup) -> Shortlist:
    """Near candidates whose signatures agree, then the spun candidates sharing the most
    anchor pairs (each costs an alignment)."""
    own = signature_of(item.signature)
    near = [
        c
        for c in lookup.candidates
        if c.near_hits and similarity(own, signature_of(c.signature)) >= NEAR_SIMILARITY
    ]
    first_near = min((c.seq for c in near), default=None)
    spun = sorted(
        (
            c
            for c in lookup.candidates
            if c not in near and c.anchor_hits and (first_near is None or c.seq < first_near)
        ),
        key=lambda c: (-c.anchor_hits, c.seq),
    )
    return Shortlist(near=near, spun=spun[:MAX_SPUN_CANDIDATES])


def earliest_match(
    record: ItemRecord, candidates: Shortlist, known: Mapping[str, ItemRecord]
) -> Match | None:
    """The earliest near duplicate or aligned spun copy, with its alignment if known."""
    matches = []
    for candidate in candidates.spun:
        earlier = known.get(candidate.item_id)
        alignment = align(earlier.text, record.text) if earlier is not None else None
        if alignment is not None and alignment.is_copy:
            matches.append(Match(candidate, alignment))
    if candidates.near:
        first = min(candidates.near, key=lambda c: c.seq)
        earlier = known.get(first.item_id)
        matches.append(Match(first, align(earlier.text, record.text) if earlier else None))
    return min(matches, key=lambda m: m.candidate.seq, default=None)


def apply_match(record: ItemRecord, match: Match, earlier: ItemRecord | None) -> None:
    """Point `record` at the item it copies; add what the alignment tells about spin."""
    original = match.candidate.item_id
    record.duplicate_of = original
    record.cluster_id = (earlier.cluster_id if earlier else None) or original
    mark_copy(record, match.candidate.host, earlier)
    if match.alignment is not None and match.alignment.substitutions:
        add_swap_evidence(record, match.alignment)


def add_swap_evidence(record: ItemRecord, alignment: Alignment) -> None:
    """Swaps against the original are the best spin evidence there is: put them first,
    and raise the score by the share of words swapped (noisy-OR, as in spin.py)."""
    spin = record.spin
    evidence: dict[str, Evidence] = {}
    for item in alignment.substitutions + spin.evidence:
        evidence.setdefault(item.found.lower(), item)
    spin.evidence = list(evidence.values())[:MAX_EVIDENCE]
    swapped = min(1.0, SWAP_RATE * alignment.substituted_words / max(len(words(record.text)), 1))
    spin.score = round(1.0 - (1.0 - spin.score) * (1.0 - swapped), 3)
    spin.is_spun = spin.score >= SPUN_AT
