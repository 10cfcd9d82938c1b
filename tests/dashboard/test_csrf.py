"""The buttons' CSRF protection: double-submit cookie and field, and a same-host Origin."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.dashboard.helpers import add_dead_letter, csrf_form
from worker.monitor.dashboard.csrf import COOKIE, FIELD
from worker.runtime import Runtime


def test_a_post_without_the_cookie_is_refused(runtime: Runtime, client: TestClient) -> None:
    form = csrf_form(client)
    client.cookies.clear()

    assert client.post("/dead-letters/replay", data=form).status_code == 403


def test_a_post_whose_field_differs_from_the_cookie_is_refused(client: TestClient) -> None:
    form = csrf_form(client) | {FIELD: "guessed"}

    assert client.post("/dead-letters/replay", data=form).status_code == 403


def test_a_post_from_another_site_is_refused_even_with_the_token(
    runtime: Runtime, client: TestClient
) -> None:
    dl_id = add_dead_letter(runtime)

    response = client.post(f"/dead-letters/{dl_id}/replay", data=csrf_form(client),
                           headers={"origin": "https://evil.example"})  # fmt: skip

    assert response.status_code == 403
    assert runtime.store.get_dead_letter(dl_id)["replayed_at"] is None


def test_a_post_naming_neither_origin_nor_referer_is_refused(client: TestClient) -> None:
    form = csrf_form(client)
    del client.headers["origin"]

    assert client.post("/dead-letters/replay", data=form).status_code == 403


def test_a_same_host_referer_stands_in_for_a_missing_origin(client: TestClient) -> None:
    form = csrf_form(client)
    del client.headers["origin"]

    response = client.post("/dead-letters/replay", data=form,
                           headers={"referer": "http://testserver/dead-letters"})  # fmt: skip

    assert response.status_code == 200 and response.url.path == "/dead-letters"


def test_the_csrf_cookie_is_httponly_and_samesite_strict(client: TestClient) -> None:
    cookie = client.get("/").headers["set-cookie"]

    assert cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
