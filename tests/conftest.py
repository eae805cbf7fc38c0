"""Fixtures shared by the test files (the fake YouTube and its neighbours)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fake_youtube import FakeYouTube, RequestLogger, running


@pytest.fixture
def youtube() -> Iterator[FakeYouTube]:
    """A running fake YouTube on 127.0.0.1 for one test."""
    with running() as fake:
        yield fake


@pytest.fixture
def request_logger() -> Iterator[RequestLogger]:
    """Another local server that records whatever reaches it (where no token may ever go)."""
    logger = RequestLogger()
    try:
        yield logger
    finally:
        logger.stop()
