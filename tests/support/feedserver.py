"""A small real HTTP server for tests: serves files with ETag/Last-Modified and 304s."""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class FeedServer:
    """Serves a folder on 127.0.0.1; counts requests by (path, status)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.hits: Counter[tuple[str, int]] = Counter()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: object) -> None:
                pass

            def do_GET(self) -> None:
                path = server.root / self.path.lstrip("/").split("?", 1)[0]
                if not path.is_file():
                    self._reply(404, b"not found")
                    return
                body = path.read_bytes()
                etag = '"' + hashlib.sha1(body).hexdigest() + '"'
                if self.headers.get("If-None-Match") == etag:
                    self._reply(304, b"", etag=etag)
                    return
                self._reply(200, body, etag=etag)

            def _reply(self, status: int, body: bytes, etag: str | None = None) -> None:
                server.hits[(self.path, status)] += 1
                self.send_response(status)
                if etag:
                    self.send_header("ETag", etag)
                    self.send_header("Last-Modified", formatdate(usegmt=True))
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, name: str) -> str:
        return f"{self.base_url}/{name}"

    def count(self, status: int) -> int:
        return sum(n for (_path, code), n in self.hits.items() if code == status)

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
