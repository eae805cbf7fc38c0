"""Fixtures shared by the test files (the fake YouTube and its neighbours), and Hypothesis profiles."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from tests.fake_youtube import FakeYouTube, RequestLogger, running, write_token_file
from tests.helpers import REPO
from tests.postgres_server import Server, Unavailable
from tests.postgres_server import start as start_postgres

# Property tests: quick and random on a developer's machine; in CI (CI=true) larger and
# derandomized, so a run passes or fails by the code, never by its seed.
# HYPOTHESIS_PROFILE=ci reproduces CI's examples locally.
settings.register_profile("quick", max_examples=40)
settings.register_profile("ci", max_examples=120, derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "quick"))


@pytest.fixture
def youtube() -> Iterator[FakeYouTube]:
    """A running fake YouTube on 127.0.0.1 for one test."""
    with running() as fake:
        yield fake


@pytest.fixture
def no_real_login(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The user's own YouTube logins (profiles in ~/.config) are never read (`usefixtures` it)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-real-config"))


@pytest.fixture
def token(youtube: FakeYouTube, tmp_path: Path) -> Path:
    """A token file the fake YouTube accepts."""
    return write_token_file(tmp_path / "token.json", youtube.token_info())


@pytest.fixture
def request_logger() -> Iterator[RequestLogger]:
    """Another local server that records whatever reaches it (where no token may ever go)."""
    logger = RequestLogger()
    try:
        yield logger
    finally:
        logger.stop()


@pytest.fixture(autouse=True, scope="session")
def records_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The session's records database (ledger, approvals, audit trail): no test writes to the
    repository's own `.render/audit.sqlite`. Subprocesses inherit it through the environment."""
    url = f"sqlite:///{tmp_path_factory.mktemp('records') / 'audit.sqlite'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RENDER_AUDIT_DB", url)
        patch.delenv("RENDER_USER", raising=False)
        yield url


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Server | str]:
    """A throwaway PostgreSQL server for the session, or why none can start here."""
    try:
        server = start_postgres()
    except Unavailable as why:
        yield str(why)
        return
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A new, empty records database for one test, on SQLite and on PostgreSQL; the commands use it
    ($RENDER_AUDIT_DB). Without a PostgreSQL server the PostgreSQL tests skip, saying why; in CI they fail."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'records.sqlite'}"
    else:
        server = request.getfixturevalue("postgres_server")
        if isinstance(server, str):
            if os.environ.get("CI"):
                pytest.fail(f"CI needs a PostgreSQL server for these tests: {server}")
            pytest.skip(f"no PostgreSQL server could start: {server}")
        url = server.create_database()
    monkeypatch.setenv("RENDER_AUDIT_DB", url)
    return url


@pytest.fixture(scope="session")
def rendered_examples(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[Path, str]]]:
    """Every example in scripts/ rendered once as a preview (480p, 15 fps: the same timing), with its
    log, for the tests that look at them (they render in a subprocess, as a user runs `render`)."""
    out = tmp_path_factory.mktemp("examples")
    results = {}
    for script in sorted((REPO / "scripts").glob("*.yaml")):
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "render",
                "--preview",
                "--out",
                str(out),
                "--cache-dir",
                str(out / "cache"),
                str(script),
            ],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=600,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        assert run.returncode == 0, run.stderr
        results[script.stem] = (out / f"{script.stem}.preview", run.stdout + run.stderr)
    yield results
