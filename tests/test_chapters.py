"""YouTube chapters (`publish.chapters`): timestamp lines from the scenes' titles, only when
YouTube would show them (first at 0:00, at least three, each at least 10 s)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from contract.scene_types import SCENE_TYPES
from contract.script import Publish, SceneBase
from render.chapters import Chapter, plan_chapters, publish_with_chapters, timestamp
from render.pipeline import RenderOptions, render_script
from tests.fake_youtube import FakeYouTube, write_token_file
from tests.helpers import make_project
from upload.cli import command as upload_command


def _scene(chapter: str | None = None) -> SceneBase:
    """A scene without a title (a quote), with or without a `chapter:`."""
    fields = {"type": "quote", "text": "Une phrase.", "duration": 5.0, "chapter": chapter}
    return SCENE_TYPES["quote"].model_validate(fields)


def _titled(title: str, chapter: str | None) -> SceneBase:
    return SCENE_TYPES["bullets"].model_validate(
        {"type": "bullets", "title": title, "items": ["Un"], "duration": 5.0, "chapter": chapter}
    )


def test_titled_scenes_make_chapters_and_untitled_ones_join_the_one_before() -> None:
    scenes = [(_titled("Bonjour", None), 0.0), (_scene(), 8.0), (_titled("Nos priorités", None), 15.0)]
    scenes += [(_scene(chapter="Le tchat"), 31.0), (_scene(), 40.0)]
    chapters, why = plan_chapters(scenes, 52.0)
    assert why is None
    assert chapters == [Chapter(0.0, "Bonjour"), Chapter(15.0, "Nos priorités"), Chapter(31.0, "Le tchat")]


def test_a_first_scene_without_title_still_starts_the_first_chapter_at_zero() -> None:
    scenes = [(_scene(chapter="Intro"), 1.5), (_titled("Deux", None), 12.0), (_titled("Trois", None), 30.0)]
    chapters, _ = plan_chapters(scenes, 45.0)
    assert chapters[0] == Chapter(0.0, "Intro")


@pytest.mark.parametrize(
    ("starts", "duration", "reason"),
    [((0.0, 20.0), 40.0, "at least 3 chapters"), ((0.0, 12.0, 18.0), 40.0, "'Deux' lasts 6.0 s")],
)
def test_chapters_youtube_would_ignore_are_not_written_and_the_reason_is_given(
    starts: tuple[float, ...], duration: float, reason: str
) -> None:
    names = ["Un", "Deux", "Trois"]
    scenes = [(_titled(names[k], None), start) for k, start in enumerate(starts)]
    chapters, why = plan_chapters(scenes, duration)
    assert chapters == [] and why is not None and reason in why


def test_chapter_lines_follow_the_description() -> None:
    publish = Publish(description="Qui nous sommes.")
    chapters = [Chapter(0.0, "Bonjour"), Chapter(75.0, "Nos priorités"), Chapter(3725.0, "Fin")]
    done, why = publish_with_chapters(publish, chapters)
    assert why is None
    assert done.description == "Qui nous sommes.\n\n0:00 Bonjour\n1:15 Nos priorités\n1:02:05 Fin"
    assert timestamp(9.99) == "0:09"


SCRIPT = """\
title: Chapitres
language: fr
voice: {engine: silent}
video: {resolution: 480p, fps: 10}
publish: {description: Notre mission., chapters: true}
scenes:
  - {type: title, title: Bonjour, subtitle: Une banque utile, duration: 11}
  - {type: quote, text: Une phrase., duration: 4}
  - {type: bullets, title: Nos priorités, items: [Écouter, Financer], duration: 11, chapter: Priorités}
  - {type: closing, title: Merci, duration: 11}
"""


@pytest.mark.render
def test_a_rendered_video_sends_its_chapters_to_youtube(youtube: FakeYouTube, tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    script = root / "scripts" / "chapitres.yaml"
    script.write_text(SCRIPT, encoding="utf-8")
    options = RenderOptions(out_dir=root / "build", preview=False, cache_dir=root / "cache", log=lambda _: None)
    folder = render_script(script, options).folder
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    starts = {s["type"]: s["start"] for s in manifest["scenes"]}
    expected = f"0:00 Bonjour\n{timestamp(starts['bullets'])} Priorités\n{timestamp(starts['closing'])} Merci"
    assert manifest["publish"]["description"] == "Notre mission.\n\n" + expected
    assert manifest["chapters"] == {"lines": expected.split("\n"), "not_written": None}
    token = write_token_file(tmp_path / "token.json", youtube.token_info())
    result = CliRunner().invoke(
        upload_command, [str(folder), "--token-file", str(token), "--api-endpoint", youtube.url], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    (video,) = youtube.videos.values()
    assert video["snippet"]["description"].endswith(expected)
    assert youtube.violations == []
