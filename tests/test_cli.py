"""The `ingest` command, in process, on a throw-away data dir."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from tests.conftest import SAMPLES
from tests.factories import record, to_all
from tests.support.cli import ingest
from worker.cli import main
from worker.store.repository import Store, feed_id_for


def test_process_prints_one_json_record_per_entry(cli_data_dir: Path) -> None:
    lines = ingest("process", str(SAMPLES / "autoblog.xml")).splitlines()

    records = [json.loads(line) for line in lines]
    assert len(records) == 3
    assert all(r["attribution"]["source_url"] for r in records)


def test_process_links_a_republished_copy_to_the_earlier_feed(cli_data_dir: Path) -> None:
    out = ingest("process", str(SAMPLES / "autoblog.xml"), str(SAMPLES / "republisher.xml"))

    records = [json.loads(line) for line in out.splitlines()]
    copies = [r for r in records if r["duplicate_of"]]
    assert len(copies) == 1
    assert copies[0]["duplicate_of"] in {r["id"] for r in records[:3]}


def test_feeds_added_are_listed_and_exported_as_opml(cli_data_dir: Path) -> None:
    ingest("feeds", "add", "https://news.example.org/rss", "--category", "World")

    listed = json.loads(ingest("feeds", "list", "--json"))
    exported = ingest("feeds", "export")

    assert [f["url"] for f in listed] == ["https://news.example.org/rss"]
    assert 'xmlUrl="https://news.example.org/rss"' in exported
    assert 'text="World"' in exported


def test_an_opml_file_is_imported_once(cli_data_dir: Path, tmp_path: Path) -> None:
    opml = tmp_path / "in.opml"
    opml.write_text(
        '<opml version="2.0"><body><outline text="A" xmlUrl="https://a.example/rss"/>'
        '<outline text="B" xmlUrl="https://b.example/rss"/></body></opml>'
    )

    assert "imported 2 feeds" in ingest("feeds", "import", str(opml))
    assert "imported 0 feeds" in ingest("feeds", "import", str(opml))


def test_a_removed_feed_is_gone(cli_data_dir: Path) -> None:
    ingest("feeds", "add", "https://news.example.org/rss")

    ingest("feeds", "remove", "https://news.example.org/rss")

    assert json.loads(ingest("feeds", "list", "--json")) == []


def test_items_export_and_show_read_the_store(cli_data_dir: Path) -> None:
    store = Store(f"sqlite:///{(cli_data_dir / 'ingest.db').resolve()}")
    cli_data_dir.mkdir(parents=True)
    store.migrate()
    stored = record("a")
    store.save_items(feed_id_for(stored.feed), [stored], to_all)

    exported = [json.loads(line) for line in ingest("items", "export").splitlines()]
    shown = json.loads(ingest("items", "show", stored.id[:10]))

    assert [r["id"] for r in exported] == [stored.id]
    assert shown["title"] == stored.title


def test_dead_letters_are_listed_shown_and_purged(cli_data_dir: Path) -> None:
    cli_data_dir.mkdir(parents=True)
    store = Store(f"sqlite:///{(cli_data_dir / 'ingest.db').resolve()}")
    store.migrate()
    dl_id = store.add_dead_letter("worker.tasks.process_entries", "t1", [[], {}], "Boom", "tb", 5)

    assert "Boom" in ingest("dlq", "list")
    assert json.loads(ingest("dlq", "show", str(dl_id)))["attempts"] == 5
    assert "purged 1" in ingest("dlq", "purge", "--yes")


def test_status_reports_queues_workers_and_figures_as_json(
    cli_data_dir: Path, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INGEST_BROKER_URL", redis_url)
    from worker import runtime

    monkeypatch.setattr(runtime, "_runtime", None)
    ingest("feeds", "add", "https://news.example.org/rss")

    snapshot = json.loads(ingest("status", "--json"))

    waiting = [(q["name"], q["waiting"]) for q in snapshot["queues"]]
    assert waiting == [("process", 0), ("fanout", 0)]
    assert snapshot["workers"] == []
    assert snapshot["feeds"]["total"] == 1
    assert snapshot["counts"]["dead_letters"] == 0


def _stored(cli_data_dir: Path, *records) -> Store:
    cli_data_dir.mkdir(parents=True, exist_ok=True)
    store = Store(f"sqlite:///{(cli_data_dir / 'ingest.db').resolve()}")
    store.migrate()
    store.save_items(feed_id_for(records[0].feed), list(records), to_all)
    return store


def test_items_search_prints_matching_records(cli_data_dir: Path) -> None:
    _stored(
        cli_data_dir, record("a", text="Wildfires spread in the north."), record("b", text="Rain.")
    )

    found = [json.loads(x) for x in ingest("items", "search", "wildfires", "--format", "jsonl")
             .splitlines()]  # fmt: skip

    assert [r["entry_key"] for r in found] == ["a"]


def test_items_history_lists_every_version(cli_data_dir: Path) -> None:
    store = _stored(cli_data_dir, record("a", text="Draft."))
    store.save_items(feed_id_for(record().feed), [record("a", text="Fixed.", content_hash="h2")],
                     to_all)  # fmt: skip

    versions = [json.loads(x)["version"] for x in ingest("items", "history", record("a").id)
                .splitlines()]  # fmt: skip

    assert versions == [1, 2]


def test_webhooks_list_shows_endpoints_from_the_subscriptions_file(
    cli_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    subs = tmp_path / "subs.toml"
    subs.write_text(
        '[subscriptions.alerts]\nwebhook = { url = "https://hooks.example.com/in", '
        'secret = "whsec_c2VjcmV0" }\n'
    )
    monkeypatch.setenv("INGEST_SUBSCRIPTIONS_FILE", str(subs))

    listed = json.loads(ingest("webhooks", "list", "--json"))

    assert [(w["subscription"], w["url"]) for w in listed] == [
        ("alerts", "https://hooks.example.com/in")
    ]
    assert "whsec_" not in ingest("webhooks", "list")


def test_retention_refuses_to_run_when_turned_off(cli_data_dir: Path) -> None:
    result = CliRunner().invoke(main, ["retention", "--days", "0"])

    assert result.exit_code != 0
    assert "retention is off" in result.output


def test_a_feed_added_with_full_article_shows_it_in_the_list(
    cli_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("worker.cli.console", Console(width=250))

    ingest("feeds", "add", "https://news.example.org/rss", "--full-article")

    [feed] = json.loads(ingest("feeds", "list", "--json"))
    assert feed["full_article"] is True
    assert "full article" in ingest("feeds", "list")


def test_feeds_set_switches_between_full_article_and_feed_content(cli_data_dir: Path) -> None:
    ingest("feeds", "add", "https://news.example.org/rss")

    ingest("feeds", "set", "https://news.example.org/rss", "--full-article")
    [on] = json.loads(ingest("feeds", "list", "--json"))
    ingest("feeds", "set", "https://news.example.org/rss", "--feed-content")
    [off] = json.loads(ingest("feeds", "list", "--json"))

    assert (on["full_article"], off["full_article"]) == (True, False)


def test_full_article_survives_an_opml_export_and_import(
    cli_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest("feeds", "add", "https://a.example/rss", "--category", "World")
    ingest("feeds", "add", "https://b.example/rss")
    ingest("feeds", "set", "https://a.example/rss", "--full-article")
    opml = tmp_path / "feeds.opml"
    opml.write_text(ingest("feeds", "export"))

    monkeypatch.setenv("INGEST_DATA_DIR", str(tmp_path / "another"))
    ingest("feeds", "import", str(opml))

    listed = json.loads(ingest("feeds", "list", "--json"))
    assert {f["url"]: f["full_article"] for f in listed} == {
        "https://a.example/rss": True,
        "https://b.example/rss": False,
    }
