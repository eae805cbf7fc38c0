"""The render pipeline end to end, tiny: real Manim, real espeak-ng, real MoviePy and ffmpeg."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import srt

from render.loader import load_script
from render.pipeline import RenderOptions, RenderResult, render_loaded
from tests.helpers import (
    audio_samples,
    colour_share,
    ffprobe,
    frame_at,
    loud_windows,
    make_project,
    stream,
    top_atoms,
)

pytestmark = pytest.mark.render

FRENCH = """\
title: Notre mission
language: fr
brand:
  primary: "#00703C"
  secondary: "#F2A900"
  background: "#FFFFFF"
  text: "#1B1B1B"
  logo: ../assets/logos/banque-du-val.svg
video: {resolution: 480p, fps: 12}
lexicon: {TOOKAM: tou kam}
scenes:
  - type: title
    title: Notre mission
    subtitle: Une banque utile
    narration: Bonjour ! Voici « notre mission », en bref.
  - type: bullets
    title: Ce que nous faisons
    items:
      - {text: Écouter vos projets, icon: comments, narration: "D'abord, écouter vos projets."}
      - {text: Financer la région, icon: building-columns, narration: "Ensuite, financer 12 500 projets."}
  - type: closing
    title: Merci !
    url: www.banqueduval.example
    narration: Le tchat TOOKAM vous répond.
    transition: cut
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_project(tmp_path_factory.mktemp("project"))


