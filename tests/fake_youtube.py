"""A fake YouTube Data API v3 (and OAuth token server) on 127.0.0.1, for the upload tests.

It speaks the documented protocol the real client library talks:

- resumable uploads: ``POST /upload/youtube/v3/videos?uploadType=resumable&part=...`` answered
  with ``Location``; ``PUT`` chunks with ``Content-Range: bytes A-B/N`` answered ``308`` +
  ``Range: bytes=0-M`` (no Range when nothing is stored), the status query
  ``Content-Range: bytes */N``, and the video resource when the last byte arrives;
- media uploads: thumbnails.set (``uploadType=media``), captions.insert/update (multipart);
- videos.list/update, captions.list, playlists.list/insert, playlistItems.list/insert;
- Google's JSON error bodies, and an OAuth endpoint (``/token``, ``/auth``).

Faults are injected per test (a status on the n-th chunk, a dropped connection, a stall,
an error on any call), and every request is recorded. Protocol mistakes by the client
(a misaligned chunk, a wrong offset, a body part not named in ``part=``) are recorded in
``violations`` so tests can assert there are none.
"""

from __future__ import annotations

import base64
import contextlib
import email
import email.policy
import hashlib
import json
import re
import secrets
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from contract.manifest import MANIFEST_NAME, CaptionFile, Manifest, OutputFile, Outputs, ScriptRecord
from contract.script import Publish

CHUNK_UNIT = 256 * 1024
WRITABLE_VIDEO_PARTS = {"snippet", "status"}


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body_bytes: int
    status: int = 0

    @property
    def content_range(self) -> str | None:
        return self.headers.get("content-range")


@dataclass
class Session:
    id: str
    metadata: dict[str, Any]
    part: str
    total: int | None
    channel: str
    data: bytearray = field(default_factory=bytearray)
    video_id: str | None = None


@dataclass
class Fault:
    """Answer the `nth` matching request (1-based; counted per fault) with `action`."""

    method: str
    path: str  # prefix of the request path
    nth: int = 1
    times: int = 1
    action: str = "error"  # "error", "drop" (read half the body, close), "stall" (sleep, close)
    status: int = 503
    reason: str = "backendError"
    message: str = "Backend Error"
    domain: str = "global"
    seconds: float = 0.0
    chunks_only: bool = False  # match only upload chunk PUTs (not status queries)
    seen: int = 0
    fired: int = 0


