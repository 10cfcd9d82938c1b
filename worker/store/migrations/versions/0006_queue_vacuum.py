"""Vacuum the queue-like tables by dead rows, not by their share of the table

The outbox and the webhook deliveries are queues: every row is updated once or twice
and then left for retention, so dead index entries for "not sent yet" pile up between
vacuums and every relay query wades through them. PostgreSQL's default waits for 20%
of the table to be dead, which on a table of millions of sent rows is hundreds of
thousands of dead entries; a fixed threshold keeps them to a few thousand.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("outbox", "webhook_deliveries")
OPTIONS = ("autovacuum_vacuum_scale_factor", "autovacuum_vacuum_threshold")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"ALTER TABLE {table} SET ({OPTIONS[0]} = 0, {OPTIONS[1]} = 5000)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"ALTER TABLE {table} RESET ({', '.join(OPTIONS)})")
