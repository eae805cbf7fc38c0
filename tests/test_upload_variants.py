"""Publishing the language variants of one script (`upload BUILD` per variant, `upload --all`).

A tiny two-language script (480p, 15 fps, silent voice) is rendered once for the module; each
test copies its two build folders and publishes them through the real google-api-python-client
to the fake YouTube (tests/fake_youtube.py), then checks what the server received.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from render.loader import load_variants
from render.pipeline import RenderOptions, render_loaded
from tests.fake_youtube import FakeYouTube, edit_manifest
from tests.helpers import make_project
from upload.cli import command
from upload.links import link_line

DUO = """\
languages: [fr, en]
title: {fr: Notre mission, en: Our mission}
video: {resolution: 480p, fps: 15}
voice: {engine: silent}
publish:
  title: {fr: Notre mission en bref, en: Our mission in short}
  description: {fr: Une banque utile., en: A useful bank.}
  tags: [{fr: banque, en: bank}, {all: TOOKAM}]
  playlist: {fr: Nos vidéos, en: Our videos}
scenes:
  - type: title
    title: {fr: Bonjour, en: Hello}
    narration: {fr: "Bonjour à tous.", en: "Hello everyone."}
"""

EXPECTED = {
    "fr": {"title": "Notre mission en bref", "description": "Une banque utile.", "tags": ["banque", "TOOKAM"]},
    "en": {"title": "Our mission in short", "description": "A useful bank.", "tags": ["bank", "TOOKAM"]},
}
PLAYLISTS = {"fr": "Nos vidéos", "en": "Our videos"}

pytestmark = pytest.mark.usefixtures("no_real_login")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The script's two variants, rendered once: {"fr": build/duo-fr, "en": build/duo-en}."""
    root = tmp_path_factory.mktemp("variants")
    project = make_project(root / "project")
    script = project / "scripts" / "duo.yaml"
    script.write_text(DUO, encoding="utf-8")
    options = RenderOptions(out_dir=root / "build", jobs=1, cache_dir=root / "cache", log=lambda _: None)
    return {variant.variant or "": render_loaded(variant, options).folder for variant in load_variants(script)}


@pytest.fixture
def folders(rendered: dict[str, Path], tmp_path: Path) -> dict[str, Path]:
    """This test's own copies of the two build folders (their own ledgers)."""
    return {lang: Path(shutil.copytree(folder, tmp_path / "build" / folder.name)) for lang, folder in rendered.items()}


def upload(fake: FakeYouTube | None, token: Path | None, *args: Any) -> Any:
    extra = [] if fake is None else ["--api-endpoint", fake.url]
    extra += [] if token is None else ["--token-file", str(token)]
    return CliRunner().invoke(command, [*map(str, args), *extra], catch_exceptions=False)


def video_of(fake: FakeYouTube, language: str) -> tuple[str, dict[str, Any]]:
    (found,) = [(vid, v) for vid, v in fake.videos.items() if v["snippet"]["defaultLanguage"] == language]
    return found


def updates(fake: FakeYouTube) -> int:
    return len(fake.calls("PUT", "/youtube/v3/videos"))


def inserts(fake: FakeYouTube) -> int:
    return len(fake.calls("POST", "/upload/youtube/v3/videos"))


def assert_variant(fake: FakeYouTube, folders: dict[str, Path], language: str) -> tuple[str, dict[str, Any]]:
    """The variant's video: its language, texts, captions track and playlist."""
    video_id, video = video_of(fake, language)
    snippet = video["snippet"]
    assert snippet["defaultAudioLanguage"] == language
    assert snippet["title"] == EXPECTED[language]["title"]
    assert snippet["tags"] == EXPECTED[language]["tags"]
    (caption,) = [c for c in fake.captions.values() if c["snippet"]["videoId"] == video_id]
    assert caption["snippet"]["language"] == language
    srt = folders[language] / f"duo-{language}.{language}.srt"
    assert fake.caption_data[caption["id"]] == srt.read_bytes()
    (item,) = [i for i in fake.playlist_items.values() if i["snippet"]["resourceId"]["videoId"] == video_id]
    assert fake.playlists[item["snippet"]["playlistId"]]["snippet"]["title"] == PLAYLISTS[language]
    return video_id, video


