"""Fetching a feed: HTTP (conditional GET, redirects, size and time caps) or a local file.

Redirects are followed here rather than by httpx, because the poller needs to know
whether every hop was permanent (301/308): only then may the stored URL move
(poll.py adopts it once seen consistently). Each hop still goes through the guarded
transport, so each is checked against the private-address guard.
"""

from __future__ import annotations

import asyncio
import hashlib
import urllib.request
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

import brotli
import httpx

from worker import __version__
from worker.poller.errors import HARD, SOFT, kind_of_status
from worker.poller.guard import BlockedAddressError, GuardedTransport, IPNetwork, Resolver, resolve
from worker.settings import Settings

MAX_REDIRECTS = 5
REDIRECTS = (301, 302, 303, 307, 308)
PERMANENT = (301, 308)


@dataclass(slots=True)
class FetchResult:
    status: int  # HTTP status, or 200/304 for local files; 0 for a transport error
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)  # the final response's, lower-case
    error: str | None = None
    error_kind: str | None = None  # errors.SOFT or errors.HARD
    moved_to: str | None = None  # where a chain of only permanent redirects led

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.error is None


def failure(error: str, kind: str) -> FetchResult:
    return FetchResult(0, error=error, error_kind=kind)


class BodyTooLargeError(Exception):
    pass


def user_agent(contact: str) -> str:
    return f"ingest-worker/{__version__} (feed fetcher; +{contact})"


def proxy_from_env() -> str | None:
    """HTTPS_PROXY, HTTP_PROXY or ALL_PROXY (any case), as the standard library reads them."""
    found = urllib.request.getproxies_environment()
    return found.get("https") or found.get("http") or found.get("all")


def make_client(
    *,
    allowed: tuple[IPNetwork, ...],
    connect_timeout: float,
    total_timeout: float,
    contact: str,
    transport: httpx.AsyncBaseTransport | None = None,
    max_connections: int = 100,
    proxy: str | None = None,
    resolver: Resolver = resolve,
) -> httpx.AsyncClient:
    """The guarded HTTP client every outbound request of the poller goes through.

    `total_timeout` is also each read's limit here; `fetch` adds the overall deadline.
    """
    limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=100)
    inner = transport or httpx.AsyncHTTPTransport(limits=limits, retries=0)
    proxy = proxy or (None if transport else proxy_from_env())
    proxied = httpx.AsyncHTTPTransport(limits=limits, proxy=proxy) if proxy else None
    return httpx.AsyncClient(
        transport=GuardedTransport(inner, allowed, resolver=resolver, proxied=proxied),
        timeout=httpx.Timeout(total_timeout, connect=connect_timeout),
        follow_redirects=False,
        headers={"User-Agent": user_agent(contact), "Accept-Encoding": "gzip, deflate, br"},
    )


def client_for(settings: Settings) -> httpx.AsyncClient:
    """The guarded client as the settings describe it: the poller's and `ingest process`'s."""
    return make_client(
        allowed=settings.allowed_networks,
        connect_timeout=settings.fetch_connect_timeout,
        total_timeout=settings.fetch_total_timeout,
        contact=settings.user_agent_contact,
        max_connections=settings.fetch_concurrency,
        proxy=settings.http_proxy,
    )


def local_path(url: str) -> Path | None:
    """The file a feed URL names, for bundled samples: file:// URLs and plain paths."""
    if url.startswith("file://"):
        return Path(unquote(urlparse(url).path))
    if "://" not in url:
        return Path(url)
    return None


