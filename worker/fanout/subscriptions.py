"""Subscriptions: which items go to which stream, read from config/subscriptions.toml.

A subscription with no filters takes every item. Filters are ANDed; each list filter
matches when the item has any of its values.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from worker.record import ItemRecord


@dataclass(slots=True, frozen=True)
class Subscription:
    name: str
    stream: bool = True
    topics: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    exclude_duplicates: bool = False

    @property
    def stream_key(self) -> str:
        return f"ingest:stream:{self.name}"

    def matches(self, item: ItemRecord) -> bool:
        if self.exclude_duplicates and item.duplicate_of:
            return False
        if self.languages and item.language not in self.languages:
            return False
        if self.topics and not {t.code for t in item.topics} & set(self.topics):
            return False
        if self.regions and not {r.code for r in item.regions} & set(self.regions):
            return False
        if self.keywords:
            haystack = f"{item.title}\n{item.text}".lower()
            if not any(k.lower() in haystack for k in self.keywords):
                return False
        return True


@dataclass(slots=True)
class Subscriptions:
    items: list[Subscription] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> Subscriptions:
        """Read the TOML file; a missing file means the single catch-all `all`."""
        if not path.exists():
            return cls([Subscription("all")])
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        subs = []
        for name, spec in data.get("subscriptions", {}).items():
            filters = spec.get("filters", {})
            subs.append(
                Subscription(
                    name=name,
                    stream=bool(spec.get("stream", True)),
                    topics=tuple(filters.get("topics", ())),
                    regions=tuple(filters.get("regions", ())),
                    languages=tuple(filters.get("languages", ())),
                    keywords=tuple(filters.get("keywords", ())),
                    exclude_duplicates=filters.get("duplicates", "include") == "exclude",
                )
            )
        return cls(subs)

    def match(self, item: ItemRecord) -> list[str]:
        return [s.name for s in self.items if s.matches(item)]

    def get(self, name: str) -> Subscription | None:
        return next((s for s in self.items if s.name == name), None)
