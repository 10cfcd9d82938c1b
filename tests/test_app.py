"""The Celery app keeps the reliability baseline of DESIGN.md."""

from __future__ import annotations

from worker.app import app


def test_cpu_work_and_fanout_go_to_their_own_queues() -> None:
    router = app.amqp.router
    assert router.route({}, "worker.tasks.process_entries")["queue"].name == "process"
    assert router.route({}, "worker.tasks.relay")["queue"].name == "fanout"


def test_tasks_are_acked_late_and_come_back_if_their_worker_dies() -> None:
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1


def test_time_limits_stay_below_the_visibility_timeout() -> None:
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    assert app.conf.task_soft_time_limit < app.conf.task_time_limit < visibility


def test_messages_are_json_and_task_events_are_on() -> None:
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.worker_send_task_events is True
