"""The shipped examples, the `render` CLI's other commands, and render → publish end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import srt

from tests.fake_youtube import FakeYouTube, write_token_file
from tests.helpers import REPO, colour_share, ffprobe, frame_at, make_project, stream

EXAMPLES = sorted((REPO / "scripts").glob("*.yaml"))


def render_cli(
    *args: str, cwd: Path = REPO, env: dict[str, str] | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "render", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
    )


def test_there_are_three_examples_using_every_scene_type() -> None:
    from render.loader import load_script

    assert len(EXAMPLES) >= 3
    loaded = [load_script(path) for path in EXAMPLES]
    languages = {item.script.language.split("-")[0] for item in loaded}
    assert {"fr", "en"} <= languages
    used = {scene.type for item in loaded for scene in item.script.scenes}
    from contract.scene_types import SCENE_TYPES

    assert used == set(SCENE_TYPES)  # every scene type is shown by an example, cartoons and slides


@pytest.mark.e2e
@pytest.mark.parametrize("script", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_each_example_renders_as_a_preview_of_45_to_90_seconds(
    script: Path, rendered_examples: dict[str, tuple[Path, str]]
) -> None:
    folder, _ = rendered_examples[script.stem]
    assert folder.name == f"{script.stem}.preview"  # a draft has its own folder
    manifest = json.loads((folder / "manifest.json").read_text())
    assert 45 <= manifest["duration"] <= 90
    info = ffprobe(folder / f"{script.stem}.mp4")
    assert (stream(info, "video")["height"], stream(info, "video")["r_frame_rate"]) == (480, "15/1")
    assert abs(float(info["format"]["duration"]) - manifest["duration"]) < 0.5
    captions = list(srt.parse((folder / f"{script.stem}.{manifest['language']}.srt").read_text(encoding="utf-8")))
    said = " ".join(p["text"] for s in manifest["scenes"] for p in s["phrases"])
    assert " ".join(c.content.replace("\n", " ") for c in captions) == said  # every phrase (see test_caption_rules)


@pytest.mark.slow
@pytest.mark.e2e
def test_full_hd_example_end_to_end(tmp_path: Path) -> None:
    """The demo, as `make demo` renders it: 1080p30 with real speech and music."""
    script = REPO / "scripts" / "notre-mission.yaml"
    run = render_cli("--out", str(tmp_path), "--cache-dir", str(tmp_path / "cache"), str(script))
    assert run.returncode == 0, run.stderr
    folder = tmp_path / "notre-mission"
    manifest = json.loads((folder / "manifest.json").read_text())
    info = ffprobe(folder / "notre-mission.mp4")
    video, audio = stream(info, "video"), stream(info, "audio")
    assert (video["codec_name"], video["pix_fmt"], video["width"], video["height"], video["r_frame_rate"]) == (
        "h264",
        "yuv420p",
        1920,
        1080,
        "30/1",
    )
    assert audio["codec_name"] == "aac"
    assert abs(float(info["format"]["duration"]) - manifest["duration"]) < 0.5
    closing = manifest["scenes"][-1]
    frame = frame_at(folder / "notre-mission.mp4", closing["start"] + closing["duration"] - 1.0)
    assert colour_share(frame, "#FFFFFF", 12) > 0.5
    assert colour_share(frame, "#00703C", 40) > 0.003
    assert manifest["versions"]["manim"] and manifest["versions"]["espeak-ng"] != "unknown"


def test_check_accepts_every_example() -> None:
    run = render_cli("--check", *map(str, EXAMPLES))
    assert run.returncode == 0, run.stderr
    assert run.stdout.count(": ok") == len(EXAMPLES)


def test_missing_script_suggests_the_scripts_folder() -> None:
    run = render_cli("--check", "notre-mission")
    assert run.returncode == 2
    assert "did you mean scripts/notre-mission.yaml?" in run.stderr


def test_schema_lists_every_scene_type() -> None:
    from contract.scene_types import SCENE_TYPES

    run = render_cli("--schema")
    assert run.returncode == 0
    schema = json.loads(run.stdout)
    declared = {
        definition["properties"]["type"].get("const")
        for definition in schema["$defs"].values()
        if "type" in definition.get("properties", {})
    }
    assert set(SCENE_TYPES) <= declared
    assert {"title", "bullets", "statistic", "quote", "image", "timeline", "comparison", "closing"} <= set(SCENE_TYPES)


def test_voices_lists_french_voices() -> None:
    run = render_cli("--voices", "fr")
    assert run.returncode == 0
    assert "roa/fr " in run.stdout and "default for fr: roa/fr" in run.stdout


def test_unwritable_output_folder_is_a_clear_failure(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    run = render_cli("--out", str(blocker / "out"), str(EXAMPLES[0]))
    assert run.returncode == 1
    assert "cannot write to the output folder" in run.stderr and "Traceback" not in run.stderr


def test_font_not_installed_is_an_environment_failure(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    script = project / "scripts" / "font.yaml"
    script.write_text(
        "title: x\nbrand: {font: Police Introuvable}\nscenes:\n  - {type: title, title: Hi, duration: 2}\n"
    )
    run = render_cli("--check", str(script))
    assert run.returncode == 1
    assert "font 'Police Introuvable' is not installed" in run.stderr and "font_file" in run.stderr


def test_heading_and_body_fonts_are_checked_like_the_font(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    script = project / "scripts" / "fonts.yaml"
    script.write_text(
        "title: x\nbrand: {heading_font: Titre Introuvable, body_font: DejaVu Sans}\n"
        "scenes:\n  - {type: title, title: Hi, duration: 2}\n"
    )
    run = render_cli("--check", str(script))
    assert run.returncode == 1
    assert "brand.heading_font: font 'Titre Introuvable' is not installed" in run.stderr
    assert "brand.body_font" not in run.stderr  # DejaVu Sans is installed


def test_cache_info_and_prune(tmp_path: Path) -> None:
    from render.cache import Cache

    cache = Cache(tmp_path / "cache")
    built = cache.temp_path("scene", "k", ".mp4")
    built.write_bytes(b"x" * 2048)
    cache.put("scene", "ab" * 32, ".mp4", built)
    info = render_cli("--cache-info", "--cache-dir", str(cache.root))
    assert info.returncode == 0 and "1 entries" in info.stdout and "scene: 1 entries" in info.stdout
    pruned = render_cli("--cache-prune", "--keep", "0", "--cache-dir", str(cache.root))
    assert pruned.returncode == 0 and "pruned 1 entries" in pruned.stdout
    env_info = render_cli("--cache-info", env={"RENDER_CACHE_DIR": str(cache.root)})
    assert str(cache.root) in env_info.stdout and "0 entries" in env_info.stdout


@pytest.mark.e2e
def test_render_publish_uploads_once_and_rerun_changes_nothing(youtube: FakeYouTube, tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    script = project / "scripts" / "court.yaml"
    script.write_text(
        "title: Court métrage\nlanguage: fr\nvoice: {engine: silent}\nvideo: {resolution: 480p, fps: 10}\n"
        "scenes:\n  - {type: title, title: Bonjour, narration: Un petit film pour tester.}\n"
        "publish: {privacy: unlisted, tags: [test], playlist: Essais}\n",
        encoding="utf-8",
    )
    token = write_token_file(tmp_path / "token.json", youtube.token_info())
    args = [
        "--publish",
        "--api-endpoint",
        youtube.url,
        "--token-file",
        str(token),
        "--chunk-size",
        "262144",
        "--out",
        str(project / "build"),
        "--cache-dir",
        str(tmp_path / "cache"),
        str(script),
    ]
    first = render_cli(*args, cwd=project)
    assert first.returncode == 0, first.stderr
    assert youtube.violations == []
    (video_id,) = youtube.videos
    manifest = json.loads((project / "build" / "court" / "manifest.json").read_text())
    assert youtube.video_sha256(video_id) == manifest["outputs"]["video"]["sha256"]
    resource = youtube.videos[video_id]
    assert resource["snippet"]["title"] == "Court métrage"
    assert resource["snippet"]["defaultAudioLanguage"] == "fr"
    assert resource["status"]["privacyStatus"] == "unlisted"
    assert video_id in first.stdout
    token_text = json.loads(token.read_text())
    assert token_text["refresh_token"] not in first.stdout + first.stderr
    again = render_cli(*args, cwd=project)
    assert again.returncode == 0, again.stderr
    assert list(youtube.videos) == [video_id]


def test_missing_espeak_is_an_environment_failure_naming_the_package(tmp_path: Path) -> None:
    # a broken libespeak-ng found first on the library path: what a machine without espeak-ng looks like to pyttsx3
    libs = tmp_path / "lib"
    libs.mkdir()
    (libs / "libespeak-ng.so.1").write_bytes(b"not a shared library")
    run = render_cli("--check", str(EXAMPLES[0]), env={"LD_LIBRARY_PATH": str(libs)})
    assert run.returncode == 1, run.stderr
    assert "apt-get install espeak-ng" in run.stderr
    assert "Traceback" not in run.stderr


def test_errors_cross_process_boundaries_intact() -> None:
    import pickle

    from contract.errors import ScriptError
    from contract.scene_errors import TextDoesNotFit

    for error in (TextDoesNotFit("scenes[1].title", "too long"), ScriptError(["a.yaml:1:1 x: y"])):
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error) and copy.lines() == error.lines() and copy.exit_code == error.exit_code


@pytest.mark.e2e
def test_text_that_cannot_fit_is_bad_input_located_in_the_script(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    script = project / "scripts" / "long.yaml"
    title = " ".join(["Anticonstitutionnellement"] * 80)
    script.write_text(
        f"title: x\nvoice: {{engine: silent}}\nvideo: {{resolution: 480p, fps: 10}}\nscenes:\n"
        f"  - type: title\n    title: {title}\n    duration: 2\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    run = render_cli("--out", str(out), "--cache-dir", str(tmp_path / "cache"), str(script), cwd=project)
    assert run.returncode == 2
    assert "scripts/long.yaml:6:12 scenes[0].title: text too long to fit on screen" in run.stderr
    assert "Traceback" not in run.stderr
    assert not out.exists()


def test_the_readme_example_scripts_are_valid(tmp_path: Path) -> None:
    import re

    from render.loader import load_script

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    examples = re.findall(r"```yaml\n(.*?)```", readme, re.S)
    assert len(examples) == 2  # the slides example, then the cartoon one
    # in a copy of the project's layout, so that relative asset paths resolve as in scripts/
    scripts = make_project(tmp_path / "project") / "scripts"
    loaded = []
    for number, text in enumerate(examples):
        script = scripts / f"readme-example-{number}.yaml"
        script.write_text(text, encoding="utf-8")
        loaded.append(load_script(script))
    assert [scene.type for scene in loaded[0].script.scenes] == ["title", "bullets"]
    assert loaded[0].script.language == "fr" and loaded[0].script.lexicon == {"TOOKAM": "tou kam"}
    assert [scene.type for scene in loaded[1].script.scenes] == ["presenter", "dialogue"]


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 200 KB file system (tmpfs), where this machine lets us mount one (root)."""
    mountpoint = tmp_path / "tiny"
    mountpoint.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(mountpoint)], capture_output=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", str(mountpoint)], check=False)


@pytest.mark.e2e
def test_full_disk_is_a_clear_failure_and_leaves_nothing(tiny_disk: Path, tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    script = project / "scripts" / "plein.yaml"
    script.write_text(
        "title: Plein\nvoice: {engine: silent}\nvideo: {resolution: 480p, fps: 10}\n"
        "scenes:\n  - {type: image, file: ../assets/images/campagne.jpg, duration: 30}\n"
    )
    out = tiny_disk / "out"
    run = render_cli("--out", str(out), "--cache-dir", str(tmp_path / "cache"), str(script), cwd=project)
    assert run.returncode == 1, run.stderr
    assert "the disk is full" in run.stderr and "Traceback" not in run.stderr
    assert not out.exists()
    assert list(tiny_disk.iterdir()) == []
