"""The `ingest` command (DESIGN.md's table): services, feeds, items, status, dead letters."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
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
    from worker.app import use_broker
    from worker.runner import System

    settings = _settings()
    with embedded.broker_available(settings):
        use_broker(settings.broker)
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
    from worker.app import use_broker
    from worker.runner import http_server

    settings = _settings()
    with embedded.broker_available(settings):
        use_broker(settings.broker)
        server = http_server(runtime.use(settings))
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


FULL_ARTICLE_HELP = "Fetch each new entry's linked page and use its extracted article."


@feeds.command("add")
@click.argument("url")
@click.option("--title")
@click.option("--category")
@click.option("--full-article", is_flag=True, help=FULL_ARTICLE_HELP)
def feeds_add(url: str, title: str | None, category: str | None, full_article: bool) -> None:
    added = _store(_settings()).feeds.add([(url, title, category, full_article)])
    click.echo("added" if added else "already there")


@feeds.command("list")
@click.option("--json", "as_json", is_flag=True)
def feeds_list(as_json: bool) -> None:
    """Each feed's health and schedule: status, last success and error, next poll."""
    rows = _store(_settings()).list_feeds()
    if as_json:
        _print_json([_feed_dict(r) for r in rows])
        return
    table = Table()
    for col in ("id", "url", "status", "last success", "errors (soft/hard)", "last error",
                "interval", "next poll", "content"):  # fmt: skip
        table.add_column(col)
    for f in rows:
        url = f.url + (f"\n→ {f.fetch_url}" if f.fetch_url else "")
        error = f"{_when(f.last_error_at)} {f.last_error}" if f.last_error else ""
        table.add_row(
            f.id[:8],
            url,
            f.status + ("" if f.key_mode == "guid" else f" (keys: {f.key_mode})"),
            _when(f.last_success_at),
            f"{f.error_count} ({f.soft_errors}/{f.hard_errors})" if f.error_count else "0",
            error,
            _duration(f.interval_s),
            _when(f.next_poll_at),
            "full article" if f.full_article else "feed",
        )
    console.print(table)


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else ""


def _duration(seconds: int | None) -> str:
    if not seconds:
        return ""
    hours, rest = divmod(seconds, 3600)
    return f"{hours}h{rest // 60:02d}m" if hours else f"{rest // 60}m"


def _feed_dict(f) -> dict:
    return {name: getattr(f, name) for name in f.__slots__ if name != "websub_secret"}


@feeds.command("set")
@click.argument("feed")
@click.option("--min-interval", type=int, help="Shortest seconds between polls (default 300).")
@click.option("--max-interval", type=int, help="Longest seconds between polls (default 86400).")
@click.option("--enable/--disable", default=None, help="Poll it again (e.g. after a 410).")
@click.option(
    "--full-article/--feed-content",
    default=None,
    help=FULL_ARTICLE_HELP + " (--feed-content: the feed's own content, the default).",
)
def feeds_set(
    feed: str,
    min_interval: int | None,
    max_interval: int | None,
    enable: bool | None,
    full_article: bool | None,
) -> None:
    """Override a feed's schedule bounds, enable or disable it, choose its content."""
    store = _store(_settings())
    found = store.get_feed(feed)
    if found is None:
        raise click.ClickException(f"no feed {feed}")
    values: dict = {}
    if min_interval is not None:
        values["min_interval_s"] = min_interval or None
    if max_interval is not None:
        values["max_interval_s"] = max_interval or None
    if enable is not None:
        values.update(enabled=enable, status="new" if enable else "disabled")
        if enable:
            values["next_poll_at"] = None
    if full_article is not None:
        values["full_article"] = full_article
    if values:
        store.feeds.update(found.id, **values)
    click.echo("updated" if values else "nothing to change")


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

    added = _store(_settings()).feeds.add(read_opml(path))
    click.echo(f"imported {added} feeds")


@feeds.command("export")
def feeds_export() -> None:
    from worker.poller.opml import write_opml

    rows = _store(_settings()).list_feeds()
    click.echo(write_opml((f.url, f.title, f.category, f.full_article) for f in rows))


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
    _items_table(_store(_settings()).list_items(limit))


def _items_table(records: list) -> None:
    table = Table()
    for col in ("id", "published", "lang", "title", "duplicate of"):
        table.add_column(col)
    for r in records:
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


