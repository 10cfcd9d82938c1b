"""MinHash signatures and LSH band keys over token shingles (numpy, no other dependency).

Every worker on every machine must compute the same signature for the same text, or a
shared index would never match: so token hashes come from blake2b (Python's `hash` is
salted per process) and the permutations from fixed constants, never from a seeded RNG
whose stream could change with a numpy upgrade.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

Signature = npt.NDArray[np.uint32]
Hashes = npt.NDArray[np.uint64]
Positions = npt.NDArray[np.intp]
Bytes = npt.NDArray[np.uint8]

_SHINGLE_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)  # odd: combining stays a bijection


def _stable_hash(token: str) -> int:
    return int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest(), "big")


# Word hashing straight from the UTF-8 bytes (numpy, about 4x faster than a hash per
# word in Python): bytes that are ASCII letters or digits, or part of a non-ASCII
# character, are word bytes; ASCII punctuation and the General Punctuation block
# (U+2000-U+206F: curly quotes, dashes, spaces) separate words.
_WORD_BYTE = np.zeros(256, dtype=bool)
_WORD_BYTE[[*b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"]] = True
_WORD_BYTE[0x80:] = True
_TO_LOWER = np.zeros(256, dtype=np.uint64)
_TO_LOWER[[*b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"]] = 32
_BYTE_VALUE = np.arange(256, dtype=np.uint64) + _TO_LOWER + np.uint64(1)  # never 0
_BASE = 0x100000001B3  # odd, so invertible modulo 2**64
_MAX_BYTES = 1 << 18  # longer texts are hashed on their first 256 kB


@cache
def _powers() -> tuple[Hashes, Hashes]:
    """_BASE**i for i from _MAX_BYTES - 1 down to 0, and _BASE**-i for i from 0 up,
    modulo 2**64 (4 MB, made once)."""
    one = np.ones(1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        up = np.cumprod(np.full(_MAX_BYTES - 1, _BASE, dtype=np.uint64))
        down = np.cumprod(np.full(_MAX_BYTES - 1, pow(_BASE, -1, 2**64), dtype=np.uint64))
    return np.concatenate((up[::-1], one)), np.concatenate((one, down))


def word_spans(text: str) -> tuple[Hashes, Positions, Positions, Bytes]:
    """Each word's stable 64-bit hash (ASCII letters case-folded), start and end offsets
    in the UTF-8 bytes of `text`, and those bytes (the caller may look at them)."""
    encoded = text.encode("utf-8")[:_MAX_BYTES]
    data = np.frombuffer(encoded, dtype=np.uint8)
    inside = np.zeros(len(data) + 2, dtype=bool)  # padded: every word has two edges
    inside[1:-1] = _WORD_BYTE[data]
    if b"\xe2\x80" in encoded:  # U+2000-U+203F begin E2 80
        leads = np.flatnonzero(data[:-2] == 0xE2)
        punctuation = leads[data[leads + 1] == 0x80] + 1
        for offset in range(3):
            inside[punctuation + offset] = False
    edges = np.flatnonzero(inside[1:] != inside[:-1])
    starts, ends = edges[::2], edges[1::2]
    if len(starts) == 0:
        return np.zeros(0, dtype=np.uint64), starts, ends, data
    descending, inverse = _powers()
    size = len(data)
    with np.errstate(over="ignore"):
        # Byte i weighs BASE**(size-1-i); a word's sum, scaled back by its end, no longer
        # depends on where the word is.
        weighted = _BYTE_VALUE[data] * descending[_MAX_BYTES - size :]
        sums = np.concatenate((np.zeros(1, dtype=np.uint64), np.cumsum(weighted)))
        return (sums[ends] - sums[starts]) * inverse[size - ends], starts, ends, data


def word_hashes(text: str) -> Hashes:
    """A stable 64-bit hash per word of `text`, case-folded, in order."""
    return word_spans(text)[0]


def shingle_hashes(hashes: Hashes, size: int) -> Hashes:
    """Hashes of the runs of `size` consecutive tokens (the whole sequence when shorter).
    Order inside a shingle matters; a polynomial over the token hashes does it. Repeats
    are kept: a minimum does not care, and removing them would cost a sort."""
    if len(hashes) == 0:
        return hashes
    size = min(size, len(hashes))
    count = len(hashes) - size + 1
    combined = hashes[:count].copy()
    with np.errstate(over="ignore"):
        for offset in range(1, size):
            combined *= _SHINGLE_MULTIPLIER
            combined ^= hashes[offset : offset + count]
    return combined


@cache
def _permutations(count: int) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    """Multiply-shift hash functions (a odd): fixed forever, see the module docstring."""
    words = [_stable_hash(f"minhash-permutation-{i}") for i in range(2 * count)]
    a = np.array([w | 1 for w in words[:count]], dtype=np.uint64)
    b = np.array(words[count:], dtype=np.uint64)
    return a, b


@dataclass(frozen=True, slots=True)
class LshScheme:
    """`bands` x `rows` = permutations. Pairs above about (1/bands)^(1/rows) Jaccard
    similarity share at least one band and so become candidates."""

    bands: int
    rows: int

    @property
    def permutations(self) -> int:
        return self.bands * self.rows

    def signature(self, shingles: Hashes) -> Signature:
        """The MinHash signature of a set of shingle hashes (empty set: empty signature)."""
        if len(shingles) == 0:
            return np.zeros(0, dtype=np.uint32)
        a, b = _permutations(self.permutations)
        with np.errstate(over="ignore"):  # wrapping is the point of multiply-shift
            mixed = np.multiply.outer(a, shingles)
            mixed += b[:, None]
        # The shift keeps the order, so it can wait until one value per row is left.
        return (mixed.min(axis=1) >> np.uint64(32)).astype(np.uint32)

    def band_values(self, signature: Signature) -> bytes:
        """One 32-bit value per band (its rows folded together), big-endian so that every
        machine makes the same index keys; empty for an empty signature."""
        if len(signature) != self.permutations:
            return b""
        rows = signature.reshape(self.bands, self.rows).astype(np.uint64)
        folded = rows[:, 0].copy()
        with np.errstate(over="ignore"):
            for row in range(1, self.rows):
                folded = folded * _SHINGLE_MULTIPLIER ^ rows[:, row]
        return ((folded >> np.uint64(32)) ^ folded).astype(">u4").tobytes()


def similarity(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity: the share of permutations whose minima agree."""
    if len(a) == 0 or len(a) != len(b):
        return 0.0
    return float(np.count_nonzero(a == b)) / len(a)
