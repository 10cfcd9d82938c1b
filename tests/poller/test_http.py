"""HTTP behaviour against a server that misbehaves on purpose (tests/support/misbehaving.py)."""

from __future__ import annotations

import gzip

import httpx
import pytest

from tests.poller.builders import item, rss
from tests.poller.conftest import LOOPBACK
from tests.support.misbehaving import MisbehavingServer, Reply
from worker.poller.errors import HARD, SOFT
from worker.poller.fetch import fetch, make_client

FEED = rss(item(1))


async def get(client: httpx.AsyncClient, url: str, **kw) -> object:
    options = {"etag": None, "last_modified": None, "max_bytes": 10**6, "total_timeout": 3}
    return await fetch(client, url, **{**options, **kw})


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
async def test_compressed_bodies_are_decoded(client, server: MisbehavingServer, encoding):
    url = server.route("/feed", Reply(body=FEED, encoding=encoding))

    result = await get(client, url)

    assert result.body == FEED
    assert "br" in server.seen("/feed")[0].headers["Accept-Encoding"]


async def test_a_server_trickling_past_the_total_deadline_is_a_soft_timeout(client, server):
    url = server.route("/slow", Reply(body=FEED, trickle=0.05))

    result = await get(client, url, total_timeout=0.5)

    assert result.error_kind == SOFT
    assert result.error.startswith("timeout")


async def test_a_decompressed_body_over_the_cap_is_refused_while_streaming(client, server):
    bomb = gzip.compress(b" " * 2_000_000)  # 2 kB on the wire
    url = server.route("/bomb", Reply(body=bomb, headers={"Content-Encoding": "gzip"}))

    result = await get(client, url, max_bytes=1_000_000)

    assert (result.error_kind, result.error) == (HARD, "body larger than 1000000 bytes")


async def test_a_chain_of_permanent_redirects_reports_where_it_leads(client, server):
    final = server.route("/new", Reply(body=FEED))
    server.route("/mid", Reply(308, headers={"Location": final}))
    url = server.route("/old", Reply(301, headers={"Location": "/mid"}))

    result = await get(client, url)

    assert result.ok and result.moved_to == final


async def test_a_temporary_hop_in_the_chain_means_no_move(client, server):
    final = server.route("/new", Reply(body=FEED))
    server.route("/mid", Reply(302, headers={"Location": final}))
    url = server.route("/old", Reply(301, headers={"Location": "/mid"}))

    result = await get(client, url)

    assert result.ok and result.moved_to is None


async def test_more_than_five_redirects_is_a_hard_error(client, server):
    for n in range(7):
        server.route(f"/r{n}", Reply(302, headers={"Location": f"/r{n + 1}"}))

    result = await get(client, server.url("/r0"))

    assert (result.error_kind, result.error) == (HARD, "more than 5 redirects")
    assert len(server.requests) == 6


async def test_a_redirect_to_a_private_address_is_refused(client, server):
    url = server.route("/feed", Reply(302, headers={"Location": "http://10.0.0.7/admin"}))

    result = await get(client, url)

    assert result.error_kind == HARD
    assert "private or reserved address (10.0.0.7)" in result.error


async def test_a_redirect_to_a_local_file_is_refused(client, server):
    url = server.route("/feed", Reply(302, headers={"Location": "file:///etc/passwd"}))

    result = await get(client, url)

    assert result.error_kind == HARD


@pytest.mark.parametrize(("status", "kind"), [(429, SOFT), (503, SOFT), (404, HARD), (403, HARD)])
async def test_statuses_are_soft_or_hard_errors(client, server, status, kind):
    url = server.route("/feed", Reply(status))

    result = await get(client, url)

    assert (result.status, result.error_kind) == (status, kind)


async def test_a_refused_connection_is_a_soft_error(client):
    result = await get(client, "http://127.0.0.1:9/feed")

    assert result.error_kind == SOFT


async def test_the_user_agent_names_the_worker_and_the_contact_url(client, server):
    url = server.route("/feed", Reply(body=FEED))

    await get(client, url)

    agent = server.seen("/feed")[0].headers["User-Agent"]
    assert agent.startswith("ingest-worker/") and "+https://ops.example/contact" in agent


async def test_the_connection_goes_to_the_checked_address_with_the_original_host(server):
    async def resolver(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]  # what the guard checked; no second lookup can differ

    port = server.httpd.server_address[1]
    server.route("/feed", Reply(body=FEED))
    async with make_client(
        allowed=LOOPBACK, connect_timeout=2, total_timeout=3, contact="c", resolver=resolver
    ) as client:
        result = await get(client, f"http://feeds.example:{port}/feed")

    assert result.ok
    assert server.seen("/feed")[0].headers["Host"] == f"feeds.example:{port}"


async def test_requests_go_through_the_configured_proxy(server):
    async def resolver(host: str, port: int) -> list[str]:
        return ["93.184.216.34"]

    server.route("http://feeds.example/feed", Reply(body=FEED))
    async with make_client(
        allowed=(),
        connect_timeout=2,
        total_timeout=3,
        contact="c",
        proxy=server.base_url,
        resolver=resolver,
    ) as client:
        result = await get(client, "http://feeds.example/feed")

    assert result.body == FEED
