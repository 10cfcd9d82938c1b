"""The near-duplicate index, shared by every worker: MinHash LSH buckets in Redis.

Each item is sketched twice (`sketch`): a MinHash over five-word shingles, which finds
copies with small edits, and one over pairs of consecutive anchors (names, numbers, rare
words), which finds spun copies whose every five-word run has changed. Both go into LSH
buckets; an item's candidates are the earlier items that share a bucket with it.

The index lives in Redis so that two workers on two machines see each other's items:
bucket keys hold sorted sets of item ids scored by the time they were added, every key
expires after the time window (7 days by default), and one Lua script call per batch
looks up and adds every item of the batch (one round trip, and atomic, so that two
workers racing on two copies of one story cannot both miss the other). Items get a
global sequence number there: "earlier" means earlier in that order, on any machine.

`MemoryNearDupIndex` has the same behaviour in one process, for unit tests and the
benchmark only: workers must share the Redis one.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from itertools import islice
from typing import Protocol

import numpy as np
from redis import Redis

from worker.classify.anchors import tokenise
from worker.classify.minhash import LshScheme, Signature, shingle_hashes

NEAR = LshScheme(bands=16, rows=4)  # candidates from about 0.5 Jaccard on 5-word shingles
ANCHOR = LshScheme(bands=64, rows=1)  # each band is one sampled anchor pair
SHINGLE_WORDS = 5
ANCHOR_SHINGLE = 2
MIN_WORDS = 20  # below this, a shared shingle says nothing ("Live: 3-1"); exact dups only
MIN_ANCHORS = 6
MIN_ANCHOR_HITS = 3  # anchor-pair bands shared with an item before it is a candidate
WINDOW_SECONDS = 7 * 86_400
BUCKET_LIMIT = 50  # oldest ids read per bucket: a boilerplate bucket cannot flood a lookup
KEY_PREFIX = "ingest:neardup:"


@dataclass(frozen=True, slots=True)
class Sketch:
    """What the index keeps of one item."""

    item_id: str
    host: str  # the feed's host: copies from another host are syndication
    signature: bytes  # NEAR signature, big-endian uint32: similarity of candidates
    near_bands: bytes
    anchor_bands: bytes


@dataclass(frozen=True, slots=True)
class Candidate:
    """An earlier item sharing buckets with the item looked up."""

    item_id: str
    seq: int
    host: str
    signature: bytes
    near_hits: int
    anchor_hits: int


@dataclass(frozen=True, slots=True)
class Lookup:
    seq: int  # the item's place in ingest order (kept when it is looked up again)
    candidates: list[Candidate]


class NearDupIndex(Protocol):
    """Look up a batch of items and add them, in order, in one step: an item sees the
    items of earlier batches and the earlier items of its own batch."""

    def add_and_query(self, sketches: list[Sketch]) -> list[Lookup]: ...


def signature_of(data: bytes) -> Signature:
    return np.frombuffer(data, dtype=">u4").astype(np.uint32)


def sketch(item_id: str, host: str, text: str) -> Sketch | None:
    """The item's two MinHash sketches, or None when the text is too short to tell."""
    tokens = tokenise(text)
    if len(tokens.words) < MIN_WORDS:
        return None
    signature = NEAR.signature(shingle_hashes(tokens.words, SHINGLE_WORDS))
    anchor_bands = b""
    if len(tokens.anchors) >= MIN_ANCHORS:
        anchor_bands = ANCHOR.band_values(
            ANCHOR.signature(shingle_hashes(tokens.anchors, ANCHOR_SHINGLE))
        )
    return Sketch(
        item_id=item_id,
        host=host,
        signature=signature.astype(">u4").tobytes(),
        near_bands=NEAR.band_values(signature),
        anchor_bands=anchor_bands,
    )


