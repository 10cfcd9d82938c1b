"""The feeds health table: filter by text and state, sort by any column.

Plain functions over the store's `FeedRow`s, so the table's behaviour is testable
without a server. Empty values always sort last, whichever the direction: a feed that
never succeeded is not "the oldest success".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from worker.store.feeds import FeedRow

STATES = ("ok", "error", "new", "disabled", "dead")

COLUMNS: dict[str, tuple[str, Callable[[FeedRow], Any]]] = {
    "title": ("Feed", lambda f: (f.title or f.url).casefold()),
    "status": ("State", lambda f: f.status),
    "last_polled_at": ("Last fetch", lambda f: f.last_polled_at),
    "last_success_at": ("Last success", lambda f: f.last_success_at),
    "error_count": ("Errors in a row", lambda f: f.error_count),
    "next_poll_at": ("Next fetch", lambda f: f.next_poll_at),
    "last_error": ("Last error", lambda f: f.last_error),
}


@dataclass(slots=True, frozen=True)
class FeedQuery:
    """What the table shows, as read from (and written back to) the query string."""

    sort: str = "title"
    descending: bool = False
    q: str = ""
    status: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> FeedQuery:
        raw = params.get("sort", "title")
        column = raw.removeprefix("-")
        return cls(
            sort=column if column in COLUMNS else "title",
            descending=raw.startswith("-") and column in COLUMNS,
            q=params.get("q", "").strip(),
            status=params.get("status", "") if params.get("status") in STATES else "",
        )

    def sort_href(self, column: str) -> str:
        """The link of a column header: sort by it, or flip the direction if it is sorted."""
        flip = column == self.sort and not self.descending
        params = {"sort": f"-{column}" if flip else column, "q": self.q, "status": self.status}
        return "?" + urlencode({k: v for k, v in params.items() if v})

    def arrow(self, column: str) -> str:
        if column != self.sort:
            return ""
        return "▼" if self.descending else "▲"


def matches(feed: FeedRow, query: FeedQuery) -> bool:
    if query.status and feed.status != query.status:
        return False
    needle = query.q.casefold()
    haystack = " ".join(filter(None, (feed.title, feed.url, feed.category, feed.last_error)))
    return needle in haystack.casefold()


def feed_table(feeds: list[FeedRow], query: FeedQuery) -> list[FeedRow]:
    """The feeds that match, in the requested order, empty values last."""
    key = COLUMNS[query.sort][1]
    shown = [f for f in feeds if matches(f, query)]
    present = sorted((f for f in shown if key(f) is not None), key=key, reverse=query.descending)
    return present + [f for f in shown if key(f) is None]


def state_counts(feeds: list[FeedRow]) -> dict[str, int]:
    return {state: sum(f.status == state for f in feeds) for state in STATES}
