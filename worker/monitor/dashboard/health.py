"""The overview's verdict: what an on-call engineer should look at first, in words.

The thresholds are the alert rules' (deploy/prometheus/alerts.yml), so the page and the
pager agree on what "unhealthy" means.
"""

from __future__ import annotations

from typing import Any

STALE_S = 300  # poller heartbeat and oldest waiting message: alerts fire after 5 min
FAILURE_RATE = 0.05


def concerns(snapshot: dict[str, Any], counts: dict[str, int]) -> list[str]:
    """Problems worth a look, worst first; empty when all is well."""
    found = []
    if not snapshot["workers"]:
        found.append("No worker is online: nothing is being processed.")
    beat = snapshot["poller_heartbeat_age_s"]
    if beat is None or beat > STALE_S:
        found.append("The poller is silent: no heartbeat in the last 5 minutes.")
    for queue in snapshot["queues"]:
        age = queue["oldest_age_s"]
        if age is not None and age > STALE_S:
            found.append(f"Queue {queue['name']}: the oldest message has waited {int(age)} s.")
    rate = snapshot["error_rate_5m"]
    if rate is not None and rate > FAILURE_RATE:
        found.append(f"{rate * 100:.1f} % of tasks failed in the last 5 minutes.")
    if counts["feeds"] and counts["feeds_error"] * 2 > counts["feeds"]:
        found.append(f"{counts['feeds_error']} of {counts['feeds']} feeds are failing.")
    if counts["dead_letters"]:
        found.append(f"{counts['dead_letters']} dead letters wait for replay or purge.")
    return found
