"""The `ingest` command (DESIGN.md's table): services, feeds, items, status, dead letters."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from worker import logs
from worker.settings import Settings

console = Console()


def _settings() -> Settings:
    settings = Settings()
    logs.configure(settings.log_format)
    return settings


def _store(settings: Settings, *, migrate: bool = True):
    from worker.store.repository import Store

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = Store(settings.database)
    if migrate:
        store.migrate()
    return store


def _print_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, default=str))


@click.group()
@click.version_option(package_name="ingest-worker")
def main() -> None:
    """Ingest worker for syndicated news feeds."""


# -- services -------------------------------------------------------------------------


@main.command()
@click.option("--once", is_flag=True, help="Poll every feed once, drain, summarise, exit.")
@click.option("--timeout", default=600.0, show_default=True, help="Drain timeout for --once.")
def run(once: bool, timeout: float) -> None:
    """Run everything: poller, Celery worker, relay and HTTP server (embedded default)."""
    from worker.runner import run as run_system

    summary = run_system(_settings(), once=once, drain_timeout=timeout)
    if summary is not None:
        table = Table(title="ingest run --once")
        table.add_column("what")
        table.add_column("count", justify="right")
        for name, value in summary.rows():
            table.add_row(name, str(value))
        Console(width=100).print(table)
        for error in summary.poll.errors:
            click.echo(f"error: {error}")


@main.command()
def poller() -> None:
    """Run the poller and the relay sweep (scale-out)."""
    from worker import embedded
    from worker.app import app
    from worker.runner import System

    settings = _settings()
    with embedded.broker_available(settings):
        app.conf.broker_url = settings.broker
        system = System(settings)
        system.rt.store.migrate()
        system.load_feeds()

        async def main_loop() -> None:
            system.install_signal_handlers()
            await system.run_forever(serve_http=False)

        asyncio.run(main_loop())


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("celery_args", nargs=-1, type=click.UNPROCESSED)
def worker(celery_args: tuple[str, ...]) -> None:
    """Run a Celery worker on the process and fanout queues (extra args go to Celery)."""
    from worker import embedded
    from worker.runner import child_env, worker_command

    settings = _settings()
    with embedded.broker_available(settings):
        cmd = worker_command(settings, list(celery_args))
        sys.exit(subprocess.call(cmd, env=child_env(settings)))


@main.command()
def serve() -> None:
    """Serve the dashboard, /metrics, /healthz and /readyz."""
    from worker import embedded, runtime
    from worker.app import app
    from worker.runner import http_server

    settings = _settings()
    with embedded.broker_available(settings):
        app.conf.broker_url = settings.broker
        rt = runtime.current()
        rt.settings = settings
        server = http_server(rt)
        server.install_signal_handlers = lambda: None
        asyncio.run(server.serve())


@main.command()
def migrate() -> None:
    """Bring the database schema up to date (the one-shot step of a deployment)."""
    _store(_settings())
    click.echo("database is at the latest schema")


# -- feeds ----------------------------------------------------------------------------


@main.group()
def feeds() -> None:
    """Manage feeds."""


@feeds.command("add")
@click.argument("url")
@click.option("--title")
@click.option("--category")
def feeds_add(url: str, title: str | None, category: str | None) -> None:
    added = _store(_settings()).add_feeds([(url, title, category)])
    click.echo("added" if added else "already there")


@feeds.command("list")
@click.option("--json", "as_json", is_flag=True)
def feeds_list(as_json: bool) -> None:
    rows = _store(_settings()).list_feeds()
    if as_json:
        _print_json([_feed_dict(r) for r in rows])
        return
    table = Table()
    for col in ("id", "url", "status", "last success", "errors", "last error", "next poll"):
        table.add_column(col)
    for f in rows:
        table.add_row(
            f.id[:8],
            f.url,
            f.status,
            str(f.last_success_at or ""),
            str(f.error_count),
            f.last_error or "",
            str(f.next_poll_at or ""),
        )
    console.print(table)


def _feed_dict(f) -> dict:
    return {name: getattr(f, name) for name in f.__slots__}


@feeds.command("remove")
@click.argument("feed")
def feeds_remove(feed: str) -> None:
    if not _store(_settings()).remove_feed(feed):
        raise click.ClickException(f"no feed {feed}")
    click.echo("removed")


@feeds.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def feeds_import(path: Path) -> None:
    from worker.poller.opml import read_opml

    added = _store(_settings()).add_feeds(read_opml(path))
    click.echo(f"imported {added} feeds")


@feeds.command("export")
def feeds_export() -> None:
    from worker.poller.opml import write_opml

    rows = _store(_settings()).list_feeds()
    click.echo(write_opml((f.url, f.title, f.category) for f in rows))


# -- process --------------------------------------------------------------------------


@main.command()
@click.argument("feeds_", metavar="FEED...", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl")
def process(feeds_: tuple[str, ...], fmt: str) -> None:
    """Run the whole pipeline in process over local feed files or URLs; print JSON lines."""
    from worker.process import process_feeds

    settings = _settings()
    with tempfile.TemporaryDirectory(prefix="ingest-process-") as tmp:
        settings.database_url = f"sqlite:///{Path(tmp) / 'process.db'}"
        for record in process_feeds(settings, list(feeds_)):
            click.echo(json.dumps(record.to_dict(), ensure_ascii=False))


# -- items ----------------------------------------------------------------------------


@main.group()
def items() -> None:
    """Read stored items."""


@items.command("list")
@click.option("--limit", default=20, show_default=True)
def items_list(limit: int) -> None:
    table = Table()
    for col in ("id", "published", "lang", "title", "duplicate of"):
        table.add_column(col)
    for r in _store(_settings()).list_items(limit):
        table.add_row(
            r.id[:12], r.published_at or "", r.language or "", r.title, (r.duplicate_of or "")[:12]
        )
    console.print(table)


@items.command("show")
@click.argument("item_id")
def items_show(item_id: str) -> None:
    record = _store(_settings()).get_item(item_id)
    if record is None:
        raise click.ClickException(f"no item {item_id}")
    click.echo(json.dumps(record.to_dict(), ensure_ascii=False, indent=2))


@items.command("export")
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl")
def items_export(fmt: str) -> None:
    for record in _store(_settings()).iter_items():
        click.echo(json.dumps(record.to_dict(), ensure_ascii=False))


# -- status ---------------------------------------------------------------------------


@main.command()
@click.option("--json", "as_json", is_flag=True)
@click.option("--watch", is_flag=True, help="Refresh every 2 seconds.")
def status(as_json: bool, watch: bool) -> None:
    """Queues, workers, feeds, outbox and dead letters."""
    from worker import embedded
    from worker.monitor.status import collect, render

    settings = _settings()
    with embedded.broker_available(settings):
        while True:
            snapshot = collect(settings)
            if as_json:
                _print_json(snapshot)
            else:
                if watch:
                    console.clear()
                render(console, snapshot)
            if not watch:
                return
            time.sleep(2)


# -- dead letters ---------------------------------------------------------------------


@main.group()
def dlq() -> None:
    """Dead letters: tasks that failed past their retry budget."""


@dlq.command("list")
def dlq_list() -> None:
    table = Table()
    for col in ("id", "task", "error", "attempts", "at"):
        table.add_column(col)
    for d in _store(_settings()).dead_letters():
        table.add_row(str(d["id"]), d["task"], d["error"], str(d["attempts"]), str(d["created_at"]))
    console.print(table)


@dlq.command("show")
@click.argument("dl_id", type=int)
def dlq_show(dl_id: int) -> None:
    found = _store(_settings()).get_dead_letter(dl_id)
    if found is None:
        raise click.ClickException(f"no dead letter {dl_id}")
    _print_json(found)


@dlq.command("replay")
@click.argument("dl_id", type=int, required=False)
@click.option("--all", "replay_all", is_flag=True)
def dlq_replay(dl_id: int | None, replay_all: bool) -> None:
    """Send a dead letter's task again (it is marked replayed)."""
    from worker import embedded
    from worker.monitor.deadletters import replay

    if dl_id is None and not replay_all:
        raise click.UsageError("give an ID or --all")
    settings = _settings()
    with embedded.broker_available(settings):
        store = _store(settings)
        ids = [d["id"] for d in store.dead_letters()] if replay_all else [dl_id]
        for n in ids:
            if not replay(store, settings, n):
                raise click.ClickException(f"no dead letter {n}")
        click.echo(f"replayed {len(ids)}")


