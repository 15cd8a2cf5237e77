"""Alembic environment: always given a live connection by storage.db (no alembic.ini)."""

from __future__ import annotations

from alembic import context

from handcoach.storage.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run HandCoach's migrations through storage.db.Store.migrate()")

# render_as_batch: SQLite cannot ALTER most things; batch mode copies the table instead.
context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
with context.begin_transaction():
    context.run_migrations()