def test_each_variant_publishes_in_its_own_language(youtube, token, folders):
    for lang in ("fr", "en"):
        result = upload(youtube, token, folders[lang])
        assert result.exit_code == 0, result.output
    assert youtube.violations == []
    assert len(youtube.videos) == 2
    for lang in ("fr", "en"):
        _, video = assert_variant(youtube, folders, lang)
        assert video["snippet"]["description"] == EXPECTED[lang]["description"]  # no links without --all
    assert sorted(p["snippet"]["title"] for p in youtube.playlists.values()) == ["Nos vidéos", "Our videos"]

    # running again: no new video, nothing updated
    before = len(youtube.requests), inserts(youtube)
    for lang in ("fr", "en"):
        result = upload(youtube, token, folders[lang])
        assert result.exit_code == 0, result.output
        assert result.stdout.strip().endswith("unchanged")
    assert (inserts(youtube), updates(youtube), len(youtube.videos)) == (before[1], 0, 2)

    # --all afterwards: both videos are known, only their descriptions gain the links
    result = upload(youtube, token, "--all", folders["fr"], folders["en"])
    assert result.exit_code == 0, result.output
    assert (inserts(youtube), updates(youtube), len(youtube.videos)) == (2, 2, 2)
    fr_id, fr = video_of(youtube, "fr")
    en_id, en = video_of(youtube, "en")
    assert fr["snippet"]["description"] == f"Une banque utile.\n\nVersion anglaise : https://youtu.be/{en_id}"
    assert en["snippet"]["description"] == f"A useful bank.\n\nFrench version: https://youtu.be/{fr_id}"
    assert en["snippet"]["defaultLanguage"] == "en" and fr["snippet"]["defaultLanguage"] == "fr"  # kept by the update
    lines = sorted(result.stdout.strip().splitlines())
    assert lines == sorted(
        [f"https://youtu.be/{fr_id}\t{fr_id}\tupdated\tfr", f"https://youtu.be/{en_id}\t{en_id}\tupdated\ten"]
    )


def test_all_uploads_every_variant_then_links_them_once(youtube, token, folders):
    result = upload(youtube, token, "--all", *folders.values())
    assert result.exit_code == 0, result.output
    assert youtube.violations == []
    assert (len(youtube.videos), inserts(youtube)) == (2, 2)
    assert updates(youtube) == 1  # the first one uploaded learns the second's id afterwards
    fr_id, fr = assert_variant(youtube, folders, "fr")
    en_id, en = assert_variant(youtube, folders, "en")
    assert fr["snippet"]["description"] == f"Une banque utile.\n\nVersion anglaise : https://youtu.be/{en_id}"
    assert en["snippet"]["description"] == f"A useful bank.\n\nFrench version: https://youtu.be/{fr_id}"
    assert len(youtube.playlists) == 2
    assert result.stdout.splitlines() == [
        f"https://youtu.be/{fr_id}\t{fr_id}\tuploaded\tfr",
        f"https://youtu.be/{en_id}\t{en_id}\tuploaded\ten",
    ]
    for folder in folders.values():  # one video per language in each ledger
        entries = json.loads((folder / "publish-ledger.json").read_text())["entries"]
        assert [e["video_id"] for e in entries if e["video_id"]] == [fr_id if folder.name.endswith("fr") else en_id]

    # idempotent: no new video, no update, no playlist item
    requests = len(youtube.requests)
    result = upload(youtube, token, "--all", *folders.values())
    assert result.exit_code == 0, result.output
    assert (len(youtube.videos), inserts(youtube), updates(youtube), len(youtube.playlist_items)) == (2, 2, 1, 2)
    assert [line.split("\t")[2] for line in result.stdout.splitlines()] == ["unchanged", "unchanged"]
    assert {r.method for r in youtube.requests[requests:]} <= {"GET", "POST"}  # videos.list (+ token refresh)
    assert not [r for r in youtube.requests[requests:] if r.path.startswith("/upload/")]

    # the dry run after publishing: the real links, nothing to change
    result = upload(youtube, token, "--all", "--dry-run", *folders.values())
    assert result.exit_code == 0, result.output
    assert f"Version anglaise : https://youtu.be/{en_id}" in result.stdout
    assert "nothing to change" in result.stdout


