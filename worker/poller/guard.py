"""The private-address guard: feed and webhook URLs are untrusted.

The check runs in the transport, after DNS resolution and for every request httpx makes,
so each redirect hop is checked too. `INGEST_ALLOW_NETWORKS` exempts networks (tests,
local feeds).

DNS rebinding (a name that resolves to a public address for the check and to a private
one for the connection) is closed for plain HTTP by connecting to the address that was
checked, with the original Host header. HTTPS keeps the hostname, because certificate
verification already binds the connection to the name: a rebound internal service cannot
present the attacker's certificate. Through a proxy the proxy connects, so the request
goes out by name (the check still runs on our own resolution).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import urllib.request
from collections.abc import Awaitable, Callable, Sequence

import httpx

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

#: Everything that is not the public internet: loopback, private, link-local, CGNAT,
#: ULA, multicast, reserved, unspecified, and IPv4 mapped or embedded in IPv6.
BLOCKED: tuple[IPNetwork, ...] = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
        "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15",
        "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
        "::/128", "::1/128", "::ffff:0:0/96", "64:ff9b::/96", "100::/64", "2001:db8::/32",
        "fc00::/7", "fe80::/10", "ff00::/8",
    )
)  # fmt: skip


class BlockedAddressError(httpx.TransportError):
    """The URL resolves to an address that feeds may not point at."""


def is_blocked(address: str, allowed: Sequence[IPNetwork] = ()) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if any(ip in net for net in allowed):
        return False
    return any(ip in net for net in BLOCKED)


Resolver = Callable[[str, int], Awaitable[list[str]]]


async def resolve(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [info[4][0] for info in infos]


def bypasses_proxy(host: str) -> bool:
    """NO_PROXY, as the standard library reads it."""
    return bool(urllib.request.proxy_bypass_environment(host))


class GuardedTransport(httpx.AsyncBaseTransport):
    """Wraps a transport; refuses requests whose host resolves to a blocked address.

    `proxied`, when given, carries every request whose host NO_PROXY does not exempt.
    """

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        allowed: Sequence[IPNetwork] = (),
        *,
        resolver: Resolver = resolve,
        proxied: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.inner = inner
        self.allowed = tuple(allowed)
        self.resolver = resolver
        self.proxied = proxied

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        port = request.url.port or (443 if request.url.scheme == "https" else 80)
        try:
            addresses = await self.resolver(host, port)
        except OSError as exc:
            raise httpx.ConnectError(
                f"DNS lookup failed for {host}: {exc}", request=request
            ) from exc
        blocked = [a for a in addresses if is_blocked(a, self.allowed)]
        if blocked or not addresses:
            raise BlockedAddressError(
                f"{host} resolves to a private or reserved address ({blocked[0]})"
                if blocked
                else f"{host} resolves to no address",
                request=request,
            )
        if self.proxied is not None and not bypasses_proxy(host):
            return await self.proxied.handle_async_request(request)
        if request.url.scheme == "http":
            request = pinned(request, addresses[0])
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()
        if self.proxied is not None:
            await self.proxied.aclose()


def pinned(request: httpx.Request, address: str) -> httpx.Request:
    """The same request sent to the checked address (its Host header is unchanged)."""
    return httpx.Request(
        request.method,
        request.url.copy_with(host=address),
        headers=request.headers,
        stream=request.stream,
        extensions=request.extensions,
    )
