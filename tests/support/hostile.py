"""A hostile feed server on 127.0.0.1, speaking raw HTTP over sockets so that it can do
what a well-behaved server library will not: trickle headers forever (slowloris), reset
the connection, cut a gzip stream short, and send a body that never ends."""

from __future__ import annotations

import gzip
import socket
import struct
import threading
import time
from collections.abc import Callable

Behaviour = Callable[[socket.socket], None]


def _head(status: str, headers: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status}", *(f"{k}: {v}" for k, v in headers.items()), "", ""]
    return "\r\n".join(lines).encode()


def slowloris(conn: socket.socket) -> None:
    """A status line, then one header byte every half second, for ever."""
    conn.sendall(b"HTTP/1.1 200 OK\r\n")
    while True:
        conn.sendall(b"X")
        time.sleep(0.5)


def reset(conn: socket.socket) -> None:
    """Close with SO_LINGER 0: the client sees a TCP reset, not an answer."""
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def truncated_gzip(body: bytes) -> Behaviour:
    def send(conn: socket.socket) -> None:
        whole = gzip.compress(body)
        cut = whole[: len(whole) // 2]
        conn.sendall(_head("200 OK", {"Content-Encoding": "gzip",
                                      "Content-Length": str(len(cut))}) + cut)  # fmt: skip

    return send


def endless(conn: socket.socket) -> None:
    """A chunked body that never ends (until the client hangs up)."""
    conn.sendall(_head("200 OK", {"Transfer-Encoding": "chunked",
                                  "Content-Type": "application/rss+xml"}))  # fmt: skip
    chunk = b"<item><title>again</title></item>" * 2000
    frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    while True:
        conn.sendall(frame)


def redirect_to(path: str) -> Behaviour:
    def send(conn: socket.socket) -> None:
        conn.sendall(_head("302 Found", {"Location": path, "Content-Length": "0"}))

    return send


def body(payload: bytes, content_type: str = "application/rss+xml") -> Behaviour:
    def send(conn: socket.socket) -> None:
        conn.sendall(_head("200 OK", {"Content-Type": content_type,
                                      "Content-Length": str(len(payload))}) + payload)  # fmt: skip

    return send


class HostileServer:
    """Each request's path picks a behaviour; the connection is closed afterwards."""

    def __init__(self, routes: dict[str, Behaviour]) -> None:
        self.routes = routes
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        try:
            request = conn.recv(65536).decode("latin-1")
            path = request.split(" ", 2)[1] if " " in request else "/"
            self.routes.get(path, body(b"", "text/plain"))(conn)
        except OSError:
            pass  # the client gave up: exactly what a hostile feed should cause
        finally:
            conn.close()

    def close(self) -> None:
        self.listener.close()
