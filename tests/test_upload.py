"""Publishing against a fake YouTube that speaks the real protocol (tests/fake_youtube.py).

The real google-api-python-client talks to the fake over HTTP on 127.0.0.1. Each
publishing test checks the bytes the server received (sha256), that exactly one
video exists, and that the client made no protocol mistake.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

from contract.errors import PublishError
from contract.progress import PlainReporter
from tests.fake_youtube import (
    CHUNK_UNIT,
    PNG,
    SRT,
    FakeYouTube,
    RequestLogger,
    add_playlist,
    describe,
    edit_manifest,
    make_build,
    make_tls_files,
    running,
    set_publish,
    write_token_file,
)
from upload.cli import command
from upload.publish import PublishOptions, PublishResult, publish_build

REPO = Path(__file__).resolve().parents[1]


# -- helpers --------------------------------------------------------------------------------------


def options(fake: FakeYouTube, token: Path, **changes: Any) -> PublishOptions:
    values: dict[str, Any] = {
        "token_file": token,
        "api_endpoint": fake.url,
        "chunk_size": CHUNK_UNIT,
        "backoff_base": 0.01,
        "timeout": 5.0,
    }
    values.update(changes)
    return PublishOptions(**values)


def manifest_sha(build: Path) -> str:
    return json.loads((build / "manifest.json").read_text())["outputs"]["video"]["sha256"]


def assert_one_intact_video(fake: FakeYouTube, build: Path) -> str:
    """Exactly one video, holding every byte of the rendered file; no protocol mistakes."""
    assert fake.violations == []
    assert len(fake.videos) == 1, fake.videos.keys()
    (video_id,) = fake.videos
    assert fake.video_sha256(video_id) == manifest_sha(build)
    assert hashlib.sha256((build / "mission.mp4").read_bytes()).hexdigest() == manifest_sha(build)
    return video_id


def ledger(build: Path) -> dict[str, Any]:
    return json.loads((build / "publish-ledger.json").read_text())


def not_reading_the_channel(fake: FakeYouTube) -> list[Any]:
    """The requests other than the dry run's one read-only channels.list (the channel's name)."""
    return [r for r in fake.requests if (r.method, r.path) != ("GET", "/youtube/v3/channels")]


pytestmark = pytest.mark.usefixtures("no_real_login")  # never the user's own logins


def run_cli(args: list[str], env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(command, args, env=env, catch_exceptions=False)


def cli_publish(fake: FakeYouTube, token: Path, build: Path, *extra: str) -> Any:
    """`upload BUILD --token-file TOKEN --api-endpoint FAKE [EXTRA...]`, in this process."""
    return run_cli([str(build), "--token-file", str(token), "--api-endpoint", fake.url, *extra])


def publish(fake: FakeYouTube, token: Path | None, build: Path, **changes: Any) -> PublishResult:
    """`publish_build` with the test options (see :func:`options`) and plain progress lines."""
    return publish_build(build, options(fake, token, **changes), PlainReporter())


@pytest.fixture
def build(tmp_path: Path) -> Path:
    return make_build(tmp_path, playlist="Nos vidéos", publish_at="2099-12-01T09:00:00+01:00")


# -- a full publish -------------------------------------------------------------------------------


def test_publish_sends_video_metadata_thumbnail_captions_and_playlist(youtube, token, build):
    result = cli_publish(youtube, token, build, "--chunk-size", str(CHUNK_UNIT))
    assert result.exit_code == 0, result.stderr
    video_id = assert_one_intact_video(youtube, build)
    assert f"https://youtu.be/{video_id}" in result.stdout

    start = youtube.calls("POST", "/upload/youtube/v3/videos")
    assert len(start) == 1
    assert start[0].query["uploadType"] == "resumable"
    assert start[0].query["part"] == "snippet,status"
    assert start[0].headers["x-upload-content-length"] == str((build / "mission.mp4").stat().st_size)
    assert start[0].headers["x-upload-content-type"] == "video/mp4"
    chunks = youtube.chunk_puts()
    assert len(chunks) == 5  # 1.3 MB in 256 KiB chunks
    assert all(c.body_bytes % CHUNK_UNIT == 0 for c in chunks[:-1])

    video = youtube.videos[video_id]
    assert video["snippet"]["title"] == "Notre mission en 60 secondes"
    assert video["snippet"]["description"] == "Qui nous sommes."
    assert video["snippet"]["tags"] == ["banque", "mission"]
    assert video["snippet"]["categoryId"] == "27"
    assert video["snippet"]["defaultLanguage"] == "fr"
    assert video["snippet"]["defaultAudioLanguage"] == "fr"
    assert video["status"]["privacyStatus"] == "private"
    assert video["status"]["selfDeclaredMadeForKids"] is False
    assert video["status"]["containsSyntheticMedia"] is False  # always sent, false by default
    assert video["status"]["publishAt"] == "2099-12-01T08:00:00Z"

    assert youtube.thumbnails[video_id] == (build / "mission.thumbnail.png").read_bytes()
    (caption,) = youtube.captions.values()
    assert caption["snippet"]["videoId"] == video_id
    assert caption["snippet"]["language"] == "fr"
    assert caption["snippet"]["name"]
    assert youtube.caption_data[caption["id"]].decode("utf-8") == SRT

    (playlist,) = youtube.playlists.values()
    assert playlist["snippet"]["title"] == "Nos vidéos"
    assert playlist["status"]["privacyStatus"] == "private"
    (item,) = youtube.playlist_items.values()
    assert item["snippet"]["playlistId"] == playlist["id"]
    assert item["snippet"]["resourceId"] == {"kind": "youtube#video", "videoId": video_id}

    (entry,) = ledger(build)["entries"]
    assert entry["video_id"] == video_id
    assert entry["video_sha256"] == manifest_sha(build)
    assert entry["channel_id"] == video["snippet"]["channelId"]
    assert entry["account"] == f"token-file:{token}"
    assert entry["session_uri"] is None


def test_made_for_kids_unlisted_and_no_captions(youtube, token, tmp_path):
    build = make_build(tmp_path, privacy="unlisted", made_for_kids=True, synthetic_media=True, tags=[], captions=False)
    publish(youtube, token, build)
    video_id = assert_one_intact_video(youtube, build)
    status = youtube.videos[video_id]["status"]
    assert status["privacyStatus"] == "unlisted"
    assert status["selfDeclaredMadeForKids"] is True
    assert status["containsSyntheticMedia"] is True
    assert "publishAt" not in status
    assert youtube.videos[video_id]["snippet"]["tags"] == []
    assert youtube.captions == {}
    assert youtube.calls("POST", "/upload/youtube/v3/captions") == []


# -- idempotence ----------------------------------------------------------------------------------


def test_running_again_does_not_upload_again(youtube, token, build):
    first = publish(youtube, token, build)
    requests_before = len(youtube.requests)
    second = publish(youtube, token, build)
    assert (first.action, second.action) == ("uploaded", "unchanged")
    assert second.video_id == first.video_id
    assert_one_intact_video(youtube, build)
    later = youtube.requests[requests_before:]
    assert [(r.method, r.path) for r in later] == [("GET", "/youtube/v3/videos")]
    assert len(ledger(build)["entries"]) == 1


def test_changed_metadata_updates_the_existing_video(youtube, token, build):
    first = publish(youtube, token, build)
    set_publish(build, title="Notre mission, version 2", tags=["banque"], privacy="private")
    second = publish(youtube, token, build)
    assert second.action == "updated"
    assert second.video_id == first.video_id
    video_id = assert_one_intact_video(youtube, build)
    (update,) = youtube.calls("PUT", "/youtube/v3/videos")
    assert update.query["part"] == "snippet,status"
    assert youtube.videos[video_id]["snippet"]["title"] == "Notre mission, version 2"
    assert youtube.videos[video_id]["snippet"]["tags"] == ["banque"]
    assert youtube.videos[video_id]["status"]["embeddable"] is True  # kept from the current video
    assert len(youtube.calls("POST", "/upload/youtube/v3/videos")) == 1


def test_force_new_uploads_a_second_video(youtube, token, build):
    first = publish(youtube, token, build)
    result = cli_publish(youtube, token, build, "--chunk-size", str(CHUNK_UNIT), "--force-new")
    assert result.exit_code == 0, result.stderr
    assert len(youtube.videos) == 2
    for video_id in youtube.videos:
        assert youtube.video_sha256(video_id) == manifest_sha(build)
    entries = ledger(build)["entries"]
    assert entries[0]["video_id"] == first.video_id
    assert len({e["video_id"] for e in entries}) == 2
    # and then running again without --force-new keeps the newest one
    again = publish(youtube, token, build)
    assert again.action == "unchanged" and again.video_id == entries[1]["video_id"]


def test_each_profile_is_its_own_channel(youtube, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    folder = tmp_path / "config" / "explainer-toolkit" / "youtube"
    folder.mkdir(parents=True)
    write_token_file(folder / "default.json", youtube.token_info())
    write_token_file(folder / "brand.json", youtube.token_info())
    build = make_build(tmp_path)
    for profile in (None, "brand", "brand", None):
        publish(youtube, None, build, token_file=None, profile=profile)
    assert len(youtube.videos) == 2
    assert len({v["snippet"]["channelId"] for v in youtube.videos.values()}) == 2
    assert [e["account"] for e in ledger(build)["entries"]] == ["profile:default", "profile:brand"]


def test_another_token_file_for_the_same_channel_reuses_the_video(youtube, tmp_path):
    channel = youtube.new_channel()
    first = write_token_file(tmp_path / "a.json", youtube.token_info(channel))
    copy = write_token_file(tmp_path / "b.json", youtube.token_info(channel))
    other = write_token_file(tmp_path / "c.json", youtube.token_info())
    build = make_build(tmp_path)
    results = [publish(youtube, t, build) for t in (first, copy, copy)]
    assert [r.action for r in results] == ["uploaded", "unchanged", "unchanged"]
    assert len(youtube.calls("GET", "/youtube/v3/channels")) == 1  # then the ledger knows
    assert_one_intact_video(youtube, build)
    publish(youtube, other, build)
    assert len(youtube.videos) == 2
    assert len({v["snippet"]["channelId"] for v in youtube.videos.values()}) == 2


# -- faults during the upload ---------------------------------------------------------------------


def test_503_on_a_middle_chunk_resumes_from_the_confirmed_byte(youtube, token, build):
    youtube.fail_chunk(3, 503)
    publish(youtube, token, build)
    assert_one_intact_video(youtube, build)
    chunks = youtube.chunk_puts()
    assert [c.status for c in chunks] == [308, 308, 503, 308, 308, 200]
    assert len(youtube.status_queries()) == 1
    starts = [int(c.content_range.split()[1].split("-")[0]) for c in chunks]
    assert starts == [0, CHUNK_UNIT, 2 * CHUNK_UNIT, 2 * CHUNK_UNIT, 3 * CHUNK_UNIT, 4 * CHUNK_UNIT]


@pytest.mark.parametrize("status", [500, 502, 504])
def test_other_5xx_are_retried(youtube, token, build, status):
    youtube.fail_chunk(2, status, times=2)
    publish(youtube, token, build)
    assert_one_intact_video(youtube, build)
    assert len(youtube.status_queries()) == 2


def test_a_connection_dropped_mid_chunk_resumes_inside_the_chunk(youtube, token, build):
    # 512 KiB chunks; the server keeps the first 256 KiB of the dropped chunk and says so.
    youtube.drop_chunk(2)
    publish(youtube, token, build, chunk_size=2 * CHUNK_UNIT)
    assert_one_intact_video(youtube, build)
    chunks = youtube.chunk_puts()
    assert [c.status for c in chunks] == [308, -1, 200]
    assert len(youtube.status_queries()) == 1
    starts = [int(c.content_range.split()[1].split("-")[0]) for c in chunks]
    assert starts == [0, 2 * CHUNK_UNIT, 3 * CHUNK_UNIT]  # resumed at the byte the server confirmed
    sent = sum(c.body_bytes for c in chunks)
    assert sent == (build / "mission.mp4").stat().st_size + CHUNK_UNIT  # only the unconfirmed part again


def test_a_timeout_is_retried(youtube, token, build):
    youtube.stall_chunk(2, seconds=2.0)
    publish(youtube, token, build, timeout=0.5)
    assert_one_intact_video(youtube, build)
    assert len(youtube.status_queries()) == 1


def test_kill_mid_upload_then_rerun_resumes_the_same_session(youtube, token, tmp_path):
    build = make_build(tmp_path, size=2_500_000)
    youtube.chunk_delay = 0.15
    args = [
        sys.executable,
        "-m",
        "upload",
        str(build),
        "--token-file",
        str(token),
        "--api-endpoint",
        youtube.url,
        "--chunk-size",
        str(CHUNK_UNIT),
    ]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(args, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while youtube.chunks_stored < 3 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.02)
        assert process.poll() is None, process.communicate()
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=10)
        process.stdout.close()
        process.stderr.close()
    assert youtube.videos == {}
    saved = ledger(build)["entries"][0]
    assert saved["video_id"] is None and "upload_id=" in saved["session_uri"]
    stored = len(next(iter(youtube.sessions.values())).data)
    assert stored >= 3 * CHUNK_UNIT

    youtube.chunk_delay = 0
    requests_before = len(youtube.requests)
    rerun = subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert rerun.returncode == 0, rerun.stderr
    assert_one_intact_video(youtube, build)
    assert len(youtube.sessions) == 1  # the same session, not a new upload
    assert len(youtube.calls("POST", "/upload/youtube/v3/videos")) == 1
    later = youtube.requests[requests_before:]
    assert later[0].content_range == f"bytes */{(build / 'mission.mp4').stat().st_size}"
    first_chunk = next(r for r in later if r.content_range and not r.content_range.startswith("bytes */"))
    assert first_chunk.content_range.startswith(f"bytes {stored}-")
    assert ledger(build)["entries"][0]["session_uri"] is None


def test_an_expired_session_starts_a_new_upload(youtube, token, build):
    youtube.chunk_delay = 0
    youtube.fail_chunk(2, 404, reason="notFound", message="session expired")
    youtube.sessions.clear()
    publish(youtube, token, build)
    assert_one_intact_video(youtube, build)
    assert len(youtube.calls("POST", "/upload/youtube/v3/videos")) == 2


# -- errors ---------------------------------------------------------------------------------------


def test_quota_exceeded_is_explained_and_not_retried(youtube, token, build):
    youtube.add_fault(
        "POST",
        "/upload/youtube/v3/videos",
        status=403,
        reason="quotaExceeded",
        domain="youtube.quota",
        message="The request cannot be completed because you have exceeded your quota.",
        times=99,
    )
    result = cli_publish(youtube, token, build)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[-2].startswith("ERROR ") and "quota" in lines[-2]
    assert lines[-1].lstrip().startswith("hint: ") and "midnight Pacific time" in lines[-1]
    assert "Traceback" not in result.stderr
    assert len(youtube.calls("POST", "/upload/youtube/v3/videos")) == 1
    assert youtube.videos == {}


def test_quota_exceeded_during_a_later_step_stops_and_resumes_later(youtube, token, build):
    youtube.add_fault(
        "POST",
        "/upload/youtube/v3/captions",
        status=403,
        reason="quotaExceeded",
        domain="youtube.quota",
        message="quota",
    )
    result = cli_publish(youtube, token, build)
    assert result.exit_code == 1 and "midnight Pacific" in result.stderr
    assert youtube.playlists == {}  # stopped: nothing else spends quota
    result = cli_publish(youtube, token, build)
    assert result.exit_code == 0, result.stderr
    assert_one_intact_video(youtube, build)
    assert len(youtube.captions) == 1 and len(youtube.playlist_items) == 1
    assert len(youtube.calls("POST", "/upload/youtube/v3/thumbnails/set")) == 1


def test_upload_limit_is_explained(youtube, token, build):
    youtube.add_fault(
        "POST",
        "/upload/youtube/v3/videos",
        status=400,
        reason="uploadLimitExceeded",
        message="The user has exceeded the number of videos they may upload.",
    )
    result = cli_publish(youtube, token, build)
    assert result.exit_code == 1
    assert "upload limit" in result.stderr and "hint:" in result.stderr
    assert youtube.videos == {}


def test_401_refreshes_the_token_and_saves_it(youtube, tmp_path, build):
    info = youtube.token_info(valid_access=False)
    token = write_token_file(tmp_path / "token.json", info)
    result = cli_publish(youtube, token, build, "--chunk-size", str(CHUNK_UNIT))
    assert result.exit_code == 0, result.stderr
    assert_one_intact_video(youtube, build)
    assert youtube.token_requests == 1
    assert youtube.calls()[0].status == 401
    saved = json.loads(token.read_text())
    assert saved["token"] != info["token"] and saved["token"] in youtube.access_tokens
    assert saved["refresh_token"] == info["refresh_token"]
    assert saved["token_uri"] == youtube.url + "token"
    assert stat.S_IMODE(token.stat().st_mode) == 0o600
    for secret in (info["token"], saved["token"], info["refresh_token"], youtube.client_secret):
        assert secret not in result.stdout and secret not in result.stderr


def test_401_in_the_middle_of_the_upload_refreshes_and_goes_on(youtube, token, build):
    youtube.add_fault(
        "PUT",
        "/upload/youtube/v3/videos",
        nth=3,
        status=401,
        reason="authError",
        message="Invalid Credentials",
        chunks_only=True,
    )
    publish(youtube, token, build)
    assert_one_intact_video(youtube, build)
    assert youtube.token_requests == 1


def test_a_revoked_token_says_log_in_again(youtube, tmp_path, build):
    info = youtube.token_info(valid_access=False)
    youtube.refresh_tokens.clear()  # revoked
    token = write_token_file(tmp_path / "token.json", info)
    result = cli_publish(youtube, token, build)
    assert result.exit_code == 1
    assert "expired or been revoked" in result.stderr and "--login" in result.stderr
    for secret in (info["token"], info["refresh_token"], youtube.client_secret):
        assert secret not in result.stdout + result.stderr
    assert youtube.videos == {}


def test_missing_login_for_a_profile(tmp_path, build, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    result = run_cli([str(build), "--profile", "work"])
    assert result.exit_code == 2
    assert "no YouTube login for profile 'work'" in result.stderr
    assert "upload --login --profile work" in result.stderr


def test_unverified_project_forcing_private_is_explained(youtube, token, tmp_path):
    youtube.force_private = True
    build = make_build(tmp_path, privacy="public")
    for _ in range(2):
        result = cli_publish(youtube, token, build)
        assert result.exit_code == 1
        assert "unverified" in result.stderr and "hint:" in result.stderr
    assert_one_intact_video(youtube, build)


def test_a_refused_thumbnail_does_not_stop_the_other_steps(youtube, token, build):
    youtube.thumbnail_forbidden = True
    result = cli_publish(youtube, token, build)
    assert result.exit_code == 1
    assert "thumbnail" in result.stderr and "verif" in result.stderr
    assert len(youtube.captions) == 1 and len(youtube.playlist_items) == 1
    youtube.thumbnail_forbidden = False
    result = cli_publish(youtube, token, build)
    assert result.exit_code == 0, result.stderr
    video_id = assert_one_intact_video(youtube, build)
    assert video_id in youtube.thumbnails
    assert len(youtube.captions) == 1 and len(youtube.playlist_items) == 1


def test_rate_limits_are_retried(youtube, token, build):
    youtube.add_fault(
        "GET",
        "/youtube/v3/playlists",
        status=403,
        reason="rateLimitExceeded",
        message="Rate limit",
        times=2,
    )
    publish(youtube, token, build)
    assert_one_intact_video(youtube, build)
    assert len(youtube.playlists) == 1


def test_interrupt_exits_130(build, monkeypatch):
    def interrupted(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("upload.publish.publish_build", interrupted)
    result = run_cli([str(build), "--dry-run"])
    assert result.exit_code == 130
    assert "interrupted" in result.stderr and "resume" in result.stderr


# -- bad input ------------------------------------------------------------------------------------


def _manifest(build: Path) -> dict[str, Any]:
    return json.loads((build / "manifest.json").read_text())


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (lambda b: (b / "manifest.json").unlink(), "manifest.json: missing"),
        (lambda b: (b / "manifest.json").write_text("{not json"), "not a readable manifest"),
        (lambda b: (b / "mission.mp4").unlink(), "video named in manifest.json is missing"),
        (
            lambda b: (b / "mission.mp4").write_bytes(b"x" * 1_300_000),
            "does not match manifest.json",
        ),
        (lambda b: set_publish(b, title="x" * 101), "at most 100 characters"),
        (lambda b: set_publish(b, title="a <b>"), "'<' and '>'"),
        (lambda b: set_publish(b, description="é" * 2501), "5000 bytes"),
        (lambda b: set_publish(b, publish_at="2020-01-01T00:00:00+00:00"), "in the past"),
        (lambda b: set_publish(b, privacy="public"), "privacy: private"),
    ],
)
def test_bad_input_exits_2_with_one_line(build, breakage, message, tmp_path):
    breakage(build)
    result = run_cli([str(build), "--dry-run"])
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert result.stderr.startswith("ERROR ") and "Traceback" not in result.stderr
    if "match" in message or "missing" in message:
        assert "run `render`" in result.stderr


def test_missing_build_folder(tmp_path):
    result = run_cli([str(tmp_path / "nope"), "--dry-run"])
    assert result.exit_code == 2 and "run `render`" in result.stderr


def test_chunk_size_must_be_a_multiple_of_256_kib(build):
    result = run_cli([str(build), "--dry-run", "--chunk-size", str(CHUNK_UNIT + 1)])
    assert result.exit_code == 2 and "256 KiB" in result.stderr


def test_no_arguments_is_a_usage_error():
    assert run_cli([]).exit_code == 2


# -- dry run --------------------------------------------------------------------------------------


def test_dry_run_prints_the_requests_and_sends_nothing(youtube, build):
    result = run_cli(
        [str(build), "--dry-run", "--verbose", "--api-endpoint", youtube.url, "--chunk-size", str(CHUNK_UNIT)]
    )
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert youtube.requests == []
    size = (build / "mission.mp4").stat().st_size
    assert f"POST {youtube.url}upload/youtube/v3/videos?part=snippet%2Cstatus" in out
    assert "uploadType=resumable" in out
    assert f"X-Upload-Content-Length: {size}" in out
    assert '"title": "Notre mission en 60 secondes"' in out
    assert '"selfDeclaredMadeForKids": false' in out
    assert '"publishAt": "2099-12-01T08:00:00Z"' in out
    assert f"mission.mp4 ({size} bytes, video/mp4" in out
    assert "5 chunk(s)" in out
    assert "thumbnails/set?videoId=VIDEO_ID" in out and "mission.thumbnail.png" in out
    assert "upload/youtube/v3/captions?part=snippet" in out and "mission.fr.srt" in out
    assert '"language": "fr"' in out
    assert "youtube/v3/playlists?part=snippet&mine=true" in out
    assert '"title": "Nos vidéos"' in out
    assert "playlistItems" in out
    assert not (build / "publish-ledger.json").exists()


def test_dry_run_after_publishing_shows_the_update(youtube, token, build):
    first = publish(youtube, token, build)
    set_publish(build, title="Nouveau titre")
    count = len(not_reading_the_channel(youtube))
    result = cli_publish(youtube, token, build, "--dry-run", "--verbose")
    assert result.exit_code == 0, result.stderr
    assert len(not_reading_the_channel(youtube)) == count
    assert f"GET {youtube.url}youtube/v3/videos?part=snippet%2Cstatus&id={first.video_id}" in result.stdout
    assert f"PUT {youtube.url}youtube/v3/videos?part=snippet%2Cstatus" in result.stdout
    assert '"title": "Nouveau titre"' in result.stdout
    requests = result.stdout.split("Requests `upload` would send", 1)[1]
    assert "upload/youtube/v3/videos" not in requests
    assert "thumbnails" not in requests and "captions" not in requests
    assert f"update the metadata of https://youtu.be/{first.video_id}" in result.stdout  # the summary's last line


def test_api_endpoint_from_the_environment(youtube, token, build):
    result = run_cli(
        [str(build), "--token-file", str(token), "--chunk-size", str(CHUNK_UNIT)],
        env={"YOUTUBE_API_ENDPOINT": youtube.url},
    )
    assert result.exit_code == 0, result.stderr
    assert_one_intact_video(youtube, build)


# -- playlists ------------------------------------------------------------------------------------


def test_an_existing_playlist_is_found_by_title_across_pages(youtube, token, tmp_path):
    channel = youtube.access_tokens[json.loads(token.read_text())["token"]]
    youtube.page_size = 2
    for n in range(5):
        add_playlist(youtube, f"Autre {n}", channel)
    wanted = add_playlist(youtube, "Nos vidéos", channel)
    build = make_build(tmp_path, playlist="Nos vidéos")
    publish(youtube, token, build)
    video_id = assert_one_intact_video(youtube, build)
    assert len(youtube.playlists) == 6  # none created
    (item,) = youtube.playlist_items.values()
    assert item["snippet"]["playlistId"] == wanted and item["snippet"]["resourceId"]["videoId"] == video_id


def test_a_playlist_given_by_id(youtube, token, tmp_path):
    channel = youtube.access_tokens[json.loads(token.read_text())["token"]]
    wanted = add_playlist(youtube, "Whatever", channel)
    build = make_build(tmp_path, playlist=wanted)
    publish(youtube, token, build)
    assert_one_intact_video(youtube, build)
    assert youtube.calls("GET", "/youtube/v3/playlists") == []
    (item,) = youtube.playlist_items.values()
    assert item["snippet"]["playlistId"] == wanted


def test_a_changed_thumbnail_and_captions_are_sent_again_without_a_new_video(youtube, token, build):
    publish(youtube, token, build)
    srt = build / "mission.fr.srt"
    srt.write_text(SRT.replace("Notre mission.", "Notre mission, revue."), encoding="utf-8")
    manifest = _manifest(build)
    manifest["outputs"]["captions"][0].update(
        sha256=hashlib.sha256(srt.read_bytes()).hexdigest(), bytes=srt.stat().st_size
    )
    (build / "manifest.json").write_text(json.dumps(manifest))
    publish(youtube, token, build)
    assert_one_intact_video(youtube, build)
    (caption_id,) = youtube.captions
    assert youtube.caption_data[caption_id] == srt.read_bytes()
    assert len(youtube.calls("PUT", "/upload/youtube/v3/captions")) == 1


def test_an_https_endpoint_with_its_own_ca(tmp_path, monkeypatch):
    ca, cert, key = make_tls_files(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(ca))
    monkeypatch.delenv("HTTPLIB2_CA_CERTS", raising=False)
    with running(tls=(cert, key)) as fake:
        assert fake.url.startswith("https://127.0.0.1:")
        token = write_token_file(tmp_path / "token.json", fake.token_info(valid_access=False))
        build = make_build(tmp_path)
        result = publish(fake, token, build)
        assert result.action == "uploaded"
        assert_one_intact_video(fake, build)
        assert fake.token_requests == 1  # the refresh went to the https token_uri too


# -- a tampered build folder ----------------------------------------------------------------------
# Build folders are shared, copied and committed: whoever can write one may edit the ledger and
# the manifest, or swap files for links. Nothing from outside the folder may be sent, and the
# token may go nowhere but the API endpoint.


def _pending_session(youtube: FakeYouTube, token: Path, build: Path) -> str:
    """Start an upload that fails after its session is saved; the session URI in the ledger."""
    youtube.fail_chunk(2, 400, reason="badRequest", message="no")
    with pytest.raises(PublishError):
        publish(youtube, token, build)
    (entry,) = ledger(build)["entries"]
    assert entry["video_id"] is None and entry["session_uri"]
    return str(entry["session_uri"])


def _set_session(build: Path, uri: str) -> None:
    data = ledger(build)
    data["entries"][0]["session_uri"] = uri
    (build / "publish-ledger.json").write_text(json.dumps(data))


@pytest.mark.parametrize(
    "elsewhere",
    [
        lambda uri, fake, logger: uri.replace(urlsplit(fake.url).netloc, f"127.0.0.1:{logger.port}"),
        lambda uri, fake, logger: uri.replace("127.0.0.1", "localhost"),  # same port, another host name
        lambda uri, fake, logger: uri.replace("http://", "https://"),  # same host and port, another scheme
        lambda uri, fake, logger: "https://youtube.googleapis.com" + urlsplit(uri).path + "?" + urlsplit(uri).query,
    ],
    ids=["other-port", "other-host", "other-scheme", "google"],
)
def test_a_saved_session_on_another_server_is_dropped_and_gets_no_token(
    youtube, token, build, request_logger, elsewhere
):
    saved = _pending_session(youtube, token, build)
    _set_session(build, elsewhere(saved, youtube, request_logger))
    requests_before = len(not_reading_the_channel(youtube))

    dry = cli_publish(youtube, token, build, "--dry-run", "--verbose")
    assert dry.exit_code == 0, dry.stderr
    assert "on another server" in dry.stdout and "<the upload session saved" not in dry.stdout
    assert len(not_reading_the_channel(youtube)) == requests_before

    result = cli_publish(youtube, token, build, "--chunk-size", str(CHUNK_UNIT))
    assert result.exit_code == 0, result.stderr
    assert "on another server" in result.stderr and "dropped" in result.stderr
    assert request_logger.requests == []
    assert_one_intact_video(youtube, build)
    assert len(youtube.calls("POST", "/upload/youtube/v3/videos")) == 2  # a new session
    assert youtube.status_queries() == []  # the dropped session was never asked anything
    assert ledger(build)["entries"][0]["session_uri"] is None


def test_a_saved_session_on_the_endpoint_is_still_resumed(youtube, token, build):
    _pending_session(youtube, token, build)
    result = cli_publish(youtube, token, build, "--chunk-size", str(CHUNK_UNIT))
    assert result.exit_code == 0, result.stderr
    assert_one_intact_video(youtube, build)
    assert len(youtube.calls("POST", "/upload/youtube/v3/videos")) == 1
    assert len(youtube.status_queries()) == 1


def test_a_redirect_from_the_endpoint_does_not_take_the_token_elsewhere(token, build):
    destination = RequestLogger()
    redirector = RequestLogger(302, {"Location": destination.url + "youtube/v3/videos"})
    # the ledger says this content is published there, so the first call is a GET (videos.list),
    # which httplib2 would follow with every header, the token included
    published = {
        "account": f"token-file:{token}",
        "endpoint": redirector.url,
        "video_sha256": manifest_sha(build),
        "video_file": "mission.mp4",
        "video_bytes": (build / "mission.mp4").stat().st_size,
        "video_id": "abcdefghijk",
    }
    (build / "publish-ledger.json").write_text(json.dumps({"format": 1, "entries": [published]}))
    try:
        result = run_cli([str(build), "--token-file", str(token), "--api-endpoint", redirector.url])
    finally:
        redirector.stop()
        destination.stop()
    assert result.exit_code == 1, result.output
    assert [r.method for r in redirector.requests] == ["GET"]  # the endpoint is the one we trust
    assert destination.requests == []


def _swap_for_link(path: Path, target: Path) -> None:
    path.unlink()
    path.symlink_to(target)


def _outside_png(build: Path) -> Path:
    outside = build.parent.parent / "outside.png"
    outside.write_bytes(PNG)
    return outside


def _video_entry(build: Path, entry: dict[str, Any]) -> None:
    edit_manifest(build, lambda m: m["outputs"].update(video=entry))


def _caption_entry(build: Path, entry: dict[str, Any]) -> None:
    edit_manifest(build, lambda m: m["outputs"]["captions"][0].update(entry))


def _video_link(build: Path, target: Path) -> None:
    _swap_for_link(build / "mission.mp4", target)
    _video_entry(build, describe(target, "mission.mp4"))


def _caption_link(build: Path, target: Path) -> None:
    _swap_for_link(build / "mission.fr.srt", target)
    _caption_entry(build, describe(target, "mission.fr.srt"))


def _thumbnail_link(build: Path) -> None:
    outside = _outside_png(build)
    _swap_for_link(build / "mission.thumbnail.png", outside)
    edit_manifest(build, lambda m: m["outputs"].update(thumbnail=describe(outside, "mission.thumbnail.png")))


def _custom_thumbnail(build: Path, name: str, data: bytes) -> None:
    (build / name).write_bytes(data)
    edit_manifest(
        build,
        lambda m: (
            m["publish"].update(thumbnail="/anywhere/logo.png"),
            m["outputs"].update(custom_thumbnail=describe(build / name)),
        ),
    )


def _fifo_video(build: Path) -> None:
    (build / "mission.mp4").unlink()
    os.mkfifo(build / "mission.mp4")


PASSWD, HOSTNAME, SERVICES, GROUP = (Path(f"/etc/{n}") for n in ("passwd", "hostname", "services", "group"))


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (lambda b: _video_entry(b, describe(PASSWD, "../../../../../../etc/passwd")), "not a plain file name"),
        (lambda b: _video_entry(b, describe(HOSTNAME, str(HOSTNAME))), "not a plain file name"),
        (lambda b: _video_link(b, SERVICES), "leads outside the build folder"),
        (lambda b: _caption_entry(b, describe(GROUP, str(GROUP))), "not a plain file name"),
        (lambda b: _caption_link(b, GROUP), "leads outside the build folder"),
        (_thumbnail_link, "leads outside the build folder"),
        (lambda b: set_publish(b, thumbnail="/etc/shadow"), "custom_thumbnail is missing"),
        (
            lambda b: edit_manifest(
                b,
                lambda m: (
                    m["publish"].update(thumbnail="x.png"),
                    m["outputs"].update(custom_thumbnail=describe(_outside_png(b), "../../outside.png")),
                ),
            ),
            "not a plain file name",
        ),
        (lambda b: _custom_thumbnail(b, "logo.png", b"not an image at all\n"), "not a PNG or JPEG"),
        (lambda b: _custom_thumbnail(b, "logo.png", PNG[:-5] + b"\x00" * 5), "not a valid PNG"),
        (lambda b: _custom_thumbnail(b, "logo.jpg", b"\xff\xd8\xff" + PNG[3:]), "not a valid JPEG"),
        (_fifo_video, "not a regular file"),
        (lambda b: (b / "mission.mp4").write_bytes(SERVICES.read_bytes()), "does not match manifest.json"),
    ],
    ids=[
        "video-dot-dot",
        "video-absolute",
        "video-symlink-out",
        "captions-absolute",
        "captions-symlink-out",
        "thumbnail-symlink-out",
        "publish-thumbnail-path",
        "custom-thumbnail-dot-dot",
        "custom-thumbnail-not-an-image",
        "custom-thumbnail-broken-png",
        "custom-thumbnail-fake-jpeg",
        "video-fifo",
        "video-swapped",
    ],
)
def test_a_tampered_manifest_sends_nothing(youtube, token, build, request_logger, tamper, message):
    tamper(build)
    started = time.monotonic()
    result = cli_publish(youtube, token, build)
    assert time.monotonic() - started < 10  # a FIFO must not hang the command
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
    assert len(error_lines) == 1 and "Traceback" not in result.stderr
    assert youtube.requests == [] and request_logger.requests == []
    assert not (build / "publish-ledger.json").exists()


def test_links_inside_the_build_folder_and_a_custom_jpeg_are_accepted(youtube, token, build):
    from PIL import Image

    jpeg = io.BytesIO()
    Image.new("RGB", (16, 9), (0, 112, 60)).save(jpeg, "JPEG")
    _custom_thumbnail(build, "logo.jpg", jpeg.getvalue())
    (build / "renders").mkdir()
    (build / "mission.mp4").rename(build / "renders" / "mission.mp4")
    (build / "mission.mp4").symlink_to(Path("renders") / "mission.mp4")
    result = cli_publish(youtube, token, build, "--chunk-size", str(CHUNK_UNIT))
    assert result.exit_code == 0, result.stderr
    video_id = assert_one_intact_video(youtube, build)
    assert youtube.thumbnails[video_id] == jpeg.getvalue()
    assert youtube.thumbnail_types[video_id] == "image/jpeg"


class _SwappingReporter(PlainReporter):
    """Swaps the checked video for a link to another file just before the upload starts."""

    def __init__(self, video: Path, target: Path) -> None:
        super().__init__()
        self.video, self.target = video, target

    def info(self, message: str) -> None:
        if message.startswith("uploading "):
            _swap_for_link(self.video, self.target)
        super().info(message)


def test_a_video_swapped_after_the_check_is_not_what_is_sent(youtube, token, build):
    original = hashlib.sha256((build / "mission.mp4").read_bytes()).hexdigest()
    options_ = options(youtube, token)
    publish_build(build, options_, _SwappingReporter(build / "mission.mp4", SERVICES))
    (video_id,) = youtube.videos
    assert youtube.video_sha256(video_id) == original  # the bytes checked, not /etc/services


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "Notre mission\nSecond line"}, "title"),
        ({"title": "Cloche \x07"}, "title"),
        ({"description": "ok\x00"}, "description"),
        ({"tags": ["banque,finance"]}, "tags"),
        ({"tags": ["banque\nfinance"]}, "tags"),
        ({"category": 12345678901234567890}, "category"),
    ],
    ids=["title-newline", "title-control", "description-nul", "tag-comma", "tag-newline", "category-20-digits"],
)
def test_metadata_youtube_refuses_is_refused_from_a_tampered_manifest(youtube, token, build, changes, field):
    set_publish(build, **changes)
    result = cli_publish(youtube, token, build)
    assert result.exit_code == 2, result.output
    assert f"publish.{field}" in result.stderr
    assert youtube.requests == []


def test_an_unreachable_login_server_is_reported_at_once_as_what_it_is(youtube, tmp_path, build):
    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    info = youtube.token_info(valid_access=False)
    info["token_uri"] = f"http://127.0.0.1:{closed}/token"
    token = write_token_file(tmp_path / "token.json", info)
    started = time.monotonic()
    result = cli_publish(youtube, token, build)  # the default backoff: minutes if it were retried
    assert time.monotonic() - started < 10
    assert result.exit_code == 1, result.output
    assert f"cannot reach the login server http://127.0.0.1:{closed}" in result.stderr
    assert "lost the connection to YouTube" not in result.stderr
    assert youtube.videos == {} and youtube.sessions == {}


def _listed(stdout: str, fake: FakeYouTube) -> list[tuple[str, str]]:
    """(method, path) of each request a dry run lists with a real URL."""
    found = re.findall(r"^\d+\. (GET|POST|PUT) (\S+)$", stdout, flags=re.MULTILINE)
    return [(method, urlsplit(url).path) for method, url in found if url.startswith(fake.url)]


def test_the_dry_run_lists_what_the_real_run_then_sends(youtube, token, build):
    set_publish(build, publish_at=None)
    listed = cli_publish(youtube, token, build, "--dry-run", "--verbose")
    assert listed.exit_code == 0 and not_reading_the_channel(youtube) == []
    youtube.requests.clear()
    result = cli_publish(youtube, token, build, "--chunk-size", str(CHUNK_UNIT))
    assert result.exit_code == 0, result.stderr
    sent = [(r.method, r.path) for r in youtube.requests if r.method != "PUT" and r.path != "/token"]
    assert sorted(_listed(listed.stdout, youtube)) == sorted(sent)

    set_publish(build, title="Un autre titre")
    youtube.requests.clear()
    listed = cli_publish(youtube, token, build, "--dry-run", "--verbose")
    youtube.requests.clear()
    result = cli_publish(youtube, token, build)
    assert result.exit_code == 0, result.stderr
    assert _listed(listed.stdout, youtube) == [(r.method, r.path) for r in youtube.requests]
    assert [r.method for r in youtube.requests] == ["GET", "PUT"]  # videos.list, videos.update
