"""poller: schedule, errors, redirects, entry identity, WebSub

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_FEED_COLUMNS = (
    ("fetch_url", sa.Text(), None),
    ("redirect_url", sa.Text(), None),
    ("redirect_seen", sa.Integer(), "0"),
    ("min_interval_s", sa.Integer(), None),
    ("max_interval_s", sa.Integer(), None),
    ("retry_after_until", sa.DateTime(timezone=True), None),
    ("failing_since", sa.DateTime(timezone=True), None),
    ("soft_errors", sa.Integer(), "0"),
    ("hard_errors", sa.Integer(), "0"),
    ("last_warning", sa.Text(), None),
    ("key_mode", sa.String(length=8), "guid"),
    ("websub_hub", sa.Text(), None),
    ("websub_topic", sa.Text(), None),
    ("websub_secret", sa.String(length=64), None),
    ("websub_state", sa.String(length=16), None),
    ("websub_expires_at", sa.DateTime(timezone=True), None),
)


def upgrade() -> None:
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        for name, type_, default in NEW_FEED_COLUMNS:
            batch_op.add_column(
                sa.Column(name, type_, nullable=default is None, server_default=default)
            )
        batch_op.create_index("ix_feeds_due", ["enabled", "next_poll_at"], unique=False)
    op.create_table(
        "feed_identities",
        sa.Column("feed_id", sa.String(length=32), nullable=False),
        sa.Column("links", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("feed_id"),
    )


def downgrade() -> None:
    op.drop_table("feed_identities")
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.drop_index("ix_feeds_due")
        for name, _type, _default in reversed(NEW_FEED_COLUMNS):
            batch_op.drop_column(name)
