"""What the HTTP tests of the dashboard's buttons share."""

from __future__ import annotations

from starlette.testclient import TestClient

from worker.monitor.dashboard.csrf import COOKIE, FIELD
from worker.runtime import Runtime


def csrf_form(client: TestClient, **fields: str) -> dict[str, str]:
    """A form as our pages post it: after a GET gave this client its CSRF cookie."""
    client.get("/dead-letters")
    return {FIELD: client.cookies[COOKIE], **fields}


def add_dead_letter(runtime: Runtime, error: str = "ValueError: bad entry") -> int:
    return runtime.store.add_dead_letter(
        "worker.tasks.process_entries", "task-1", [["feed-1", [{"entry_key": "k1"}]], {}],
        error, "Traceback (most recent call last):\n  File \"x.py\"\nValueError: bad entry", 6,
    )  # fmt: skip
