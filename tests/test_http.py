"""The HTTP endpoints: health, readiness, metrics, and the token off loopback."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

from tests.factories import record, to_all
from worker.monitor.http import create_app
from worker.runtime import Runtime
from worker.store.repository import feed_id_for


def test_healthz_answers_while_the_process_lives(runtime: Runtime) -> None:
    assert TestClient(create_app(runtime)).get("/healthz").json() == {"status": "ok"}


def test_readyz_is_not_ready_without_poller_and_workers(runtime: Runtime) -> None:
    response = TestClient(create_app(runtime)).get("/readyz")

    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == "ok" and checks["broker"] == "ok"
    assert checks["poller"] == "no heartbeat"
    assert checks["workers"] == "none alive"


def test_metrics_report_stored_items_and_outbox_backlog(runtime: Runtime) -> None:
    runtime.store.save_items(feed_id_for(record().feed), [record("a"), record("b", text="B.")],
                             to_all)  # fmt: skip

    text = TestClient(create_app(runtime)).get("/metrics").text

    samples = {s.name: s.value for f in text_string_to_metric_families(text) for s in f.samples}
    assert samples["ingest_items"] == 2
    assert samples["ingest_outbox_backlog"] == 2


def test_off_loopback_the_server_refuses_to_start_without_a_token(runtime: Runtime) -> None:
    runtime.settings.http_host = "0.0.0.0"

    with pytest.raises(SystemExit):
        create_app(runtime)


def test_with_a_token_pages_need_it_but_healthz_does_not(runtime: Runtime) -> None:
    runtime.settings.http_host = "0.0.0.0"
    runtime.settings.dashboard_token = "s3cret"
    client = TestClient(create_app(runtime))

    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    assert client.get("/healthz").status_code == 200
