"""`ingest status`: one snapshot of queues, workers, feeds, outbox and dead letters."""

from __future__ import annotations

import time
from typing import Any

from rich.console import Console
from rich.table import Table

from worker import runtime
from worker.monitor.http import POLLER_HEARTBEAT
from worker.monitor.queues import queue_depths
from worker.settings import Settings


def collect(settings: Settings) -> dict[str, Any]:
    rt = runtime.current()
    rt.settings = settings
    depths, unacked = queue_depths(rt.celery, rt.redis)
    workers = rt.celery.control.ping(timeout=1.0) or []
    beat = rt.redis.get(POLLER_HEARTBEAT)
    feeds = rt.store.list_feeds()
    return {
        "queues": {d.name: {"waiting": d.waiting} for d in depths},
        "in_flight": unacked,
        "workers": sorted(name for reply in workers for name in reply),
        "poller_heartbeat_age_s": round(time.time() - float(beat), 1) if beat else None,
        "feeds": {
            "total": len(feeds),
            "ok": sum(f.status == "ok" for f in feeds),
            "error": sum(f.status == "error" for f in feeds),
            "new": sum(f.status == "new" for f in feeds),
        },
        "counts": rt.store.counts(),
    }


def render(console: Console, snap: dict[str, Any]) -> None:
    queues = Table(title="queues")
    queues.add_column("queue")
    queues.add_column("waiting", justify="right")
    for name, q in snap["queues"].items():
        queues.add_row(name, str(q["waiting"]))
    queues.add_row("in flight (unacked)", str(snap["in_flight"]))
    console.print(queues)
    console.print(f"workers online: {len(snap['workers'])} {', '.join(snap['workers'])}")
    age = snap["poller_heartbeat_age_s"]
    console.print(f"poller heartbeat: {'never' if age is None else f'{age} s ago'}")
    figures = Table(title="figures")
    figures.add_column("what")
    figures.add_column("count", justify="right")
    for key, value in {**snap["feeds"], **snap["counts"]}.items():
        figures.add_row(key, str(value))
    console.print(figures)
