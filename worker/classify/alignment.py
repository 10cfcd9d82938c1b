"""Is a text a spun copy of another, and which words were swapped?

Two texts are aligned twice with difflib: first on their anchors (names, numbers, rare
words: worker/classify/anchors.py), which a spinner keeps, then word by word. A spun copy
keeps most of the original's anchors in order, and every difference between the two is a
short run of words replaced by another short run ("said" -> "stated", "visit" ->
"go to"). Unrelated texts on the same story share a few names but not the order, and
their differences are long rewrites, not swaps. The anchor check is cheap (tens of
tokens) and runs first; the word alignment (a few milliseconds) only on survivors.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from worker.classify.anchors import tokenise
from worker.classify.matching import to_words
from worker.record import Evidence

MIN_ANCHOR_AGREEMENT = 0.4  # spun copies at 50% substitution: >= 0.51; unrelated: <= 0.15
MIN_SHARED_ANCHORS = 0.5  # the same as sets: spun at 50%: >= 0.56 (BBC, Moby spinner)
MIN_EXPLAINED = 0.6  # spun at 50%: >= 0.86 of the copy's words; unrelated: <= 0.17
MAX_SWAP_WORDS = 3  # "content" -> "content material", "the United States" -> "america"
MAX_SUBSTITUTIONS = 50


@dataclass(frozen=True, slots=True)
class Alignment:
    """How `copy` lines up against `original`."""

    anchor_agreement: float  # share of the original's anchors found, in order, in the copy
    explained: float  # share of the copy's words that are kept or swapped one short run
    substitutions: list[Evidence] = field(default_factory=list)  # found -> likely original
    substituted_words: int = 0

    @property
    def is_copy(self) -> bool:
        return self.anchor_agreement >= MIN_ANCHOR_AGREEMENT and self.explained >= MIN_EXPLAINED


@lru_cache(maxsize=64)
def words(text: str) -> tuple[str, ...]:
    """The lower-case words of `text`, for the word alignment and its evidence."""
    return tuple(to_words(text.lower()).split())


def _matched(a: Sequence[object], b: Sequence[object]) -> int:
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks())


def anchor_agreement(original: str, copy: str) -> float:
    """The cheap first test: the share of the original's anchors kept in order (0 when
    too few are shared at all, which a set intersection tells faster than difflib)."""
    anchors, others = tokenise(original).anchors.tolist(), tokenise(copy).anchors.tolist()
    if len(set(anchors) & set(others)) < MIN_SHARED_ANCHORS * len(set(anchors)):
        return 0.0
    return _matched(anchors, others) / len(anchors) if anchors else 0.0


def align(original: str, copy: str) -> Alignment:
    """Align `copy` on `original`; the word alignment runs only if the anchors agree."""
    agreement = anchor_agreement(original, copy)
    if agreement < MIN_ANCHOR_AGREEMENT:
        return Alignment(anchor_agreement=agreement, explained=0.0)
    source, target = words(original), words(copy)
    if source == target:  # an exact copy, common in syndication: nothing to align
        return Alignment(anchor_agreement=agreement, explained=1.0)
    matcher = difflib.SequenceMatcher(a=source, b=target, autojunk=False)
    kept = swapped = 0
    swaps: dict[tuple[str, str], None] = {}  # ordered and distinct
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            kept += j2 - j1
        elif op == "replace" and i2 - i1 <= MAX_SWAP_WORDS and j2 - j1 <= MAX_SWAP_WORDS:
            swapped += j2 - j1
            found, likely = " ".join(target[j1:j2]), " ".join(source[i1:i2])
            if not any(c.isdigit() for c in found + likely):  # a changed figure is an edit
                swaps[found, likely] = None
    return Alignment(
        anchor_agreement=agreement,
        explained=(kept + swapped) / len(target) if target else 0.0,
        substitutions=[Evidence(found=f, likely=o) for f, o in swaps][:MAX_SUBSTITUTIONS],
        substituted_words=swapped,
    )
