"""lz4 for the large text columns on PostgreSQL

Item records, clean text and event payloads are over the 2 KB TOAST threshold, so
PostgreSQL compresses every one; its default (pglz) costs several times lz4's CPU for
a similar ratio. Only new values use the new method. A server built without lz4, and
SQLite, are left as they are.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (("items", "record"), ("items", "body"), ("item_versions", "record"),
           ("outbox", "payload"))  # fmt: skip


def _set_compression(method: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    if method == "lz4" and not bind.scalar(
        sa.text(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
    ):
        return
    for table, column in COLUMNS:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION {method}")


def upgrade() -> None:
    _set_compression("lz4")


def downgrade() -> None:
    _set_compression("default")