def test_dry_run_shows_each_variant_and_its_links_and_sends_nothing(youtube, folders):
    result = upload(youtube, None, "--all", "--dry-run", folders["fr"], folders["en"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert f"== {folders['fr']} (fr)" in out and f"== {folders['en']} (en)" in out
    assert "Version anglaise : (not yet published)" in out
    assert "French version: (not yet published)" in out
    assert "DRY RUN" in out
    assert not [r for r in youtube.requests if (r.method, r.path) != ("GET", "/youtube/v3/channels")]
    assert youtube.videos == {}


def test_several_folders_need_all(youtube, token, folders):
    result = upload(youtube, token, folders["fr"], folders["en"])
    assert result.exit_code == 2
    assert "--all" in result.output and "2 build folders" in result.output
    assert youtube.requests == []


def test_folders_of_different_scripts_are_refused_before_anything_is_sent(youtube, token, folders):
    edit_manifest(folders["en"], lambda m: m.update(variant_of="other"))
    result = upload(youtube, token, "--all", folders["fr"], folders["en"])
    assert result.exit_code == 2
    assert "one script" in result.output and "`other`" in result.output and "`duo`" in result.output
    assert youtube.videos == {} and not youtube.calls("POST")


def test_two_folders_of_one_language_are_refused(youtube, token, folders, tmp_path):
    twin = Path(shutil.copytree(folders["fr"], tmp_path / "elsewhere" / "duo-fr"))
    result = upload(youtube, token, "--all", folders["fr"], twin)
    assert result.exit_code == 2
    assert "both the fr variant" in result.output
    assert youtube.videos == {}


def test_links_past_the_description_limit_are_bad_input(youtube, token, folders):
    long = "é" * 2490  # 4980 bytes: the link line does not fit in 5000
    edit_manifest(folders["en"], lambda m: m["publish"].update(description=long))
    result = upload(youtube, token, "--all", folders["fr"], folders["en"])
    assert result.exit_code == 2
    assert "5000" in result.output and "publish.description" in result.output
    assert str(folders["en"]) in result.output
    assert youtube.videos == {} and not youtube.calls("POST")
    assert youtube.client_secret not in result.output


def test_labels_are_in_the_descriptions_language():
    assert link_line("en", "fr", "U") == "French version: U"
    assert link_line("fr", "en", "U") == "Version anglaise : U"
    assert link_line("es", "ca", "U") == "Versión en catalán: U"
    assert link_line("ca", "es", "U") == "Versió en castellà: U"
    assert link_line("eu", "fr", "U") == "Frantsesezko bertsioa: U"
    assert link_line("de", "it", "U") == "Italienische Fassung: U"
    assert link_line("it", "de", "U") == "Versione tedesca: U"
    assert link_line("fr", "pt", "U") == "Version pt : U"  # not in the table: its tag
    assert link_line("pt", "fr", "U") == "French version: U"  # a description language not in the table: English
    assert link_line("en", "en-GB", None) == "English (en-GB) version: (not yet published)"


def test_a_failed_later_step_does_not_stop_the_other_variant(youtube, token, folders):
    youtube.thumbnail_forbidden = True  # an unverified channel
    result = upload(youtube, token, "--all", folders["fr"], folders["en"])
    assert result.exit_code == 1
    assert "2 variant(s) are published but not complete" in result.stderr and "thumbnail" in result.stderr
    assert [line.split("\t")[2:] for line in result.stdout.splitlines()] == [["incomplete", "fr"], ["incomplete", "en"]]
    fr_id, fr = video_of(youtube, "fr")
    en_id, en = video_of(youtube, "en")
    assert fr["snippet"]["description"].endswith(f"Version anglaise : https://youtu.be/{en_id}")
    assert en["snippet"]["description"].endswith(f"French version: https://youtu.be/{fr_id}")
    assert youtube.client_secret not in result.output

    youtube.thumbnail_forbidden = False
    result = upload(youtube, token, "--all", folders["fr"], folders["en"])
    assert result.exit_code == 0, result.output
    assert (len(youtube.videos), inserts(youtube), updates(youtube)) == (2, 2, 1)
    assert set(youtube.thumbnails) == {fr_id, en_id}


def test_quota_stops_at_once_and_a_rerun_completes_without_duplicates(youtube, token, folders):
    youtube.add_fault(
        "POST", "/upload/youtube/v3/videos", nth=2, status=403, reason="quotaExceeded", domain="youtube.quota"
    )
    result = upload(youtube, token, "--all", folders["fr"], folders["en"])
    assert result.exit_code == 1
    (fr_id,) = youtube.videos
    assert "quota" in result.stderr and f"published so far: {folders['fr']} (https://youtu.be/{fr_id})" in result.stderr
    assert "Traceback" not in result.stderr

    result = upload(youtube, token, "--all", folders["fr"], folders["en"])
    assert result.exit_code == 0, result.output
    assert len(youtube.videos) == 2 and fr_id in youtube.videos
    en_id, en = video_of(youtube, "en")
    assert en["snippet"]["description"] == f"A useful bank.\n\nFrench version: https://youtu.be/{fr_id}"
    assert youtube.videos[fr_id]["snippet"]["description"].endswith(f"Version anglaise : https://youtu.be/{en_id}")
    assert [line.split("\t")[2:] for line in result.stdout.splitlines()] == [["updated", "fr"], ["uploaded", "en"]]


def test_all_without_folders_and_older_manifests(youtube, token, folders):
    result = upload(None, None, "--all")
    assert result.exit_code == 2 and "--all: give the build folders" in result.output
    result = upload(None, None)
    assert result.exit_code == 2 and "give a build folder to publish" in result.output

    def older(manifest: dict[str, Any]) -> None:  # rendered before `variant_of` was recorded
        del manifest["variant_of"], manifest["languages"]

    for folder in folders.values():
        edit_manifest(folder, older)
    result = upload(youtube, token, "--all", folders["en"], folders["fr"])
    assert result.exit_code == 0, result.output
    assert [line.split("\t")[3] for line in result.stdout.splitlines()] == ["en", "fr"]
    en_id, en = video_of(youtube, "en")
    fr_id, fr = video_of(youtube, "fr")
    assert en["snippet"]["description"].endswith(f"French version: https://youtu.be/{fr_id}")
    assert fr["snippet"]["description"].endswith(f"Version anglaise : https://youtu.be/{en_id}")


def test_an_unapproved_variant_stops_all_before_anything_is_sent(youtube, token, folders):
    edit_manifest(folders["en"], lambda m: m["publish"].update(require_approval=True))
    result = upload(youtube, token, "--all", folders["fr"], folders["en"])
    assert result.exit_code == 1
    assert "not approved" in result.stderr and str(folders["en"]) in result.stderr
    assert youtube.videos == {} and not youtube.calls("POST")
