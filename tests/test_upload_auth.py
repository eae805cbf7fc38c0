"""Login, token files, endpoints, errors and progress of the `upload` package."""

from __future__ import annotations

import io
import json
import stat
import threading
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from googleapiclient.errors import HttpError
from httplib2 import Response
from pydantic import ValidationError

from contract import reporting
from contract.errors import InputError
from contract.manifest import Manifest, OutputFile
from contract.progress import PlainReporter, RichReporter, make_reporter
from tests.fake_youtube import (
    CHUNK_UNIT,
    make_build,
    write_token_file,
)
from upload import auth
from upload.cli import command
from upload.client import discovery_document, resolve_endpoint, same_origin
from upload.errors import api_problem, explain, is_transient
from upload.metadata import update_body, video_body
from upload.publish import PublishOptions, publish_build
from upload.transfer import Backoff


class _Browser:
    """Plays the user's browser: opens the consent URL and follows the redirect to the loopback."""

    def __init__(self) -> None:
        self.opened: list[str] = []
        self.threads: list[threading.Thread] = []

    def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
        self.opened.append(url)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        thread = threading.Thread(target=lambda: opener.open(url, timeout=10).read(), daemon=True)
        thread.start()
        self.threads.append(thread)
        return True


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path / "config" / "explainer-toolkit"


