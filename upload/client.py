"""The YouTube Data API v3 client: endpoint, transport and service.

The service is built from the discovery document shipped inside
google-api-python-client, with its root URLs rewritten to the endpoint. Unlike
``client_options={"api_endpoint": ...}`` (which keeps ``https`` for media uploads),
this sends every call, uploads included, to the same scheme, host and port.
"""

from __future__ import annotations

import gzip
import http.client
import json
import os
import zlib
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import httplib2
from googleapiclient.discovery import build_from_document

from contract.errors import InputError
from upload.defaults import DEFAULT_TIMEOUT, ENDPOINT_ENV

DEFAULT_ENDPOINT = "https://youtube.googleapis.com/"


def resolve_endpoint(endpoint: str | None) -> str:
    """The API root URL: `--api-endpoint`, else $YOUTUBE_API_ENDPOINT, else Google's.

    The root is bare (``http://127.0.0.1:8080/``); a trailing ``youtube/v3`` is dropped
    because the discovery paths already contain it."""
    value = (endpoint or os.environ.get(ENDPOINT_ENV) or DEFAULT_ENDPOINT).strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise InputError(
            f"{value!r} is not an API endpoint URL",
            hint="give the server's root, for example https://youtube.googleapis.com/ or http://127.0.0.1:8080/",
        )
    path = parts.path.rstrip("/")
    for suffix in ("/youtube/v3", "/youtube"):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
    return f"{parts.scheme}://{parts.netloc}{path}/"


_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of a URL, with the scheme's default port; None if it has none."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a port that is not a number
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, parts.hostname.lower(), port if port is not None else _DEFAULT_PORTS[scheme]


def same_origin(url: str, endpoint: str) -> bool:
    """Is `url` on the endpoint's scheme, host and port? Only then may the token go there."""
    mine = origin(endpoint)
    return mine is not None and origin(url) == mine


@cache
def _discovery_document() -> str:
    files = resources.files("googleapiclient") / "discovery_cache" / "documents" / "youtube.v3.json"
    return files.read_text(encoding="utf-8")


def discovery_document(root: str) -> dict[str, Any]:
    """The shipped youtube v3 discovery document with every root URL set to `root`."""
    document: dict[str, Any] = json.loads(_discovery_document())
    for key in ("rootUrl", "baseUrl", "mtlsRootUrl"):
        document[key] = root
    return document


def _decompress(response: httplib2.Response, content: bytes) -> bytes:
    encoding = response.get("content-encoding")
    if encoding in ("gzip", "deflate") and content:
        content = gzip.decompress(content) if encoding == "gzip" else zlib.decompress(content, -zlib.MAX_WBITS)
        response["-content-encoding"] = response.pop("content-encoding")
        response["content-length"] = str(len(content))
    return content


class UploadHttp(httplib2.Http):  # type: ignore[misc]  # untyped library
    """httplib2 without its silent re-send for upload PUTs (chunks and status queries).

    httplib2 re-sends a request once when the connection drops. For a chunk, the
    server may have stored part of it; the resumable protocol wants a status query
    (``Content-Range: bytes */N``) and a resume from the confirmed byte instead,
    which our retry loop does. Other requests keep httplib2's behaviour."""

    def _conn_request(self, conn: Any, request_uri: str, method: str, body: Any, headers: dict[str, str]) -> Any:
        if method != "PUT" or not any(k.lower() == "content-range" for k in headers):
            return super()._conn_request(conn, request_uri, method, body, headers)
        try:
            if conn.sock is None:
                conn.connect()
            conn.request(method, request_uri, body, headers)
            raw = conn.getresponse()
            content = raw.read()
        except (OSError, http.client.HTTPException):
            conn.close()
            raise
        response = httplib2.Response(raw)
        if raw.will_close:
            conn.close()
        return response, _decompress(response, content)


def _is_loopback(url: str | None) -> bool:
    host = urlsplit(url or "").hostname or ""
    return host in ("localhost", "::1") or host.startswith("127.")


def build_http(timeout: float = DEFAULT_TIMEOUT, endpoint: str | None = None) -> httplib2.Http:
    """Like ``googleapiclient.http.build_http()`` (no 308 redirects, a timeout), without re-sends.

    A loopback endpoint (a local test server) bypasses any proxy from the environment."""
    # httplib2 reads HTTPLIB2_CA_CERTS itself; also honour the usual CA bundle variables.
    ca_certs = os.environ.get("SSL_CERT_FILE") or os.environ.get("REQUESTS_CA_BUNDLE")
    if os.environ.get("HTTPLIB2_CA_CERTS") or not ca_certs:
        ca_certs = None
    if _is_loopback(endpoint):
        transport = UploadHttp(timeout=timeout, proxy_info=None, ca_certs=ca_certs)
    else:
        transport = UploadHttp(timeout=timeout, ca_certs=ca_certs)
    transport.redirect_codes = transport.redirect_codes - {308}  # 308 = resume incomplete
    # httplib2 would re-send every header, the token included, to whatever host a redirect
    # names; the API never redirects, so a redirect is an error here, not a place to go
    transport.follow_redirects = False
    return transport


def build_service(root: str, http: Any) -> Any:
    """A youtube v3 service whose every call (uploads included) goes to `root`."""
    return build_from_document(discovery_document(root), http=http)


def authorized_http(credentials: Any, timeout: float = DEFAULT_TIMEOUT, endpoint: str | None = None) -> Any:
    """An httplib2 transport that adds the token, refreshes it on expiry or a 401, and re-sends."""
    import google_auth_httplib2

    return google_auth_httplib2.AuthorizedHttp(credentials, http=build_http(timeout, endpoint))
