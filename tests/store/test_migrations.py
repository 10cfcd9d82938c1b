"""Migrations 0004 (the full-article option, merging the poller and fan-out branches),
0005 (lz4 compression of the large columns on PostgreSQL), 0006 (vacuuming the
queue-like tables by dead rows) and 0007 (a partial index over the unsent outbox rows).

Each database test runs on SQLite and PostgreSQL (the `database_url` fixture), from a
schema at both old heads (0002 and 0003), as a deployment before 0004 has it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, inspect, select, text

from worker.store import tables as t
from worker.store.migrate import alembic_config

FEED_ID = "f" * 32


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A database at 0002 + 0003, holding one feed."""
    engine = create_engine(database_url)
    migrate(engine, command.upgrade, "0002")
    migrate(engine, command.upgrade, "0003")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO feeds (id, url, enabled, status, error_count, created_at)"
                " VALUES (:id, 'https://news.example/rss', :on, 'ok', 0, CURRENT_TIMESTAMP)"
            ),
            {"id": FEED_ID, "on": True},
        )
    yield engine
    engine.dispose()


def migrate(engine: Engine, action: Callable[[Config, str], None], target: str) -> None:
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        action(cfg, target)


def revisions(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def feed_columns(engine: Engine) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns("feeds")}


def test_0004_merges_the_two_branches_into_one_head() -> None:
    script = ScriptDirectory.from_config(alembic_config())

    assert script.get_heads() == ["0007"]
    assert set(script.get_revision("0004").down_revision) == {"0002", "0003"}


def test_upgrading_adds_the_option_turned_off_for_existing_feeds(engine: Engine) -> None:
    migrate(engine, command.upgrade, "heads")

    assert revisions(engine) == {"0007"}
    with engine.connect() as conn:
        assert conn.scalar(select(t.feeds.c.full_article)) is False


def test_downgrading_returns_to_both_branches_and_keeps_the_feeds(engine: Engine) -> None:
    migrate(engine, command.upgrade, "0004")

    migrate(engine, command.downgrade, "0002")  # undoes what depends on 0002: only 0004

    assert revisions(engine) == {"0002", "0003"}
    assert "full_article" not in feed_columns(engine)
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT id FROM feeds")) == FEED_ID
    schema = inspect(engine)
    assert "ix_feeds_due" in {i["name"] for i in schema.get_indexes("feeds")}
    assert [c["column_names"] for c in schema.get_unique_constraints("feeds")] == [["url"]]


def up_then_down(postgres_url: str, query: str, down_to: str) -> tuple[object, object]:
    """`query`'s answer at the newest revision, then after a downgrade to `down_to`."""
    engine = create_engine(postgres_url)
    answers = []
    for action, target in ((command.upgrade, "heads"), (command.downgrade, down_to)):
        migrate(engine, action, target)
        with engine.connect() as conn:
            answers.append(conn.scalar(text(query)))
    engine.dispose()
    return answers[0], answers[1]


def test_postgresql_compresses_item_records_with_lz4(postgres_url: str) -> None:
    upgraded, downgraded = up_then_down(
        postgres_url,
        "SELECT attcompression FROM pg_attribute"
        " WHERE attrelid = 'items'::regclass AND attname = 'record'",
        "0004",
    )

    assert (upgraded, downgraded) == ("l", "")


def test_postgresql_vacuums_the_outbox_after_a_fixed_number_of_dead_rows(
    postgres_url: str,
) -> None:
    upgraded, downgraded = up_then_down(
        postgres_url, "SELECT reloptions FROM pg_class WHERE relname = 'outbox'", "0005"
    )

    assert sorted(upgraded) == [
        "autovacuum_vacuum_scale_factor=0",
        "autovacuum_vacuum_threshold=5000",
    ]
    assert downgraded is None


def test_the_unsent_outbox_rows_get_an_index_of_their_own_and_lose_it_on_downgrade(
    engine: Engine,
) -> None:
    def outbox_indexes() -> dict[str, list[str]]:
        return {i["name"]: i["column_names"] for i in inspect(engine).get_indexes("outbox")}

    migrate(engine, command.upgrade, "heads")
    upgraded = outbox_indexes()
    with engine.connect() as conn:
        definition = conn.scalar(
            text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_outbox_pending'")
            if engine.dialect.name == "postgresql"
            else text("SELECT sql FROM sqlite_master WHERE name = 'ix_outbox_pending'")
        )
    migrate(engine, command.downgrade, "0006")

    assert upgraded["ix_outbox_pending"] == ["seq"]
    assert "WHERE" in definition and "sent_at IS NULL" in definition
    assert "ix_outbox_pending" not in outbox_indexes()
    assert outbox_indexes()["ix_outbox_unsent"] == ["sent_at", "seq"]
