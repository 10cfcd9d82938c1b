"""Language identification with py3langid (its model ships inside the wheel: no download).

The record carries an ISO 639-1 code or null. A wrong code routes an item to the wrong
subscribers, which is worse than no code, so short texts and low-confidence guesses give
None; callers that want to decide for themselves get the confidence too.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt
from py3langid.langid import MODEL_FILE, LanguageIdentifier

# langid.py scores character n-grams: the first few hundred characters decide as well as
# the whole text, at a fraction of the cost (the classifier's throughput budget is ~1 ms).
SAMPLE_CHARS = 300
MIN_LETTERS = 20  # "Hello" is Breton at 5%: below this many letters, no guess
MIN_CONFIDENCE = 0.80  # normalised probability of the best language


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """The best language and its normalised probability; `code` is None when unsure."""

    code: str | None
    confidence: float
    best: str  # the top language even when it is not trusted, for diagnostics


class _Identifier(LanguageIdentifier):
    """py3langid's identifier, with its feature count (a byte-by-byte walk of an n-gram
    automaton in Python, through lists of ints scattered in memory) done by numpy.

    The automaton's state after byte i is where a walk from its start over the bytes
    just before i ends, once that window holds the longest n-gram. So every position
    takes one step per pass, each pass lengthening every window by a byte, until a pass
    changes nothing: a handful of array operations, and the same counts, in the same
    order, as py3langid's walk (tests/classify/test_language.py checks the scores).

    The model's weights ship as float16, which numpy widens element by element inside
    every product: held as float32 (57 MB instead of 28, loaded before the worker forks
    its pool, so shared), the same product takes a fifth of the time, to the same bits.
    """

    __slots__ = ("_features", "_moves", "_rows")

    def __init__(self, nb_ptc: npt.ArrayLike, *args: Any, **kwargs: Any) -> None:
        super().__init__(np.asarray(nb_ptc, dtype=np.float32), *args, **kwargs)
        # Arrays of the model's tables: its rows are 256 next states, one per byte.
        self._moves = np.frombuffer(self.tk_nextmove, dtype=np.dtype(self.tk_nextmove.typecode))
        rows = np.frombuffer(self.tk_row, dtype=np.dtype(self.tk_row.typecode))
        self._rows = rows.astype(np.int32) * np.int32(256)
        self._features = np.array(self.tk_output, dtype=np.int32)

    def _raw_score(self, text: bytes) -> npt.NDArray[np.float32]:
        features, counts = self._feature_counts(np.frombuffer(text, dtype=np.uint8))
        if not len(features):  # py3langid's answer for a text without features
            return super()._raw_score(text)
        # py3langid's _sparse_score, over the arrays it would build from a dict.
        return np.log1p(counts) @ self.nb_ptc[features] + self.nb_pc

    def _feature_counts(
        self, data: npt.NDArray[np.uint8]
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float32]]:
        """Each feature found and its occurrences, in order of first occurrence (the
        order of py3langid's dict, and so of its sums), counted as py3langid counts."""
        state = self._moves[self._rows[0] + data]
        while True:
            longer = state.copy()
            longer[1:] = self._moves[self._rows[state[:-1]] + data[1:]]
            if np.array_equal(longer, state):
                break
            state = longer
        features = self._features[state]
        found, first, counts = np.unique(
            features[features >= 0], return_index=True, return_counts=True
        )
        order = np.argsort(first)
        return found[order].astype(np.intp), counts[order].astype(np.float32)


@cache
def identifier() -> LanguageIdentifier:
    """Load the model once per process (about 0.8 s), on first use."""
    return _Identifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str, min_confidence: float = MIN_CONFIDENCE) -> LanguageGuess:
    """Guess the language of `text`; `code` is None for short or ambiguous text."""
    sample = text[:SAMPLE_CHARS]
    letters = sum(map(str.isalpha, sample))
    if letters < MIN_LETTERS:
        return LanguageGuess(code=None, confidence=0.0, best="")
    best, probability = identifier().classify(sample)
    confidence = float(probability)
    return LanguageGuess(
        # The model also knows languages without a 639-1 code (e.g. "arz"): no code for those.
        code=best if confidence >= min_confidence and len(best) == 2 else None,
        confidence=confidence,
        best=best,
    )