def _buckets(sketch_: Sketch) -> list[tuple[int, int, bytes]]:
    """(slot, band number, band value) of each bucket an item goes in; slot 0 is NEAR,
    1 is ANCHOR (the Redis script builds its keys from the same three parts)."""
    return [
        (slot, b, bands[4 * b : 4 * b + 4])
        for slot, bands in enumerate((sketch_.near_bands, sketch_.anchor_bands))
        for b in range(len(bands) // 4)
    ]


def _is_candidate(near_hits: int, anchor_hits: int) -> bool:
    return near_hits > 0 or anchor_hits >= MIN_ANCHOR_HITS


class MemoryNearDupIndex:
    """The index in one process's memory (tests and benchmark only)."""

    def __init__(self, window_seconds: float = WINDOW_SECONDS) -> None:
        self.window = window_seconds
        self._buckets: dict[tuple[int, int, bytes], dict[str, float]] = {}
        self._items: dict[str, tuple[int, str, bytes, float]] = {}  # seq, host, sig, added
        self._seq = 0

    def add_and_query(self, sketches: list[Sketch]) -> list[Lookup]:
        now = time.time()
        oldest = now - self.window
        lookups = []
        for item in sketches:
            known = self._items.get(item.item_id)
            if known is not None and known[3] >= oldest:
                seq = known[0]
            else:
                self._seq += 1
                seq = self._seq
            hits: dict[str, list[int]] = defaultdict(lambda: [0, 0])
            keys = _buckets(item)
            for key in keys:
                # Insertion order is time order (a re-added id moves to the end).
                bucket = self._buckets.get(key, {})
                live = (i for i, added in bucket.items() if added >= oldest)
                for other in islice(live, BUCKET_LIMIT):
                    if other != item.item_id:
                        hits[other][key[0]] += 1
            candidates = []
            for other, (near, anchor) in hits.items():
                o_seq, o_host, o_sig, o_added = self._items[other]
                if _is_candidate(near, anchor) and o_seq < seq and o_added >= oldest:
                    candidates.append(Candidate(other, o_seq, o_host, o_sig, near, anchor))
            self._items[item.item_id] = (seq, item.host, item.signature, now)
            for key in keys:
                bucket = self._buckets.setdefault(key, {})
                bucket.pop(item.item_id, None)
                bucket[item.item_id] = now
            lookups.append(Lookup(seq, sorted(candidates, key=lambda c: c.seq)))
        return lookups


# ARGV: prefix, window (ms), bucket limit, min anchor hits, then five per item: id, host,
# NEAR signature, NEAR bands, ANCHOR bands (4 bytes per band). Keys are made here from
# the band bytes: sending 80 ready-made keys per item costs the client more than the
# whole sketch. Returns per item {seq, {{id, seq, host, signature, near, anchor}...}}.
_SCRIPT = """
local prefix, window, limit, min_anchor = ARGV[1], tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local oldest = now - window
local result = {}
local n = 0
local i = 5
while i <= #ARGV do
  local id, host, sig, near, anchor = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  i = i + 5
  local item_key = prefix .. 'item:' .. id
  local seq = tonumber(redis.call('HGET', item_key, 'seq') or redis.call('INCR', prefix .. 'seq'))
  local keys, hits, order = {}, {}, {}
  for slot, spec in ipairs({{'n', near}, {'a', anchor}}) do
    for b = 0, #spec[2] / 4 - 1 do
      local key = prefix .. spec[1] .. b .. ':' .. string.sub(spec[2], 4 * b + 1, 4 * b + 4)
      keys[#keys + 1] = key
      for _, other in ipairs(redis.call('ZRANGEBYSCORE', key, oldest, '+inf', 'LIMIT', 0, limit)) do
        if other ~= id then
          if not hits[other] then hits[other] = {0, 0}; order[#order + 1] = other end
          hits[other][slot] = hits[other][slot] + 1
        end
      end
    end
  end
  local candidates = {}
  for _, other in ipairs(order) do
    local h = hits[other]
    if h[1] > 0 or h[2] >= min_anchor then
      local meta = redis.call('HMGET', prefix .. 'item:' .. other, 'seq', 'host', 'sig')
      if meta[1] and tonumber(meta[1]) < seq then
        candidates[#candidates + 1] = {other, tonumber(meta[1]), meta[2], meta[3], h[1], h[2]}
      end
    end
  end
  redis.call('HSET', item_key, 'seq', seq, 'host', host, 'sig', sig)
  redis.call('PEXPIRE', item_key, window)
  for _, key in ipairs(keys) do
    redis.call('ZADD', key, now, id)
    if seq % 16 == 0 then  -- reads skip stale ids anyway; trimming is for memory only
      redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. oldest)
    end
    redis.call('PEXPIRE', key, window)
  end
  n = n + 1
  result[n] = {seq, candidates}
end
return result
"""


class RedisNearDupIndex:
    """The index in Redis, shared by every worker (see the module docstring)."""

    def __init__(
        self, redis: Redis, window_seconds: float = WINDOW_SECONDS, prefix: str = KEY_PREFIX
    ) -> None:
        self._script = redis.register_script(_SCRIPT)
        self.window_ms = int(window_seconds * 1000)
        self.prefix = prefix

    def add_and_query(self, sketches: list[Sketch]) -> list[Lookup]:
        if not sketches:
            return []
        args: list[str | bytes | int] = [self.prefix, self.window_ms, BUCKET_LIMIT, MIN_ANCHOR_HITS]
        for s in sketches:
            args += [s.item_id, s.host, s.signature, s.near_bands, s.anchor_bands]
        replies = self._script(keys=[], args=args)
        return [
            Lookup(
                seq=int(seq),
                candidates=sorted(
                    (
                        Candidate(
                            item_id=other.decode(),
                            seq=int(other_seq),
                            host=other_host.decode(),
                            signature=bytes(sig),
                            near_hits=int(near),
                            anchor_hits=int(anchor),
                        )
                        for other, other_seq, other_host, sig, near, anchor in candidates
                    ),
                    key=lambda c: c.seq,
                ),
            )
            for seq, candidates in replies
        ]
