"""`ingest status`: one snapshot of queues, workers, feeds, outbox and dead letters."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from worker import runtime
from worker.monitor.telemetry import snapshot
from worker.settings import Settings
from worker.store.repository import ESTIMABLE


def collect(settings: Settings) -> dict[str, Any]:
    rt = runtime.use(settings)
    feeds = rt.store.list_feeds()
    states = sorted({f.status for f in feeds} | {"ok", "error", "new"})
    return {
        **snapshot(rt),
        "feeds": {"total": len(feeds), **{s: sum(f.status == s for f in feeds) for s in states}},
        "counts": rt.store.counts(),
    }


def _age(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.0f} s"


def render(console: Console, snap: dict[str, Any]) -> None:
    queues = Table(title="queues")
    for col in ("queue", "waiting", "oldest waiting"):
        queues.add_column(col, justify="left" if col == "queue" else "right")
    for q in snap["queues"]:
        queues.add_row(q["name"], str(q["waiting"]), _age(q["oldest_age_s"]))
    queues.add_row("in flight (unacked)", str(snap["unacked"]), "")
    console.print(queues)
    workers = ", ".join(f"{w['name']} ({w['active']} active)" for w in snap["workers"])
    console.print(f"workers online: {len(snap['workers'])} {workers}")
    console.print(f"poller heartbeat: {_age(snap['poller_heartbeat_age_s'])} ago")
    rate = snap["error_rate_5m"]
    console.print(f"task error rate (5 min): {'-' if rate is None else f'{rate:.1%}'}")
    flow = Table(title="throughput")
    for col in ("stage", "5 min", "60 min"):
        flow.add_column(col, justify="left" if col == "stage" else "right")
    for stage, counts in snap["throughput"].items():
        flow.add_row(stage, str(counts["5m"]), str(counts["60m"]))
    console.print(flow)
    figures = Table(title="figures")
    figures.add_column("what")
    figures.add_column("count", justify="right")
    counts = dict(snap["counts"])
    about = "~" if counts.pop("estimated") else ""  # planner statistics on large tables
    for key, value in snap["feeds"].items():
        figures.add_row(key, str(value))
    for key, value in counts.items():
        figures.add_row(key, f"{about}{value}" if key in ESTIMABLE else str(value))
    console.print(figures)
