"""`upload --dry-run`: a plain summary a person reads first (issue 15, item 8), against the fake YouTube.

The raw requests come only with `--verbose`; a build whose script has no `publish:` block says
what it defaults to, in a dry run and before a real upload.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.fake_youtube import CHUNK_UNIT, FakeYouTube, edit_manifest, make_build
from upload.cli import command

pytestmark = pytest.mark.usefixtures("no_real_login")  # never the user's own logins


def upload(fake: FakeYouTube, build: Path, *extra: str) -> Any:
    args = [str(build), "--api-endpoint", fake.url, "--chunk-size", str(CHUNK_UNIT), *extra]
    return CliRunner().invoke(command, args, catch_exceptions=False)


def field(stdout: str, label: str) -> str:
    """The value of one summary line (`  label:   value`)."""
    found = re.search(rf"^  {re.escape(label)}:\s+(.*)$", stdout, flags=re.MULTILINE)
    assert found, f"no {label!r} line in:\n{stdout}"
    return found.group(1)


def test_the_summary_comes_first_and_the_requests_only_with_verbose(youtube, tmp_path):
    build = make_build(
        tmp_path,
        playlist="Nos vidéos",
        publish_at="2099-12-01T09:00:00+01:00",
        description="Qui nous sommes.\nEt ce que nous faisons pour la région.",
    )
    result = upload(youtube, build, "--dry-run")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert youtube.requests == []  # not logged in: nothing at all reaches the server
    assert out.startswith("DRY RUN: nothing is published or changed.")
    assert field(out, "channel").startswith("not logged in") and "upload --login" in field(out, "channel")
    assert field(out, "title") == "Notre mission en 60 secondes"
    assert field(out, "privacy") == "private"
    assert field(out, "schedule") == "goes public on 2099-12-01 09:00:00+01:00 (private until then)"
    assert field(out, "playlist") == "Nos vidéos"
    assert field(out, "audience") == "not made for kids"
    assert field(out, "synthetic") == "not declared synthetic"
    assert field(out, "captions") == "fr (mission.fr.srt)"
    assert field(out, "thumbnail") == (
        "mission.thumbnail.png (designed by render from the title, the brand and the first cast member if any)"
    )
    assert field(out, "legal text") == "none"
    assert field(out, "description") == "Qui nous sommes.  (+1 more line(s))"
    assert field(out, "this run") == "upload the video as a new video; then send the thumbnail, captions, playlist"
    assert "NOTE" not in out  # this script has its publish block
    assert "request(s) would be sent; add --verbose to list them." in out
    assert "POST " not in out and "X-Upload-Content-Length" not in out

    verbose = upload(youtube, build, "--dry-run", "--verbose")
    assert verbose.exit_code == 0, verbose.stderr
    summary, requests = verbose.stdout.split("Requests `upload` would send", 1)
    assert field(summary, "title") == "Notre mission en 60 secondes"
    assert "POST " in requests and "X-Upload-Content-Length" in requests and "--verbose" not in requests


def test_logged_in_the_channel_is_named_and_only_read(youtube, token, tmp_path):
    build = make_build(tmp_path, privacy="unlisted")
    result = upload(youtube, build, "--dry-run", "--token-file", str(token))
    assert result.exit_code == 0, result.stderr
    (read,) = youtube.requests
    assert (read.method, read.path, read.query["part"], read.query["mine"]) == (
        "GET",
        "/youtube/v3/channels",
        "snippet",
        "true",
    )
    assert re.fullmatch(r"Banque du Val \(UC[\w-]+\)", field(result.stdout, "channel"))
    assert field(result.stdout, "schedule") == "none (unlisted as soon as YouTube has processed it)"
    assert youtube.videos == {} and not (build / "publish-ledger.json").exists()


def test_a_channel_that_cannot_be_read_does_not_stop_the_dry_run(youtube, token, tmp_path):
    youtube.add_fault("GET", "/youtube/v3/channels", status=403, reason="forbidden", message="Forbidden")
    result = upload(youtube, make_build(tmp_path), "--dry-run", "--token-file", str(token))
    assert result.exit_code == 0, result.stderr
    assert "but the channel could not be read: YouTube refused" in field(result.stdout, "channel")


def test_legal_mentions_and_captions_off_are_shown(youtube, tmp_path):
    build = make_build(tmp_path, captions=False)
    mentions = ["Un crédit vous engage et doit être remboursé.", "Offre soumise à conditions."]
    edit_manifest(build, lambda manifest: manifest.update(legal=mentions))
    result = upload(youtube, build, "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert field(result.stdout, "legal text") == mentions[0]
    assert re.search(rf"^ {{16}}{re.escape(mentions[1])}$", result.stdout, flags=re.MULTILINE)
    assert field(result.stdout, "captions") == "off (publish.captions: false)"


def test_loudness_chapters_and_burned_captions_are_shown(youtube, tmp_path):
    build = make_build(tmp_path)
    result = upload(youtube, build, "--dry-run")
    assert field(result.stdout, "burned in") == "no"
    assert field(result.stdout, "chapters") == "none (publish.chapters is off)"
    assert field(result.stdout, "loudness").startswith("not measured")
    loudness = {"integrated_lufs": -14.2, "true_peak_dbtp": -1.6, "target_lufs": -14.0, "target_true_peak_dbtp": -1.0}
    chapters = {"lines": ["0:00 Bonjour", "0:12 Nos valeurs", "0:31 Contact"], "not_written": None}
    edit_manifest(build, lambda manifest: manifest.update(loudness=loudness, chapters=chapters, captions_burned=True))
    out = upload(youtube, build, "--dry-run").stdout
    assert field(out, "burned in") == "yes: the picture shows the captions"
    assert field(out, "loudness") == "-14.2 LUFS, true peak -1.6 dBTP (target -14 LUFS, at most -1 dBTP)"
    assert field(out, "chapters") == "3 in the description: 0:00 Bonjour; 0:12 Nos valeurs; 0:31 Contact"
    why = "YouTube needs at least 3 chapters, and this video has 2 titled part(s)"
    edit_manifest(build, lambda manifest: manifest.update(chapters={"lines": [], "not_written": why}))
    assert field(upload(youtube, build, "--dry-run").stdout, "chapters") == f"none: {why}"


def test_a_script_without_publish_says_its_defaults_in_the_dry_run_and_before_uploading(youtube, token, tmp_path):
    build = make_build(tmp_path, title=None, description="", tags=[])
    edit_manifest(build, lambda manifest: manifest.update(publish_in_script=False))
    dry = upload(youtube, build, "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    (note,) = [line for line in dry.stdout.splitlines() if line.startswith("NOTE ")]
    assert "no `publish:` block" in note and "privacy private" in note and "an empty description" in note
    assert "'Notre mission'" in note  # the script's title is the video's
    assert field(dry.stdout, "description") == "(empty)"

    real = upload(youtube, build, "--token-file", str(token))
    assert real.exit_code == 0, real.stderr
    assert "no `publish:` block" in real.stderr
    assert real.stderr.index("no `publish:` block") < real.stderr.index("uploading mission.mp4")
    (video,) = youtube.videos.values()
    assert video["status"]["privacyStatus"] == "private" and video["snippet"]["description"] == ""

    again = upload(youtube, build, "--token-file", str(token))  # nothing to upload: nothing to warn about
    assert again.exit_code == 0 and "no `publish:` block" not in again.stderr


def test_a_script_with_publish_gets_no_defaults_note(youtube, token, tmp_path):
    build = make_build(tmp_path, title=None, description="")  # all defaults, but written in the script
    edit_manifest(build, lambda manifest: manifest.update(publish_in_script=True))
    assert "NOTE" not in upload(youtube, build, "--dry-run").stdout
    real = upload(youtube, build, "--token-file", str(token))
    assert real.exit_code == 0 and "publish:" not in real.stderr


def test_a_preview_folder_is_refused_even_if_its_manifest_says_final(youtube, tmp_path):
    build = make_build(tmp_path, name="mission.preview")
    result = upload(youtube, build, "--dry-run")
    assert result.exit_code == 2
    assert "--preview draft" in result.stderr and "without `.preview`" in result.stderr
    assert "Traceback" not in result.stderr
