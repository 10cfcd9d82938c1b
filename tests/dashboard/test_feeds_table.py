"""The feeds table's sorting and filtering, as plain functions."""

from __future__ import annotations

from datetime import UTC, datetime

from worker.monitor.dashboard.feeds import FeedQuery, feed_table
from worker.store.feeds import FeedRow


def feed(url: str, *, status: str = "ok", errors: int = 0, success: int | None = None,
         last_error: str | None = None) -> FeedRow:  # fmt: skip
    values = {name: None for name in FeedRow.__slots__}
    values.update(
        id=url, url=url, title=None, enabled=True, status=status, error_count=errors,
        soft_errors=0, hard_errors=0, redirect_seen=0, key_mode="guid", last_error=last_error,
        last_success_at=None if success is None else datetime(2026, 1, success, tzinfo=UTC),
    )  # fmt: skip
    return FeedRow(**values)


def urls(rows: list[FeedRow]) -> list[str]:
    return [r.url for r in rows]


def test_sorts_descending_by_a_column_with_empty_values_last() -> None:
    rows = [feed("a", success=1), feed("b"), feed("c", success=3)]

    shown = feed_table(rows, FeedQuery.from_params({"sort": "-last_success_at"}))

    assert urls(shown) == ["c", "a", "b"]


def test_sorts_ascending_with_empty_values_still_last() -> None:
    rows = [feed("a", success=2), feed("b"), feed("c", success=1)]

    shown = feed_table(rows, FeedQuery.from_params({"sort": "last_success_at"}))

    assert urls(shown) == ["c", "a", "b"]


def test_an_unknown_sort_column_falls_back_to_the_title() -> None:
    query = FeedQuery.from_params({"sort": "-password"})

    assert (query.sort, query.descending) == ("title", False)


def test_filters_by_state_and_by_text_in_the_last_error() -> None:
    rows = [
        feed("a", status="error", last_error="ConnectError: refused"),
        feed("b", status="error", last_error="HTTP 404"),
        feed("c", last_error="ConnectError: old"),
    ]

    shown = feed_table(rows, FeedQuery.from_params({"status": "error", "q": "connecterror"}))

    assert urls(shown) == ["a"]


def test_the_sorted_column_link_flips_the_direction_and_keeps_the_filters() -> None:
    query = FeedQuery.from_params({"sort": "error_count", "q": "bbc", "status": "error"})

    assert query.sort_href("error_count") == "?sort=-error_count&q=bbc&status=error"
    assert query.sort_href("status") == "?sort=status&q=bbc&status=error"
