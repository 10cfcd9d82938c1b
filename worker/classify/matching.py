"""One-pass phrase matching on word boundaries, shared by topics, regions and spin.

Every stage that looks for a list of words or phrases uses this one Aho-Corasick matcher,
so that the text is scanned once per stage however long the list, and so that "war"
never fires inside "software" nor "us" inside "bus".
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Generic, NamedTuple, TypeVar

import ahocorasick
import numpy as np

P = TypeVar("P")

# Anything that is not a letter or a digit separates words. Replacing each such character
# by one space keeps the normalised text the same length as the input, so a match's
# offsets are also offsets into the original text (needed to look at capitalisation).
# This runs over every item several times: ASCII text goes through str.translate, whose
# ASCII fast path is several times faster than a regular expression substitution; other text
# (curly quotes, "£", accents: most real feeds) would make str.translate look up every
# character in Python (~20x slower), so numpy maps its code points instead.

_SPACE, _APOSTROPHE = ord(" "), ord("'")


class _SeparatorTable(dict[int, int]):
    """Code point -> itself for a letter or a digit, else a space (' and ’ -> '), filled
    on first sight of each character (bounded by the characters actually seen, instead
    of 1.1 million entries built up front)."""

    def __missing__(self, code: int) -> int:
        char = chr(code)
        value = code if char.isalnum() else _APOSTROPHE if char in "'’" else _SPACE
        self[code] = value
        return value


_SEPARATORS = _SeparatorTable()
_ASCII_SEPARATORS = np.array([_SEPARATORS[code] for code in range(128)], dtype=np.uint32)


@lru_cache(maxsize=8)
def _separated(text: str) -> str:
    """`text` with every character but letters, digits and apostrophes replaced by a
    space. Cached: spin and regions separate the same title and text."""
    if text.isascii():
        return text.translate(_SEPARATORS)
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    separated = _ASCII_SEPARATORS[codes & 127]
    high = np.flatnonzero(codes > 127)
    distinct, where = np.unique(codes[high], return_inverse=True)
    mapped = np.array([_SEPARATORS[code] for code in distinct.tolist()], dtype=np.uint32)
    separated[high] = mapped[where]
    return separated.tobytes().decode("utf-32-le", "surrogatepass")


def to_words(text: str, apostrophes: bool = False) -> str:
    """`text` with every character that is not a letter or a digit replaced by a space;
    with `apostrophes`, ' and ’ are kept as ' ("don't" is one word to a frequency list)."""
    separated = _separated(text)
    return separated if apostrophes else separated.replace("'", " ")


@lru_cache(maxsize=8)
def normalise(text: str, fold_case: bool = True) -> str:
    """Turn every non-word character into a space (and lower-case, unless asked not to),
    keeping offsets; pad with a space at each end so every word is space-delimited.

    Cached for the few texts of the item in hand: topics, regions and spin all match
    against the same title and text (a str caches its hash, so a hit is cheap)."""
    if fold_case:
        lowered = text.lower()
        if len(lowered) != len(text):  # a few characters (e.g. "İ") grow when lower-cased
            lowered = "".join(c.lower()[:1] for c in text)
        text = lowered
    return " " + to_words(text) + " "


def normalise_key(phrase: str, fold_case: bool = True) -> str:
    """The form a dictionary phrase is stored in: words joined by single spaces."""
    return " ".join(to_words(phrase.lower() if fold_case else phrase).split())


class Match(NamedTuple, Generic[P]):
    """One phrase found: offsets into the original text, and the phrase's payload.
    (A named tuple: regions creates dozens per item, 3x cheaper than a dataclass.)"""

    start: int
    end: int
    key: str
    payload: P


class PhraseMatcher(Generic[P]):
    """Finds whole-word occurrences of many phrases in one pass over the text.

    Case-insensitive by default; `fold_case=False` matches the case of the phrases as
    given (place names: "Most" the city, not "most" the word, is then never even found).
    """

    def __init__(self, phrases: Mapping[str, P], fold_case: bool = True) -> None:
        self._fold_case = fold_case
        self._automaton = ahocorasick.Automaton()
        # The automaton yields the key alone: a str caches its hash, so callers that
        # count keys never hash a payload (a tuple hashes its items again every time).
        self._payloads: dict[str, P] = {}
        for phrase, payload in phrases.items():
            key = normalise_key(phrase, fold_case)
            if key:
                self._automaton.add_word(f" {key} ", key)
                self._payloads[key] = payload
        self._empty = len(self._automaton) == 0
        if not self._empty:
            self._automaton.make_automaton()

    def find(self, text: str) -> Iterator[Match[P]]:
        """Yield every match in `text`, with its offsets."""
        if self._empty:
            return
        payloads = self._payloads
        for end, key in self._automaton.iter(normalise(text, self._fold_case)):
            # haystack is `text` with one leading space: shift back by one, drop the pads.
            start = end - len(key) - 1
            yield Match(start, start + len(key), key, payloads[key])

    def keys(self, text: str) -> list[str]:
        """The key of every phrase found in `text`, once per occurrence: `find` without
        offsets or payloads, for callers that only count (about twice as fast)."""
        if self._empty:
            return []
        haystack = normalise(text, self._fold_case)
        return [key for _, key in self._automaton.iter(haystack)]

    def payload(self, key: str) -> P:
        """The payload of a phrase, by the key `keys` or `find` reported."""
        return self._payloads[key]
