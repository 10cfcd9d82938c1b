"""Prometheus metrics computed at scrape time from Redis and the database.

Reading the shared state on each scrape (rather than counting in process memory) keeps
the figures right however many workers and machines run.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from worker.monitor.queues import queue_depths
from worker.runtime import Runtime


class IngestCollector(Collector):
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def collect(self) -> Iterator[GaugeMetricFamily]:
        depths, unacked = queue_depths(self.runtime.celery, self.runtime.redis)
        waiting = GaugeMetricFamily(
            "ingest_queue_waiting", "Messages waiting in a queue (all priorities)", labels=["queue"]
        )
        for d in depths:
            waiting.add_metric([d.name], d.waiting)
        yield waiting
        yield GaugeMetricFamily("ingest_queue_unacked", "Messages taken, not yet acked", unacked)
        counts = self.runtime.store.counts()
        yield GaugeMetricFamily("ingest_items", "Items stored", counts["items"])
        yield GaugeMetricFamily(
            "ingest_duplicates", "Items that copy an earlier one", counts["duplicates"]
        )
        yield GaugeMetricFamily(
            "ingest_outbox_backlog", "Outbox rows not yet published", counts["outbox_backlog"]
        )
        yield GaugeMetricFamily(
            "ingest_events_published", "Outbox rows published", counts["events_sent"]
        )
        yield GaugeMetricFamily(
            "ingest_dead_letters", "Dead letters not replayed", counts["dead_letters"]
        )
        feeds = GaugeMetricFamily("ingest_feeds", "Feeds by state", labels=["state"])
        feeds.add_metric(["error"], counts["feeds_error"])
        feeds.add_metric(["total"], counts["feeds"])
        yield feeds
