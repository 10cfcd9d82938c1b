"""The schedule's rule: entry frequency, lengthened by hints, bounded, jittered."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from worker.poller.schedule import (
    Bounds,
    entry_interval,
    feed_hint,
    header_hint,
    jittered,
    lengthen,
)

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
BOUNDS = Bounds(300, 86_400)


def test_the_interval_is_a_week_over_the_entries_of_the_last_week() -> None:
    dates = [NOW - timedelta(hours=h) for h in range(0, 168, 12)]  # 14 in a week

    assert entry_interval(dates, NOW, default_s=900, bounds=BOUNDS) == 43_200


def test_a_busy_feed_is_held_at_the_lower_bound() -> None:
    dates = [NOW - timedelta(minutes=m) for m in range(5000)]

    assert entry_interval(dates, NOW, default_s=900, bounds=BOUNDS) == 300


def test_a_dated_feed_silent_for_a_week_gets_the_upper_bound() -> None:
    assert entry_interval([NOW - timedelta(days=9)], NOW, default_s=900, bounds=BOUNDS) == 86_400


def test_a_feed_without_dates_keeps_the_default() -> None:
    assert entry_interval([], NOW, default_s=900, bounds=BOUNDS) == 900


def test_hints_lengthen_but_never_shorten() -> None:
    assert lengthen(3600, [7200, None], BOUNDS) == 7200
    assert lengthen(3600, [60], BOUNDS) == 3600


def test_hints_stay_within_the_upper_bound() -> None:
    assert lengthen(3600, [10 * 86_400], BOUNDS) == 86_400


def test_ttl_is_in_minutes_and_sy_divides_its_period() -> None:
    assert feed_hint({"ttl": "60"}) == 3600
    assert feed_hint({"sy_updateperiod": "daily", "sy_updatefrequency": "4"}) == 21_600


def test_max_age_wins_over_expires() -> None:
    headers = {"cache-control": "public, max-age=600", "expires": "Mon, 01 Jun 2026 14:00:00 GMT"}

    assert header_hint(headers, NOW) == 600


def test_expires_counts_from_now() -> None:
    assert header_hint({"expires": "Mon, 01 Jun 2026 14:00:00 GMT"}, NOW) == 7200


def test_jitter_adds_up_to_a_quarter() -> None:
    rng = random.Random(7)
    delays = [(jittered(NOW, 1000, rng) - NOW).total_seconds() for _ in range(500)]

    assert min(delays) >= 1000 and max(delays) <= 1250 and max(delays) > 1200
