"""What a failed fetch means for the feed: soft or hard, how long to back off, when dead.

Soft errors (timeouts, DNS, refused connections, 5xx, 429) are the network's or the
server's passing trouble; hard errors (other 4xx, a body we cannot parse, a refused
address) are the feed's own. Both back off the same way, but are counted apart so an
operator can tell a flaky host from a broken feed. Unlike readers that drop a feed after
a few errors, a failing feed is only declared dead after 30 days, and still probed weekly.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

SOFT = "soft"
HARD = "hard"
MAX_BACKOFF = timedelta(hours=24)
MAX_RETRY_AFTER = timedelta(hours=24)
DEAD_AFTER = timedelta(days=30)
DEAD_PROBE = timedelta(days=7)


def kind_of_status(status: int) -> str:
    """The kind of failure an HTTP status is (410 is handled before: it disables)."""
    if status in (408, 429) or status >= 500:
        return SOFT
    return HARD


def backoff(interval_s: int, failures: int) -> timedelta:
    """The interval doubled per consecutive failure after the first, capped at 24 h."""
    return min(timedelta(seconds=interval_s) * 2 ** min(max(failures - 1, 0), 16), MAX_BACKOFF)


def is_dead(failing_since: datetime | None, now: datetime) -> bool:
    return failing_since is not None and now - failing_since >= DEAD_AFTER


def retry_after(value: str | None, now: datetime) -> timedelta | None:
    """A Retry-After header (delay in seconds or an HTTP date) as a delay, capped at 24 h."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        delay = timedelta(seconds=int(value))
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            return None
        delay = when - now
    return min(max(delay, timedelta(0)), MAX_RETRY_AFTER)
