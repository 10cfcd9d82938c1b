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
def _words_at_least(zipf: float) -> Hashes:
    """Sorted hashes of the English words at least this common (built once, ~0.3 s)."""
    floor = 10 ** (zipf - 9)  # Zipf = log10(frequency) + 9
    common = "\n".join(w for w, f in frequencies().items() if f >= floor and w.isalpha())
    return np.unique(word_spans(common)[0])


def _member(values: Hashes, table: Hashes) -> np.ndarray:
    at = np.minimum(np.searchsorted(table, values), len(table) - 1)
    return table[at] == values


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
    capital = _UPPER[data[starts]]
    anchor = has_digit | np.where(
        capital,
        ~initial & ~_member(hashes, _words_at_least(COMMON_FROM)),
        ~_member(hashes, _words_at_least(RARE_BELOW)),
    )
    return Tokens(hashes, hashes[anchor])


def warm_up() -> None:
    """Build the common-word tables now rather than in the first item."""
    _words_at_least(COMMON_FROM)
    _words_at_least(RARE_BELOW)
