"""Dead letters: list, detail, replay one or all, purge only after confirmation."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.dashboard.helpers import add_dead_letter, csrf_form
from worker.runtime import Runtime


def test_the_detail_shows_traceback_and_arguments(runtime: Runtime, client: TestClient) -> None:
    dl_id = add_dead_letter(runtime)

    page = client.get(f"/dead-letters/{dl_id}").text

    assert "Traceback (most recent call last):" in page
    assert "entry_key" in page and "feed-1" in page


def test_replay_sends_the_task_again_and_marks_the_letter(
    runtime: Runtime, client: TestClient
) -> None:
    dl_id = add_dead_letter(runtime)

    response = client.post(f"/dead-letters/{dl_id}/replay", data=csrf_form(client))

    assert response.url.path == "/dead-letters" and "Replayed 1" in response.text
    assert runtime.redis.llen("process") == 1
    assert runtime.store.get_dead_letter(dl_id)["replayed_at"] is not None


def test_replay_all_replays_every_letter_not_yet_replayed(
    runtime: Runtime, client: TestClient
) -> None:
    for _ in range(3):
        add_dead_letter(runtime)

    response = client.post("/dead-letters/replay", data=csrf_form(client))

    assert "Replayed 3" in response.text
    assert runtime.store.dead_letters() == []


def test_purge_without_the_confirmation_field_only_asks(
    runtime: Runtime, client: TestClient
) -> None:
    add_dead_letter(runtime)

    response = client.post("/dead-letters/purge", data=csrf_form(client))

    assert response.url.path == "/dead-letters/purge" and "cannot be undone" in response.text
    assert len(runtime.store.dead_letters()) == 1


def test_purge_after_confirmation_deletes_every_letter(
    runtime: Runtime, client: TestClient
) -> None:
    add_dead_letter(runtime)

    response = client.post("/dead-letters/purge", data=csrf_form(client, confirm="purge"))

    assert "Purged 1" in response.text
    assert runtime.store.dead_letters(include_replayed=True) == []


def test_get_on_an_action_changes_nothing(runtime: Runtime, client: TestClient) -> None:
    dl_id = add_dead_letter(runtime)

    assert client.get(f"/dead-letters/{dl_id}/replay").status_code == 405
    assert client.get("/dead-letters/replay").status_code == 405
    assert runtime.store.get_dead_letter(dl_id)["replayed_at"] is None
