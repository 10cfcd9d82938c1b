"""A real running system for browser tests: `ingest run` in a subprocess.

It gets the test's Redis, a temporary SQLite file, an empty feeds file (tests add feeds
through the store, as `ingest feeds add` would, when they want items to flow) and a free
port; it is stopped with SIGINT, as Ctrl-C would.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import httpx

from tests.conftest import SAMPLES
from tests.support.feedserver import FeedServer
from tests.test_end_to_end import write_opml
from worker.store.repository import Store

T = TypeVar("T")
START_TIMEOUT_S = 90
STOP_TIMEOUT_S = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what: str, probe: Callable[[], T | None], timeout: float = 120) -> T:
    """Poll until `probe` returns something truthy; fail with `what` after the timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


@dataclass
class RunningSystem:
    base_url: str
    store: Store
    feed_server: FeedServer
    log: Path

    def url(self, path: str) -> str:
        return self.base_url + path

    def add_sample_feeds(self) -> None:
        """Every bundled sample, served over HTTP: due now, so the poller takes them."""
        names = sorted(p.name for p in SAMPLES.glob("*.xml"))
        self.store.add_feeds((self.feed_server.url(n), None, None) for n in names)


def _healthy(base_url: str, proc: subprocess.Popen, log: Path) -> bool:
    if proc.poll() is not None:
        raise AssertionError(f"ingest run exited with {proc.returncode}:\n{log.read_text()}")
    try:
        return httpx.get(base_url + "/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextmanager
def start_system(tmp: Path, redis_url: str, feed_server: FeedServer) -> Iterator[RunningSystem]:
    port = free_port()
    database_url = f"sqlite:///{tmp / 'ingest.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("INGEST_")}
    env.update(
        INGEST_DATA_DIR=str(tmp / "var"),
        INGEST_BROKER_URL=redis_url,
        INGEST_DATABASE_URL=database_url,
        INGEST_FEEDS_FILE=str(write_opml(tmp / "feeds.opml", [])),
        INGEST_ALLOW_NETWORKS="127.0.0.0/8",
        INGEST_HTTP_PORT=str(port),
        INGEST_LOG_FORMAT="json",
    )
    log = tmp / "ingest-run.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "worker.cli", "run"], env=env, stdout=out, stderr=out
        )
    base_url = f"http://127.0.0.1:{port}"
    store = Store(database_url)
    try:
        wait_for("the dashboard to answer", lambda: _healthy(base_url, proc, log),
                 START_TIMEOUT_S)  # fmt: skip
        yield RunningSystem(base_url, store, feed_server, log)
    finally:
        _stop(proc)
        store.dispose()
