"""deploy/: the Prometheus alert rules and the Grafana dashboard, checked without running
either. Every metric they name must be one that /metrics exposes, so a renamed metric
cannot silently turn an alert into one that never fires."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parent.parent
ALERTS = ROOT / "deploy" / "prometheus" / "alerts.yml"
DASHBOARD = ROOT / "deploy" / "grafana" / "ingest-dashboard.json"

#: The families worker/monitor/metrics.py exposes (the contract with the lead's /metrics).
FAMILIES = {
    "ingest_queue_waiting", "ingest_queue_unacked", "ingest_queue_oldest_waiting_seconds",
    "ingest_workers_online", "ingest_worker_active_tasks", "ingest_tasks_total",
    "ingest_task_runtime_seconds", "ingest_task_queue_wait_seconds", "ingest_feeds",
    "ingest_fetches_total", "ingest_items", "ingest_items_labelled_total",
    "ingest_outbox_backlog", "ingest_stream_length", "ingest_stream_pending",
    "ingest_webhook_deliveries", "ingest_webhook_attempts_total", "ingest_dead_letters",
    "ingest_poller_heartbeat_age_seconds", "ingest_stage_processed_total",
}  # fmt: skip
HISTOGRAMS = {"ingest_task_runtime_seconds", "ingest_task_queue_wait_seconds"}
REQUIRED_ALERTS = {
    "IngestQueueStuck", "IngestOldestMessageTooOld", "IngestTaskFailureRateHigh",
    "IngestNoWorker", "IngestPollerSilent", "IngestFeedsFailing", "IngestOutboxBacklogGrowing",
    "IngestDeadLettersGrowing",
}  # fmt: skip
METRIC = re.compile(r"\bingest_[a-z0-9_]+")
PROMTOOL = shutil.which("promtool")
# In CI a missing promtool fails these tests (.ci/run installs it); elsewhere they skip.
needs_promtool = pytest.mark.skipif(
    PROMTOOL is None and not IN_CI,
    reason="promtool (Debian package prometheus) is not installed",
)


def family(name: str) -> str:
    """A histogram's series (_bucket, _sum, _count) belong to its family."""
    base = re.sub(r"_(bucket|sum|count)$", "", name)
    return base if base in HISTOGRAMS else name


def families_in(expr: str) -> set[str]:
    return {family(m) for m in METRIC.findall(expr)}


def rules() -> list[dict]:
    groups = yaml.safe_load(ALERTS.read_text())["groups"]
    return [rule for group in groups for rule in group["rules"]]


def dashboard() -> dict:
    return json.loads(DASHBOARD.read_text())


def panel_exprs() -> list[str]:
    return [t["expr"] for p in dashboard()["panels"] for t in p.get("targets", [])]


def test_every_required_alert_is_there() -> None:
    assert {r["alert"] for r in rules()} >= REQUIRED_ALERTS


@pytest.mark.parametrize("rule", rules(), ids=lambda r: r["alert"])
def test_an_alert_has_expr_for_severity_and_summary(rule: dict) -> None:
    assert rule["expr"].strip() and re.fullmatch(r"\d+[smh]", rule["for"])
    assert rule["labels"]["severity"] in {"critical", "warning"}
    assert rule["annotations"]["summary"]


@pytest.mark.parametrize("rule", rules(), ids=lambda r: r["alert"])
def test_an_alert_names_only_exposed_metrics(rule: dict) -> None:
    used = families_in(rule["expr"])

    assert used and used <= FAMILIES, used - FAMILIES


def test_the_failure_rate_alert_fires_above_five_percent() -> None:
    rule = next(r for r in rules() if r["alert"] == "IngestTaskFailureRateHigh")

    assert re.search(r">\s*0\.05\s*$", rule["expr"].strip())


def test_panels_name_only_exposed_metrics() -> None:
    used = set().union(*map(families_in, panel_exprs()))

    assert used <= FAMILIES, used - FAMILIES


def test_every_exposed_family_has_a_panel() -> None:
    used = set().union(*map(families_in, panel_exprs()))

    assert used >= FAMILIES, FAMILIES - used


def test_panels_take_their_datasource_from_the_variable() -> None:
    board = dashboard()
    variables = {v["name"]: v for v in board["templating"]["list"]}

    assert variables["datasource"]["type"] == "datasource"
    assert variables["datasource"]["query"] == "prometheus"
    for panel in board["panels"]:
        if panel["type"] != "row":
            assert panel["datasource"]["uid"] == "${datasource}", panel["title"]


def test_panel_ids_are_unique() -> None:
    ids = [p["id"] for p in dashboard()["panels"]]

    assert len(ids) == len(set(ids))


def promtool_check_rules(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PROMTOOL, "check", "rules", str(path)], capture_output=True, text=True, timeout=60
    )


@needs_promtool
def test_promtool_accepts_the_alert_rules() -> None:
    done = promtool_check_rules(ALERTS)

    assert done.returncode == 0, done.stdout + done.stderr


@needs_promtool
def test_promtool_parses_every_panel_query(tmp_path: Path) -> None:
    """Each query, wrapped as a recording rule, goes through Prometheus's own parser."""
    records = [{"record": f"panel:{n}", "expr": e} for n, e in enumerate(panel_exprs())]
    path = tmp_path / "panels.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "panels", "rules": records}]}))

    done = promtool_check_rules(path)

    assert done.returncode == 0, done.stdout + done.stderr
