"""A real HTTP server on 127.0.0.1 that misbehaves on purpose, one scripted path at a time.

Each path answers with a list of `Reply`s, one per request, the last one repeating: so a
test can script "301, 301, 301", "a feed, then the same feed with new GUIDs", a slow
trickle, a gzip body, a 429 with Retry-After. Every request is recorded (path, headers,
body) and the server tracks the most requests it ever held at once, per Host header.
"""

from __future__ import annotations

import gzip
import threading
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import brotli


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None  # answer 304 when the request's If-None-Match matches
    encoding: str | None = None  # gzip | deflate | br
    delay: float = 0.0  # seconds before answering
    trickle: float = 0.0  # seconds between body bytes (and no Content-Length)
    content_type: str = "application/rss+xml; charset=utf-8"


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    body: bytes


def encode(body: bytes, encoding: str | None) -> bytes:
    if encoding == "gzip":
        return gzip.compress(body)
    if encoding == "deflate":
        return zlib.compress(body)
    if encoding == "br":
        return brotli.compress(body)
    return body


class MisbehavingServer:
    def __init__(self) -> None:
        self.routes: dict[str, list[Reply]] = {}
        self.served: Counter[str] = Counter()
        self.requests: list[Seen] = []
        self.in_flight: Counter[str] = Counter()
        self.most_in_flight: Counter[str] = Counter()
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: object) -> None:
                pass

            def do_GET(self) -> None:
                server.handle(self)

            do_POST = do_GET

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def route(self, path: str, *replies: Reply) -> str:
        self.routes[path] = list(replies)
        return self.url(path)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def seen(self, path: str) -> list[Seen]:
        return [r for r in self.requests if r.path == path]

    def handle(self, h: BaseHTTPRequestHandler) -> None:
        path = h.path.split("?", 1)[0] if h.path.startswith("/") else h.path  # proxy: absolute
        length = int(h.headers.get("Content-Length") or 0)
        host = h.headers.get("Host", "")
        with self.lock:
            self.requests.append(Seen(h.path, dict(h.headers.items()), h.rfile.read(length)))
            replies = self.routes.get(path) or [Reply(404, b"not found")]
            reply = replies[min(self.served[path], len(replies) - 1)]
            self.served[path] += 1
            self.in_flight[host] += 1
            self.most_in_flight[host] = max(self.most_in_flight[host], self.in_flight[host])
        try:
            self.answer(h, reply)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            with self.lock:
                self.in_flight[host] -= 1

    def answer(self, h: BaseHTTPRequestHandler, reply: Reply) -> None:
        time.sleep(reply.delay)
        if reply.etag and h.headers.get("If-None-Match") == reply.etag:
            h.send_response(304)
            h.send_header("ETag", reply.etag)
            h.send_header("Content-Length", "0")
            h.end_headers()
            return
        body = encode(reply.body, reply.encoding)
        h.send_response(reply.status)
        h.send_header("Content-Type", reply.content_type)
        if reply.etag:
            h.send_header("ETag", reply.etag)
        if reply.encoding:
            h.send_header("Content-Encoding", reply.encoding)
        for name, value in reply.headers.items():
            h.send_header(name, value)
        if not reply.trickle:
            h.send_header("Content-Length", str(len(body)))
            h.end_headers()
            h.wfile.write(body)
            return
        h.send_header("Connection", "close")
        h.end_headers()
        for i in range(len(body)):
            h.wfile.write(body[i : i + 1])
            h.wfile.flush()
            time.sleep(reply.trickle)

    def __enter__(self) -> MisbehavingServer:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
