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


@cache
def _zipf_table() -> tuple[Hashes, npt.NDArray[np.float32]]:
    """wordfreq's English words from Zipf 3 up (~29,000) as sorted hashes, with their
    Zipf frequencies: one binary search per text instead of a look-up per word."""
    floor = 10 ** (RARE_BELOW - 9)  # Zipf = log10(frequency) + 9
    vocabulary = [w for w, f in frequencies().items() if f >= floor and w.isalpha()]
    hashes = word_spans("\n".join(vocabulary))[0]
    zipf = np.log10(np.array([frequencies()[w] for w in vocabulary])) + 9
    order = np.argsort(hashes)
    return hashes[order], zipf[order].astype(np.float32)


def zipf_of(hashes: Hashes) -> npt.NDArray[np.float32]:
    """The Zipf frequency of each word hash; 0 for words rarer than Zipf 3."""
    table, zipf = _zipf_table()
    at = np.minimum(np.searchsorted(table, hashes), len(table) - 1)
    return np.where(table[at] == hashes, zipf[at], np.float32(0))


@lru_cache(maxsize=64)
def tokenise(text: str) -> Tokens:
    """The word and anchor hashes of `text` (cached for the texts of the batch in hand)."""
    hashes, starts, ends, data = word_spans(text)
    if len(hashes) == 0:
        return Tokens(hashes, hashes)
    zero = np.zeros(1, dtype=np.int64)
    enders = np.concatenate((zero, np.cumsum(_SENTENCE_END[data])))
    digits = np.concatenate((zero, np.cumsum(_DIGIT[data])))
    gap_start = np.concatenate((zero, ends[:-1]))
    initial = enders[starts] > enders[gap_start]
    initial[0] = True
    has_digit = digits[ends] > digits[starts]
    zipf = zipf_of(hashes)
    anchor = has_digit | np.where(
        _UPPER[data[starts]], ~initial & (zipf < COMMON_FROM), zipf < RARE_BELOW
    )
    return Tokens(hashes, hashes[anchor])


def warm_up() -> None:
    """Build the word table (and with it the hashing tables) now, not in the first item."""
    _zipf_table()
