"""Language identification with py3langid (its model ships inside the wheel: no download).

The record carries an ISO 639-1 code or null. A wrong code routes an item to the wrong
subscribers, which is worse than no code, so short texts and low-confidence guesses give
None; callers that want to decide for themselves get the confidence too.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

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


@cache
def identifier() -> LanguageIdentifier:
    """Load the model once per process (about 0.8 s), on first use."""
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


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
