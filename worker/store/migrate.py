"""Run the Alembic migrations programmatically (`ingest run` and tests call this)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", "worker.store:migrations")
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the schema to head. Safe to call at every start, from several processes."""
    cfg = alembic_config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "heads")
