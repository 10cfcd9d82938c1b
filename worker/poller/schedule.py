"""When to poll a feed next: adaptive to how often it publishes, lengthened by its hints.

The rule (Miniflux's entry-frequency scheduler, with publishers' hints on top):

1. base = one week / the number of entries published in the last week; a feed whose
   entries carry no dates keeps the default interval, a dated feed silent for a week
   gets the upper bound;
2. hints can only lengthen it: RSS `<ttl>`, `sy:updatePeriod`/`sy:updateFrequency`,
   `Cache-Control: max-age` and `Expires` (a publisher asking for fewer polls is
   obeyed, one asking for more is not, so a misconfigured `max-age=0` costs nothing);
3. the result is bounded (5 min to 24 h by default; a feed may set its own bounds);
4. 0-25% jitter spreads feeds that were added together.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

WEEK = timedelta(days=7)
JITTER = 0.25
SY_PERIODS = {
    "hourly": 3600,
    "daily": 86_400,
    "weekly": 7 * 86_400,
    "monthly": 30 * 86_400,
    "yearly": 365 * 86_400,
}
MAX_AGE = re.compile(r"(?:^|,)\s*(?:s-)?max-age\s*=\s*\"?(\d+)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Bounds:
    min_s: int
    max_s: int

    def clamp(self, seconds: float) -> int:
        return int(min(max(seconds, self.min_s), self.max_s))


def entry_interval(
    published: Iterable[datetime], now: datetime, *, default_s: int, bounds: Bounds
) -> int:
    """Seconds between polls from the feed's recent entry frequency."""
    dates = list(published)
    if not dates:
        return bounds.clamp(default_s)
    weekly = sum(1 for d in dates if now - WEEK <= d <= now)
    if weekly == 0:
        return bounds.max_s
    return bounds.clamp(WEEK.total_seconds() / weekly)


def feed_hint(feed: Mapping[str, str]) -> int | None:
    """The interval a feed asks for in its own markup (RSS ttl, syndication module)."""
    hints = []
    ttl = str(feed.get("ttl") or "").strip()
    if ttl.isdigit():
        hints.append(int(ttl) * 60)
    period = SY_PERIODS.get(str(feed.get("sy_updateperiod") or "").strip().lower())
    if period:
        frequency = str(feed.get("sy_updatefrequency") or "1").strip()
        hints.append(period // max(int(frequency) if frequency.isdigit() else 1, 1))
    return max(hints, default=None)


def header_hint(headers: Mapping[str, str], now: datetime) -> int | None:
    """The freshness an HTTP response declares: Cache-Control max-age, else Expires."""
    found = MAX_AGE.search(headers.get("cache-control", ""))
    if found:
        return int(found.group(1))
    expires = headers.get("expires")
    if expires:
        try:
            when = parsedate_to_datetime(expires)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is not None:
            return max(int((when - now).total_seconds()), 0)
    return None


def lengthen(interval_s: int, hints: Iterable[int | None], bounds: Bounds) -> int:
    """Hints lengthen the interval, never shorten it; the bounds still apply."""
    return bounds.clamp(max([interval_s, *(h for h in hints if h)]))


def jittered(now: datetime, seconds: float, rng: random.Random | None = None) -> datetime:
    return now + timedelta(seconds=seconds) * (1 + (rng or random).uniform(0, JITTER))
