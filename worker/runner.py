"""`ingest run`: the all-in-one system (poller, Celery worker, relay, HTTP) on one machine.

The Celery worker runs as a child process (prefork pool of its own); the poller, the
relay sweep and the HTTP server share this process's event loop. Stopping sends the
worker a warm shutdown (it finishes what it holds; acks-late puts back what it had not
started) and shuts the embedded Redis down with its append-only file saved.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import structlog
import uvicorn

from worker import embedded, runtime
from worker.app import use_broker
from worker.fanout.relay import relay_pending
from worker.monitor.http import create_app
from worker.monitor.queues import queue_depths
from worker.monitor.telemetry import count_fetches, count_stage, poller_heartbeat
from worker.poller.fetch import client_for
from worker.poller.opml import read_opml
from worker.poller.poll import Poller, PollStats
from worker.settings import Settings
from worker.store.retention import purge

log = structlog.get_logger(__name__)

LEASE = timedelta(minutes=10)
CLAIM_ROUNDS = 5  # feeds claimed per pass: this many rounds of concurrent fetches
TICK_S = 1.0
STOP_GRACE_S = 5.0
PURGE_EVERY_S = 3600.0


def enqueue_celery(feed_id: str, entries: list[dict]) -> None:
    from worker.tasks import process_entries

    process_entries.apply_async((feed_id, entries))
    count_stage(runtime.current().redis, "fetched", len(entries))


def _die_with_parent() -> None:
    """Children get SIGTERM if `ingest run` itself is killed: no orphan workers."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def child_env(settings: Settings) -> dict[str, str]:
    """Environment for child processes: the resolved broker and database, absolute."""
    env = dict(os.environ)
    env["INGEST_BROKER_URL"] = settings.broker
    env["INGEST_DATABASE_URL"] = settings.database
    env["INGEST_DATA_DIR"] = str(settings.data_dir.resolve())
    return env


def worker_command(settings: Settings, extra: list[str] | None = None) -> list[str]:
    return [
        sys.executable, "-m", "celery", "--quiet", "-A", "worker.app", "worker",
        "-Q", "process,fanout", "-c", str(settings.worker_concurrency), "-E",
        "-n", f"ingest-{os.getpid()}@%h", "--without-mingle", "--without-gossip",
        "--loglevel", "WARNING", *(extra or []),
    ]  # fmt: skip


def start_worker(settings: Settings, extra: list[str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        worker_command(settings, extra),
        env=child_env(settings),
        start_new_session=True,  # our own signal handling decides when it stops
        preexec_fn=_die_with_parent,
    )


def stop_worker(proc: subprocess.Popen, timeout: float = 60) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)  # Celery: warm shutdown
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        log.warning("worker.kill", pid=proc.pid)
        proc.kill()
        proc.wait()


@dataclass
class Summary:
    poll: PollStats = field(default_factory=PollStats)
    items_before: int = 0
    items_after: int = 0
    events_before: int = 0
    events_after: int = 0
    dead_letters: int = 0

    def rows(self) -> list[tuple[str, int]]:
        return [
            ("feeds polled", self.poll.feeds_polled),
            ("feeds failed", self.poll.feeds_failed),
            ("feeds not modified", self.poll.not_modified),
            ("entries new", self.poll.entries_new),
            ("entries unchanged", self.poll.entries_unchanged),
            ("items stored", self.items_after - self.items_before),
            ("events published", self.events_after - self.events_before),
            ("errors", self.poll.feeds_failed + self.dead_letters),
        ]


