"""Resumable, chunked video upload with our own retry loop, and retries for ordinary calls.

We do not use ``num_retries`` of google-api-python-client: on a resumable upload it
re-sends a chunk stream that was already read. Instead every transient failure
(5xx, 429, rate limits, dropped connections, timeouts) waits with exponential
backoff and jitter, asks the server which bytes it holds (``bytes */N``) and
resumes from there.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urljoin

from googleapiclient.errors import HttpError

from contract.errors import PublishError
from contract.progress import Reporter
from upload.errors import describe, is_transient

T = TypeVar("T")


@dataclass
class Backoff:
    """Exponential backoff with jitter; `attempts` counts tries per failing step."""

    reporter: Reporter
    attempts: int = 8
    base: float = 1.0
    cap: float = 64.0
    sleep: Callable[[float], None] = time.sleep
    rand: Callable[[], float] = random.random
    waited: list[float] = field(default_factory=list)

    def delay(self, attempt: int) -> float:
        ceiling = min(self.cap, self.base * 2.0**attempt)
        return ceiling / 2 + self.rand() * ceiling / 2

    def wait(self, what: str, error: BaseException, attempt: int) -> None:
        """Wait before try `attempt + 1`; re-raise `error` if permanent or out of tries."""
        if not is_transient(error) or attempt + 1 >= self.attempts:
            raise error
        seconds = self.delay(attempt)
        self.waited.append(seconds)
        self.reporter.warning(
            f"{what}: {describe(error)}; retrying in {seconds:.1f} s (try {attempt + 2} of {self.attempts})"
        )
        self.sleep(seconds)

    def run(self, what: str, call: Callable[[int], T]) -> T:
        """`call(attempt)` until it succeeds; `attempt` > 0 tells an insert to look for its own
        earlier success before inserting again."""
        attempt = 0
        while True:
            try:
                return call(attempt)
            except Exception as error:
                self.wait(what, error, attempt)
                attempt += 1


def execute(backoff: Backoff, what: str, make_request: Callable[[int], Any]) -> Any:
    """Build and execute a (non-resumable) request with retries."""
    return backoff.run(what, lambda attempt: make_request(attempt).execute(num_retries=0))


class SessionExpired(Exception):
    """The upload session is gone (404/410): start a new one."""


@dataclass
class SessionState:
    progress: int = 0
    resource: dict[str, Any] | None = None


def _json(content: bytes | str) -> dict[str, Any]:
    text = content.decode("utf-8") if isinstance(content, bytes) else content
    data = json.loads(text) if text else {}
    return data if isinstance(data, dict) else {}


def start_session(http: Any, request: Any, size: int, mimetype: str) -> str:
    """POST the metadata to start a resumable session; return the session URI (`Location`).

    Done here rather than inside ``next_chunk()`` so the URI can be saved before the
    first byte is sent."""
    headers = dict(request.headers)
    headers["X-Upload-Content-Type"] = mimetype
    headers["X-Upload-Content-Length"] = str(size)
    body = request.body or ""
    headers["content-length"] = str(len(body.encode("utf-8") if isinstance(body, str) else body))
    response, content = http.request(request.uri, method=request.method, body=body, headers=headers)
    if response.status in (200, 201) and "location" in response:
        return urljoin(str(request.uri), str(response["location"]))
    raise HttpError(response, content, uri=request.uri)


def query_session(http: Any, session_uri: str, size: int) -> SessionState:
    """Ask an upload session which bytes it holds (``Content-Range: bytes */size``)."""
    headers = {"Content-Range": f"bytes */{size}", "Content-Length": "0"}
    response, content = http.request(session_uri, method="PUT", body=b"", headers=headers)
    if response.status in (200, 201):
        return SessionState(size, _json(content))
    if response.status == 308:
        stored = response.get("range")
        if not stored:
            return SessionState(0)
        return SessionState(int(str(stored).rsplit("-", 1)[1]) + 1)
    if response.status in (404, 410):
        raise SessionExpired()
    raise HttpError(response, content, uri=session_uri)


def chunk_ranges(size: int, chunk_size: int, start: int = 0) -> list[tuple[int, int]]:
    """The (first, last) byte of each chunk PUT from `start` (for the dry run)."""
    return [(a, min(a + chunk_size, size) - 1) for a in range(start, size, chunk_size)] or [(0, -1)]


@dataclass
class ResumableUpload:
    """One video upload: resumes `session_uri` if given; `on_session` persists a new one at once."""

    http: Any
    make_request: Callable[[], Any]  # a fresh videos.insert HttpRequest with its resumable media
    backoff: Backoff
    reporter: Reporter
    label: str
    on_session: Callable[[str | None], None]
    session_uri: str | None = None

    def run(self) -> dict[str, Any]:
        """Upload until YouTube returns the video resource; return it."""
        for _ in range(3):
            try:
                return self._run_session()
            except SessionExpired:
                self.reporter.warning("the upload session has expired; starting a new upload session")
                self.session_uri = None
                self.on_session(None)
        raise PublishError("YouTube kept discarding the upload session", hint="run the same command again later")

    def _run_session(self) -> dict[str, Any]:
        request = self.make_request()
        size, mimetype = int(request.resumable.size()), str(request.resumable.mimetype())
        state = SessionState()
        if self.session_uri:
            state = self.backoff.run(
                "checking the saved upload session",
                lambda _: query_session(self.http, self.session_uri or "", size),
            )
            if state.resource is not None:
                self.reporter.progress(self.label, size, size)
                return state.resource
            self.reporter.info(f"resuming the upload at byte {state.progress} of {size}")
        else:
            self.session_uri = self.backoff.run(
                "starting the upload",
                lambda _: start_session(self.http, request, size, mimetype),
            )
            self.on_session(self.session_uri)
        request.resumable_uri = self.session_uri
        request.resumable_progress = state.progress
        self.reporter.progress(self.label, state.progress, size)
        return self._send_chunks(request, size)

    def _send_chunks(self, request: Any, size: int) -> dict[str, Any]:
        attempt = 0
        stalled = 0
        while True:
            before = request.resumable_progress
            try:
                status, response = request.next_chunk(num_retries=0)
            except HttpError as error:
                if error.resp.status in (404, 410):
                    raise SessionExpired() from None
                self.backoff.wait("uploading the video", error, attempt)
                attempt += 1
                continue
            except Exception as error:
                self.backoff.wait("uploading the video", error, attempt)
                attempt += 1
                continue
            if response is not None:
                self.reporter.progress(self.label, size, size)
                return dict(response)
            if status is not None:
                self.reporter.progress(self.label, status.resumable_progress, size)
            if request.resumable_progress > before:
                attempt, stalled = 0, 0  # progress: the next failure starts a fresh backoff
            else:
                stalled += 1
                if stalled >= self.backoff.attempts:
                    raise PublishError(
                        "YouTube accepted no bytes of the video after several chunks",
                        hint="run the same command again later; it resumes where it stopped",
                    )
