"""The near-duplicate index, shared by every worker: MinHash LSH buckets in Redis.

Each item is sketched twice (`sketch`): a MinHash over five-word shingles, which finds
copies with small edits, and one over pairs of consecutive anchors (names, numbers, rare
words), which finds spun copies whose every five-word run has changed. Both go into LSH
buckets; an item's candidates are the earlier items that share a bucket with it.

The index lives in Redis so that two workers on two machines see each other's items.
Time is cut into epochs one window long (7 days by default), and each band has one hash
per epoch; a bucket is the field named by its band value, holding the ids in it, oldest
first, each with the time it was added. A bucket's live ids (added within the window)
were all added in this epoch or the last, and its first write in an epoch copies it
there whole, so a lookup reads this epoch's field, or else the last one's. Per batch and
band, one HMGET per epoch reads the batch's buckets and one HSET writes back the changed
ones: about 150 commands per batch of 50 items, where one string key per bucket took
2,400 `SET ... GET`s, each costing about as much again in Lua call overhead. Two
epochs on, nothing in a band hash is live any more: the batch that first writes the band
in that epoch UNLINKs it, so Redis frees it in the background (an expiry would free a
window's band values in one blocking go, unless `lazyfree-lazy-expire` is set); its
expiry, a window later still, only cleans up after an index that stopped. A bucket
keeps at most BUCKET_LIMIT live ids, the oldest (a lookup reads no more), and drops
stale ones whenever it is rewritten; each item's hash (its sequence number, host and
signature) expires with the window. One Lua script call per batch looks up and adds
every item of the batch (one round trip, and atomic, so that two workers racing on two
copies of one story cannot both miss the other). Items
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
# NEAR signature, NEAR bands, ANCHOR bands (4 bytes per band). Keys and fields are made
# here from the band bytes: sending them ready-made costs the client more than the whole
# sketch. A bucket is the field named by its band value in the hash of its slot, band
# number and epoch ({prefix}near:{b}:{epoch}, {prefix}anchor:{b}:{epoch}: never an old
# string bucket's name, {prefix}near{b}:...); its value is its entries, oldest first,
# each a 13-digit time (ms), one byte of id length and the id. Returns per item
# {seq, {{id, seq, host, signature, near, anchor}...}}.
_SCRIPT = """
local call, sub, byte, tonumber, unpack = redis.call, string.sub, string.byte, tonumber, unpack
local prefix, window = ARGV[1], tonumber(ARGV[2])
local limit, min_anchor = tonumber(ARGV[3]), tonumber(ARGV[4])
local clock = call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local oldest = now - window
local stamp = string.format('%013d', now)
-- An epoch is one window long: every live entry was written in this epoch or the one
-- before. A band hash is unlinked two epochs on (see below); its expiry, three windows
-- after its epoch starts, is for an index nobody writes to any more.
local epoch = math.floor(now / window)
local this_epoch, last_epoch = string.format('%d', epoch), string.format('%d', epoch - 1)
local expires = string.format('%d', (epoch + 3) * window)
-- A field no band value can name (those are 4 bytes), written with the hash's expiry: a
-- batch that finds it sets no expiry. Its value is longer than hash-max-listpack-value
-- (64 bytes by default), so the hash is a hashtable from the start: a listpack is
-- searched linearly for every field, and these hashes grow to a window's band values.
local MARK, MARK_VALUE = 'created', string.rep('.', 65)

