"""A real webhook receiver on 127.0.0.1: verifies Standard Webhooks signatures with the
reference library, records what arrived, and answers as scripted (500, 410, 429, slow)."""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import standardwebhooks


@dataclass
class Received:
    msg_id: str
    body: bytes
    verified: bool


class WebhookReceiver:
    """Answers each request with the next scripted reply ("200", "500", "410",
    "429:<retry-after>", "sleep:<seconds>"), then "200" once the script is used up."""

    def __init__(self, secret: str) -> None:
        self.verifier = standardwebhooks.Webhook(secret)
        self.script: deque[str] = deque()
        self.received: list[Received] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                try:
                    receiver.verifier.verify(body, dict(self.headers))
                    verified = True
                except standardwebhooks.webhooks.WebhookVerificationError:
                    verified = False
                receiver.received.append(Received(self.headers["webhook-id"], body, verified))
                reply = receiver.script.popleft() if receiver.script else "200"
                if reply.startswith("sleep:"):
                    time.sleep(float(reply.split(":", 1)[1]))
                    reply = "200"
                status, _, retry_after = reply.partition(":")
                self.send_response(int(status))
                if retry_after:
                    self.send_header("Retry-After", retry_after)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"

    def __enter__(self) -> WebhookReceiver:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
