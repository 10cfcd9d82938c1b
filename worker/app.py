"""The Celery app: queues, routes and the reliability baseline of DESIGN.md."""

from __future__ import annotations

import time
from typing import Any

import structlog
from celery import Celery
from celery.signals import (
    before_task_publish,
    heartbeat_sent,
    setup_logging,
    task_postrun,
    task_prerun,
    worker_init,
)
from kombu import Exchange, Queue

from worker import logs
from worker.settings import Settings

log = structlog.get_logger(__name__)

#: A batch of 50 entries cleans and classifies in well under a second; the time limits
#: only stop a hung task. They are fractions of the visibility timeout, so a task still
#: running is never handed to a second worker.
SOFT_LIMIT_SHARE = 0.5
HARD_LIMIT_SHARE = 0.75


def make_app(settings: Settings | None = None) -> Celery:
    settings = settings or Settings()
    app = Celery("ingest", broker=settings.broker, include=["worker.tasks"])
    app.conf.update(
        task_queues=tuple(Queue(q, Exchange(q), routing_key=q) for q in ("process", "fanout")),
        task_default_queue="process",
        task_routes={
            "worker.tasks.process_entries": {"queue": "process"},
            "worker.tasks.relay": {"queue": "fanout"},
            "worker.tasks.deliver_webhooks": {"queue": "fanout"},
        },
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        task_ignore_result=True,
        result_backend=None,
        # At-least-once: a task is acknowledged after it ran, and comes back if the
        # process running it dies; our own delivery counter dead-letters poison.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_soft_time_limit=settings.visibility_timeout * SOFT_LIMIT_SHARE,
        task_time_limit=settings.visibility_timeout * HARD_LIMIT_SHARE,
        broker_transport_options={
            "visibility_timeout": settings.visibility_timeout,
            "unacked_restore_interval": 5,
            "unacked_restore_throttle": 1,
            "socket_timeout": 30,
            "health_check_interval": 25,
        },
        broker_connection_retry_on_startup=True,
        worker_cancel_long_running_tasks_on_connection_loss=True,
        # Task events on, so Flower and `ingest status` can see workers and tasks.
        worker_send_task_events=True,
        task_send_sent_event=True,
        worker_hijack_root_logger=False,
        worker_redirect_stdouts=False,
        worker_max_tasks_per_child=10_000,
    )
    return app


@setup_logging.connect
def _structlog_for_workers(**_kwargs: object) -> None:
    """Worker processes log through structlog too (connecting here stops Celery's own)."""
    logs.configure(Settings().log_format)


@worker_init.connect
def _load_models_before_fork(**_kwargs: object) -> None:
    """Load the classifier's models once in the parent: the forked pool shares them."""
    from worker.classify import warm_up

    warm_up()


# -- telemetry: every process writes to the same Redis figures -------------------------

_started: dict[str, tuple[float, float | None]] = {}
_STATES = {"SUCCESS": "succeeded", "FAILURE": "failed", "RETRY": "retried"}


@before_task_publish.connect
def _stamp_sent_at(headers: dict[str, Any] | None = None, **_kwargs: object) -> None:
    """The publish time travels with the message: queue wait and oldest-waiting age."""
    if headers is not None:
        headers.setdefault("ingest_sent_at", time.time())


@task_prerun.connect
def _task_started(task_id: str, task: Any, **_kwargs: object) -> None:
    sent = getattr(task.request, "ingest_sent_at", None)
    _started[task_id] = (time.monotonic(), time.time() - float(sent) if sent else None)
    # Every log line the task writes carries its id, name and attempt.
    structlog.contextvars.bind_contextvars(
        task_id=task_id, task=task.name, attempt=task.request.retries + 1
    )


@task_postrun.connect
def _task_finished(task_id: str, task: Any, state: str | None = None, **_kwargs: object) -> None:
    from worker import runtime
    from worker.monitor.telemetry import record_task

    began, wait = _started.pop(task_id, (None, None))
    queue = (task.request.delivery_info or {}).get("routing_key")
    outcome = _STATES.get(state or "", "failed")
    took = time.monotonic() - began if began is not None else None
    record_task(
        runtime.current().redis, task.name, outcome, runtime_s=took, queue=queue, wait_s=wait
    )
    log.info("task.finished", state=outcome, runtime_s=took and round(took, 4),
             queue_wait_s=wait and round(wait, 4))  # fmt: skip
    structlog.contextvars.clear_contextvars()


@heartbeat_sent.connect
def _worker_alive(sender: Any, **_kwargs: object) -> None:
    """Every 2 s from each worker: a key that expires when the worker dies."""
    from celery.worker.state import active_requests

    from worker import runtime
    from worker.monitor.telemetry import worker_heartbeat

    worker_heartbeat(runtime.current().redis, sender.eventer.hostname, len(active_requests))


app = make_app()


def use_broker(url: str) -> None:
    """Point the shared app at a broker, dropping pooled connections to any other one
    (Celery keeps its connection and producer pools across a change of broker_url)."""
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None
