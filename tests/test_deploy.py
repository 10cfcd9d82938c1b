"""compose.yaml is checked here, since no Docker engine runs on this machine."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_compose_has_every_role_of_the_scale_out_shape() -> None:
    services = compose()["services"]

    assert {"redis", "postgres", "migrate", "poller", "worker", "web", "flower"} <= set(services)
    assert services["migrate"]["command"] == ["migrate"]
    assert services["worker"]["deploy"]["replicas"] >= 2


def test_the_broker_persists_and_never_evicts() -> None:
    command = compose()["services"]["redis"]["command"]

    assert command[command.index("--appendonly") + 1] == "yes"
    assert command[command.index("--maxmemory-policy") + 1] == "noeviction"


def test_roles_wait_for_the_migration_to_finish() -> None:
    worker = compose()["services"]["worker"]

    assert worker["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_the_web_role_off_loopback_requires_a_token() -> None:
    env = compose()["services"]["web"]["environment"]

    assert env["INGEST_HTTP_HOST"] == "0.0.0.0"
    assert "INGEST_DASHBOARD_TOKEN" in env


def test_every_compose_command_is_an_ingest_command() -> None:
    from click.testing import CliRunner

    from worker.cli import main

    for name in ("migrate", "poller", "worker", "serve"):
        assert CliRunner().invoke(main, [name, "--help"]).exit_code == 0, name