@dlq.command("purge")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def dlq_purge(yes: bool) -> None:
    if not yes:
        click.confirm("Delete every dead letter?", abort=True)
    click.echo(f"purged {_store(_settings()).purge_dead_letters()}")


# -- notifications --------------------------------------------------------------------


@main.group()
def notifications() -> None:
    """Read the notification streams."""


@notifications.command("tail")
@click.argument("subscription")
@click.option("--group", default="ingest-cli", show_default=True)
@click.option("--consumer", default=lambda: f"{socket.gethostname()}", show_default="hostname")
@click.option("--count", default=0, help="Stop after this many events (0: no limit).")
@click.option("--follow/--no-follow", default=True, help="Wait for new events.")
@click.option("--from-start", is_flag=True, help="A new group starts at the stream's start.")
def notifications_tail(
    subscription: str, group: str, consumer: str, count: int, follow: bool, from_start: bool
) -> None:
    """Read a subscription's stream as a consumer-group member; print events as JSON lines."""
    from worker import embedded, runtime
    from worker.fanout.consumer import tail

    settings = _settings()
    with embedded.broker_available(settings):
        rt = runtime.current()
        rt.settings = settings
        for event in tail(
            rt.redis,
            subscription,
            group=group,
            consumer=consumer,
            limit=count,
            follow=follow,
            from_start=from_start,
        ):
            click.echo(event)


if __name__ == "__main__":
    main()