class System:
    """Everything `ingest run` (and `ingest poller`) starts, and how it stops."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.rt = runtime.use(settings)
        self.stopping = asyncio.Event()

    def load_feeds(self) -> None:
        path = self.settings.feeds_file
        if path.exists():
            added = self.rt.store.add_feeds(read_opml(path))
            log.info("feeds.loaded", file=str(path), added=added)

    async def poll(self, poller: Poller, *, due_only: bool) -> PollStats:
        """One pass. Due feeds are claimed a few rounds of fetches at a time, so that a
        pass of slow hosts ends well within its lease; `--once` claims every feed."""
        limit = self.settings.fetch_concurrency * CLAIM_ROUNDS if due_only else None
        feeds = await asyncio.to_thread(
            self.rt.store.claim_feeds, due_only=due_only, lease=LEASE, limit=limit
        )
        if not feeds:
            return PollStats()
        stats = await poller.poll(feeds)
        await asyncio.to_thread(count_fetches, self.rt.redis, stats.statuses)
        return stats

    async def sweep(self) -> None:
        """The relay's timer: publish what post-commit triggers may have missed."""
        await asyncio.to_thread(
            relay_pending,
            self.rt.store,
            self.rt.redis,
            self.rt.subscriptions,
            maxlen=self.settings.stream_maxlen,
        )
        from worker.tasks import drain_dead_letter_spool, send_due_webhooks

        await send_due_webhooks(self.rt)
        await asyncio.to_thread(drain_dead_letter_spool)

    async def poll_loop(self, poller: Poller) -> None:
        """Pass after pass; it only rests when a pass found nothing (or failed)."""
        while not self.stopping.is_set():
            busy = False
            try:
                stats = await self.poll(poller, due_only=True)
                busy = stats.feeds_polled > 0
                await asyncio.to_thread(poller_heartbeat, self.rt.redis)
            except Exception:
                log.exception("poller.pass_failed")
            if not busy:
                await self._sleep(TICK_S)

    async def sweep_loop(self) -> None:
        last_purge = 0.0
        while not self.stopping.is_set():
            try:
                await self.sweep()
                if time.monotonic() - last_purge > PURGE_EVERY_S:
                    last_purge = time.monotonic()
                    await asyncio.to_thread(self.purge_expired)
            except Exception:
                log.exception("relay.sweep_failed")
            await self._sleep(TICK_S)

    def purge_expired(self) -> None:
        """Retention, applied hourly by whichever process runs the sweep."""
        days = self.settings.retention_days
        if days > 0:
            cutoff = datetime.now(UTC) - timedelta(days=days)
            log.info("retention.purged", days=days, **purge(self.rt.store, cutoff))

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stopping.wait(), seconds)

    async def drained(self, worker: subprocess.Popen, timeout: float) -> None:
        """Wait until no queue holds or runs anything and the outbox is empty."""
        deadline = time.monotonic() + timeout
        quiet = 0
        while quiet < 3:
            if worker.poll() is not None:
                raise RuntimeError(f"the Celery worker exited with code {worker.returncode}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"queues not drained after {timeout:.0f} s")
            await self.sweep()
            depths, unacked = await asyncio.to_thread(queue_depths, self.rt.celery, self.rt.redis)
            backlog = await asyncio.to_thread(self.rt.store.outbox_backlog)
            busy = sum(d.waiting for d in depths) + unacked + backlog
            quiet = quiet + 1 if busy == 0 else 0
            await asyncio.sleep(0.2)

    def make_poller(self, client) -> Poller:
        return Poller(self.rt.store, client, enqueue_celery, self.settings)

    def http_client(self):
        return client_for(self.settings)

    def install_signal_handlers(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.stopping.set)

    async def run_once(self, worker: subprocess.Popen, timeout: float) -> Summary:
        summary = Summary()
        before = await asyncio.to_thread(self.rt.store.counts)
        summary.items_before, summary.events_before = before["items"], before["events_sent"]
        async with self.http_client() as client:
            summary.poll = await self.poll(self.make_poller(client), due_only=False)
        await asyncio.to_thread(poller_heartbeat, self.rt.redis)
        await self.drained(worker, timeout)
        after = await asyncio.to_thread(self.rt.store.counts)
        summary.items_after, summary.events_after = after["items"], after["events_sent"]
        summary.dead_letters = after["dead_letters"] - before["dead_letters"]
        return summary

    async def run_forever(self, *, serve_http: bool = True) -> None:
        server = None
        tasks = []
        async with self.http_client() as client:
            tasks.append(asyncio.create_task(self.poll_loop(self.make_poller(client))))
            tasks.append(asyncio.create_task(self.sweep_loop()))
            if serve_http:
                server = http_server(self.rt)
                tasks.append(asyncio.create_task(server.serve()))
            log.info(
                "ingest.running",
                http=f"http://{self.settings.http_host}:{self.settings.http_port}"
                if serve_http
                else None,
            )
            await self.stopping.wait()
            log.info("ingest.stopping")
            if server is not None:
                server.should_exit = True
            # A fetch hanging on a slow host must not hold the stop: anything not yet
            # enqueued is fetched again next time (validators are stored after enqueue).
            _done, pending = await asyncio.wait(tasks, timeout=STOP_GRACE_S)
            for task in pending:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            log.info("ingest.stopped")


def http_server(rt: runtime.Runtime) -> uvicorn.Server:
    config = uvicorn.Config(
        create_app(rt),
        host=rt.settings.http_host,
        port=rt.settings.http_port,
        log_level="warning",
        lifespan="off",
    )
    server = uvicorn.Server(config)
    server.install_signal_handlers = lambda: None  # the System owns the signals
    return server


def run(settings: Settings, *, once: bool, drain_timeout: float = 600) -> Summary | None:
    """Start everything; with `once`, poll all feeds, drain, and return the summary."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    redis_server = embedded.start_redis(settings) if settings.embedded_broker else None
    use_broker(settings.broker)
    worker = None
    try:
        system = System(settings)
        system.rt.store.migrate()
        system.load_feeds()
        worker = start_worker(settings)

        async def main() -> Summary | None:
            system.install_signal_handlers()
            if once:
                return await system.run_once(worker, drain_timeout)
            await system.run_forever()
            return None

        return asyncio.run(main())
    finally:
        if worker is not None:
            stop_worker(worker)
        if redis_server is not None:
            embedded.stop_redis(redis_server)
