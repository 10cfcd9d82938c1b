"""Fetching a feed: HTTP (conditional GET, size and time caps) or a local file."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import httpx

from worker import __version__
from worker.poller.guard import GuardedTransport, IPNetwork


@dataclass(slots=True)
class FetchResult:
    status: int  # HTTP status, or 200/304 for local files; 0 for a transport error
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.error is None


class BodyTooLargeError(Exception):
    pass


def user_agent(contact: str) -> str:
    return f"ingest-worker/{__version__} (+{contact})"


def make_client(
    *,
    allowed: tuple[IPNetwork, ...],
    connect_timeout: float,
    total_timeout: float,
    contact: str,
    transport: httpx.AsyncBaseTransport | None = None,
    max_connections: int = 100,
) -> httpx.AsyncClient:
    """The guarded HTTP client every outbound request of the poller goes through."""
    inner = transport or httpx.AsyncHTTPTransport(
        limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=20),
        retries=0,
    )
    return httpx.AsyncClient(
        transport=GuardedTransport(inner, allowed),
        timeout=httpx.Timeout(total_timeout, connect=connect_timeout),
        follow_redirects=True,
        max_redirects=5,
        headers={"User-Agent": user_agent(contact), "Accept-Encoding": "gzip, deflate, br"},
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
            return FetchResult(304, etag=tag)
        if stat.st_size > max_bytes:
            return FetchResult(0, error=f"body larger than {max_bytes} bytes")
        return FetchResult(200, body=path.read_bytes(), etag=tag)
    except OSError as exc:
        return FetchResult(0, error=f"cannot read {path}: {exc.strerror or exc}")


async def fetch(
    client: httpx.AsyncClient,
    url: str,
    *,
    etag: str | None,
    last_modified: str | None,
    max_bytes: int,
) -> FetchResult:
    """GET a feed conditionally; the body cap is enforced while streaming."""
    path = local_path(url)
    if path is not None:
        return fetch_local(path, etag, max_bytes)
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        async with client.stream("GET", url, headers=headers) as response:
            result = FetchResult(
                response.status_code,
                etag=response.headers.get("ETag"),
                last_modified=response.headers.get("Last-Modified"),
            )
            if response.status_code != 200:
                if response.status_code != 304:
                    result.error = f"HTTP {response.status_code}"
                return result
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise BodyTooLargeError
            chunks, size = [], 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise BodyTooLargeError
                chunks.append(chunk)
            result.body = b"".join(chunks)
            return result
    except BodyTooLargeError:
        return FetchResult(0, error=f"body larger than {max_bytes} bytes")
    except httpx.TooManyRedirects:
        return FetchResult(0, error="too many redirects")
    except httpx.TimeoutException as exc:
        return FetchResult(0, error=f"timeout: {type(exc).__name__}")
    except httpx.HTTPError as exc:
        return FetchResult(0, error=f"{type(exc).__name__}: {exc}")
