"""Where the records database is, found without configuration.

1. ``--db URL`` (the commands' option), else ``$RENDER_AUDIT_DB``: ``sqlite:///path`` or
   ``postgresql://user@host/db`` (a shared server for a team);
2. else ``<project>/.render/audit.sqlite``, where the project is the nearest folder, from
   the build folder (or the output folder) upward, holding ``pyproject.toml``, ``.git`` or
   ``.render``; then the same from the other places the command knows (the script's folder,
   the current folder); else the last of those places itself.

`render` and `upload` look from the build folder first, so both find the same file.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from contract.errors import InputError

ENV = "RENDER_AUDIT_DB"
FOLDER = ".render"
FILE = "audit.sqlite"
MARKERS = ("pyproject.toml", ".git", FOLDER)
URL_HINT = "give sqlite:///PATH (a file) or postgresql://USER@HOST/DATABASE (a server)"


def project_root(start: Path) -> Path | None:
    """The nearest folder from `start` upward holding pyproject.toml, .git or .render; None if none."""
    start = Path(os.path.abspath(start))
    for folder in (start, *start.parents):
        if any((folder / marker).exists() for marker in MARKERS):
            return folder
    return None


def default_path(*starts: Path) -> Path:
    """`<project>/.render/audit.sqlite` for the first of `starts` inside a project, else in the last one."""
    if not starts:
        starts = (Path.cwd(),)
    for start in starts:
        root = project_root(start)
        if root is not None:
            return root / FOLDER / FILE
    return Path(os.path.abspath(starts[-1])) / FOLDER / FILE


def resolve_url(db: str | None, *starts: Path) -> URL:
    """The SQLAlchemy URL to open: `db`, else $RENDER_AUDIT_DB, else the project's SQLite file."""
    text = db or os.environ.get(ENV) or None
    if text is None:
        return URL.create("sqlite+pysqlite", database=str(default_path(*starts)))
    source = "--db" if db else f"${ENV}"
    try:
        url = make_url(text.strip())
    except ArgumentError:
        raise InputError(f"{source} {text!r} is not a database URL", hint=URL_HINT) from None
    backend, _, driver = url.drivername.partition("+")
    if backend == "sqlite" and driver in ("", "pysqlite"):
        if not url.database or url.database == ":memory:":
            raise InputError(f"{source} {text!r} names no database file", hint=URL_HINT)
        return url.set(drivername="sqlite+pysqlite")
    if backend in ("postgresql", "postgres") and driver in ("", "psycopg"):
        return url.set(drivername="postgresql+psycopg")
    raise InputError(f"{source} {text!r}: only SQLite and PostgreSQL are supported", hint=URL_HINT)


def shown(url: URL) -> str:
    """The URL as messages show it: no password."""
    if url.get_backend_name() == "sqlite":
        return f"sqlite:///{url.database}"
    return url.render_as_string(hide_password=True).replace("postgresql+psycopg://", "postgresql://", 1)


def folder_key(folder: Path) -> str:
    """How the records name a build folder: `<project folder's name>/<path inside it>` (a moved or
    cloned project keeps its records; the project's name keeps two projects on one server apart),
    else its absolute path."""
    real = Path(os.path.realpath(folder))
    root = project_root(real)
    if root is None:
        return real.as_posix()
    return (Path(root.name or "project") / real.relative_to(root)).as_posix()
