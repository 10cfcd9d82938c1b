"""The classifier stage: a cleaned entry in, its labels out (pure, no I/O, never raises).

`classify` is a chain of small stages (language, topics, regions, spin, fingerprint) over
plain data; each stage is usable on its own from its module.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import structlog

from worker.classify import anchors, model, spin
from worker.classify.dedupe import text_fingerprint
from worker.classify.frequency import frequencies
from worker.classify.language import detect_language, identifier
from worker.classify.regions import find_regions, gazetteer
from worker.classify.spin import score_spin
from worker.classify.topics import Taxonomy, default_taxonomy, score_topics
from worker.record import Cleaned, Entry, Labels, Spin, Topic

__all__ = ["Taxonomy", "classify", "text_fingerprint", "warm_up"]

log = structlog.get_logger(__name__)
T = TypeVar("T")


def _stage(name: str, entry: Entry, default: T, run: Callable[[], T]) -> T:
    """Run one stage; on a bug, log it and keep the default. One odd item must never stop
    the queue, and the other labels of that item are still worth storing."""
    try:
        return run()
    except Exception:
        log.exception("classify.stage_failed", stage=name, item=entry.item_id)
        return default


def classify(cleaned: Cleaned, entry: Entry, taxonomy: Taxonomy | None = None) -> Labels:
    """Label one item: language, topics, regions, spin and the exact-duplicate fingerprint.

    Topics, regions and spin use English vocabularies; they are computed for any text
    (names and many terms cross languages), except spin, which is English-only: a
    word-frequency score would call every French text spun.
    """
    title, text = cleaned.title, cleaned.text
    language = _stage("language", entry, None, lambda: detect_language(f"{title}\n{text}").code)
    original_title = cleaned.syndication.original_title
    return Labels(
        language=language,
        topics=_stage("topics", entry, [], lambda: topics(title, text, taxonomy)),
        regions=_stage("regions", entry, [], lambda: find_regions(title, text)),
        spin=_stage(
            "spin",
            entry,
            Spin(),
            lambda: score_spin(title, text, original_title) if language == "en" else Spin(),
        ),
        # The body identifies a copy; a title-only item is identified by its title.
        text_hash=_stage("fingerprint", entry, "", lambda: text_fingerprint(text or title)),
    )


def topics(title: str, text: str, taxonomy: Taxonomy | None = None) -> list[Topic]:
    """Rule topics, blended with the trained model's when there is one (model.py)."""
    taxonomy = taxonomy or default_taxonomy()
    rules = score_topics(title, text, taxonomy)
    trained = model.default_model()
    if trained is None:
        return rules
    return model.blend(rules, model.probabilities(trained, f"{title}\n{text}"), taxonomy)


def warm_up() -> None:
    """Load the language model, taxonomy, gazetteer, word frequencies and tables, and a
    trained topic model if any, now (~3 s), e.g. when a worker process starts, instead
    of inside the first task it runs."""
    identifier()
    default_taxonomy()
    gazetteer()
    frequencies()
    anchors.warm_up()
    spin.warm_up()
    model.default_model()
