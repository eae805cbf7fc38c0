"""A scene type is one model and one builder: a type defined here validates, shows in the schema, renders.

The `banner` type below is registered at run time the way docs/extending.md says
(``@scene_type`` on the model, ``@register(Model)`` on the builder), then a script
using it goes through the real loader and the real pipeline (tiny: 480p, 10 fps,
silent voice), and the decoded frames show its elements at their cue times.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar, Literal

import pytest
from manim import Rectangle

from contract.errors import ScriptError
from contract.job import SceneJob
from contract.scene_types import NonEmptyText, SceneBase, scene_type, unregister_scene_type
from contract.script import Script
from render.loader import load_script
from render.timing import cue_count, on_screen_words, scene_beats, time_scene
from scenes import registry
from scenes.base import Beat, Kit
from tests.helpers import colour_share, ffprobe, frame_at, make_project, stream

BAND = "#C8102E"  # the banner's colour: a brand colour no built-in element uses here

SCRIPT = f"""\
title: Bannière
voice: {{engine: silent}}
video: {{resolution: 480p, fps: 10}}
brand: {{primary: "{BAND}"}}
scenes:
  - type: banner
    words: Bonjour
    narration: [Voici la bande., Et voici les mots qui vont avec.]
"""


@pytest.fixture
def banner() -> Iterator[type[SceneBase]]:
    """Register the `banner` scene type for one test, then remove it again."""

    @scene_type
    class BannerScene(SceneBase):
        cue_names: ClassVar[tuple[str, ...]] = ("band", "words")

        type: Literal["banner"]
        words: NonEmptyText

    @registry.register(BannerScene)
    def build(kit: Kit, scene: BannerScene) -> list[Beat]:
        frame, cues = kit.frame, kit.job.cues
        band = Rectangle(width=frame.width, height=frame.height * 0.4, fill_color=kit.brand.primary, fill_opacity=1)
        band.set_stroke(width=0)
        words = kit.text(scene.words, "words", "body", frame.content_width, frame.content_height * 0.3)
        words.next_to(band, direction=[0, -1, 0])
        # seconds=0: the band is simply there from its cue on
        return [Beat(cues[0], [band], lambda: [], seconds=0.0, name="band"), kit.rise_in(cues[1], words, "words")]

    try:
        yield BannerScene
    finally:
        registry.unregister(BannerScene)
        unregister_scene_type(BannerScene)


def test_a_registered_type_is_validated_and_in_the_schema(banner: type[SceneBase], tmp_path: Path) -> None:
    script = Script.model_validate(
        {"title": "x", "scenes": [{"type": "banner", "words": "Bonjour à tous", "duration": 3}]}
    )
    scene = script.scenes[0]
    assert isinstance(scene, banner)
    assert scene.cues() == ["band", "words"] and cue_count(scene) == 2
    assert on_screen_words(scene) == 3  # read from the model's text fields
    schema = Script.model_json_schema()
    assert "BannerScene" in schema["$defs"]
    mapping = schema["properties"]["scenes"]["items"]["discriminator"]["mapping"]
    assert mapping["banner"] == "#/$defs/BannerScene" and "title" in mapping
    # the loader's messages know it too: field names and the list of types
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "bad.yaml").write_text(
        "title: x\nvoice: {engine: silent}\nscenes:\n  - {type: banner, wrds: Bonjour, duration: 3}\n"
        "  - {type: baner, duration: 3}\n",
        encoding="utf-8",
    )
    with pytest.raises(ScriptError) as info:
        load_script(tmp_path / "bad.yaml")
    lines = info.value.lines()
    assert any("scenes[0].wrds: unknown field 'wrds' (did you mean 'words'?)" in line for line in lines), lines
    assert any("unknown scene type 'baner' (did you mean 'banner'?)" in line for line in lines), lines


def test_the_type_is_gone_once_unregistered(banner: type[SceneBase]) -> None:
    unregister_scene_type(banner)
    with pytest.raises(ValueError, match="banner"):
        Script.model_validate({"title": "x", "scenes": [{"type": "banner", "words": "x", "duration": 3}]})
    assert "BannerScene" not in Script.model_json_schema()["$defs"]


@pytest.mark.render
def test_a_type_defined_in_a_test_renders(banner: type[SceneBase], tmp_path: Path) -> None:
    from render.narration import estimate_seconds
    from scenes import render_scene

    project = make_project(tmp_path / "p")
    path = project / "scripts" / "banner.yaml"
    path.write_text(SCRIPT, encoding="utf-8")
    loaded = load_script(path)
    scene = loaded.script.scenes[0]
    beats = scene_beats(scene)
    assert [beat.element for beat in beats] == [0, 1]  # one beat per cue, in order
    # timed as the pipeline times it (silent voice: lengths from the words and the rate)
    seconds = {p: estimate_seconds(p, loaded.script.voice.rate) for b in beats for p in b.phrases}
    timing = time_scene(scene, beats, seconds, 10, scene.duration)
    width, height = loaded.script.video.size
    job = SceneJob(
        index=0,
        field_path="scenes[0]",
        scene=scene,
        brand=loaded.brand,
        width=width,
        height=height,
        fps=10,
        frame_count=timing.frame_count,
        cues=timing.cues,
    )
    job = SceneJob.model_validate_json(job.model_dump_json())  # as it crosses to a worker process
    assert isinstance(job.scene, banner)
    clip = tmp_path / "banner.mp4"
    render_scene(job, clip)
    info = stream(ffprobe(clip), "video")
    assert (int(info["width"]), int(info["height"])) == (854, 480)
    assert int(info["nb_frames"]) == timing.frame_count
    band_cue, words_cue = timing.cues
    assert words_cue > band_cue + 1
    assert colour_share(frame_at(clip, band_cue - 0.3), BAND) < 0.01  # not yet
    assert colour_share(frame_at(clip, band_cue + 0.2), BAND) > 0.3  # the band, from its cue on
