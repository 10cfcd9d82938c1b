"""One-pass phrase matching on word boundaries, shared by topics, regions and spin.

Every stage that looks for a list of words or phrases uses this one Aho-Corasick matcher,
so that the text is scanned once per stage however long the list, and so that "war"
never fires inside "software" nor "us" inside "bus".
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

import ahocorasick

P = TypeVar("P")

# Anything that is not a letter or a digit separates words. Replacing each such character
# by one space keeps the normalised text the same length as the input, so a match's
# offsets are also offsets into the original text (needed to look at capitalisation).
_SEPARATOR = re.compile(r"[\W_]")


def normalise(text: str) -> str:
    """Lower-case `text` and turn every non-word character into a space, keeping offsets."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters (e.g. "İ") grow when lower-cased
        lowered = "".join(c.lower()[:1] for c in text)
    return " " + _SEPARATOR.sub(" ", lowered) + " "


def normalise_key(phrase: str) -> str:
    """The form a dictionary phrase is stored in: words joined by single spaces."""
    return " ".join(_SEPARATOR.sub(" ", phrase.lower()).split())


@dataclass(frozen=True, slots=True)
class Match(Generic[P]):
    """One phrase found: offsets into the original text, and the phrase's payload."""

    start: int
    end: int
    key: str
    payload: P


class PhraseMatcher(Generic[P]):
    """Finds whole-word occurrences of many phrases in one pass over the text."""

    def __init__(self, phrases: Mapping[str, P]) -> None:
        self._automaton = ahocorasick.Automaton()
        for phrase, payload in phrases.items():
            key = normalise_key(phrase)
            if key:
                self._automaton.add_word(f" {key} ", (key, payload))
        self._empty = len(self._automaton) == 0
        if not self._empty:
            self._automaton.make_automaton()

    def find(self, text: str, normalised: str | None = None) -> Iterator[Match[P]]:
        """Yield every match in `text` (pass `normalised` when the caller already has it)."""
        if self._empty:
            return
        haystack = normalise(text) if normalised is None else normalised
        for end, (key, payload) in self._automaton.iter(haystack):
            # haystack is `text` with one leading space: shift back by one, drop the pads.
            start = end - len(key) - 1
            yield Match(start, start + len(key), key, payload)
