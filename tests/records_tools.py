"""What the records tests share: the two commands run in the test's process, and a look at the database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from records import audit
from records.store import Store, open_store
from render.cli import group
from tests.fake_youtube import CHUNK_UNIT, FakeYouTube
from upload.cli import command


def render_cli(*args: str | Path) -> Result:
    """`render ARGS...` (the click group), in this process."""
    return CliRunner().invoke(group, [str(a) for a in args], prog_name="render", catch_exceptions=False)


def upload_cli(fake: FakeYouTube, token: Path | None, build: Path, *extra: str) -> Result:
    """`upload BUILD [--token-file TOKEN] --api-endpoint FAKE [EXTRA...]`, in this process."""
    login = ["--token-file", str(token)] if token is not None else []
    args = [str(build), *login, "--api-endpoint", fake.url, "--chunk-size", str(CHUNK_UNIT), *extra]
    return CliRunner().invoke(command, args, catch_exceptions=False)


def store(url: str) -> Store:
    return open_store(url)


def trail(url: str, **where: Any) -> list[audit.AuditEntry]:
    """The audit entries of the database at `url` (filtered as :func:`records.audit.entries` does)."""
    with open_store(url) as opened:
        return audit.entries(opened, **where)
