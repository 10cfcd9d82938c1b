"""Alembic environment: the URL and connection come from worker.store.migrate."""

from alembic import context

from worker.store.tables import metadata

connection = context.config.attributes.get("connection")
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection is not None and connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
