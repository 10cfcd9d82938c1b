"""The items search form: query-string parameters to an `ItemFilter`, and the label codes
that the form offers as suggestions (only codes that some stored item carries)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select

from worker.store import tables as t
from worker.store.repository import Store
from worker.store.search import ItemFilter

PAGE_SIZE = 50
FIELDS = ("q", "topic", "region", "language", "spun", "duplicates")


def _tristate(value: str | None) -> bool | None:
    """True for "yes", False for "no", None (any) for anything else in a select box."""
    return {"yes": True, "no": False}.get(value or "")


def item_filter(params: Mapping[str, str]) -> ItemFilter:
    def text(name: str) -> str | None:
        return params.get(name, "").strip() or None

    return ItemFilter(
        query=text("q"),
        topic=text("topic"),
        region=text("region"),
        language=text("language"),
        spun=_tristate(params.get("spun")),
        duplicates=_tristate(params.get("duplicates")),
        limit=PAGE_SIZE,
    )


@dataclass(slots=True, frozen=True)
class Suggestions:
    topics: list[str]
    regions: list[str]
    languages: list[str]


def suggestions(store: Store) -> Suggestions:
    labels = t.item_labels.c
    with store.engine.connect() as conn:

        def codes(kind: str) -> list[str]:
            q = select(labels.code).distinct().where(labels.kind == kind).order_by(labels.code)
            return list(conn.scalars(q))

        language = t.items.c.language
        languages = conn.scalars(
            select(language).distinct().where(language.is_not(None)).order_by(language)
        )
        return Suggestions(codes("topic"), codes("region"), list(languages))
