"""Shared fixtures: real Redis, real PostgreSQL, SQLite, and a local feed server.

In CI (CI=true) a missing Redis or PostgreSQL fails the tests that need it; on a
developer machine those tests are skipped with the reason.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import redis

from tests.support.feedserver import FeedServer
from worker.runtime import Runtime
from worker.settings import Settings
from worker.store.repository import Store

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "config" / "samples"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

REDIS_BASE = os.environ.get("INGEST_TEST_REDIS_URL", "redis://127.0.0.1:6379")
POSTGRES_ADMIN_URL = os.environ.get(
    "INGEST_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def _unavailable(what: str, exc: Exception) -> None:
    message = f"{what} is not reachable: {exc}"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def redis_db() -> Iterator[int]:
    """A Redis database number of this test session's own (claimed in db 0), so that
    test runs going on at the same time never flush each other's data."""
    admin = redis.Redis.from_url(f"{REDIS_BASE}/0")
    try:
        admin.ping()
    except redis.RedisError as exc:
        _unavailable("Redis", exc)
    for db in range(1, 16):
        if admin.set(f"ingest-test:db:{db}", os.getpid(), nx=True, ex=3600):
            yield db
            admin.delete(f"ingest-test:db:{db}")
            return
    pytest.fail("no free Redis database for this test session (1-15 are claimed)")


@pytest.fixture
def redis_url(redis_db: int) -> Iterator[str]:
    """A real Redis database, emptied before the test."""
    url = f"{REDIS_BASE}/{redis_db}"
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for this test, dropped afterwards."""
    name = f"ingest_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.Error as exc:
        _unavailable("PostgreSQL", exc)
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    yield f"{base}/{name}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each store test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ingest.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    s = Store(database_url)
    s.migrate()
    yield s
    s.dispose()


@pytest.fixture
def feed_server(tmp_path: Path) -> Iterator[FeedServer]:
    """A real HTTP server on 127.0.0.1 serving a copy of the bundled samples."""
    root = tmp_path / "www"
    root.mkdir()
    for sample in SAMPLES.glob("*.xml"):
        (root / sample.name).write_bytes(sample.read_bytes())
    with FeedServer(root) as server:
        yield server


@pytest.fixture
def cli_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data dir for in-process `ingest` commands, on the embedded defaults."""
    for name in ("INGEST_BROKER_URL", "INGEST_DATABASE_URL", "INGEST_FEEDS_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("INGEST_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("INGEST_LOG_FORMAT", "json")
    return tmp_path / "var"


@pytest.fixture
def runtime(tmp_path: Path, redis_url: str) -> Runtime:
    """A process runtime on a real Redis and a fresh SQLite store (HTTP and page tests)."""
    settings = Settings(
        data_dir=tmp_path, broker_url=redis_url, database_url=f"sqlite:///{tmp_path / 'i.db'}"
    )
    rt = Runtime(settings)
    rt.store.migrate()
    return rt
