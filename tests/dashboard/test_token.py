"""Off loopback, the dashboard token: once in the address bar, then an HttpOnly cookie."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from worker.monitor.http import TOKEN_COOKIE, create_app
from worker.runtime import Runtime

TOKEN = "s3cret-token"
HTML = {"accept": "text/html,application/xhtml+xml"}


@pytest.fixture
def guarded(runtime: Runtime) -> TestClient:
    runtime.settings.http_host = "0.0.0.0"
    runtime.settings.dashboard_token = TOKEN
    return TestClient(create_app(runtime))


def test_a_token_in_the_url_becomes_an_httponly_cookie_and_leaves_the_url(
    guarded: TestClient,
) -> None:
    response = guarded.get(f"/feeds?token={TOKEN}&q=x", headers=HTML, follow_redirects=False)

    assert response.status_code == 303 and response.headers["location"].endswith("/feeds?q=x")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{TOKEN_COOKIE}={TOKEN}") and "HttpOnly" in cookie


def test_the_cookie_alone_then_opens_every_page(guarded: TestClient) -> None:
    guarded.get(f"/?token={TOKEN}", headers=HTML)

    assert guarded.get("/dead-letters").status_code == 200


def test_a_wrong_cookie_is_refused(guarded: TestClient) -> None:
    guarded.cookies.set(TOKEN_COOKIE, "guess")

    assert guarded.get("/").status_code == 401


def test_a_scraper_with_the_token_in_the_url_gets_its_answer_without_a_redirect(
    guarded: TestClient,
) -> None:
    response = guarded.get(f"/metrics?token={TOKEN}", follow_redirects=False)

    assert response.status_code == 200
