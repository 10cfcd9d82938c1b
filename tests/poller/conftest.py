"""Fixtures for the poller: the misbehaving server, a guarded client, a poller on a store."""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from tests.support.misbehaving import MisbehavingServer
from worker.pipeline import process_entries
from worker.poller.fetch import make_client
from worker.poller.poll import Poller, PollStats
from worker.record import Entry
from worker.settings import Settings
from worker.store.feeds import FeedRow
from worker.store.repository import SaveResult, Store

LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"),)


@pytest.fixture
def server() -> Iterator[MisbehavingServer]:
    with MisbehavingServer() as s:
        yield s


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(
        data_dir=tmp_path,
        allow_networks="127.0.0.0/8",
        fetch_total_timeout=3,
        fetch_connect_timeout=2,
        user_agent_contact="https://ops.example/contact",
    )


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(
        allowed=LOOPBACK, connect_timeout=2, total_timeout=3, contact=settings.user_agent_contact
    ) as c:
        yield c


class Enqueued(list):
    """The enqueue seam as a list of (feed_id, entries) batches."""

    def __call__(self, feed_id: str, entries: list[dict]) -> None:
        self.append((feed_id, entries))

    @property
    def entries(self) -> list[dict]:
        return [e for _feed, batch in self for e in batch]

    def process(self, store: Store) -> list[SaveResult]:
        """Run the real pipeline over what was enqueued (as the workers would), then forget it."""
        done = [
            process_entries(store, lambda _r: ["all"], feed_id, [Entry.from_dict(e) for e in batch])
            for feed_id, batch in self
        ]
        self.clear()
        return done


@pytest.fixture
def enqueued() -> Enqueued:
    return Enqueued()


@pytest.fixture
def poller(store: Store, client: httpx.AsyncClient, enqueued: Enqueued, settings) -> Poller:
    return Poller(store, client, enqueued, settings)


async def poll_once(store: Store, poller: Poller, url: str) -> tuple[FeedRow, PollStats]:
    """Add the feed if needed, poll it now whatever its schedule, and read it back."""
    store.add_feeds([(url, None, None)])
    feed = store.get_feed(url)
    stats = await poller.poll([feed])
    return store.get_feed(url), stats
