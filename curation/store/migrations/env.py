"""Alembic environment: runs on the connection the workspace hands over."""

from alembic import context

from curation.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only used through curation.store.migrate
    raise RuntimeError("curation migrations run through curation.store.migrate, not the alembic CLI")

context.configure(connection=connection, target_metadata=metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
