"""Poll 10,000 locally served feeds (90% answer 304) with one poller, beside a bare client.

    .venv/bin/python bench/bench_poller.py [--feeds N] [--hosts N] [--concurrency N] 2>/dev/null

The feeds are served by a small asyncio HTTP/1.1 server in a separate process (it stops
by itself after --lifetime seconds, or with this script). 90% of the feeds start with a
stored ETag the server honours, as after a first pass; the rest answer 200 with a small
RSS body. The feeds are spread over --hosts host names, all resolved to 127.0.0.1 by the
poller's resolver seam, so the per-host politeness limits apply as they would in life.

Printed: the bare httpx client's rate (same requests, same concurrency, no store, no
parsing) and the poller's (claims, fetches, parsing, dedup, schedule, batched writes to
SQLite), and their ratio. Figures only, no assertions.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from worker import logs
from worker.poller.fetch import make_client
from worker.poller.poll import Poller
from worker.settings import Settings
from worker.store.repository import Store

ETAG = b'"v1"'
FEED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>Bench</title>'
    + b"".join(
        b"<item><title>Story %d</title><link>https://bench.example/%d</link>"
        b"<guid>bench-%d</guid><description>Body %d.</description></item>" % (i, i, i, i)
        for i in range(5)
    )
    + b"</channel></rss>"
)


class FeedProtocol(asyncio.Protocol):
    """Just enough HTTP/1.1 (keep-alive GETs, If-None-Match) to be fast."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
            matches = b"if-none-match: " + ETAG in head.lower()
            if matches:
                reply = b"HTTP/1.1 304 Not Modified\r\nETag: %s\r\nContent-Length: 0\r\n\r\n" % ETAG
            else:
                reply = (
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nETag: %s\r\n"
                    b"Content-Length: %d\r\n\r\n%s" % (ETAG, len(FEED), FEED)
                )
            self.transport.write(reply)


def serve(port_out: mp.connection.Connection, lifetime: float) -> None:
    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(FeedProtocol, "127.0.0.1", 0)
        port_out.send(server.sockets[0].getsockname()[1])
        await asyncio.sleep(lifetime)
        server.close()

    asyncio.run(main())


def start_server(lifetime: float) -> tuple[mp.Process, int]:
    receive, send = mp.Pipe(duplex=False)
    proc = mp.get_context("spawn").Process(target=serve, args=(send, lifetime), daemon=True)
    proc.start()
    return proc, receive.recv()


async def bare(port: int, n: int, concurrency: int) -> float:
    """The same requests from a bare httpx client: the ceiling for this machine."""
    gate = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits) as client:

        async def one(i: int) -> None:
            headers = {"If-None-Match": ETAG.decode()} if i % 10 else {}
            async with gate:
                response = await client.get(f"http://127.0.0.1:{port}/f/{i}", headers=headers)
                await response.aread()

        started = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(n)))
        return time.perf_counter() - started


def seed(store: Store, port: int, n: int, hosts: int) -> None:
    urls = [f"http://h{i % hosts}.bench.test:{port}/f/{i}" for i in range(n)]
    store.add_feeds((u, None, None) for u in urls)
    store.feeds.record(
        [{"id": f.id, "etag": ETAG.decode()} for i, f in enumerate(store.list_feeds()) if i % 10]
    )


async def poller_pass(store: Store, settings: Settings, port: int) -> tuple[float, int, int]:
    async def resolver(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    enqueued = 0

    def enqueue(_feed_id: str, entries: list[dict]) -> None:
        nonlocal enqueued
        enqueued += len(entries)

    async with make_client(
        allowed=settings.allowed_networks,
        connect_timeout=10,
        total_timeout=30,
        contact="https://bench.example",
        max_connections=settings.fetch_concurrency,
        resolver=resolver,
    ) as client:
        poller = Poller(store, client, enqueue, settings)
        polled = 0
        started = time.perf_counter()
        limit = settings.fetch_concurrency * 5  # as System.poll claims
        while feeds := await asyncio.to_thread(
            store.claim_feeds,
            due_only=True,
            lease=timedelta(minutes=10),
            limit=limit,
        ):
            polled += (await poller.poll(feeds)).feeds_polled
        return time.perf_counter() - started, polled, enqueued


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=10_000)
    parser.add_argument("--hosts", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=Settings().fetch_concurrency)
    parser.add_argument("--lifetime", type=float, default=300.0)
    args = parser.parse_args()
    logs.configure("json")  # one event per fetch, as in production: send stderr elsewhere
    proc, port = start_server(args.lifetime)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-poller-") as tmp:
            settings = Settings(
                data_dir=Path(tmp),
                allow_networks="127.0.0.0/8",
                fetch_concurrency=args.concurrency,
            )
            store = Store(settings.database)
            store.migrate()
            seed(store, port, args.feeds, args.hosts)
            bare_s = asyncio.run(bare(port, args.feeds, args.concurrency))
            poll_s, polled, enqueued = asyncio.run(poller_pass(store, settings, port))
            store.dispose()
    finally:
        proc.terminate()
        proc.join()
    bare_rate, poll_rate = args.feeds / bare_s, polled / poll_s
    print(
        f"feeds: {args.feeds} on {args.hosts} hosts, 90% answer 304; "
        f"concurrency {args.concurrency}; SQLite"
    )
    print(f"bare httpx client : {bare_s:6.2f} s  {bare_rate:8.0f} requests/s")
    print(
        f"poller            : {poll_s:6.2f} s  {poll_rate:8.0f} polls/s "
        f"({polled} polled, {enqueued} entries enqueued)"
    )
    print(f"poller / bare     : {poll_rate / bare_rate:6.2f}")


if __name__ == "__main__":
    main()
