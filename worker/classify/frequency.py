"""English word frequencies (wordfreq), shared by the spin score and the gazetteer."""

from __future__ import annotations

import math
from functools import cache

import wordfreq


@cache
def frequencies() -> dict[str, float]:
    """wordfreq's English table: ~0.2 s to load once, then plain dictionary look-ups
    (wordfreq.zipf_frequency re-tokenises every call, ~10x slower)."""
    return wordfreq.get_frequency_dict("en")


def zipf(word: str) -> float:
    """Zipf frequency of a lower-case word (0 for words wordfreq has never seen)."""
    frequency = frequencies().get(word)
    return math.log10(frequency) + 9 if frequency else 0.0