class FakeYouTube:
    """The server's state; start() runs it in a thread, stop() shuts it down."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.requests: list[Recorded] = []
        self.violations: list[str] = []
        self.faults: list[Fault] = []
        self.sessions: dict[str, Session] = {}
        self.videos: dict[str, dict[str, Any]] = {}
        self.video_data: dict[str, bytes] = {}
        self.thumbnails: dict[str, bytes] = {}
        self.thumbnail_types: dict[str, str] = {}  # video id -> the thumbnail's Content-Type
        self.captions: dict[str, dict[str, Any]] = {}
        self.caption_data: dict[str, bytes] = {}
        self.playlists: dict[str, dict[str, Any]] = {}
        self.playlist_items: dict[str, dict[str, Any]] = {}
        self.access_tokens: dict[str, str] = {}  # access token -> channel id
        self.refresh_tokens: dict[str, str] = {}  # refresh token -> channel id
        self.auth_codes: dict[str, str] = {}  # authorization code -> channel id
        self.auth_scopes: dict[str, str] = {}  # authorization code -> scopes asked
        self.channel_titles: dict[str, str] = {}  # channel id -> its name (default "Banque du Val")
        self.client_id = "fake-client-id.apps.googleusercontent.com"
        self.client_secret = "fake-client-secret-" + secrets.token_hex(8)
        self.token_requests = 0
        self.chunk_delay = 0.0  # seconds to wait after storing a chunk (to kill mid-upload)
        self.chunks_stored = 0
        self.page_size = 50
        self.force_private = False  # like an unverified API project
        self.thumbnail_forbidden = False  # like an unverified channel
        self._server: ThreadingHTTPServer | None = None
        self.scheme = "http"
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------------------

    def start(self, tls: tuple[Path, Path] | None = None) -> FakeYouTube:
        """Serve on a free port; with `tls` (certificate, key), over https."""
        fake = self

        class Handler(_Handler):
            server_state = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.scheme = "http"
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(tls[0]), str(tls[1]))
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
            self.scheme = "https"
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="fake-youtube", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"{self.scheme}://{host}:{port}/"

    # -- accounts ---------------------------------------------------------------------------------

    def new_channel(self) -> str:
        return "UC" + secrets.token_urlsafe(16)[:22]

    def issue_tokens(self, channel: str | None = None) -> tuple[str, str]:
        """A fresh (access token, refresh token) pair for `channel` (a new channel by default)."""
        channel = channel or self.new_channel()
        access, refresh = (
            "ya29.fake-" + secrets.token_urlsafe(24),
            "1//fake-" + secrets.token_urlsafe(24),
        )
        with self.lock:
            self.access_tokens[access] = channel
            self.refresh_tokens[refresh] = channel
        return access, refresh

    def token_info(self, channel: str | None = None, *, valid_access: bool = True) -> dict[str, Any]:
        """Authorized-user JSON (Credentials.to_json() format) whose token_uri is this server."""
        access, refresh = self.issue_tokens(channel)
        if not valid_access:
            with self.lock:
                del self.access_tokens[access]
        return {
            "token": access,
            "refresh_token": refresh,
            "token_uri": self.url + "token",
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "scopes": [
                "https://www.googleapis.com/auth/youtube.upload",
                "https://www.googleapis.com/auth/youtube.force-ssl",
            ],
            "expiry": "2099-01-01T00:00:00Z",
        }

    def expire_access_tokens(self) -> None:
        with self.lock:
            self.access_tokens.clear()

    def client_secrets(self) -> dict[str, Any]:
        return {
            "installed": {
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "auth_uri": self.url + "auth",
                "token_uri": self.url + "token",
                "redirect_uris": ["http://localhost"],
            }
        }

    # -- faults and queries -----------------------------------------------------------------------

    def add_fault(self, method: str, path: str, **kwargs: Any) -> Fault:
        fault = Fault(method, path, **kwargs)
        with self.lock:
            self.faults.append(fault)
        return fault

    def fail_chunk(self, nth: int, status: int = 503, **kwargs: Any) -> Fault:
        return self.add_fault("PUT", "/upload/youtube/v3/videos", nth=nth, status=status, chunks_only=True, **kwargs)

    def drop_chunk(self, nth: int) -> Fault:
        return self.add_fault("PUT", "/upload/youtube/v3/videos", nth=nth, action="drop", chunks_only=True)

    def stall_chunk(self, nth: int, seconds: float) -> Fault:
        return self.add_fault(
            "PUT",
            "/upload/youtube/v3/videos",
            nth=nth,
            action="stall",
            seconds=seconds,
            chunks_only=True,
        )

    def calls(self, method: str | None = None, path: str | None = None) -> list[Recorded]:
        with self.lock:
            return [
                r for r in self.requests if (method is None or r.method == method) and (path is None or r.path == path)
            ]

    def chunk_puts(self) -> list[Recorded]:
        return [
            r
            for r in self.calls("PUT", "/upload/youtube/v3/videos")
            if r.content_range and not r.content_range.startswith("bytes */")
        ]

    def status_queries(self) -> list[Recorded]:
        return [
            r
            for r in self.calls("PUT", "/upload/youtube/v3/videos")
            if r.content_range and r.content_range.startswith("bytes */")
        ]

    def video_sha256(self, video_id: str) -> str:
        return hashlib.sha256(self.video_data[video_id]).hexdigest()

    # -- internals used by the handler ------------------------------------------------------------

    def _match_fault(self, method: str, path: str, is_chunk: bool) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.method != method or not path.startswith(fault.path):
                    continue
                if fault.chunks_only and not is_chunk:
                    continue
                fault.seen += 1
                if fault.seen >= fault.nth and fault.fired < fault.times:
                    fault.fired += 1
                    return fault
        return None


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _error(code: int, reason: str, message: str, domain: str = "youtube.api") -> dict[str, Any]:
    status = {
        400: "INVALID_ARGUMENT",
        401: "UNAUTHENTICATED",
        403: "PERMISSION_DENIED",
        404: "NOT_FOUND",
        500: "INTERNAL",
        503: "UNAVAILABLE",
    }.get(code, "UNKNOWN")
    return {
        "error": {
            "code": code,
            "message": message,
            "errors": [{"message": message, "domain": domain, "reason": reason}],
            "status": status,
        }
    }


class _Reply(Exception):
    def __init__(self, status: int, body: Any = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(status)
        self.status, self.body, self.headers = status, body, headers or {}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_state: FakeYouTube

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; without this, delayed ACKs add 40 ms each.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    # -- plumbing ---------------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def _handle(self, method: str) -> None:
        fake = self.server_state
        parts = urlsplit(self.path)
        path = parts.path
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        headers = {k.lower(): v for k, v in self.headers.items()}
        length = int(headers.get("content-length") or 0)
        record = Recorded(method, path, query, headers, length)
        with fake.lock:
            fake.requests.append(record)
        content_range = headers.get("content-range", "")
        is_chunk = method == "PUT" and bool(content_range) and not content_range.startswith("bytes */")
        fault = fake._match_fault(method, path, is_chunk)
        if fault is not None and fault.action == "drop":
            record.status = -1
            self._drop(length, query)
            return
        if fault is not None and fault.action == "stall":
            record.status = -2
            time.sleep(fault.seconds)
            self.close_connection = True
            return
        body = self.rfile.read(length) if length else b""
        try:
            if fault is not None:
                raise _Reply(fault.status, _error(fault.status, fault.reason, fault.message, fault.domain))
            self._route(method, path, query, headers, body)
        except _Reply as reply:
            record.status = reply.status
            self._send(reply.status, reply.body, reply.headers)

    def _send(self, status: int, body: Any = None, headers: dict[str, str] | None = None) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if body is not None:
            self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _drop(self, length: int, query: dict[str, str]) -> None:
        """Read half the chunk, keep the 256 KiB-aligned part of it, close without answering."""
        fake = self.server_state
        half = self.rfile.read(length // 2)
        session = fake.sessions.get(query.get("upload_id", ""))
        first = _range_start(self.headers.get("Content-Range", ""))
        keep = len(half) - len(half) % CHUNK_UNIT
        if session is not None and first == len(session.data) and keep:
            with fake.lock:
                session.data.extend(half[:keep])
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _auth(self, headers: dict[str, str]) -> str:
        fake = self.server_state
        value = headers.get("authorization", "")
        token = value[7:] if value.startswith("Bearer ") else ""
        with fake.lock:
            channel = fake.access_tokens.get(token)
        if channel is None:
            raise _Reply(
                401,
                _error(401, "authError", "Request had invalid authentication credentials.", "global"),
                {"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'},
            )
        return channel

    # -- routes -----------------------------------------------------------------------------------

    def _route(self, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: bytes) -> None:
        if path == "/token" and method == "POST":
            self._token(headers, body)
        if path == "/auth" and method == "GET":
            self._authorize(query)
        channel = self._auth(headers)
        routes = {
            ("POST", "/upload/youtube/v3/videos"): self._video_upload,
            ("PUT", "/upload/youtube/v3/videos"): self._video_chunk,
            ("GET", "/youtube/v3/videos"): self._videos_list,
            ("PUT", "/youtube/v3/videos"): self._videos_update,
            ("POST", "/upload/youtube/v3/thumbnails/set"): self._thumbnails_set,
            ("POST", "/upload/youtube/v3/captions"): self._captions_insert,
            ("PUT", "/upload/youtube/v3/captions"): self._captions_update,
            ("GET", "/youtube/v3/captions"): self._captions_list,
            ("GET", "/youtube/v3/channels"): self._channels_list,
            ("GET", "/youtube/v3/playlists"): self._playlists_list,
            ("POST", "/youtube/v3/playlists"): self._playlists_insert,
            ("GET", "/youtube/v3/playlistItems"): self._playlist_items_list,
            ("POST", "/youtube/v3/playlistItems"): self._playlist_items_insert,
        }
        handler = routes.get((method, path))
        if handler is None:
            raise _Reply(404, _error(404, "notFound", f"no route {method} {path}", "global"))
        handler(channel, query, headers, body)

    def _violation(self, message: str, status: int = 400, reason: str = "badRequest") -> None:
        with self.server_state.lock:
            self.server_state.violations.append(message)
        raise _Reply(status, _error(status, reason, message))

    def _json_body(self, body: bytes) -> dict[str, Any]:
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            self._violation("the body is not JSON", reason="parseError")
        if not isinstance(data, dict):
            self._violation("the body is not a JSON object", reason="parseError")
        return data

    def _check_parts(self, query: dict[str, str], data: dict[str, Any], allowed: set[str]) -> set[str]:
        """Like YouTube: body parts not named in part= are dropped; recorded as a client mistake."""
        parts = {p.strip() for p in query.get("part", "").split(",") if p.strip()}
        if not parts:
            self._violation("the part parameter is missing", reason="missingRequiredParameter")
        for key in data:
            if key not in ("id", "kind", "etag") and key not in parts:
                self.server_state.violations.append(f"body part {key!r} not named in part={query['part']}")
        unknown = parts - allowed
        if unknown:
            self._violation(f"unsupported part(s) {sorted(unknown)}", reason="unexpectedPart")
        return parts

    # oauth

    def _token(self, headers: dict[str, str], body: bytes) -> None:
        fake = self.server_state
        form = {k: v[-1] for k, v in parse_qs(body.decode()).items()}
        basic = headers.get("authorization", "")
        if basic.startswith("Basic "):  # client credentials in HTTP Basic auth (RFC 6749 2.3.1)
            user, _, password = base64.b64decode(basic[6:]).decode().partition(":")
            form.setdefault("client_id", unquote(user))
            form.setdefault("client_secret", unquote(password))
        with fake.lock:
            fake.token_requests += 1
        if form.get("client_id") != fake.client_id or form.get("client_secret") != fake.client_secret:
            raise _Reply(
                401,
                {"error": "invalid_client", "error_description": "The OAuth client was not found."},
            )
        grant = form.get("grant_type")
        with fake.lock:
            if grant == "refresh_token":
                channel = fake.refresh_tokens.get(form.get("refresh_token", ""))
                if channel is None:
                    raise _Reply(
                        400,
                        {
                            "error": "invalid_grant",
                            "error_description": "Token has been expired or revoked.",
                        },
                    )
                access = "ya29.fake-" + secrets.token_urlsafe(24)
                fake.access_tokens[access] = channel
                raise _Reply(
                    200,
                    {
                        "access_token": access,
                        "expires_in": 3599,
                        "token_type": "Bearer",
                        "scope": "https://www.googleapis.com/auth/youtube.upload "
                        "https://www.googleapis.com/auth/youtube.force-ssl",
                    },
                )
            if grant == "authorization_code":
                scope = fake.auth_scopes.pop(form.get("code", ""), "")
                channel = fake.auth_codes.pop(form.get("code", ""), None)
                if channel is None:
                    raise _Reply(400, {"error": "invalid_grant", "error_description": "Bad code."})
        if grant == "authorization_code":
            access, refresh = fake.issue_tokens(channel)
            raise _Reply(
                200,
                {
                    "access_token": access,
                    "refresh_token": refresh,
                    "expires_in": 3599,
                    "token_type": "Bearer",
                    "scope": scope,
                },
            )
        raise _Reply(400, {"error": "unsupported_grant_type"})

    def _authorize(self, query: dict[str, str]) -> None:
        """The consent screen, approved at once: redirect to the loopback address with a code."""
        fake = self.server_state
        redirect = query.get("redirect_uri", "")
        if not re.match(r"^http://(localhost|127\.0\.0\.1):\d+/?$", redirect):
            fake.violations.append(f"redirect_uri {redirect!r} is not a loopback address")
        code = "4/fake-" + secrets.token_urlsafe(12)
        with fake.lock:
            fake.auth_codes[code] = fake.new_channel()
            fake.auth_scopes[code] = query.get("scope", "")
        params = {"code": code, "scope": query.get("scope", "")}
        if "state" in query:
            params["state"] = query["state"]
        raise _Reply(302, None, {"Location": f"{redirect}?{urlencode(params)}"})

    # videos

    def _validate_video(self, data: dict[str, Any], parts: set[str]) -> None:
        snippet = data.get("snippet") or {}
        status = data.get("status") or {}
        if "snippet" in parts:
            title = snippet.get("title")
            if not isinstance(title, str) or not title.strip() or len(title) > 100 or re.search("[<>]", title):
                raise _Reply(
                    400,
                    _error(
                        400,
                        "invalidTitle",
                        "The request metadata specifies an invalid video title.",
                    ),
                )
            description = snippet.get("description", "")
            if len(description.encode()) > 5000 or re.search("[<>]", description):
                raise _Reply(400, _error(400, "invalidDescription", "Invalid video description."))
            if not str(snippet.get("categoryId", "")).isdigit():
                raise _Reply(400, _error(400, "invalidCategoryId", "Invalid category id."))
        if "status" in parts:
            if status.get("privacyStatus", "public") not in ("private", "unlisted", "public"):
                raise _Reply(400, _error(400, "invalidPrivacyStatus", "Invalid privacy status."))
            if status.get("publishAt") and status.get("privacyStatus") != "private":
                raise _Reply(400, _error(400, "invalidPublishAt", "publishAt needs privacyStatus private."))
            for flag in ("selfDeclaredMadeForKids", "containsSyntheticMedia"):
                if flag in status and not isinstance(status[flag], bool):
                    self._violation(f"{flag} is not a boolean")

    def _video_upload(self, channel: str, query: dict[str, str], headers: dict[str, str], body: bytes) -> None:
        fake = self.server_state
        if query.get("uploadType") != "resumable":
            self._violation(f"videos.insert with uploadType={query.get('uploadType')!r}; these tests expect resumable")
        data = self._json_body(body)
        parts = self._check_parts(query, data, WRITABLE_VIDEO_PARTS)
        self._validate_video(data, parts)
        kept = {k: v for k, v in data.items() if k in parts}
        total = headers.get("x-upload-content-length")
        session = Session(
            "up-" + secrets.token_urlsafe(12),
            kept,
            query["part"],
            int(total) if total else None,
            channel,
        )
        with fake.lock:
            fake.sessions[session.id] = session
        params = {"uploadType": "resumable", "part": query["part"], "upload_id": session.id}
        location = f"{fake.url}upload/youtube/v3/videos?{urlencode(params)}"
        raise _Reply(200, None, {"Location": location})

    def _video_chunk(self, channel: str, query: dict[str, str], headers: dict[str, str], body: bytes) -> None:
        """One request of a resumable upload: a status query, or the next chunk of the video."""
        fake = self.server_state
        session = self._upload_session(query)
        content_range = headers.get("content-range", "")
        if re.fullmatch(r"bytes \*/(\d+|\*)", content_range):
            return self._status_query(session, body)
        is_last = self._check_chunk(session, content_range, body)
        with fake.lock:
            session.data.extend(body)
            fake.chunks_stored += 1
        if fake.chunk_delay:
            time.sleep(fake.chunk_delay)
        if is_last:
            raise _Reply(200, self._finish(session))
        self._incomplete(session)

    def _upload_session(self, query: dict[str, str]) -> Session:
        fake = self.server_state
        with fake.lock:
            session = fake.sessions.get(query.get("upload_id", ""))
        if session is None:
            raise _Reply(
                404,
                _error(404, "notFound", "The upload session does not exist or has expired.", "global"),
            )
        return session

    def _status_query(self, session: Session, body: bytes) -> None:
        """`Content-Range: bytes */total`: the finished video, or how much the server holds (308)."""
        if body:
            self._violation("a status query must have an empty body")
        if session.video_id is not None:
            raise _Reply(200, self.server_state.videos[session.video_id])
        self._incomplete(session)

    def _check_chunk(self, session: Session, content_range: str, body: bytes) -> bool:
        """Refuse a chunk the protocol forbids, as a violation; say whether it is the last one."""
        match = re.fullmatch(r"bytes (\d+)-(\d+)/(\d+|\*)", content_range)
        if not match:
            self._violation(f"bad Content-Range {content_range!r}")
        first, last = int(match.group(1)), int(match.group(2))
        total = None if match.group(3) == "*" else int(match.group(3))
        if len(body) != last - first + 1:
            self._violation(f"Content-Range {content_range} announces {last - first + 1} bytes, body has {len(body)}")
        if session.total is not None and total is not None and total != session.total:
            self._violation(f"total {total} differs from X-Upload-Content-Length {session.total}")
        if session.video_id is not None:
            self._violation("a chunk was sent to a finished upload")
        if first != len(session.data):
            self._violation(
                f"chunk starts at byte {first} but the server holds {len(session.data)} bytes "
                "(resume from the Range of a status query)"
            )
        is_last = total is not None and last + 1 == total
        if not is_last and len(body) % CHUNK_UNIT:
            self._violation(f"a non-final chunk of {len(body)} bytes is not a multiple of 256 KiB")
        return is_last

    def _incomplete(self, session: Session) -> None:
        headers = {"X-GUploader-UploadID": session.id}
        if session.data:
            headers["Range"] = f"bytes=0-{len(session.data) - 1}"
        raise _Reply(308, None, headers)

    def _finish(self, session: Session) -> dict[str, Any]:
        fake = self.server_state
        video_id = secrets.token_urlsafe(8)[:11]
        snippet = dict(session.metadata.get("snippet") or {})
        snippet.update({"channelId": session.channel, "publishedAt": _now(), "channelTitle": "Fake channel"})
        status = {
            "privacyStatus": "public",
            "uploadStatus": "uploaded",
            "license": "youtube",
            "embeddable": True,
            "publicStatsViewable": True,
        }
        status.update(session.metadata.get("status") or {})
        if fake.force_private:
            status["privacyStatus"] = "private"
        resource = {
            "kind": "youtube#video",
            "etag": secrets.token_hex(8),
            "id": video_id,
            "snippet": snippet,
            "status": status,
        }
        with fake.lock:
            session.video_id = video_id
            fake.videos[video_id] = resource
            fake.video_data[video_id] = bytes(session.data)
        return resource

    def _videos_list(self, channel: str, query: dict[str, str], headers: dict[str, str], body: bytes) -> None:
        fake = self.server_state
        parts = {p for p in query.get("part", "").split(",") if p}
        items = []
        for video_id in query.get("id", "").split(","):
            video = fake.videos.get(video_id)
            if video is not None:
                items.append({k: v for k, v in video.items() if k in parts | {"kind", "etag", "id"}})
        raise _Reply(
            200,
            {
                "kind": "youtube#videoListResponse",
                "items": items,
                "pageInfo": {"totalResults": len(items), "resultsPerPage": len(items)},
            },
        )

    def _videos_update(self, channel: str, query: dict[str, str], headers: dict[str, str], body: bytes) -> None:
        fake = self.server_state
        data = self._json_body(body)
        parts = self._check_parts(query, data, WRITABLE_VIDEO_PARTS)
        video = fake.videos.get(str(data.get("id")))
        if video is None:
            raise _Reply(
                404,
                _error(404, "videoNotFound", "The video that you are trying to update cannot be found."),
            )
        if video["snippet"]["channelId"] != channel:
            raise _Reply(403, _error(403, "forbidden", "The video is not yours."))
        self._validate_video(data, parts)
        with fake.lock:
            if "snippet" in parts:
                kept = {k: video["snippet"][k] for k in ("channelId", "publishedAt", "channelTitle")}
                video["snippet"] = {**data.get("snippet", {}), **kept}
            if "status" in parts:
                kept = {k: video["status"][k] for k in ("uploadStatus",)}
                video["status"] = {**data.get("status", {}), **kept}
                if fake.force_private:
                    video["status"]["privacyStatus"] = "private"
        raise _Reply(200, video)

    # thumbnails and captions

    def _thumbnails_set(self, channel: str, query: dict[str, str], headers: dict[str, str], body: bytes) -> None:
        fake = self.server_state
        video = fake.videos.get(query.get("videoId", ""))
        if video is None:
            raise _Reply(404, _error(404, "videoNotFound", "The video could not be found."))
        if query.get("uploadType") not in ("media", "multipart", "resumable"):
            self._violation("thumbnails.set without a media upload")
        if fake.thumbnail_forbidden:
            raise _Reply(
                403,
                _error(
                    403,
                    "forbidden",
                    "The authenticated user doesn't have permissions to upload and set custom video thumbnails.",
                ),
            )
        if not body:
            self._violation("thumbnails.set with an empty body")
        with fake.lock:
            fake.thumbnails[query["videoId"]] = body
            fake.thumbnail_types[query["videoId"]] = headers.get("content-type", "")
        raise _Reply(
            200,
            {
                "kind": "youtube#thumbnailSetResponse",
                "items": [{"default": {"url": f"https://i.ytimg.com/vi/{query['videoId']}/default.jpg"}}],
            },
        )

    def _multipart(self, headers: dict[str, str], body: bytes) -> tuple[dict[str, Any], bytes]:
        ctype = headers.get("content-type", "")
        if not ctype.startswith("multipart/related"):
            self._violation(f"expected a multipart/related body, got {ctype!r}")
        message = email.message_from_bytes(
            b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + body, policy=email.policy.compat32
        )
        parts = message.get_payload()
        if not isinstance(parts, list) or len(parts) != 2:
            self._violation("a multipart upload needs exactly two parts (metadata, media)")
        metadata = json.loads(parts[0].get_payload(decode=True) or b"{}")
        return metadata, parts[1].get_payload(decode=True) or b""

    def _captions_insert(self, channel: str, query: dict[str, str], headers: dict[str, str], body: bytes) -> None:
        fake = self.server_state
        metadata, media = self._multipart(headers, body)
        self._check_parts(query, metadata, {"snippet"})
        snippet = metadata.get("snippet") or {}
        video = fake.videos.get(snippet.get("videoId", ""))
        if video is None:
            raise _Reply(404, _error(404, "videoNotFound", "The video could not be found."))
        if not snippet.get("language") or "name" not in snippet:
            self._violation("captions.insert needs snippet.language and snippet.name")
        for existing in fake.captions.values():
            s = existing["snippet"]
            if (s["videoId"], s["language"], s["name"]) == (
                snippet["videoId"],
                snippet["language"],
                snippet["name"],
            ):
                raise _Reply(
                    409,
                    _error(
                        409,
                        "captionExists",
                        "The video already has a caption track with that language and name.",
                    ),
                )
        caption_id = "AU" + secrets.token_urlsafe(12)
        resource = {
            "kind": "youtube#caption",
            "id": caption_id,
            "snippet": {
                **snippet,
                "lastUpdated": _now(),
                "trackKind": "standard",
                "status": "serving",
            },
        }
        with fake.lock:
            fake.captions[caption_id] = resource
            fake.caption_data[caption_id] = media
        raise _Reply(200, resource)

    def _captions_update(self, channel: str, query: dict[str, str], headers: dict[str, str], body: bytes) -> None:
        fake = self.server_state
        metadata, media = self._multipart(headers, body)
        caption = fake.captions.get(str(metadata.get("id")))
        if caption is None:
            raise _Reply(404, _error(404, "captionNotFound", "The caption track could not be found."))
        with fake.lock:
            caption["snippet"].update(metadata.get("snippet") or {})
            fake.caption_data[caption["id"]] = media
        raise _Reply(200, caption)

    def _captions_list(self, channel: str, query: dict[str, str], headers: dict[str, str], body: bytes) -> None:
        fake = self.server_state
        items = [c for c in fake.captions.values() if c["snippet"]["videoId"] == query.get("videoId")]
        raise _Reply(200, {"kind": "youtube#captionListResponse", "items": items})

    def _channels_list(self, channel: str, query: dict[str, str], headers: dict[str, str], body: bytes) -> None:
        if query.get("mine") != "true":
            self._violation("these tests only list the login's own channel (mine=true)")
        item: dict[str, Any] = {"kind": "youtube#channel", "id": channel}
        if "snippet" in query.get("part", "").split(","):
            item["snippet"] = {"title": self.server_state.channel_titles.get(channel, "Banque du Val")}
        raise _Reply(200, {"kind": "youtube#channelListResponse", "items": [item]})

    # playlists

    def _page(self, items: list[dict[str, Any]], query: dict[str, str], kind: str) -> None:
        size = min(int(query.get("maxResults") or 5), self.server_state.page_size)
        start = int(query.get("pageToken") or 0)
        page: dict[str, Any] = {
            "kind": kind,
            "items": items[start : start + size],
            "pageInfo": {"totalResults": len(items), "resultsPerPage": size},
        }
        if start + size < len(items):
            page["nextPageToken"] = str(start + size)
        raise _Reply(200, page)

    def _playlists_list(self, channel: str, query: dict[str, str], headers: dict[str, str], body: bytes) -> None:
        fake = self.server_state
        if query.get("mine") != "true":
            self._violation("playlists.list without mine=true")
        items = [p for p in fake.playlists.values() if p["snippet"]["channelId"] == channel]
        self._page(items, query, "youtube#playlistListResponse")

    def _playlists_insert(self, channel: str, query: dict[str, str], headers: dict[str, str], body: bytes) -> None:
        fake = self.server_state
        data = self._json_body(body)
        parts = self._check_parts(query, data, {"snippet", "status"})
        title = (data.get("snippet") or {}).get("title")
        if not title:
            raise _Reply(400, _error(400, "playlistTitleRequired", "The playlist needs a title."))
        playlist_id = "PL" + secrets.token_urlsafe(24)[:32]
        resource = {
            "kind": "youtube#playlist",
            "id": playlist_id,
            "snippet": {**data.get("snippet", {}), "channelId": channel, "publishedAt": _now()},
            "status": data.get("status", {"privacyStatus": "public"})
            if "status" in parts
            else {"privacyStatus": "public"},
        }
        with fake.lock:
            fake.playlists[playlist_id] = resource
        raise _Reply(200, resource)

    def _playlist_items_list(self, channel: str, query: dict[str, str], headers: dict[str, str], body: bytes) -> None:
        fake = self.server_state
        playlist_id = query.get("playlistId", "")
        if playlist_id not in fake.playlists:
            raise _Reply(404, _error(404, "playlistNotFound", "The playlist could not be found."))
        items = [
            i
            for i in fake.playlist_items.values()
            if i["snippet"]["playlistId"] == playlist_id
            and (not query.get("videoId") or i["snippet"]["resourceId"]["videoId"] == query["videoId"])
        ]
        self._page(items, query, "youtube#playlistItemListResponse")

    def _playlist_items_insert(self, channel: str, query: dict[str, str], headers: dict[str, str], body: bytes) -> None:
        fake = self.server_state
        data = self._json_body(body)
        self._check_parts(query, data, {"snippet", "contentDetails", "status"})
        snippet = data.get("snippet") or {}
        playlist = fake.playlists.get(snippet.get("playlistId", ""))
        if playlist is None:
            raise _Reply(404, _error(404, "playlistNotFound", "The playlist could not be found."))
        if playlist["snippet"]["channelId"] != channel:
            raise _Reply(403, _error(403, "playlistItemsNotAccessible", "Not your playlist."))
        resource_id = snippet.get("resourceId") or {}
        if resource_id.get("kind") != "youtube#video" or resource_id.get("videoId") not in fake.videos:
            raise _Reply(404, _error(404, "videoNotFound", "The video could not be found."))
        item_id = "UEx" + secrets.token_urlsafe(16)
        count = sum(1 for i in fake.playlist_items.values() if i["snippet"]["playlistId"] == playlist["id"])
        resource = {
            "kind": "youtube#playlistItem",
            "id": item_id,
            "snippet": {**snippet, "position": count, "channelId": channel},
        }
        with fake.lock:
            fake.playlist_items[item_id] = resource
        raise _Reply(200, resource)


def _range_start(content_range: str) -> int | None:
    match = re.match(r"bytes (\d+)-", content_range)
    return int(match.group(1)) if match else None


def add_playlist(fake: FakeYouTube, title: str, channel: str) -> str:
    """Test setup: a playlist that already exists on `channel`; returns its id."""
    playlist_id = "PL" + secrets.token_urlsafe(24)[:32]
    with fake.lock:
        fake.playlists[playlist_id] = {
            "kind": "youtube#playlist",
            "id": playlist_id,
            "snippet": {"title": title, "channelId": channel, "publishedAt": _now()},
            "status": {"privacyStatus": "public"},
        }
    return playlist_id


# -- build folders as `render` writes them --------------------------------------------------------

# a valid 2x2 PNG (PIL's verify passes; upload checks that a thumbnail really is an image)
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a73000000164944415478"
    "9c636428b061606060626060606060000007fe00b01127f5900000000049454e44ae426082"
)
SRT = "1\n00:00:00,000 --> 00:00:02,500\nBienvenue à la banque.\n\n2\n00:00:02,500 --> 00:00:05,000\nNotre mission.\n"
VTT = "WEBVTT\n\n00:00:00.000 --> 00:00:02.500\nBienvenue à la banque.\n"


def make_build(root: Path, name: str = "mission", size: int = 1_300_000, seed: int = 1, **publish: Any) -> Path:
    """A build folder with a random-bytes "video", thumbnail, captions and manifest.json.

    The manifest is the toolkit's own model (contract.manifest), as `render` writes it."""
    import random

    folder = root / "build" / name
    folder.mkdir(parents=True, exist_ok=True)
    video = folder / f"{name}.mp4"
    video.write_bytes(random.Random(seed).randbytes(size))
    thumbnail = folder / f"{name}.thumbnail.png"
    thumbnail.write_bytes(PNG)
    srt = folder / f"{name}.fr.srt"
    srt.write_text(SRT, encoding="utf-8")
    vtt = folder / f"{name}.fr.vtt"
    vtt.write_text(VTT, encoding="utf-8")
    settings: dict[str, Any] = {
        "title": "Notre mission en 60 secondes",
        "description": "Qui nous sommes.",
        "tags": ["banque", "mission"],
        "category": 27,
        "privacy": "private",
        "publish_at": None,
        "playlist": None,
        "made_for_kids": False,
        "thumbnail": None,
        "captions": True,
    }
    settings.update(publish)
    manifest = Manifest(
        name=name,
        title="Notre mission",
        language="fr",
        duration=62.3,
        script=ScriptRecord(path=str(root / "scripts" / f"{name}.yaml"), sha256="0" * 64),
        publish=Publish.model_validate(settings),
        outputs=Outputs(
            video=OutputFile.describe(video),
            thumbnail=OutputFile.describe(thumbnail),
            captions=[
                CaptionFile.describe(srt, language="fr", format="srt"),
                CaptionFile.describe(vtt, language="fr", format="vtt"),
            ],
        ),
    )
    (folder / MANIFEST_NAME).write_text(manifest.to_json(), encoding="utf-8")
    return folder


