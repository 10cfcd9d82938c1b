"""Subscriptions: which items go where, read from config/subscriptions.toml.

A subscription with no filters takes every item. Filters are ANDed; a list filter
matches when the item has any of its values. The file is re-read when it changes, so
editing it needs no restart; a broken edit is logged and the previous version kept.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import structlog

from worker.record import ItemRecord

log = structlog.get_logger(__name__)

Mode = Literal["include", "exclude", "only"]
MODES = ("include", "exclude", "only")


@dataclass(slots=True, frozen=True)
class Webhook:
    url: str
    secrets: tuple[str, ...]  # whsec_...; several while a secret is being rotated

    def __repr__(self) -> str:  # secrets never reach a log line
        return f"Webhook(url={self.url!r}, secrets=<{len(self.secrets)} hidden>)"


@dataclass(slots=True, frozen=True)
class Filters:
    topics: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    patterns: tuple[re.Pattern[str], ...] = ()
    spin: Mode = "include"
    duplicates: Mode = "include"
    min_topic_score: float = 0.0
    min_region_score: float = 0.0

    def matches(self, item: ItemRecord) -> bool:
        if not _mode_allows(self.spin, item.spin.is_spun):
            return False
        if not _mode_allows(self.duplicates, item.duplicate_of is not None):
            return False
        if self.languages and item.language not in self.languages:
            return False
        topics = {t.code for t in item.topics if t.score >= self.min_topic_score}
        if (self.topics or self.min_topic_score) and not _any_of(self.topics, topics):
            return False
        regions = {r.code for r in item.regions if r.score >= self.min_region_score}
        if (self.regions or self.min_region_score) and not _any_of(self.regions, regions):
            return False
        if self.keywords or self.patterns:
            haystack = f"{item.title}\n{item.text}"
            lowered = haystack.lower()
            if not (
                any(k.lower() in lowered for k in self.keywords)
                or any(p.search(haystack) for p in self.patterns)
            ):
                return False
        return True


def _any_of(wanted: tuple[str, ...], present: set[str]) -> bool:
    """With no list, any label above the minimum score will do."""
    return bool(present & set(wanted)) if wanted else bool(present)


def _mode_allows(mode: Mode, flagged: bool) -> bool:
    return mode == "include" or (mode == "only") == flagged


@dataclass(slots=True, frozen=True)
class Subscription:
    name: str
    stream: bool = True
    webhook: Webhook | None = None
    filters: Filters = field(default_factory=Filters)

    def matches(self, item: ItemRecord) -> bool:
        return self.filters.matches(item)


def parse_subscription(name: str, spec: dict[str, Any]) -> Subscription:
    """One [subscriptions.NAME] table; raises ValueError with the reason when invalid."""
    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", name):
        raise ValueError(f"subscription name {name!r}: use letters, digits, - _ . (max 64)")
    f = spec.get("filters", {})
    for key in ("spin", "duplicates"):
        if f.get(key, "include") not in MODES:
            raise ValueError(f"{name}: filters.{key} must be one of {', '.join(MODES)}")
    try:
        patterns = tuple(re.compile(p) for p in f.get("patterns", ()))
    except re.error as exc:
        raise ValueError(f"{name}: bad pattern: {exc}") from exc
    webhook = None
    if hook := spec.get("webhook"):
        secrets = hook.get("secrets") or [hook.get("secret")]
        if not hook.get("url") or not all(isinstance(s, str) and s for s in secrets):
            raise ValueError(f"{name}: a webhook needs a url and a secret (whsec_...)")
        webhook = Webhook(hook["url"], tuple(secrets))
    return Subscription(
        name=name,
        stream=bool(spec.get("stream", webhook is None)),
        webhook=webhook,
        filters=Filters(
            topics=tuple(f.get("topics", ())),
            regions=tuple(f.get("regions", ())),
            languages=tuple(f.get("languages", ())),
            keywords=tuple(f.get("keywords", ())),
            patterns=patterns,
            spin=f.get("spin", "include"),
            duplicates=f.get("duplicates", "include"),
            min_topic_score=float(f.get("min_topic_score", 0.0)),
            min_region_score=float(f.get("min_region_score", 0.0)),
        ),
    )


@dataclass(slots=True)
class Subscriptions:
    items: list[Subscription] = field(default_factory=list)

    @classmethod
    def parse(cls, text: str) -> Subscriptions:
        data = tomllib.loads(text)
        return cls([parse_subscription(n, s) for n, s in data.get("subscriptions", {}).items()])

    @classmethod
    def load(cls, path: Path) -> Subscriptions:
        """Read the TOML file; a missing file means the single catch-all `all`."""
        if not path.exists():
            return cls([Subscription("all")])
        return cls.parse(path.read_text(encoding="utf-8"))

    def match(self, item: ItemRecord) -> list[str]:
        return [s.name for s in self.items if s.matches(item)]

    def get(self, name: str) -> Subscription | None:
        return next((s for s in self.items if s.name == name), None)


class SubscriptionsFile:
    """The subscriptions file, re-read whenever its modification time changes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp: tuple[int, int] | None = None
        self._current = Subscriptions([Subscription("all")])

    def current(self) -> Subscriptions:
        try:
            st = os.stat(self.path)
            stamp = (st.st_mtime_ns, st.st_size)
        except FileNotFoundError:
            stamp = None
        if stamp != self._stamp:
            try:
                self._current = Subscriptions.load(self.path)
                log.info("subscriptions.loaded", file=str(self.path),
                         names=[s.name for s in self._current.items])  # fmt: skip
            except (ValueError, tomllib.TOMLDecodeError) as exc:
                log.error("subscriptions.invalid", file=str(self.path), error=str(exc))
            self._stamp = stamp
        return self._current
