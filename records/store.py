"""The records database: opened (and migrated) once per command, written one writer at a time.

    with open_store(db, build_folder) as store:   # db: --db URL, or None for $RENDER_AUDIT_DB / the project's
        with store.writing() as connection:        # serialised with every other writer, in any process
            ...

SQLite (the default, one file per project) or PostgreSQL (a team's shared server), through
SQLAlchemy 2 Core. Opening runs the Alembic migrations shipped in :mod:`records.migrations`
up to the newest revision, under the same write lock, so two commands opening a new store
at once do not both create it.

Writes are serialised so the audit chain stays linear: on SQLite each write transaction
starts with ``BEGIN IMMEDIATE`` (the database's write lock, taken before the chain's head
is read); on PostgreSQL with ``pg_advisory_xact_lock``, released at commit. No connection
is kept between operations (``NullPool``): `render` forks its workers while a store is open,
and a child must not inherit a live connection.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from contract.errors import EnvironmentProblem
from contract.files import os_reason
from records.location import ENV, resolve_url, shown

SQLITE_BUSY_SECONDS = 60  # how long a writer waits for another one before giving up
# one application-wide advisory lock key for every write (PostgreSQL)
_PG_LOCK = int.from_bytes(hashlib.sha256(b"explainer-toolkit records writer").digest()[:8], "big", signed=True)
_WRITE = "records_write"
_SCRIPT_LOCATION = "records:migrations"


class StoreError(EnvironmentProblem):
    """The records database cannot be opened, read or written: exit code 1."""


def store_hint() -> str:
    return (
        "check that the database can be reached and written, or give another one with --db URL "
        f"or ${ENV} (sqlite:///PATH or postgresql://USER@HOST/DATABASE); see docs/publishing.md"
    )


def _reason(error: BaseException) -> str:
    original = getattr(error, "orig", None) or error
    if isinstance(original, OSError):
        return os_reason(original)
    return str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__


class Store:
    """An open records database. Use :func:`open_store`; close it (or use ``with``) after use."""

    def __init__(self, engine: Engine, url: URL) -> None:
        self.engine = engine
        self.url = url

    @property
    def where(self) -> str:
        """The database as messages name it (no password)."""
        return shown(self.url)

    @property
    def is_postgres(self) -> bool:
        return self.url.get_backend_name() == "postgresql"

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A read transaction (sees a consistent snapshot on SQLite)."""
        try:
            with self.engine.connect() as connection, connection.begin():
                yield connection
        except SQLAlchemyError as error:
            raise StoreError(f"cannot read the records database {self.where}: {_reason(error)}", store_hint()) from None

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A write transaction that no other writer (thread or process) runs beside; committed on success."""
        try:
            with self.engine.connect() as connection:
                connection.execution_options(**{_WRITE: True})
                with connection.begin():
                    if self.is_postgres:
                        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
                    yield connection
        except SQLAlchemyError as error:
            raise StoreError(
                f"cannot write to the records database {self.where}: {_reason(error)}", store_hint()
            ) from None

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()


def _sqlite_engine(url: URL) -> Engine:
    assert url.database is not None
    Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, poolclass=NullPool, connect_args={"timeout": SQLITE_BUSY_SECONDS})

    @event.listens_for(engine, "connect")
    def _connect(dbapi: sqlite3.Connection, _record: Any) -> None:
        dbapi.isolation_level = None  # pysqlite emits no BEGIN of its own: `_begin` below does
        cursor = dbapi.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_SECONDS * 1000}")
            # readers never wait for the writer; durable at each commit (synchronous stays FULL)
            cursor.execute("PRAGMA journal_mode = WAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        # BEGIN IMMEDIATE takes the write lock now, before the chain's head is read
        immediate = connection.get_execution_options().get(_WRITE)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    return create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": 10})


@functools.cache
def _head() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def _alembic_config() -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", _SCRIPT_LOCATION)
    return config


# The newest migration's revision (records/migrations/versions). A database already there is opened
# without importing alembic (a fifth of a second at every render); a test keeps this equal to
# alembic's head.
HEAD_REVISION = "0001"


def _current_revision(store: Store) -> str | None:
    """The database's revision, read as alembic keeps it; None when there is none yet."""
    try:
        with store.reading() as connection:
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except StoreError:  # no table yet (a new database), or unreadable: alembic then says which
        return None
    return str(rows[0][0]) if len(rows) == 1 else None


def _migrate(store: Store) -> None:
    """Bring the database to the newest revision (nothing to do, usually: one read)."""
    if _current_revision(store) == HEAD_REVISION:
        return
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.util.exc import CommandError

    head = _head()
    with store.reading() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    if current == head:
        return
    config = _alembic_config()
    # alembic logs each step at INFO; under a root handler (Manim installs one) users would see them
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        with store.writing() as connection:  # two first openings at once: the second finds it done
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except CommandError as error:
        raise StoreError(
            f"the records database {store.where} is at revision {current!r}, which this version of the "
            f"toolkit does not know ({error})",
            hint="it was upgraded by a newer toolkit: use that version (or a copy of the database)",
        ) from None


def open_store(db: str | None = None, *near: Path) -> Store:
    """Open (creating and migrating as needed) the records database.

    `db`: a URL (``--db``); None: ``$RENDER_AUDIT_DB``, else ``<project>/.render/audit.sqlite`` for the
    first of `near` inside a project (see :mod:`records.location`). Raises
    :class:`contract.errors.InputError` for a bad URL (exit 2) and :class:`StoreError` (exit 1)
    when the database cannot be opened, migrated and written.
    """
    url = resolve_url(db, *near)
    try:
        engine = _engine(url)
    except OSError as error:
        raise StoreError(f"cannot create the records database {shown(url)}: {os_reason(error)}", store_hint()) from None
    except (SQLAlchemyError, ImportError) as error:
        raise StoreError(f"cannot open the records database {shown(url)}: {_reason(error)}", store_hint()) from None
    store = Store(engine, url)
    try:
        _migrate(store)
        with store.writing():  # proves the write lock can be taken, before any work is done
            pass
    except BaseException:
        store.close()
        raise
    return store