def test_login_runs_the_loopback_flow_and_saves_a_private_token(youtube, config, tmp_path, monkeypatch):
    browser = _Browser()
    monkeypatch.setattr("webbrowser.get", lambda *a, **k: browser)
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the fake token endpoint is plain http
    secrets_file = tmp_path / "client_secret.json"
    secrets_file.write_text(json.dumps(youtube.client_secrets()))

    result = CliRunner().invoke(
        command,
        ["--login", "--profile", "work", "--client-secrets", str(secrets_file)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    assert youtube.violations == []
    (url,) = browser.opened
    assert "redirect_uri=http%3A%2F%2Flocalhost%3A" in url and "oob" not in url
    assert "access_type=offline" in url

    token_path = config / "youtube" / "work.json"
    assert stat.S_IMODE(token_path.stat().st_mode) == 0o600
    saved = json.loads(token_path.read_text())
    assert saved["token_uri"] == youtube.url + "token"
    assert saved["refresh_token"] in youtube.refresh_tokens
    assert saved["token"] in youtube.access_tokens
    for secret in (saved["token"], saved["refresh_token"], youtube.client_secret):
        assert secret not in result.stdout + result.stderr

    # the profile now publishes to the channel it logged in to
    build = make_build(tmp_path)
    result = CliRunner().invoke(
        command,
        [
            str(build),
            "--profile",
            "work",
            "--api-endpoint",
            youtube.url,
            "--chunk-size",
            str(CHUNK_UNIT),
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    (video,) = youtube.videos.values()
    assert video["snippet"]["channelId"] == youtube.access_tokens[saved["token"]]


def test_login_without_a_client_secrets_file(config, tmp_path):
    result = CliRunner().invoke(command, ["--login", "--client-secrets", str(tmp_path / "nope.json")])
    assert result.exit_code == 2
    assert result.stderr.startswith("ERROR client secrets file")
    assert "does not exist" in result.stderr and "Desktop app" in result.stderr
    result = CliRunner().invoke(command, ["--login"])
    assert result.exit_code == 2 and "--client-secrets" in result.stderr


def test_login_rejects_a_web_client_secrets_file(config, tmp_path):
    path = tmp_path / "web.json"
    path.write_text(json.dumps({"web": {"client_id": "x", "client_secret": "websecret123"}}))
    result = CliRunner().invoke(command, ["--login", "--client-secrets", str(path)])
    assert result.exit_code == 2 and "'installed'" in result.stderr and "websecret123" not in result.stderr


def test_an_expired_token_is_refreshed_before_use_and_saved(youtube, tmp_path):
    info = youtube.token_info()
    info["expiry"] = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    token = write_token_file(tmp_path / "token.json", info)
    token.chmod(0o644)
    build = make_build(tmp_path, captions=False)
    publish_build(
        build,
        PublishOptions(token_file=token, api_endpoint=youtube.url, chunk_size=CHUNK_UNIT),
        PlainReporter(io.StringIO()),
    )
    assert youtube.token_requests == 1
    assert all(r.status != 401 for r in youtube.requests)
    saved = json.loads(token.read_text())
    assert saved["token"] != info["token"] and saved["token_uri"] == youtube.url + "token"
    assert stat.S_IMODE(token.stat().st_mode) == 0o600
    assert len(youtube.videos) == 1


def test_credentials_keep_a_custom_token_uri():
    credentials = auth.credentials_from_info(
        {
            "token": "abcdefgh",
            "refresh_token": "r-123456",
            "token_uri": "http://127.0.0.1:9/token",
            "client_id": "c",
            "client_secret": "s-123456",
        }
    )
    assert credentials.token_uri == "http://127.0.0.1:9/token"
    assert credentials.valid  # no expiry: used until the server answers 401
    with pytest.raises(ValueError):
        auth.credentials_from_info({"client_id": "c"})


def test_a_broken_token_file_is_bad_input(tmp_path):
    path = tmp_path / "token.json"
    path.write_text("{}")
    with pytest.raises(InputError, match="not a usable token file"):
        auth.load_credentials(None, path)
    with pytest.raises(InputError, match="does not exist"):
        auth.load_credentials(None, tmp_path / "missing.json")
    with pytest.raises(InputError, match="not a valid profile name"):
        auth.load_credentials("../etc", None)


def test_redaction_hides_registered_secrets():
    reporting.register_secret("ya29.very-secret-token", "abc")  # too short to register
    assert reporting.redact("Bearer ya29.very-secret-token, abc") == "Bearer ***, abc"


@pytest.mark.parametrize(
    ("given", "root"),
    [
        (None, "https://youtube.googleapis.com/"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080/"),
        ("http://127.0.0.1:8080/youtube/v3/", "http://127.0.0.1:8080/"),
        ("https://proxy.example/yt/", "https://proxy.example/yt/"),
    ],
)
def test_resolve_endpoint(given, root, monkeypatch):
    monkeypatch.delenv("YOUTUBE_API_ENDPOINT", raising=False)
    assert resolve_endpoint(given) == root


def test_resolve_endpoint_rejects_junk_and_reads_the_environment(monkeypatch):
    with pytest.raises(InputError):
        resolve_endpoint("ftp://x")
    monkeypatch.setenv("YOUTUBE_API_ENDPOINT", "http://localhost:1234")
    assert resolve_endpoint(None) == "http://localhost:1234/"


def test_discovery_document_moves_uploads_to_the_endpoint():
    document = discovery_document("http://127.0.0.1:1/")
    assert {document[k] for k in ("rootUrl", "baseUrl", "mtlsRootUrl")} == {"http://127.0.0.1:1/"}


def _http_error(status: int, reason: str, message: str = "m") -> HttpError:
    body = {"error": {"code": status, "message": message, "errors": [{"reason": reason, "domain": "d"}]}}
    return HttpError(Response({"status": status}), json.dumps(body).encode())


def test_google_error_bodies_are_classified():
    assert api_problem(_http_error(403, "quotaExceeded")).reason == "quotaExceeded"
    assert not is_transient(_http_error(403, "quotaExceeded"))
    assert is_transient(_http_error(403, "rateLimitExceeded"))
    assert is_transient(_http_error(503, "backendError"))
    assert not is_transient(_http_error(400, "uploadLimitExceeded"))
    assert is_transient(ConnectionResetError())
    assert is_transient(TimeoutError())
    error = explain(_http_error(400, "invalidTitle", "bad title"), "uploading the video")
    assert isinstance(error, InputError) and "bad title" in error.message


def test_backoff_is_exponential_with_jitter():
    waits: list[float] = []
    backoff = Backoff(PlainReporter(io.StringIO()), attempts=5, base=1.0, sleep=waits.append, rand=lambda: 0.5)
    calls: list[int] = []

    def flaky(attempt: int) -> str:
        calls.append(attempt)
        if attempt < 3:
            raise ConnectionResetError("reset")
        return "ok"

    assert backoff.run("x", flaky) == "ok"
    assert waits == [0.75, 1.5, 3.0]
    low = Backoff(PlainReporter(io.StringIO()), rand=lambda: 0.0)
    high = Backoff(PlainReporter(io.StringIO()), rand=lambda: 1.0)
    assert (low.delay(3), high.delay(3)) == (4.0, 8.0)
    assert high.delay(20) == 64.0
    with pytest.raises(ConnectionResetError):
        Backoff(PlainReporter(io.StringIO()), attempts=2, sleep=waits.append).run(
            "x", lambda a: (_ for _ in ()).throw(ConnectionResetError())
        )


def test_video_body_and_update_body():
    from contract.script import Publish

    publish = Publish(title="T", tags=["a"], publish_at=datetime(2099, 1, 1, 10, tzinfo=UTC))
    body = video_body(publish, "fr-FR")
    assert body["snippet"]["categoryId"] == "27"
    assert body["snippet"]["defaultAudioLanguage"] == "fr-FR"
    assert body["status"] == {
        "privacyStatus": "private",
        "selfDeclaredMadeForKids": False,
        "containsSyntheticMedia": False,
        "publishAt": "2099-01-01T10:00:00Z",
    }
    update = update_body("vid", body, {"status": {"license": "creativeCommon", "uploadStatus": "processed"}})
    assert update["id"] == "vid" and update["status"]["license"] == "creativeCommon"
    assert "uploadStatus" not in update["status"]


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_a_rich_bar_on_a_terminal_and_lines_elsewhere():
    assert isinstance(make_reporter(io.StringIO()), PlainReporter)
    terminal = make_reporter(_Tty())
    assert isinstance(terminal, RichReporter)
    terminal.progress("uploading x.mp4", 5, 10)
    terminal.progress("uploading x.mp4", 10, 10)
    terminal.close()
    stream = io.StringIO()
    plain = PlainReporter(stream)
    for done in range(0, 101, 5):
        plain.progress("uploading x.mp4", done, 100)
    lines = stream.getvalue().splitlines()
    assert lines[0] == "uploading x.mp4: 0% (0 B of 100 B)" and lines[-1].startswith("uploading x.mp4: 100%")
    assert len(lines) == 11


def test_publish_options_reject_both_profile_and_token_file(tmp_path):
    build = make_build(tmp_path)
    result = CliRunner().invoke(command, [str(build), "--dry-run", "--profile", "a", "--token-file", "t.json"])
    assert result.exit_code == 2 and "not both" in result.stderr


def test_fake_youtube_records_protocol_mistakes(youtube):
    """The fake is strict: a chunk at the wrong offset is refused and recorded."""
    access, _ = youtube.issue_tokens()
    headers = {
        "Authorization": f"Bearer {access}",
        "X-Upload-Content-Length": str(2 * CHUNK_UNIT),
        "Content-Type": "application/json",
    }
    request = urllib.request.Request(
        youtube.url + "upload/youtube/v3/videos?uploadType=resumable&part=snippet",
        data=json.dumps({"snippet": {"title": "t", "categoryId": "27"}}).encode(),
        headers=headers,
        method="POST",
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request) as started:
        session = started.headers["Location"]
    chunk = urllib.request.Request(
        session,
        data=b"x" * CHUNK_UNIT,
        method="PUT",
        headers={
            "Authorization": f"Bearer {access}",
            "Content-Range": f"bytes {CHUNK_UNIT}-{2 * CHUNK_UNIT - 1}/{2 * CHUNK_UNIT}",
        },
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        opener.open(chunk)
    refused.value.close()
    assert refused.value.code == 400
    assert youtube.violations and "chunk starts at byte" in youtube.violations[0]


# -- token files others can read, the origin rule, the manifest model -----------------------------


def test_a_world_readable_token_file_is_used_with_a_warning_to_chmod(youtube, tmp_path):
    token = write_token_file(tmp_path / "token.json", youtube.token_info())
    token.chmod(0o644)
    build = make_build(tmp_path, captions=False)
    result = CliRunner().invoke(
        command,
        [str(build), "--token-file", str(token), "--api-endpoint", youtube.url, "--chunk-size", str(CHUNK_UNIT)],
    )
    assert result.exit_code == 0, result.stderr
    assert f"chmod 600 {token}" in result.stderr and "mode 0644" in result.stderr
    assert stat.S_IMODE(token.stat().st_mode) == 0o644  # the user's own file: they decide
    assert len(youtube.videos) == 1


def test_a_world_readable_profile_token_is_made_private(youtube, config, tmp_path):
    (config / "youtube").mkdir(parents=True)
    token = write_token_file(config / "youtube" / "default.json", youtube.token_info())
    token.chmod(0o644)
    build = make_build(tmp_path, captions=False)
    result = CliRunner().invoke(command, [str(build), "--api-endpoint", youtube.url])
    assert result.exit_code == 0, result.stderr
    assert "its mode is now 0600" in result.stderr
    assert stat.S_IMODE(token.stat().st_mode) == 0o600


def test_a_private_token_file_gives_no_warning(youtube, tmp_path):
    token = write_token_file(tmp_path / "token.json", youtube.token_info())
    assert auth.load_credentials(None, token).warnings == []


@pytest.mark.parametrize(
    ("url", "same"),
    [
        ("http://127.0.0.1:8080/upload/youtube/v3/videos?upload_id=x", True),
        ("HTTP://127.0.0.1:8080/other", True),
        ("http://127.0.0.1:8081/upload", False),
        ("https://127.0.0.1:8080/upload", False),
        ("http://localhost:8080/upload", False),
        ("http://127.0.0.1:8080@evil.example/upload", False),
        ("http://127.0.0.1:notaport/upload", False),
        ("//127.0.0.1:8080/upload", False),
    ],
)
def test_same_origin(url, same):
    assert same_origin(url, "http://127.0.0.1:8080/") is same


def test_same_origin_knows_default_ports():
    assert same_origin("https://youtube.googleapis.com:443/upload?x=1", "https://youtube.googleapis.com/")
    assert not same_origin("http://youtube.googleapis.com/upload", "https://youtube.googleapis.com/")


@pytest.mark.parametrize("name", ["", ".", "..", "../x.mp4", "/etc/passwd", "a/b.mp4", "a\\b.mp4", "a\nb", "x" * 256])
def test_manifest_entries_are_plain_file_names(name):
    with pytest.raises(ValidationError, match=r"plain file name|longer than 255"):
        OutputFile(file=name, sha256="0" * 64, bytes=1)


def test_the_manifest_reads_back_what_the_fake_render_wrote(tmp_path):
    build = make_build(tmp_path, playlist="Nos vidéos")
    manifest = Manifest.from_json((build / "manifest.json").read_text(encoding="utf-8"))
    assert manifest.outputs.video.file == "mission.mp4" and manifest.publish.playlist == "Nos vidéos"
    assert Manifest.from_json(manifest.to_json()) == manifest
    assert manifest.outputs.thumbnail_to_send == manifest.outputs.thumbnail
    with pytest.raises(ValidationError, match="custom_thumbnail is missing"):
        Manifest.model_validate({**manifest.model_dump(), "publish": {"thumbnail": "/etc/shadow"}})
    with pytest.raises(ValidationError, match=r"[Ee]xtra"):
        Manifest.model_validate({**manifest.model_dump(), "surprise": 1})
