"""Alembic's environment: migrate the connection the toolkit hands over (records.store), inside its
transaction and lock; or, from the `alembic` command, the database of `sqlalchemy.url`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

connection = context.config.attributes.get("connection")
if connection is not None:
    context.configure(connection=connection, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
else:  # pragma: no cover - a developer's `alembic` command
    engine = create_engine(context.config.get_main_option("sqlalchemy.url") or "sqlite://")
    with engine.connect() as own:
        context.configure(connection=own, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
