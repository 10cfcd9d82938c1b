"""Word and anchor hashes of a text: the tokens the linking step compares.

Anchors are the words a synonym spinner leaves alone. Its dictionary holds common words
("said", "war", "people"); it has no entry for a name, a number or a rare word. So the
sequence of anchors survives spinning at 30-50% substitution, when hardly any five-word
run of the text does, and is what links a spun copy to its original
(worker/classify/linkage.py). An anchor is
- a word with a digit ("2024", "5bn"),
- a capitalised word that does not start a sentence (a name), unless it is one of the
  ~300 commonest words ("I", "The" after a colon),
- a lower-case word rarer than Zipf 3 (about 29,000 English words are more common).

This runs on every item, within a budget of a tenth of a millisecond, so it works on the
text's bytes with numpy (worker/classify/minhash.py's word hashes) and looks words up
in tables of hashes, never word by word in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np
import numpy.typing as npt

from worker.classify.frequency import frequencies
from worker.classify.minhash import Hashes, word_spans

RARE_BELOW = 3.0  # Zipf: rarer words are anchors (a spinner has no synonym for them)
COMMON_FROM = 5.5  # Zipf: capitalised words this common are not names
_SENTENCE_END = np.zeros(256, dtype=bool)
_SENTENCE_END[[*b".!?:\n"]] = True
_DIGIT = np.zeros(256, dtype=bool)
_DIGIT[[*b"0123456789"]] = True
_UPPER = np.zeros(256, dtype=bool)
_UPPER[[*b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"]] = True


@dataclass(frozen=True, slots=True)
class Tokens:
    words: Hashes  # every word, case-folded, in order
    anchors: Hashes  # the anchors among them, in order


_SLOT_BITS = 18  # 262,144 slots for ~29,000 words: insertion seldom has to move a word
_MIX = np.uint64(0x9E3779B97F4A7C15)  # odd: spreads the hashes' low bits to the top
_MAX_MOVES = 500


@dataclass(frozen=True, slots=True)
class _ZipfTable:
    """Word hash -> Zipf frequency as a cuckoo hash table, so that numpy looks up a
    whole text at once: each word sits in one of its two slots, two gathers a word where
    a binary search over all 29,000 hashes takes fifteen."""

    keys: Hashes  # slot -> word hash (0: empty)
    zipf: npt.NDArray[np.float32]  # slot -> Zipf frequency


def _slots(hashes: Hashes) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """A word's two slots: two bit ranges of its hash times an odd constant (the word
    hashes' own top bits are poorly mixed for short words). Array arithmetic wraps
    silently: no overflow check to switch off."""
    mixed = hashes * _MIX
    mask = np.uint64((1 << _SLOT_BITS) - 1)
    first = mixed >> np.uint64(64 - _SLOT_BITS)
    second = (mixed >> np.uint64(64 - 2 * _SLOT_BITS)) & mask
    return first.view(np.intp), second.view(np.intp)


@cache
def _zipf_table() -> _ZipfTable:
    """wordfreq's English words from Zipf 3 up (~29,000) with their Zipf frequencies."""
    floor = 10 ** (RARE_BELOW - 9)  # Zipf = log10(frequency) + 9
    vocabulary = [w for w, f in frequencies().items() if f >= floor and w.isalpha()]
    hashes = word_spans("\n".join(vocabulary))[0]
    zipf = np.log10(np.array([frequencies()[w] for w in vocabulary])) + 9
    first, second = (s.tolist() for s in _slots(hashes))
    places = {h: (a, b) for h, a, b in zip(hashes.tolist(), first, second, strict=True)}
    keys: list[int] = [0] * (1 << _SLOT_BITS)
    values = np.zeros(1 << _SLOT_BITS, dtype=np.float32)
    for word, value in zip(hashes.tolist(), zipf.tolist(), strict=True):
        slot = places[word][0]
        for _ in range(_MAX_MOVES):  # place it, moving whoever sits there to its other slot
            keys[slot], word = word, keys[slot]
            values[slot], value = value, values[slot]
            if word == 0:
                break
            a, b = places[word]
            slot = b if slot == a else a
        else:
            raise RuntimeError("Zipf table: no place for a word; raise _SLOT_BITS")
    return _ZipfTable(np.array(keys, dtype=np.uint64), values)


def zipf_of(hashes: Hashes) -> npt.NDArray[np.float32]:
    """The Zipf frequency of each word hash; 0 for words rarer than Zipf 3."""
    table = _zipf_table()
    first, second = _slots(hashes)
    zipf = table.zipf[first]
    zipf[table.keys[first] != hashes] = 0
    found = table.keys[second] == hashes
    zipf[found] = table.zipf[second[found]]
    return zipf


@lru_cache(maxsize=64)
def tokenise(text: str) -> Tokens:
    """The word and anchor hashes of `text` (cached for the texts of the batch in hand)."""
    hashes, starts, ends, data = word_spans(text)
    if len(hashes) == 0:
        return Tokens(hashes, hashes)
    # How many sentence ends (digits) lie before an offset: a search among their few
    # positions, cheaper than a running count over every byte.
    enders = np.flatnonzero(_SENTENCE_END[data])
    digits = np.flatnonzero(_DIGIT[data])
    gap_start = np.concatenate((np.zeros(1, dtype=ends.dtype), ends[:-1]))
    initial = enders.searchsorted(starts) > enders.searchsorted(gap_start)
    initial[0] = True
    has_digit = digits.searchsorted(ends) > digits.searchsorted(starts)
    zipf = zipf_of(hashes)
    anchor = has_digit | np.where(
        _UPPER[data[starts]], ~initial & (zipf < COMMON_FROM), zipf < RARE_BELOW
    )
    return Tokens(hashes, hashes[anchor])


def warm_up() -> None:
    """Build the word table (and with it the hashing tables) now, not in the first item."""
    _zipf_table()
