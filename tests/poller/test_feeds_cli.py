"""`ingest feeds`: the health columns of `list`, per-feed overrides, OPML with categories."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console

from tests.support.cli import ingest
from worker.poller.opml import read_opml, write_opml
from worker.store.repository import Store, utcnow

URL = "https://news.example.org/rss"


def test_list_shows_errors_interval_and_next_poll(cli_data_dir: Path, monkeypatch) -> None:
    monkeypatch.setattr("worker.cli.console", Console(width=250))
    ingest("feeds", "add", URL)
    store = Store(f"sqlite:///{cli_data_dir / 'ingest.db'}")
    store.feeds.update(
        store.get_feed(URL).id,
        status="error",
        error_count=3,
        soft_errors=2,
        hard_errors=1,
        last_error="HTTP 503",
        last_error_at=utcnow(),
        interval_s=5400,
    )

    out = ingest("feeds", "list")

    for shown in ("error", "3 (2/1)", "HTTP 503", "1h30m", "next poll"):
        assert shown in out


def test_set_overrides_a_feeds_interval_bounds(cli_data_dir: Path) -> None:
    ingest("feeds", "add", URL)

    ingest("feeds", "set", URL, "--min-interval", "3600", "--max-interval", "7200")

    [feed] = json.loads(ingest("feeds", "list", "--json"))
    assert (feed["min_interval_s"], feed["max_interval_s"]) == (3600, 7200)
    assert "websub_secret" not in feed


def test_opml_categories_survive_an_export_and_import(tmp_path: Path) -> None:
    path = tmp_path / "feeds.opml"
    feeds = [("https://a.example/rss", "A", "World"), ("https://b.example/rss", None, None)]

    path.write_text(write_opml(feeds))

    assert read_opml(path) == [
        ("https://a.example/rss", "A", "World"),
        ("https://b.example/rss", None, None),
    ]
