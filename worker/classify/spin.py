"""A spin score: how likely an English text is the output of a synonym spinner.

Spinners replace every occurrence of a dictionary word with a synonym, without regard
to context. Without the original text three things still show (see
shared/reference/NOTES.md):

1. The vocabulary drifts from common words to less common ones ("said" -> "stated",
   "war" -> "warfare"). Counting only very rare words (Zipf < 3) misses most of that
   drift, so the text signal is graded: each lower-case word adds how far it falls below
   Zipf 4.5 (capped, so that one typo or one rare technical word cannot decide).
2. Some substitutions leave collocations no writer produces ("local weather change",
   "Labour Social gathering", "go to to"): a curated table maps them to the likely
   original, which is also the evidence shown to users. Single-word swaps ("stated",
   "individuals") are ordinary English, but because every occurrence is replaced, the
   original word then vanishes from the whole text: "stated" in a long news story that
   never says "said" is weaker evidence of the same kind.
3. Syndicated copies often keep the original headline in the URL slug
   (Syndication.original_title): one-for-one word swaps between it and the visible
   title are direct evidence, with the likely original word for free.

The three are combined as a noisy-OR: any one strong signal makes an item suspect.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from functools import cache
from itertools import repeat

from worker.classify.frequency import frequencies
from worker.classify.matching import PhraseMatcher, to_words
from worker.record import Evidence, Spin

UNUSUAL_BELOW = 4.5  # Zipf: words less common than this add to the unusual-word load
UNUSUAL_CAP = 1.5  # most any single word can add
# The load of original news text sits around 0.08 (95th percentile 0.14 on BBC News);
# Moby-spun copies (bench/eval_classify.py) move the median to 0.15 at 10% substitution,
# to 0.22 at 20%. The logistic is centred above
# the originals' 95th percentile so that is_spun rarely fires on plain text alone.
LOAD_CENTRE, LOAD_SCALE = 0.16, 0.02
PRIOR_LOAD, PRIOR_WORDS = 0.08, 30  # short texts are pulled towards typical text
PHRASE_RATE = 0.7  # one odd collocation -> 0.5, two -> 0.75
LONE_SWAP_WEIGHT = 0.5  # a swap with its original missing counts half a collocation
LONE_SWAP_MIN_WORDS = 150  # below this, a missing "said" means nothing
TITLE_RATE = 2.5  # one swapped word in five -> 0.5
SPUN_AT = 0.5
MAX_EVIDENCE = 10

# Spinner output -> the likely original. Only collocations that ordinary English does
# not produce: a single legitimate word ("army") proves nothing by itself (LONE_SWAPS).
# "lower": fires only in lower case ("america" as spun; "America" is fine).
SPINNER_PHRASES: dict[str, tuple[str, str]] = {
    "content material": ("content", "any"),
    "go to to": ("visit to", "any"),
    "america": ("the United States", "lower"),
    "jap europe": ("Eastern Europe", "any"),
    "jap asia": ("East Asia", "any"),
    "center east": ("Middle East", "any"),
    "army coaching": ("military training", "any"),
    "for the primary time": ("for the first time", "any"),
    "local weather change": ("climate change", "any"),
    "local weather disaster": ("climate crisis", "any"),
    "most cancers": ("cancer", "any"),
    "social gathering": ("party", "any"),
    "white home": ("White House", "any"),
    "home of representatives": ("House of Representatives", "any"),
    "supreme courtroom": ("Supreme Court", "any"),
    "excessive courtroom": ("High Court", "any"),
    "high minister": ("prime minister", "any"),
    "overseas minister": ("foreign minister", "any"),
    "overseas coverage": ("foreign policy", "any"),
    "inside minister": ("interior minister", "any"),
    "protection minister": ("defence minister", "any"),
    "authorities officers": ("government officials", "any"),
    "nationwide safety": ("national security", "any"),
    "safety forces": ("security forces", "any"),
    "regulation enforcement": ("law enforcement", "any"),
    "world warfare": ("world war", "any"),
    "chilly warfare": ("cold war", "any"),
    "chilly struggle": ("cold war", "any"),
    "struggle crimes": ("war crimes", "any"),
    "inventory market": ("stock market", "any"),
    "inventory change": ("stock exchange", "any"),
    "central financial institution": ("central bank", "any"),
    "synthetic intelligence": ("artificial intelligence", "any"),
    "data know-how": ("information technology", "any"),
    "know-how firm": ("technology company", "any"),
    "video video games": ("video games", "any"),
    "greenhouse fuel": ("greenhouse gas", "any"),
    "pure fuel": ("natural gas", "any"),
    "nuclear energy plant": ("nuclear power plant", "any"),
    "excessive faculty": ("high school", "any"),
    "well being care": ("health care", "any"),
    "psychological well being": ("mental health", "any"),
    "public well being": ("public health", "any"),
    "new york metropolis": ("New York City", "any"),
    "information convention": ("news conference", "any"),
    "final yr": ("last year", "any"),
    "subsequent yr": ("next year", "any"),
    "native authorities": ("local authorities", "any"),
    "supply hyperlink": ("source link", "any"),
    "source hyperlink": ("source link", "any"),
}


# Spinner word -> original, where the original is seldom absent from a long news text
# that uses the spinner word (each fires on < 1% of BBC News originals).
LONE_SWAPS: dict[str, str] = {
    "stated": "said", "mentioned": "said", "individuals": "people", "folks": "people",
    "warfare": "war", "assault": "attack", "primary": "first", "army": "military",
    "coaching": "training",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class SpinSignals:
    """The measurements behind a spin score, apart from how they are weighed."""

    unusual_load: float  # mean capped Zipf shortfall of lower-case words, shrunk to prior
    phrases: list[Evidence]
    lone_swaps: list[Evidence]  # spinner words whose original is absent from the text
    title_swaps: list[Evidence]
    title_swap_fraction: float


@cache
def _phrase_matcher() -> PhraseMatcher[tuple[str, str]]:
    return PhraseMatcher(SPINNER_PHRASES)


def lower_case_words(text: str) -> list[str]:
    """Words written in lower case: names and sentence starts say nothing about spin,
    nor do tokens with digits ("5bn", "1990s") that no frequency list holds. A
    possessive counts as its noun ("government's" is as common as "government")."""
    tokens = to_words(text, apostrophes=True).split()
    words = [t for t in tokens if t.isalpha() and t.islower()]
    for token in tokens if "'" in text or "’" in text else ():
        if "'" in token:
            word = token.strip("'").removesuffix("'s")
            if word.islower() and word.replace("'", "").isalpha():
                words.append(word)
    return words


@cache
def _shortfalls() -> dict[str, float]:
    """How far each word wordfreq puts at Zipf 3 or more (~30,000) falls below Zipf
    UNUSUAL_BELOW (0 from there up). Any other word falls short by at least the cap."""
    floor = 10 ** (UNUSUAL_BELOW - UNUSUAL_CAP - 9)  # Zipf = log10(frequency) + 9
    common = 10 ** (UNUSUAL_BELOW - 9)
    return {
        word: min(UNUSUAL_CAP, UNUSUAL_BELOW - (math.log10(frequency) + 9))
        if frequency < common
        else 0.0
        for word, frequency in frequencies().items()
        if frequency >= floor
    }


def warm_up() -> None:
    """Build the word table now, not in the first English item."""
    _shortfalls()


def _total_shortfall(words: list[str]) -> float:
    """Sum over `words` of how far each falls below Zipf UNUSUAL_BELOW, capped per word:
    one look-up per word in a precomputed table (the hot loop of the spin score)."""
    return sum(map(_shortfalls().get, words, repeat(UNUSUAL_CAP)))


def _phrase_evidence(text: str) -> list[Evidence]:
    found = []
    for match in _phrase_matcher().find(text):
        likely, case = match.payload
        surface = text[match.start : match.end]
        if case == "lower" and not surface.islower():
            continue
        found.append(Evidence(found=surface, likely=likely))
    return found


def _lone_swaps(words: list[str]) -> list[Evidence]:
    if len(words) < LONE_SWAP_MIN_WORDS:
        return []
    present = set(words)
    return [
        Evidence(found=spun, likely=original)
        for spun, original in LONE_SWAPS.items()
        if spun in present and original not in present
    ]


def _title_swaps(title: str, original_title: str | None) -> tuple[list[Evidence], float]:
    """One-for-one word swaps between the visible title and the slug's original title."""
    if not original_title:
        return [], 0.0
    shown = to_words(title.lower()).split()
    original = to_words(original_title.lower()).split()
    if not shown or not original:
        return [], 0.0
    matcher = difflib.SequenceMatcher(a=shown, b=original, autojunk=False)
    if matcher.ratio() < 0.4:  # a rewritten headline, not a spun one
        return [], 0.0
    swaps = [
        Evidence(found=shown[i], likely=original[j])
        for op, i1, i2, j1, j2 in matcher.get_opcodes()
        if op == "replace" and i2 - i1 == j2 - j1
        for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
    ]
    return swaps, len(swaps) / len(original)


