"""Topic labels (IPTC Media Topics) from weighted terms in config/taxonomy.toml.

Rules rather than a trained model: every label must be explainable to a subscriber
("why is this item under politics?" -> Topic.terms), editable without retraining, and
cheap enough for >= 1,000 items/s per core. All terms of all topics are matched in one
Aho-Corasick pass over the title and one over the text.
"""

from __future__ import annotations

import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import worker
from worker.classify.matching import PhraseMatcher
from worker.record import Topic

DEFAULT_PATH = Path(worker.__file__).resolve().parents[1] / "config" / "taxonomy.toml"
MAX_TERMS_REPORTED = 8


@dataclass(frozen=True, slots=True)
class Scoring:
    """How raw term hits become a 0..1 score; see the comments in taxonomy.toml."""

    threshold: float = 0.30
    half_density: float = 3.0
    min_words: int = 80
    title_boost: float = 2.0
    max_repeats: int = 3
    strong_weight: float = 3.0
    relative_cutoff: float = 0.35
    max_topics: int = 6


@dataclass(frozen=True, slots=True)
class TopicRule:
    code: str
    label: str
    parent: str | None
    weights: dict[str, float]  # phrase -> weight


class Taxonomy:
    """Topic rules compiled into one matcher. Build once; reuse for every item."""

    def __init__(self, rules: list[TopicRule], scoring: Scoring) -> None:
        self.rules = rules
        self.scoring = scoring
        self.by_code = {rule.code: rule for rule in rules}
        unknown = {r.parent for r in rules if r.parent and r.parent not in self.by_code}
        if unknown:
            raise ValueError(f"taxonomy: unknown parent topic(s) {sorted(unknown)}")
        # phrase -> {code: weight}: a level-2 hit also counts for its ancestors, with the
        # same weight, so that "striker" is evidence of sport as well as of football.
        payloads: dict[str, dict[str, float]] = defaultdict(dict)
        for rule in rules:
            for phrase, weight in rule.weights.items():
                for code in self.lineage(rule.code):
                    payloads[phrase][code] = max(weight, payloads[phrase].get(code, 0.0))
        self.matcher: PhraseMatcher[tuple[tuple[str, float], ...]] = PhraseMatcher(
            {phrase: tuple(codes.items()) for phrase, codes in payloads.items()}
        )

    def lineage(self, code: str) -> list[str]:
        """`code` and its ancestors, nearest first."""
        chain = [code]
        while (parent := self.by_code[chain[-1]].parent) is not None:
            chain.append(parent)
        return chain

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Taxonomy:
        """Build from the parsed TOML (a dict), e.g. for tests with a tiny taxonomy."""
        scoring = Scoring(**data.get("scoring", {}))
        rules = []
        for entry in data.get("topic", []):
            weights = {term: 1.0 for term in entry.get("terms", [])}
            weights.update({term: scoring.strong_weight for term in entry.get("strong", [])})
            rules.append(TopicRule(entry["code"], entry["label"], entry.get("parent"), weights))
        return cls(rules, scoring)

    @classmethod
    def load(cls, path: Path | str = DEFAULT_PATH) -> Taxonomy:
        with open(path, "rb") as handle:
            return cls.from_dict(tomllib.load(handle))


@cache
def default_taxonomy() -> Taxonomy:
    """config/taxonomy.toml, loaded once per process."""
    return Taxonomy.load(DEFAULT_PATH)


def score_topics(title: str, text: str, taxonomy: Taxonomy) -> list[Topic]:
    """Topics of an item, best first; each with the terms that fired.

    Raw score = sum of term weights (each term counted at most `max_repeats` times, title
    hits `title_boost` times), per 100 words of text, squashed to 0..1. Normalising by
    length keeps a long article that mentions "match" once from being sport.
    """
    scoring = taxonomy.scoring
    hits: dict[str, float] = {}  # phrase -> hits, in order of first hit
    for source, boost in ((title, scoring.title_boost), (text, 1.0)):
        for phrase, found in Counter(taxonomy.matcher.keys(source)).items():
            hits[phrase] = hits.get(phrase, 0.0) + found * boost
    if not hits:
        return []

    contributions: dict[str, dict[str, float]] = defaultdict(dict)  # code -> {phrase: weight}
    for phrase, count in hits.items():
        capped = min(count, scoring.max_repeats)
        for code, weight in taxonomy.matcher.payload(phrase):
            contributions[code][phrase] = weight * capped
    words = max(len(title.split()) + len(text.split()), scoring.min_words)
    scores = {}
    for code, terms in contributions.items():
        density = 100.0 * sum(terms.values()) / words
        scores[code] = density / (density + scoring.half_density)
    return [
        Topic(
            code=code,
            label=taxonomy.by_code[code].label,
            score=round(scores[code], 3),
            terms=_strongest(contributions[code]),
        )
        for code in _select(scores, taxonomy)
    ]


def _strongest(terms: dict[str, float]) -> list[str]:
    """The terms that fired, strongest first (only kept topics report them)."""
    return sorted(terms, key=lambda t: (-terms[t], t))[:MAX_TERMS_REPORTED]


def _select(scores: dict[str, float], taxonomy: Taxonomy) -> list[str]:
    """Keep level-1 topics close to the best one, and level-2 topics of kept parents."""
    scoring = taxonomy.scoring
    top_level = [c for c in scores if taxonomy.by_code[c].parent is None]
    best = max((scores[c] for c in top_level), default=0.0)
    kept = {
        c
        for c in top_level
        if scores[c] >= scoring.threshold and scores[c] >= scoring.relative_cutoff * best
    }
    for code, score in scores.items():
        ancestors = taxonomy.lineage(code)[1:]
        if ancestors and score >= scoring.threshold and all(a in kept for a in ancestors):
            kept.add(code)
    return sorted(kept, key=lambda c: (-scores[c], c))[: scoring.max_topics]
