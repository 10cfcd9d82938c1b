"""Retry-After parsing and the backoff curve."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from worker.poller.errors import backoff, retry_after

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def test_retry_after_in_seconds() -> None:
    assert retry_after("120", NOW) == timedelta(seconds=120)


def test_retry_after_as_an_http_date() -> None:
    assert retry_after("Mon, 01 Jun 2026 13:30:00 GMT", NOW) == timedelta(minutes=90)


def test_retry_after_is_capped_at_a_day() -> None:
    assert retry_after("999999", NOW) == timedelta(hours=24)


def test_a_garbled_retry_after_is_ignored() -> None:
    assert retry_after("soon", NOW) is None


def test_backoff_doubles_from_the_interval_up_to_a_day() -> None:
    assert [backoff(600, n).total_seconds() for n in (1, 2, 3, 10)] == [600, 1200, 2400, 86_400]
