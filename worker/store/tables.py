"""The database schema (SQLAlchemy Core), shared by SQLite and PostgreSQL.

JSON documents are stored as text so that both engines hold the same bytes and a
record read back is exactly the record that was written.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)

metadata = MetaData()

# SQLite only autoincrements INTEGER PRIMARY KEY; PostgreSQL wants BIGINT identity.
SeqType = BigInteger().with_variant(Integer(), "sqlite")

feeds = Table(
    "feeds",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("url", Text, nullable=False, unique=True),
    Column("title", Text),
    Column("category", Text),
    Column("enabled", Boolean, nullable=False, default=True),
    Column("status", String(16), nullable=False, default="new"),  # new|ok|error|disabled
    Column("etag", Text),
    Column("last_modified", Text),
    Column("interval_s", Integer),
    Column("next_poll_at", DateTime(timezone=True)),
    Column("lease_until", DateTime(timezone=True)),
    Column("last_polled_at", DateTime(timezone=True)),
    Column("last_success_at", DateTime(timezone=True)),
    Column("last_error", Text),
    Column("last_error_at", DateTime(timezone=True)),
    Column("error_count", Integer, nullable=False, default=0),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # -- the poller's state (migration 0002) --
    # `url` is the feed's identity (its id and its items' ids derive from it);
    # `fetch_url` is where it is fetched from once a permanent redirect is confirmed.
    Column("fetch_url", Text),
    Column("redirect_url", Text),  # a permanent redirect seen, not yet confirmed...
    Column("redirect_seen", Integer, nullable=False, server_default="0"),  # ...this often
    Column("min_interval_s", Integer),  # per-feed bounds of the adaptive schedule
    Column("max_interval_s", Integer),
    Column("retry_after_until", DateTime(timezone=True)),  # a 429/503's Retry-After
    Column("failing_since", DateTime(timezone=True)),
    Column("soft_errors", Integer, nullable=False, server_default="0"),
    Column("hard_errors", Integer, nullable=False, server_default="0"),
    Column("last_warning", Text),
    Column("key_mode", String(8), nullable=False, server_default="guid"),  # guid|link|content
    Column("websub_hub", Text),
    Column("websub_topic", Text),
    Column("websub_secret", String(64)),
    Column("websub_state", String(16)),  # pending|active|failed
    Column("websub_expires_at", DateTime(timezone=True)),
    # -- migration 0004 --
    # Fetch each new entry's linked page and use its extracted body (worker/poller/article.py).
    Column("full_article", Boolean, nullable=False, server_default=false()),
    Index("ix_feeds_due", "enabled", "next_poll_at"),
)

# The link -> GUID pairs of a feed's last fetch: how churning GUIDs are recognised.
feed_identities = Table(
    "feed_identities",
    metadata,
    Column("feed_id", String(32), primary_key=True),
    Column("links", Text, nullable=False),  # JSON {link: guid}
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# What the pipeline has already stored for each entry of each feed: the poller drops
# entries whose content hash is unchanged, so a re-poll re-processes nothing.
seen_entries = Table(
    "seen_entries",
    metadata,
    Column("feed_id", String(32), primary_key=True),
    Column("entry_key", Text, primary_key=True),
    Column("content_hash", String(64), nullable=False),
    Column("item_id", String(32), nullable=False),
    Column("seen_at", DateTime(timezone=True), nullable=False),
)

items = Table(
    "items",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("feed_id", String(32), nullable=False),
    Column("entry_key", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("text_hash", String(64), nullable=False),
    Column("url", Text),
    Column("title", Text, nullable=False),
    Column("language", String(8)),
    Column("published_at", DateTime(timezone=True)),
    Column("duplicate_of", String(32)),
    Column("cluster_id", String(32), nullable=False),
    Column("record", Text, nullable=False),
    Column("body", Text),  # the clean text, for full-text search (FTS5 / tsvector)
    Column("spun", Boolean),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_items_feed", "feed_id"),
    Index("ix_items_created", "created_at"),
)

# First item seen with a given normalised text: later copies point at it (exact dups).
# A primary key rather than a lookup makes two workers racing on one text agree.
fingerprints = Table(
    "fingerprints",
    metadata,
    Column("text_hash", String(64), primary_key=True),
    Column("item_id", String(32), nullable=False),
    Column("cluster_id", String(32), nullable=False),
)

outbox = Table(
    "outbox",
    metadata,
    Column("seq", SeqType, primary_key=True, autoincrement=True),
    Column("event_id", String(32), nullable=False, unique=True),
    Column("subscription", String(64), nullable=False),
    Column("item_id", String(32), nullable=False),
    Column("version", Integer, nullable=False),
    Column("type", String(16), nullable=False),
    Column("payload", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # Stream entry id "<stream_seq>-1", stamped by the relay before it publishes, so a
    # relay that dies between XADD and marking sent cannot add the event twice.
    Column("stream_seq", BigInteger),
    Column("sent_at", DateTime(timezone=True)),
    UniqueConstraint("item_id", "version", "subscription", name="uq_outbox_item_version_sub"),
    Index("ix_outbox_unsent", "sent_at", "seq"),  # retention: sent rows by age
    # The relay's backlog in outbox order: only unsent rows (migration 0007).
    Index(
        "ix_outbox_pending",
        "seq",
        postgresql_where=text("sent_at IS NULL"),
        sqlite_where=text("sent_at IS NULL"),
    ),
)

relay_cursors = Table(
    "relay_cursors",
    metadata,
    Column("subscription", String(64), primary_key=True),
    Column("last_stream_seq", BigInteger, nullable=False, default=0),
)

dead_letters = Table(
    "dead_letters",
    metadata,
    Column("id", SeqType, primary_key=True, autoincrement=True),
    Column("task", Text, nullable=False),
    Column("task_id", Text),
    Column("args", Text, nullable=False),
    Column("error", Text, nullable=False),
    Column("traceback", Text),
    Column("attempts", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("replayed_at", DateTime(timezone=True)),
)

# Every version of every item, so an update keeps the history.
item_versions = Table(
    "item_versions",
    metadata,
    Column("item_id", String(32), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("record", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Topic and region codes of the current version, for search filters.
item_labels = Table(
    "item_labels",
    metadata,
    Column("item_id", String(32), primary_key=True),
    Column("kind", String(8), primary_key=True),  # topic | region
    Column("code", String(64), primary_key=True),
    Column("score", Float, nullable=False),
    Index("ix_item_labels_code", "kind", "code"),
)

# State of a subscription's webhook endpoint (its URL and secrets live in the config).
webhook_endpoints = Table(
    "webhook_endpoints",
    metadata,
    Column("subscription", String(64), primary_key=True),
    Column("disabled_at", DateTime(timezone=True)),
    Column("disabled_reason", Text),
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", SeqType, primary_key=True, autoincrement=True),
    Column("event_id", String(32), nullable=False, unique=True),
    Column("subscription", String(64), nullable=False),
    Column("payload", Text, nullable=False),
    Column("status", String(16), nullable=False),  # pending | delivered | failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("lease_until", DateTime(timezone=True)),
    Column("last_status", Integer),
    Column("last_error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("delivered_at", DateTime(timezone=True)),
    Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
)

webhook_attempts = Table(
    "webhook_attempts",
    metadata,
    Column("id", SeqType, primary_key=True, autoincrement=True),
    Column("delivery_id", BigInteger, nullable=False, index=True),
    Column("attempt", Integer, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("status_code", Integer),
    Column("error", Text),
    Column("duration_ms", Integer, nullable=False),
)
