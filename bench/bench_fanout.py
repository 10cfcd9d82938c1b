"""Fan-out throughput, with baselines measured in the same run.

1. Outbox → Redis Streams through the relay (stamp, XADD with explicit ids, mark sent)
   vs a raw pipelined XADD of the same payloads on the same Redis.
2. Webhook deliveries/s (signed, recorded, scheduled) to a local receiver vs raw httpx
   POSTs of the same bodies at the same concurrency.

    .venv/bin/python bench/bench_fanout.py [--events 10000] [--webhooks 2000]
        [--database-url URL]

Redis: INGEST_BENCH_REDIS_URL (default redis://127.0.0.1:6379/12). Prints figures only.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import ipaddress
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

import httpx
import redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.factories import record  # noqa: E402
from worker.fanout.relay import relay_pending  # noqa: E402
from worker.fanout.subscriptions import Subscription, Subscriptions, Webhook  # noqa: E402
from worker.fanout.webhooks import deliver_due, make_webhook_client  # noqa: E402
from worker.record import ItemRecord  # noqa: E402
from worker.store.repository import Store  # noqa: E402

SECRET = "whsec_" + base64.b64encode(b"bench-secret-bench-secret-bench!").decode()
PORT = 18765
CONCURRENCY = 20


def records(n: int) -> list[ItemRecord]:
    text = "A paragraph of a news story about markets and policy. " * 40  # ~2 KB
    return [record(str(i), text=f"{text}{i}", content_hash=str(i), feed="bench") for i in range(n)]


def seed(store: Store, subs: Subscriptions, n: int) -> None:
    batch = records(n)
    for i in range(0, n, 500):
        store.save_items("bench", batch[i : i + 500], subs.match)


def bench_streams(store: Store, client: redis.Redis, n: int) -> tuple[float, float]:
    subs = Subscriptions([Subscription("bench")])
    seed(store, subs, n)
    t0 = time.perf_counter()
    relay_pending(store, client, subs, maxlen=10 * n)
    relay_rate = n / (time.perf_counter() - t0)
    assert client.xlen("ingest:stream:bench") == n

    with store.engine.connect() as conn:
        payloads = [p for (p,) in conn.exec_driver_sql("SELECT payload FROM outbox")]
    t0 = time.perf_counter()
    for i in range(0, n, 1000):
        pipe = client.pipeline(transaction=False)
        for p in payloads[i : i + 1000]:
            pipe.xadd("bench:raw", {"payload": p}, maxlen=10 * n, approximate=True)
        pipe.execute()
    raw_rate = n / (time.perf_counter() - t0)
    return relay_rate, raw_rate


def receiver() -> None:
    """A minimal ASGI receiver (204 for every POST) in its own process."""
    import uvicorn

    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        while (await receive()).get("more_body"):
            pass
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    uvicorn.run(app, host="127.0.0.1", port=PORT, log_level="error", access_log=False)


async def bench_webhooks(store: Store, client: redis.Redis, n: int) -> tuple[float, float]:
    url = f"http://127.0.0.1:{PORT}/hook"
    subs = Subscriptions([Subscription("hook", stream=False, webhook=Webhook(url, (SECRET,)))])
    seed(store, subs, n)
    relay_pending(store, client, subs, maxlen=10)
    allowed = (ipaddress.ip_network("127.0.0.0/8"),)
    t0 = time.perf_counter()
    delivered = 0
    async with make_webhook_client(allowed) as http:
        while delivered < n:
            stats = await deliver_due(store, subs, http, limit=500, concurrency=CONCURRENCY)
            delivered += stats.delivered
            if not stats.delivered:
                raise RuntimeError("webhook deliveries stalled")
    hook_rate = n / (time.perf_counter() - t0)

    body = records(1)[0].text.encode()
    gate = asyncio.Semaphore(CONCURRENCY)
    async with httpx.AsyncClient() as http:

        async def post() -> None:
            async with gate:
                (await http.post(url, content=body)).raise_for_status()

        t0 = time.perf_counter()
        await asyncio.gather(*(post() for _ in range(n)))
        raw_rate = n / (time.perf_counter() - t0)
    return hook_rate, raw_rate


def wait_for_port() -> None:
    for _ in range(100):
        try:
            httpx.get(f"http://127.0.0.1:{PORT}/")
            return
        except httpx.HTTPError:
            time.sleep(0.05)
    raise RuntimeError("receiver did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--webhooks", type=int, default=2_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    redis_url = os.environ.get("INGEST_BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
    client = redis.Redis.from_url(redis_url)
    client.flushdb(asynchronous=True)
    server = multiprocessing.Process(target=receiver, daemon=True)
    server.start()
    try:
        wait_for_port()
        with tempfile.TemporaryDirectory(prefix="ingest-bench-") as tmp:
            url = args.database_url or f"sqlite:///{Path(tmp) / 'streams.db'}"
            store = Store(url)
            store.migrate()
            relay_rate, xadd_rate = bench_streams(store, client, args.events)
            store.dispose()
            hook_url = args.database_url or f"sqlite:///{Path(tmp) / 'hooks.db'}"
            if args.database_url:
                client.flushdb(asynchronous=True)
            store = Store(hook_url)
            store.migrate()
            hook_rate, post_rate = asyncio.run(bench_webhooks(store, client, args.webhooks))
            store.dispose()
    finally:
        server.terminate()
        client.flushdb(asynchronous=True)
    kind = (args.database_url or "sqlite").split(":", 1)[0]
    print(f"events: {args.events} (~2.5 KB each), webhooks: {args.webhooks}, store: {kind}")
    print(f"{'measure':<52}{'rate/s':>10}{'ratio':>8}")
    print(f"{'raw pipelined XADD, same payloads (baseline)':<52}{xadd_rate:>10,.0f}{1:>8.2f}")
    print(f"{'relay: outbox -> streams, exactly once':<52}{relay_rate:>10,.0f}"
          f"{relay_rate / xadd_rate:>8.2f}")  # fmt: skip
    print(f"{'raw httpx POST, concurrency 20 (baseline)':<52}{post_rate:>10,.0f}{1:>8.2f}")
    print(f"{'webhooks: signed, recorded, scheduled':<52}{hook_rate:>10,.0f}"
          f"{hook_rate / post_rate:>8.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
