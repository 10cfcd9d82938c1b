"""The near-duplicate index, shared by every worker: MinHash LSH buckets in Redis.

Each item is sketched twice (`sketch`): a MinHash over five-word shingles, which finds
copies with small edits, and one over pairs of consecutive anchors (names, numbers, rare
words), which finds spun copies whose every five-word run has changed. Both go into LSH
buckets; an item's candidates are the earlier items that share a bucket with it.

The index lives in Redis so that two workers on two machines see each other's items.
Each bucket is one string key holding the ids in it, oldest first, each with the time
it was added, and expiring a time window (7 days by default) after its newest id. One
`SET ... GET` adds an item to a bucket and returns who was there before: a new bucket
(most are) costs one command and a shared one two, where a sorted set and its expiry
cost three each. A bucket keeps at most BUCKET_LIMIT live ids, the oldest (a lookup
reads no more), and drops stale ones whenever it is rewritten; each item's hash (its
sequence number, host and signature) expires with the window too. One Lua script call
per batch looks up and adds every item of the batch (one round trip, and atomic, so
that two workers racing on two copies of one story cannot both miss the other). Items
get a global sequence number there: "earlier" means earlier in that order, on any
machine.

`MemoryNearDupIndex` has the same behaviour in one process, for unit tests, the
benchmark and one-off `ingest process` runs: workers must share the Redis one.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from redis import Redis

from worker.classify.anchors import tokenise
from worker.classify.minhash import LshScheme, Signature, shingle_hashes

NEAR = LshScheme(bands=16, rows=4)  # candidates from about 0.5 Jaccard on 5-word shingles
# Each band is one sampled anchor pair. Over 300 held-out BBC articles spun by Moby
# (bench/eval_classify.py), 32 bands sharing 2 link 0.987 / 0.980 of the copies at 30 /
# 50% substitution (48 bands: 1.000 / 0.990; 24: 0.980 / 0.953): every band is a Redis
# write per item, the index's main cost, and every chance pair of shared bands between
# unrelated stories costs an alignment.
ANCHOR = LshScheme(bands=32, rows=1)
SHINGLE_WORDS = 5
ANCHOR_SHINGLE = 2
MIN_WORDS = 20  # below this, a shared shingle says nothing ("Live: 3-1"); exact dups only
MIN_ANCHORS = 6
MIN_ANCHOR_HITS = 2  # anchor-pair bands shared with an item before it is a candidate
WINDOW_SECONDS = 7 * 86_400
BUCKET_LIMIT = 50  # live ids a bucket keeps (the oldest): boilerplate cannot flood a lookup
KEY_PREFIX = "ingest:neardup:"
MAX_ID_BYTES = 255  # a bucket entry stores its id's length in one byte


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
    """The index in one process's memory (see the module docstring)."""

    def __init__(self, window_seconds: float = WINDOW_SECONDS) -> None:
        self.window = window_seconds
        # Tuples, not lists: the garbage collector stops tracking tuples of plain values,
        # and tens of thousands of buckets would otherwise slow down every full collection.
        self._buckets: dict[tuple[int, int, bytes], tuple[tuple[float, str], ...]] = {}
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
            entry = (now, item.item_id)
            hits: dict[str, list[int]] = defaultdict(lambda: [0, 0])
            for key in _buckets(item):
                entries = self._buckets.get(key)
                if entries is None:  # most buckets: a new band value
                    self._buckets[key] = (entry,)
                    continue
                live = tuple(e for e in entries if e[0] >= oldest)
                for _, other in live[:BUCKET_LIMIT]:
                    if other != item.item_id:
                        hits[other][key[0]] += 1
                # As the script does: an id added again moves to the end; a full bucket
                # takes no more ids.
                kept = tuple(e for e in live if e[1] != item.item_id)
                if len(kept) < len(live) or len(live) < BUCKET_LIMIT:
                    kept += (entry,)
                self._buckets[key] = kept
            candidates = []
            for other, (near, anchor) in hits.items():
                o_seq, o_host, o_sig, o_added = self._items[other]
                if _is_candidate(near, anchor) and o_seq < seq and o_added >= oldest:
                    candidates.append(Candidate(other, o_seq, o_host, o_sig, near, anchor))
            self._items[item.item_id] = (seq, item.host, item.signature, now)
            lookups.append(Lookup(seq, sorted(candidates, key=lambda c: c.seq)))
        return lookups


