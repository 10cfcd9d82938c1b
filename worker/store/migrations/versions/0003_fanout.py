"""Fan-out and storage: item versions, labels, full-text search, webhook deliveries.

Revision ID: 0003
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SeqType = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.add_column("items", sa.Column("body", sa.Text(), nullable=True))
    op.add_column("items", sa.Column("spun", sa.Boolean(), nullable=True))
    op.create_table(
        "item_versions",
        sa.Column("item_id", sa.String(32), primary_key=True),
        sa.Column("version", sa.Integer(), primary_key=True),
        sa.Column("record", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "item_labels",
        sa.Column("item_id", sa.String(32), primary_key=True),
        sa.Column("kind", sa.String(8), primary_key=True),
        sa.Column("code", sa.String(64), primary_key=True),
        sa.Column("score", sa.Float(), nullable=False),
    )
    op.create_index("ix_item_labels_code", "item_labels", ["kind", "code"])
    op.create_table(
        "webhook_endpoints",
        sa.Column("subscription", sa.String(64), primary_key=True),
        sa.Column("disabled_at", sa.DateTime(timezone=True)),
        sa.Column("disabled_reason", sa.Text()),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", SeqType, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(32), nullable=False, unique=True),
        sa.Column("subscription", sa.String(64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True)),
        sa.Column("last_status", sa.Integer()),
        sa.Column("last_error", sa.Text()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True)),
    )
    op.create_index(
        "ix_webhook_deliveries_due", "webhook_deliveries", ["status", "next_attempt_at"]
    )
    op.create_table(
        "webhook_attempts",
        sa.Column("id", SeqType, primary_key=True, autoincrement=True),
        sa.Column("delivery_id", sa.BigInteger(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status_code", sa.Integer()),
        sa.Column("error", sa.Text()),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
    )
    op.create_index("ix_webhook_attempts_delivery_id", "webhook_attempts", ["delivery_id"])

    if op.get_bind().dialect.name == "postgresql":
        op.execute("UPDATE items SET body = record::json->>'text'")
        op.execute(
            "ALTER TABLE items ADD COLUMN search tsvector GENERATED ALWAYS AS "
            "(to_tsvector('english', coalesce(title, '') || ' ' || coalesce(body, ''))) STORED"
        )
        op.execute("CREATE INDEX ix_items_search ON items USING gin (search)")
    else:
        op.execute("UPDATE items SET body = json_extract(record, '$.text')")
        op.execute(
            "CREATE VIRTUAL TABLE items_fts USING fts5("
            "item_id UNINDEXED, title, body, tokenize = 'porter unicode61')"
        )
        op.execute("INSERT INTO items_fts (item_id, title, body) SELECT id, title, body FROM items")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_items_search")
        op.execute("ALTER TABLE items DROP COLUMN IF EXISTS search")
    else:
        op.execute("DROP TABLE IF EXISTS items_fts")
    for table in ("webhook_attempts", "webhook_deliveries", "webhook_endpoints",
                  "item_labels", "item_versions"):  # fmt: skip
        op.drop_table(table)
    with op.batch_alter_table("items") as batch:
        batch.drop_column("spun")
        batch.drop_column("body")
