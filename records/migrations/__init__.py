"""Alembic migrations of the records database, run by :func:`records.store.open_store` on open.

Shipped inside the package (``script_location = records:migrations``), so they work from an
installed toolkit. A new revision: ``alembic -c records/migrations/alembic.ini revision -m "..."``.
"""
