"""Fixtures shared by the test files (the fake YouTube and its neighbours), and Hypothesis profiles."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import settings

from tests.fake_youtube import FakeYouTube, RequestLogger, running

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
def request_logger() -> Iterator[RequestLogger]:
    """Another local server that records whatever reaches it (where no token may ever go)."""
    logger = RequestLogger()
    try:
        yield logger
    finally:
        logger.stop()