def fetch_local(path: Path, etag: str | None, max_bytes: int) -> FetchResult:
    """Read a local feed; its size and mtime act as an ETag so re-polls are 304s."""
    try:
        stat = path.stat()
        tag = '"' + hashlib.sha1(f"{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest() + '"'
        if etag == tag:
            return FetchResult(304, headers={"etag": tag})
        if stat.st_size > max_bytes:
            return failure(f"body larger than {max_bytes} bytes", HARD)
        return FetchResult(200, body=path.read_bytes(), headers={"etag": tag})
    except OSError as exc:
        return failure(f"cannot read {path}: {exc.strerror or exc}", HARD)


class Inflater:
    """Decodes a Content-Encoding stream under a size cap, and knows whether it ended.

    httpx's own decoders return whatever a cut-off gzip or brotli stream held without
    complaint; a feed cut in the middle must be an error, not a shorter feed.
    """

    def __init__(self, encoding: str, max_bytes: int) -> None:
        self.encoding = encoding
        self.left = max_bytes
        if encoding in ("gzip", "x-gzip"):
            self.z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self.z = None  # zlib-wrapped or raw: decided on the first bytes
        elif encoding == "br":
            self.br = brotli.Decompressor()
        else:
            raise httpx.DecodingError(f"unsupported Content-Encoding: {encoding}")

    def feed(self, data: bytes) -> bytes:
        if self.encoding == "br":
            out = self.br.process(data)
        else:
            if self.z is None:
                wbits = zlib.MAX_WBITS if data[:1] == b"\x78" else -zlib.MAX_WBITS
                self.z = zlib.decompressobj(wbits)
            try:
                # max_length bounds what one chunk may expand to (bombs stop here).
                out = self.z.decompress(self.z.unconsumed_tail + data, self.left + 1)
            except zlib.error as exc:
                raise httpx.DecodingError(f"corrupt {self.encoding} body: {exc}") from exc
        self.left -= len(out)
        if self.left < 0:
            raise BodyTooLargeError
        return out

    def finish(self) -> None:
        done = self.br.is_finished() if self.encoding == "br" else self.z is None or self.z.eof
        if not done:
            raise httpx.DecodingError(f"{self.encoding} body cut short: the transfer ended early")


async def _read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    """The decoded body, refused as soon as it passes the cap (zip bombs included)."""
    declared = response.headers.get("Content-Length", "")
    encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding == "identity" and declared.isdigit() and int(declared) > max_bytes:
        raise BodyTooLargeError
    inflater = None if encoding == "identity" else Inflater(encoding, max_bytes)
    chunks, size = [], 0
    async for raw in response.aiter_raw():
        chunk = inflater.feed(raw) if inflater else raw
        size += len(chunk)
        if size > max_bytes:
            raise BodyTooLargeError
        chunks.append(chunk)
    if inflater:
        inflater.finish()
    return b"".join(chunks)


def describe(exc: Exception) -> str:
    """Transport errors often carry no message (a reset says nothing): name the event."""
    plain = {
        httpx.ReadError: "the connection broke while reading the answer (reset or closed)",
        httpx.WriteError: "the connection broke while sending the request",
        httpx.ConnectError: "could not connect",
        httpx.RemoteProtocolError: "the server broke the HTTP protocol",
    }
    return f"{type(exc).__name__}: {str(exc) or plain.get(type(exc), 'no detail given')}"


async def _get(
    client: httpx.AsyncClient, url: str, headers: dict[str, str], max_bytes: int
) -> FetchResult:
    moved_to: str | None = None
    permanent = True
    for _hop in range(MAX_REDIRECTS + 1):
        async with client.stream("GET", url, headers=headers) as response:
            status = response.status_code
            found = {k.lower(): v for k, v in response.headers.items()}
            location = found.get("location")
            if status in REDIRECTS and location:
                target = httpx.URL(url).join(location)
                if target.scheme not in ("http", "https"):
                    return failure(f"redirect to a {target.scheme}: URL refused", HARD)
                url = str(target)
                permanent = permanent and status in PERMANENT
                moved_to = url if permanent else None
                continue
            result = FetchResult(status, headers=found, moved_to=moved_to)
            if status == 200:
                result.body = await _read_capped(response, max_bytes)
            elif status != 304:
                result.error = f"HTTP {status}"
                result.error_kind = kind_of_status(status)
            return result
    return failure(f"more than {MAX_REDIRECTS} redirects", HARD)


async def fetch(
    client: httpx.AsyncClient,
    url: str,
    *,
    etag: str | None,
    last_modified: str | None,
    max_bytes: int,
    total_timeout: float = 30.0,
) -> FetchResult:
    """GET a feed conditionally, within an overall deadline and a body cap."""
    path = local_path(url)
    if path is not None:
        return fetch_local(path, etag, max_bytes)
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        async with asyncio.timeout(total_timeout):
            return await _get(client, url, headers, max_bytes)
    except TimeoutError:
        return failure(f"timeout: no complete answer within {total_timeout:g} s", SOFT)
    except BodyTooLargeError:
        return failure(f"body larger than {max_bytes} bytes", HARD)
    except BlockedAddressError as exc:
        return failure(str(exc), HARD)
    except httpx.TimeoutException as exc:
        return failure(f"timeout: {type(exc).__name__}", SOFT)
    except httpx.DecodingError as exc:
        return failure(f"undecodable body: {exc}", HARD)
    except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
        return failure(describe(exc), HARD)
    except httpx.TransportError as exc:  # DNS, refused, reset, protocol trouble
        return failure(describe(exc), SOFT)
    except httpx.HTTPError as exc:
        return failure(describe(exc), HARD)