@items.command("search")
@click.argument("query", required=False)
@click.option("--topic", help="IPTC code, e.g. medtop:04000000")
@click.option("--region", help="ISO 3166-1 code, e.g. FR")
@click.option("--language", help="ISO 639-1 code, e.g. en")
@click.option("--spun/--not-spun", default=None)
@click.option("--duplicates/--no-duplicates", default=None)
@click.option("--since", type=click.DateTime(), help="published at or after")
@click.option("--until", type=click.DateTime(), help="published before")
@click.option("--limit", default=20, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table")
def items_search(query: str | None, fmt: str, **filters: object) -> None:
    """Full-text search with filters (FTS5 on SQLite, tsvector on PostgreSQL)."""
    from worker.store.search import ItemFilter, search_items

    for key in ("since", "until"):
        if filters[key] is not None:
            filters[key] = filters[key].replace(tzinfo=UTC)
    found = search_items(_store(_settings()), ItemFilter(query=query, **filters))
    if fmt == "jsonl":
        for r in found:
            click.echo(json.dumps(r.to_dict(), ensure_ascii=False))
        return
    _items_table(found)


@items.command("history")
@click.argument("item_id")
def items_history(item_id: str) -> None:
    """Every stored version of an item, as JSON lines."""
    from worker.store.search import item_history

    versions = item_history(_store(_settings()), item_id)
    if not versions:
        raise click.ClickException(f"no item {item_id}")
    for r in versions:
        click.echo(json.dumps(r.to_dict(), ensure_ascii=False))


@main.command()
@click.option("--days", type=int, help="Keep this many days (default INGEST_RETENTION_DAYS).")
def retention(days: int | None) -> None:
    """Purge items, their history and sent outbox rows older than the retention period."""
    from worker.store.retention import purge

    settings = _settings()
    keep = settings.retention_days if days is None else days
    if keep <= 0:
        raise click.ClickException("retention is off (0 days): nothing to purge")
    deleted = purge(_store(settings), datetime.now(UTC) - timedelta(days=keep))
    _print_json(deleted)


# -- webhooks -------------------------------------------------------------------------


@main.group()
def webhooks() -> None:
    """Webhook endpoints and their deliveries."""


@webhooks.command("list")
@click.option("--json", "as_json", is_flag=True)
def webhooks_list(as_json: bool) -> None:
    """Each subscription's endpoint: URL, state, backlog, success rate, last error."""
    from worker.fanout.subscriptions import Subscriptions
    from worker.store.webhooks import endpoint_summary

    settings = _settings()
    summary = endpoint_summary(_store(settings))
    subs = Subscriptions.load(settings.subscriptions_file)
    rows = [
        {"subscription": s.name, "url": s.webhook.url, **summary.get(s.name, {})}
        for s in subs.items
        if s.webhook is not None
    ]
    if as_json:
        _print_json(rows)
        return
    table = Table()
    for col in ("subscription", "url", "state", "pending", "delivered", "failed", "success",
                "last error"):  # fmt: skip
        table.add_column(col)
    for r in rows:
        rate = r.get("success_rate")
        state = f"disabled: {r['disabled']}" if r.get("disabled") else "on"
        table.add_row(
            r["subscription"], r["url"], state,
            str(r.get("pending", 0)), str(r.get("delivered", 0)), str(r.get("failed", 0)),
            "" if rate is None else f"{rate:.0%}", r.get("last_error") or "",
        )  # fmt: skip
    console.print(table)


@webhooks.command("deliveries")
@click.option("--status", type=click.Choice(["pending", "delivered", "failed"]))
@click.option("--subscription")
@click.option("--limit", default=50, show_default=True)
def webhooks_deliveries(status: str | None, subscription: str | None, limit: int) -> None:
    """Recent deliveries, newest first, as JSON lines."""
    from worker.store.webhooks import list_deliveries

    for d in list_deliveries(
        _store(_settings()), status=status, subscription=subscription, limit=limit
    ):
        _print_json(d)


@webhooks.command("retry")
@click.argument("delivery_id", type=int, required=False)
@click.option("--subscription", help="Retry every failed delivery of this subscription.")
@click.option("--all-failed", is_flag=True, help="Retry every failed delivery.")
def webhooks_retry(delivery_id: int | None, subscription: str | None, all_failed: bool) -> None:
    """Put failed deliveries back on the schedule, due now."""
    from worker.store.webhooks import retry

    if delivery_id is None and not (subscription or all_failed):
        raise click.UsageError("give a DELIVERY_ID, --subscription or --all-failed")
    n = retry(_store(_settings()), delivery_id=delivery_id, subscription=subscription)
    click.echo(f"retrying {n}")


@webhooks.command("enable")
@click.argument("subscription")
def webhooks_enable(subscription: str) -> None:
    """Re-enable an endpoint disabled by a 410; its pending deliveries resume."""
    from worker.store.webhooks import set_endpoint_disabled

    set_endpoint_disabled(_store(_settings()), subscription, None)
    click.echo(f"{subscription}: enabled")


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
        rt = runtime.use(settings)
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


# -- classifier -----------------------------------------------------------------------


@main.group()
def classifier() -> None:
    """The optional supervised topic model (needs the `ml` extra)."""


@classifier.command("train")
@click.argument("labelled", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def classifier_train(labelled: Path) -> None:
    """Train a topic model on LABELLED.jsonl ({"text", "topics": [codes]} per line); it is
    saved under INGEST_DATA_DIR and blended with the rules by workers started after."""
    from worker.classify import model

    rows = model.read_labelled(labelled)
    if len({code for _, codes in rows for code in codes}) < 2:
        raise click.ClickException("need labelled lines with at least two different topics")
    try:
        trained = model.train(rows)
    except ImportError as exc:
        raise click.ClickException(
            f"{exc.name} is missing: install the ml extra (pip install 'ingest-worker[ml]')"
        ) from exc
    path = model.save(trained, _settings().data_dir)
    click.echo(f"trained on {len(rows)} items, {len(trained['codes'])} topics: {path}")