def edit_manifest(folder: Path, change: Callable[[dict[str, Any]], object]) -> None:
    """Edit manifest.json as plain JSON, with no validation (as anyone with the folder could)."""
    path = folder / MANIFEST_NAME
    manifest = json.loads(path.read_text(encoding="utf-8"))
    change(manifest)
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")


def describe(path: Path, name: str | None = None) -> dict[str, Any]:
    """A manifest entry for any file, under any name (`name`: what the manifest calls it)."""
    data = path.read_bytes()
    return {"file": name or path.name, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def set_publish(folder: Path, **changes: Any) -> None:
    """Change the publish block of a build's manifest (as a re-render with new metadata would)."""
    edit_manifest(folder, lambda manifest: manifest["publish"].update(changes))


def write_token_file(path: Path, info: dict[str, Any]) -> Path:
    path.write_text(json.dumps(info), encoding="utf-8")
    path.chmod(0o600)
    return path


def make_tls_files(folder: Path) -> tuple[Path, Path, Path]:
    """A throw-away CA and a certificate for 127.0.0.1 signed by it: (ca.pem, cert.pem, key.pem)."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fake-youtube test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    paths = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths


@contextlib.contextmanager
def running(tls: tuple[Path, Path] | None = None) -> Iterator[FakeYouTube]:
    """A fake YouTube on 127.0.0.1 (https with `tls`), stopped at the end of the block."""
    fake = FakeYouTube().start(tls)
    try:
        yield fake
    finally:
        fake.stop()


@dataclass
class Logged:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class RequestLogger:
    """Another server on 127.0.0.1 that records every request it gets (the attacker's).

    It answers `status` (with `headers`, e.g. a redirect); tests assert that nothing, and
    above all no token, ever reaches it."""

    def __init__(self, status: int = 200, headers: dict[str, str] | None = None) -> None:
        self.requests: list[Logged] = []
        self.status, self.headers = status, headers or {}
        logger = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def _any(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                logger.requests.append(
                    Logged(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
                self.send_response(logger.status)
                for key, value in logger.headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = do_PUT = do_DELETE = _any

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/"

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def tokens_seen(self) -> list[str]:
        """Every Authorization header (or token in a body) that reached this server."""
        seen = [r.headers["authorization"] for r in self.requests if "authorization" in r.headers]
        seen += [r.body.decode("latin-1") for r in self.requests if b"token" in r.body]
        return seen

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
