"""Fixtures for the dashboard: an app over a real Redis and SQLite for HTTP tests, and a
real `ingest run` with headless Chromium for browser tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.remote.webdriver import WebDriver
from starlette.testclient import TestClient

from tests.dashboard.browser import Screenshots, chromium
from tests.dashboard.system import RunningSystem, start_system
from tests.support.feedserver import FeedServer
from worker.monitor.http import create_app
from worker.runtime import Runtime

ROOT = Path(__file__).resolve().parents[2]
ORIGIN = "http://testserver"  # the TestClient's own host


@pytest.fixture
def client(runtime: Runtime) -> TestClient:
    """A browser-like client: it keeps cookies and sends our own Origin on every request."""
    return TestClient(create_app(runtime), headers={"origin": ORIGIN})


@pytest.fixture
def system(tmp_path: Path, redis_url: str, feed_server: FeedServer) -> Iterator[RunningSystem]:
    """`ingest run` in a subprocess, with no feeds yet: each test adds what it needs."""
    with start_system(tmp_path, redis_url, feed_server) as running:
        yield running


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    with chromium() as driver:
        yield driver


@pytest.fixture
def screenshots(request: pytest.FixtureRequest, browser: WebDriver) -> Screenshots:
    """Screenshots in tests/screenshots/<test name>/, at laptop and phone size."""
    return Screenshots(browser, ROOT / "tests" / "screenshots" / request.node.name)