# ARGV: prefix, window (ms), bucket limit, min anchor hits, then five per item: id, host,
# NEAR signature, NEAR bands, ANCHOR bands (4 bytes per band). Keys are made here from
# the band bytes: sending 48 ready-made keys per item costs the client more than the
# whole sketch. A bucket's value is its entries, oldest first, each a 13-digit time (ms),
# one byte of id length and the id. Returns per item
# {seq, {{id, seq, host, signature, near, anchor}...}}.
_SCRIPT = """
local call, sub, byte, tonumber = redis.call, string.sub, string.byte, tonumber
local prefix, window = ARGV[1], ARGV[2]
local limit, min_anchor = tonumber(ARGV[3]), tonumber(ARGV[4])
local clock = call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local oldest = now - tonumber(window)
local stamp = string.format('%013d', now)
local heads = {{}, {}}
local result = {}
for i = 5, #ARGV, 5 do
  local id = ARGV[i]
  local item_key = prefix .. 'item:' .. id
  local seq = tonumber(call('HGET', item_key, 'seq') or call('INCR', prefix .. 'seq'))
  local entry = stamp .. string.char(#id) .. id
  local hits, order = {}, {}
  for slot = 1, 2 do
    local bands, names = ARGV[i + 2 + slot], heads[slot]
    for b = 1, #bands / 4 do
      local head = names[b]
      if not head then
        head = prefix .. (slot == 1 and 'near' or 'anchor') .. (b - 1) .. ':'
        names[b] = head
      end
      local key = head .. sub(bands, 4 * b - 3, 4 * b)
      -- Most buckets are new: adding the item is then the only command.
      local value = call('SET', key, entry, 'PX', window, 'GET')
      if value then
        local p, keep, live, mine, newest = 1, nil, 0, nil, nil
        while p < #value do
          local stop = p + 14 + byte(value, p + 13)
          if tonumber(sub(value, p, p + 12)) >= oldest then
            keep, live, newest = keep or p, live + 1, p
            local other = sub(value, p + 14, stop - 1)
            if other == id then
              mine = p
            elseif live <= limit then
              local h = hits[other]
              if not h then h = {0, 0}; hits[other] = h; order[#order + 1] = other end
              h[slot] = h[slot] + 1
            end
          end
          p = stop
        end
        if mine then  -- added again: moves to the end
          call('SET', key, sub(value, keep, mine - 1) .. sub(value, mine + 14 + #id) .. entry,
            'PX', window)
        elseif live >= limit then  -- full: put it back as it was, stale entries dropped
          local expires = tonumber(sub(value, newest, newest + 12)) + tonumber(window)
          call('SET', key, sub(value, keep), 'PXAT', string.format('%d', expires))
        elseif keep then
          call('SET', key, sub(value, keep) .. entry, 'PX', window)
        end
      end
    end
  end
  local candidates = {}
  for _, other in ipairs(order) do
    local h = hits[other]
    if h[1] > 0 or h[2] >= min_anchor then
      local meta = call('HMGET', prefix .. 'item:' .. other, 'seq', 'host', 'sig')
      if meta[1] and tonumber(meta[1]) < seq then
        candidates[#candidates + 1] = {other, tonumber(meta[1]), meta[2], meta[3], h[1], h[2]}
      end
    end
  end
  call('HSET', item_key, 'seq', seq, 'host', ARGV[i + 1], 'sig', ARGV[i + 2])
  call('PEXPIRE', item_key, window)
  result[#result + 1] = {seq, candidates}
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
            if len(s.item_id.encode()) > MAX_ID_BYTES:
                raise ValueError(f"item id longer than {MAX_ID_BYTES} bytes: {s.item_id!r}")
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