def spin_signals(title: str, text: str, original_title: str | None = None) -> SpinSignals:
    """Measure the spin signals of one English item."""
    words = lower_case_words(title) + lower_case_words(text)
    shortfall = _total_shortfall(words)
    swaps, swap_fraction = _title_swaps(title, original_title)
    return SpinSignals(
        unusual_load=(shortfall + PRIOR_LOAD * PRIOR_WORDS) / (len(words) + PRIOR_WORDS),
        phrases=_phrase_evidence(title) + _phrase_evidence(text),
        lone_swaps=_lone_swaps(words),
        title_swaps=swaps,
        title_swap_fraction=swap_fraction,
    )


def score_spin(title: str, text: str, original_title: str | None = None) -> Spin:
    """Spin score 0..1, the is_spun decision, and the suspect phrases with likely originals."""
    signals = spin_signals(title, text, original_title)
    p_text = 1.0 / (1.0 + math.exp(-(signals.unusual_load - LOAD_CENTRE) / LOAD_SCALE))
    hits = len(signals.phrases) + LONE_SWAP_WEIGHT * len(signals.lone_swaps)
    p_phrases = 1.0 - math.exp(-PHRASE_RATE * hits)
    p_title = min(1.0, TITLE_RATE * signals.title_swap_fraction)
    score = 1.0 - (1.0 - p_text) * (1.0 - p_phrases) * (1.0 - p_title)
    evidence: dict[str, Evidence] = {}
    for item in signals.title_swaps + signals.phrases + signals.lone_swaps:
        evidence.setdefault(item.found.lower(), item)
    return Spin(
        score=round(score, 3),
        is_spun=score >= SPUN_AT,
        evidence=list(evidence.values())[:MAX_EVIDENCE],
    )
