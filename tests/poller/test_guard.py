"""The private-address guard blocks internal targets unless their network is allowed."""

from __future__ import annotations

import ipaddress

import httpx
import pytest

from worker.poller.fetch import fetch, make_client
from worker.poller.guard import is_blocked


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.169.254", "100.64.0.1",
     "::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "224.0.0.1", "0.0.0.0"],
)  # fmt: skip
def test_internal_addresses_are_blocked(address: str) -> None:
    assert is_blocked(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700:4700::1111"])
def test_public_addresses_pass(address: str) -> None:
    assert not is_blocked(address)


def test_an_allowed_network_is_exempt() -> None:
    assert not is_blocked("127.0.0.1", [ipaddress.ip_network("127.0.0.0/8")])


async def test_a_feed_on_loopback_is_refused_without_the_allow_list(feed_server) -> None:
    async with make_client(
        allowed=(), connect_timeout=2, total_timeout=5, contact="https://t.example"
    ) as client:
        result = await fetch(
            client, feed_server.url("atom.xml"), etag=None, last_modified=None, max_bytes=10**6
        )

    assert result.status == 0
    assert "private or reserved address" in result.error
    assert feed_server.hits == {}


async def test_a_redirect_to_an_internal_address_is_refused() -> None:
    def redirect(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "http://127.0.0.1:9/secret"})

    async with make_client(
        allowed=(),
        connect_timeout=2,
        total_timeout=5,
        contact="https://t.example",
        transport=httpx.MockTransport(redirect),
    ) as client:
        # The first hop's host is public by literal address; the redirect target is not.
        result = await fetch(
            client, "http://93.184.216.34/feed", etag=None, last_modified=None, max_bytes=10**6
        )

    assert "private or reserved address (127.0.0.1)" in result.error