@pytest.fixture(scope="module")
def rendered(project: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    script = project / "scripts" / "mission.yaml"
    script.write_text(FRENCH, encoding="utf-8")
    out = project / "build"
    cache = tmp_path_factory.mktemp("cache")
    lines: list[str] = []
    options = RenderOptions(out_dir=out, jobs=2, cache_dir=cache, log=lines.append)
    result = render_loaded(load_script(script), options)
    folder = out / "mission"
    return {
        "result": result,
        "folder": folder,
        "script": script,
        "options": options,
        "log": lines,
        "manifest": json.loads((folder / "manifest.json").read_text()),
    }


def test_outputs_exist_with_the_documented_names(rendered: dict) -> None:
    names = sorted(p.name for p in rendered["folder"].iterdir())
    assert names == ["manifest.json", "mission.fr.srt", "mission.fr.vtt", "mission.mp4", "mission.thumbnail.png"]


def test_video_is_h264_aac_faststart_at_the_asked_size_and_rate(rendered: dict) -> None:
    video = rendered["folder"] / "mission.mp4"
    info = ffprobe(video)
    v, a = stream(info, "video"), stream(info, "audio")
    assert (v["codec_name"], v["pix_fmt"], v["width"], v["height"]) == ("h264", "yuv420p", 854, 480)
    assert v["r_frame_rate"] == "12/1"
    assert a["codec_name"] == "aac"
    planned = rendered["manifest"]["duration"]
    assert abs(float(info["format"]["duration"]) - planned) < 0.5
    assert abs(float(v["duration"]) - planned) < 0.2
    atoms = top_atoms(video)
    assert atoms.index("moov") < atoms.index("mdat")


def test_scene_durations_add_up_and_follow_the_voice(rendered: dict) -> None:
    manifest = rendered["manifest"]
    assert sum(s["duration"] for s in manifest["scenes"]) == pytest.approx(manifest["duration"], abs=1e-3)
    for scene in manifest["scenes"]:
        for phrase in scene["phrases"]:
            # no scene ends before its voice does
            assert phrase["start"] + phrase["seconds"] <= scene["start"] + scene["duration"]
    bullets = manifest["scenes"][1]
    starts = [p["start"] - bullets["start"] for p in bullets["phrases"]]
    # each item appears when its own narration starts
    assert bullets["cues"][1] == pytest.approx(starts[0], abs=1e-3)
    assert bullets["cues"][2] == pytest.approx(starts[-1], abs=1e-3)


def test_captions_match_when_each_phrase_is_spoken(rendered: dict) -> None:
    folder = rendered["folder"]
    cues = list(srt.parse((folder / "mission.fr.srt").read_text(encoding="utf-8")))
    phrases = [p for s in rendered["manifest"]["scenes"] for p in s["phrases"]]
    # every phrase, in order; a short one may share a cue with its neighbour (tests/test_caption_rules.py)
    assert " ".join(c.content.replace("\n", " ") for c in cues) == " ".join(p["text"] for p in phrases)
    assert {round(c.start.total_seconds(), 3) for c in cues} <= {round(p["start"], 3) for p in phrases}
    assert "Le tchat TOOKAM vous répond." in [c.content for c in cues]  # captions keep the written form
    assert any("« notre mission »" in c.content for c in cues)
    samples = audio_samples(folder / "mission.mp4")
    loud = loud_windows(samples, threshold=0.005)
    for cue in cues:
        start = cue.start.total_seconds()
        window = int(start / 0.02)
        # silent just before the phrase, sound within 0.1 s of its cue
        assert loud[window : window + 5].any(), f"no speech at {start:.2f}s for {cue.content!r}"
        assert not loud[max(0, window - 6) : window - 1].any(), f"speech before {start:.2f}s"
    vtt = (folder / "mission.fr.vtt").read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT") and vtt.count("-->") == len(cues)


def test_frames_show_the_brand(rendered: dict) -> None:
    video = rendered["folder"] / "mission.mp4"
    manifest = rendered["manifest"]
    title = manifest["scenes"][0]
    frame = frame_at(video, title["start"] + title["duration"] - 0.6)
    assert colour_share(frame, "#FFFFFF", 12) > 0.5  # background
    assert colour_share(frame, "#00703C", 40) > 0.003  # title / logo in the primary colour
    # nothing but background touches the frame's edges (text stays inside)
    edges = np.concatenate(
        [frame[:3].reshape(-1, 3), frame[-3:].reshape(-1, 3), frame[:, :3].reshape(-1, 3), frame[:, -3:].reshape(-1, 3)]
    )
    assert (np.abs(edges.astype(int) - 255).max(axis=1) < 40).mean() > 0.97
    thumb = rendered["folder"] / "mission.thumbnail.png"
    info = stream(ffprobe(thumb), "video")
    assert (info["codec_name"], info["width"], info["height"]) == ("png", 1280, 720)  # YouTube's size, not the video's


def test_items_appear_at_their_cue(rendered: dict) -> None:
    video = rendered["folder"] / "mission.mp4"
    bullets = rendered["manifest"]["scenes"][1]
    before = frame_at(video, bullets["start"] + bullets["cues"][2] - 0.15)
    after = frame_at(video, bullets["start"] + bullets["cues"][2] + 0.9)
    ink = lambda f: (np.abs(f.astype(int) - 255).max(axis=2) > 60).mean()  # noqa: E731
    assert ink(after) > ink(before) * 1.1


def test_unchanged_rerender_is_up_to_date_and_one_edit_renders_one_scene(rendered: dict) -> None:
    options = rendered["options"]
    script: Path = rendered["script"]
    video = rendered["folder"] / "mission.mp4"
    before = video.stat().st_mtime_ns
    again = render_loaded(load_script(script), options)
    assert again.up_to_date and video.stat().st_mtime_ns == before
    script.write_text(
        FRENCH.replace("Le tchat TOOKAM vous répond.", "Le tchat TOOKAM vous répond vite."), encoding="utf-8"
    )
    edited = render_loaded(load_script(script), options)
    assert (edited.scenes_rendered, edited.scenes_cached) == (1, 2)
    cues = list(srt.parse((rendered["folder"] / "mission.fr.srt").read_text(encoding="utf-8")))
    assert cues[-1].content == "Le tchat TOOKAM vous répond vite."


def test_cli_bad_script_exits_2_and_writes_nothing(project: Path, tmp_path: Path) -> None:
    bad = project / "scripts" / "bad.yaml"
    bad.write_text("title: x\nscenes:\n  - type: bullets\n    items: [{txt: a}]\n    narration: hi\n")
    out = tmp_path / "out"
    run = subprocess.run(
        [sys.executable, "-m", "render", "--out", str(out), str(bad)], capture_output=True, text=True, cwd=project
    )
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert "bad.yaml:4:14 scenes[0].items[0].txt: unknown field 'txt' (did you mean 'text'?)" in run.stderr
    assert not out.exists()


def render_text(project: Path, out: Path, name: str, text: str, **options: object) -> RenderResult:
    """Write `text` as scripts/<name>.yaml in the project and render it quietly into `out`."""
    script = project / "scripts" / f"{name}.yaml"
    script.write_text(text, encoding="utf-8")
    settings = {"out_dir": out, "jobs": 1, "cache_dir": out / "cache", "log": lambda _: None, **options}
    return render_loaded(load_script(script), RenderOptions(**settings))  # type: ignore[arg-type]


def test_vertical_video_keeps_text_inside(project: Path, tmp_path: Path) -> None:
    result = render_text(
        project,
        tmp_path,
        "vertical",
        "title: Vertical\nvoice: {engine: silent}\nvideo: {resolution: 480p, fps: 10, aspect: '9:16'}\n"
        "scenes:\n  - type: title\n    title: Un titre assez long pour devoir passer à la ligne sur un écran vertical\n"
        "    duration: 2\n",
    )
    info = stream(ffprobe(result.video), "video")
    assert (info["width"], info["height"]) == (480, 854)
    frame = frame_at(result.video, 1.8)
    ink = np.abs(frame.astype(int) - 255).max(axis=2) > 60
    assert ink.any()
    assert not ink[:, :4].any() and not ink[:, -4:].any()


def test_moviepy_assembler_gives_the_same_timeline(project: Path, tmp_path: Path) -> None:
    result = render_text(
        project,
        tmp_path,
        "mp",
        "title: MoviePy\nvoice: {engine: silent}\nvideo: {resolution: 480p, fps: 10}\n"
        "scenes:\n  - {type: title, title: Un, narration: One two three four.}\n"
        "  - {type: quote, text: Deux, narration: Five six seven eight., transition: slide}\n",
        jobs=2,
        assembler="moviepy",
    )
    manifest = json.loads((result.folder / "manifest.json").read_text())
    frames = sum(s["frames"] for s in manifest["scenes"])
    counted = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-count_frames",
            "-select_streams",
            "v:0",
            "-show_entries",
            "stream=nb_read_frames",
            "-of",
            "csv=p=0",
            str(result.video),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert int(counted.stdout.strip()) == frames  # no frame repeated or dropped at the join
    info = ffprobe(result.video)
    assert {s["codec_name"] for s in info["streams"]} == {"h264", "aac"}
    assert abs(float(info["format"]["duration"]) - manifest["duration"]) < 0.2
    atoms = top_atoms(result.video)
    assert atoms.index("moov") < atoms.index("mdat")


def test_svg_pictures_keep_gradients_text_and_opacity(project: Path, tmp_path: Path) -> None:
    svg = project / "assets" / "images" / "gradient.svg"
    svg.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 150" width="300" height="150">'
        '<defs><linearGradient id="g" x1="0" x2="1"><stop offset="0" stop-color="#ff0000"/>'
        '<stop offset="1" stop-color="#0000ff"/></linearGradient></defs>'
        '<rect width="300" height="150" fill="url(#g)"/><text x="20" y="80" font-size="40" fill="#fff">Oui</text>'
        "</svg>",
        encoding="utf-8",
    )
    result = render_text(
        project,
        tmp_path,
        "svg",
        "title: SVG\nvoice: {engine: silent}\nvideo: {resolution: 480p, fps: 10}\n"
        "scenes:\n  - {type: image, file: ../assets/images/gradient.svg, duration: 3}\n",
    )
    frame = frame_at(result.video, 2.0)
    assert colour_share(frame, "#F0000F", 40) > 0.005  # the red end of the gradient (Manim's importer drew black)
    assert colour_share(frame, "#0F00F0", 40) > 0.005  # the blue end
    assert colour_share(frame, "#000000", 30) < 0.01