local n = (#ARGV - 4) / 5
local ids, entries, hits, order = {}, {}, {}, {}
for k = 1, n do
  local id = ARGV[5 * k]
  ids[k], entries[k], hits[k], order[k] = id, stamp .. string.char(#id) .. id, {}, {}
end

-- Bands are independent of each other: each band's buckets are read, updated for every
-- item in order (so an item sees the earlier items of its batch), and written back.
for slot = 1, 2 do
  local name, bands_of = prefix .. (slot == 1 and 'near:' or 'anchor:'), {}
  for k = 1, n do bands_of[k] = ARGV[5 * k + 2 + slot] end
  local fields, field_of, b = {}, {}, 1  -- reused by every band
  while true do
    -- A band value twice in the batch is read twice: cheaper than de-duplicating.
    local count, last = 0, 4 * b
    for k = 1, n do
      local bands = bands_of[k]
      if #bands >= last then
        count = count + 1
        fields[count], field_of[k] = sub(bands, last - 3, last), count
      else
        field_of[k] = false
      end
    end
    if count == 0 then break end
    local head = name .. (b - 1) .. ':'
    local key = head .. this_epoch
    local current = call('HMGET', key, MARK, unpack(fields, 1, count))
    local previous = call('HMGET', head .. last_epoch, unpack(fields, 1, count))
    -- A bucket's first write in an epoch copies its live entries there: once this
    -- epoch's hash has the bucket, it has all of it. Buckets the batch writes are kept
    -- in `value`, so that an item sees what the earlier items of its batch wrote.
    local value = {}
    for k = 1, n do
      local j = field_of[k]
      if j then
        local field = fields[j]
        local bucket = value[field]
        if bucket == nil then bucket = current[j + 1] or previous[j] end
        if not bucket then  -- most buckets: a new band value
          value[field] = entries[k]
        else
          local id, entry, p, keep, live, mine = ids[k], entries[k], 1, nil, 0, nil
          local item_hits, item_order = hits[k], order[k]
          while p < #bucket do
            local stop = p + 14 + byte(bucket, p + 13)
            if tonumber(sub(bucket, p, p + 12)) >= oldest then
              keep, live = keep or p, live + 1
              local other = sub(bucket, p + 14, stop - 1)
              if other == id then
                mine = p
              elseif live <= limit then
                local h = item_hits[other]
                if not h then
                  h = {0, 0}
                  item_hits[other], item_order[#item_order + 1] = h, other
                end
                h[slot] = h[slot] + 1
              end
            end
            p = stop
          end
          if mine then  -- added again: moves to the end
            value[field] = sub(bucket, keep, mine - 1) .. sub(bucket, mine + 14 + #id) .. entry
          elseif live < limit then  -- stale entries dropped (a full bucket takes no more ids)
            value[field] = (keep and sub(bucket, keep) or '') .. entry
          end
        end
      end
    end
    local args, size = {}, 0
    for field, v in pairs(value) do
      args[size + 1], args[size + 2], size = field, v, size + 2
    end
    if size > 0 then
      if not current[1] then args[size + 1], args[size + 2] = MARK, MARK_VALUE end
      call('HSET', key, unpack(args))
      if not current[1] then  -- the band's first write in this epoch
        call('PEXPIREAT', key, expires)
        -- Nothing two epochs old is live: free it now, off Redis's main thread.
        call('UNLINK', head .. string.format('%d', epoch - 2))
      end
    end
    b = b + 1
  end
end

local result = {}
for k = 1, n do
  local id = ids[k]
  local item_key = prefix .. 'item:' .. id
  local seq = tonumber(call('HGET', item_key, 'seq') or call('INCR', prefix .. 'seq'))
  local candidates = {}
  for _, other in ipairs(order[k]) do
    local h = hits[k][other]
    if h[1] > 0 or h[2] >= min_anchor then
      local meta = call('HMGET', prefix .. 'item:' .. other, 'seq', 'host', 'sig')
      if meta[1] and tonumber(meta[1]) < seq then
        candidates[#candidates + 1] = {other, tonumber(meta[1]), meta[2], meta[3], h[1], h[2]}
      end
    end
  end
  call('HSET', item_key, 'seq', seq, 'host', ARGV[5 * k + 1], 'sig', ARGV[5 * k + 2])
  call('PEXPIRE', item_key, window)
  result[k] = {seq, candidates}
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
