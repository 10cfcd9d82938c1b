"""A partial index over the outbox rows not sent yet

The relay's queries ask for unsent rows in outbox order. Through the (sent_at, seq)
index, in a bitmap scan, they visited the table page of every row version that was
unsent since the last vacuum (every stamp and every "sent" writes a new version): tens
of thousands of pages per query. An index of the unsent rows alone, in `seq` order,
read by a plain index scan (the store asks for one), marks the entries of dead versions
as it meets them, so each is visited once. The (sent_at, seq) index stays: retention
deletes sent rows by age through it.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNSENT = sa.text("sent_at IS NULL")


def upgrade() -> None:
    op.create_index(
        "ix_outbox_pending", "outbox", ["seq"], postgresql_where=UNSENT, sqlite_where=UNSENT
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_pending", table_name="outbox")
