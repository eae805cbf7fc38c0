"""`character:` on every scene type: the character stands beside the content and speaks its narration.

Each slide type is rendered for real with a character, in 16:9, 9:16 and 1:1, and its picture
is compared with the stage alone (setting + character, as the compositor makes it): what Manim
drew (the card and the scene's text) lies in the content box, never on the character.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from contract.job import SceneJob
from contract.scene_types import SCENE_TYPES
from contract.scene_types.cast import CastLook
from render.cache import Cache
from render.loader import load_script
from render.narration import wav_seconds
from render.planning import effective_video, plan_scenes
from render.speech import prepare_speech
from scenes.cartoon_stage import CartoonFrames, build_stage
from tests.helpers import REPO, frame_at, scene_job

SLIDES: dict[str, dict[str, Any]] = {
    "title": {"title": "Une banque utile", "subtitle": "Notre mission"},
    "bullets": {"title": "Nos priorités", "items": ["Écouter", "Financer", "Conseiller"]},
    "statistic": {"value": 12500, "suffix": " projets", "label": "accompagnés l'an dernier"},
    "quote": {"text": "Une banque doit parler la langue de ses clients.", "author": "La direction"},
    "timeline": {
        "title": "Notre histoire",
        "events": [{"date": "1901", "text": "La caisse"}, {"date": "2026", "text": "Le tchat"}],
    },
    "comparison": {
        "title": "Deux façons",
        "left": {"heading": "En agence", "items": ["Un conseiller"]},
        "right": {"heading": "À distance", "items": ["Le tchat"]},
    },
    "closing": {"title": "Merci", "subtitle": "À bientôt", "url": "www.banqueduval.example"},
}
SIZES = {"16:9": (426, 240), "9:16": (240, 426), "1:1": (320, 320)}
FPS, FRAMES = 10, 20


def _job(kind: str, size: tuple[int, int], position: str = "right") -> SceneJob:
    model = SCENE_TYPES[kind]
    scene = model.model_validate(
        {"type": kind, "character": {"name": "claire", "position": position}, "duration": 2.0, **SLIDES[kind]}
    )
    cues = [0.1 * k for k in range(len(scene.cues()))]
    return scene_job(scene, size, FPS, FRAMES, cues, language="fr", cast={"claire": CastLook(style="toon-head")})


def _drawn_by_manim(job: SceneJob, out: Path) -> np.ndarray:
    """Where the rendered last frame differs from the stage alone (a boolean H x W mask)."""
    from scenes import render_scene

    render_scene(job, out)
    picture = frame_at(out, (FRAMES - 1) / FPS).astype(int)
    stage, _ = CartoonFrames(build_stage(job), FRAMES).get(FRAMES - 1)
    return np.abs(picture - stage[..., :3].astype(int)).sum(axis=2) > 90


def _outside_brand_marks(mask: np.ndarray) -> np.ndarray:
    """The mask without the corner logo and the footer marks, which every scene draws at the frame's edges."""
    h, w = mask.shape
    kept = mask.copy()
    kept[round(h * 0.88) :, :] = False
    kept[: round(h * 0.16), round(w * 0.72) :] = False
    return kept


@pytest.mark.render
@pytest.mark.parametrize(
    ("kind", "aspect"),
    [(kind, "16:9") for kind in SLIDES]
    + [(k, a) for k in ("bullets", "timeline", "comparison") for a in ("9:16", "1:1")],
)
def test_the_content_is_drawn_beside_the_character_never_on_it(tmp_path: Path, kind: str, aspect: str) -> None:
    job = _job(kind, SIZES[aspect])
    layout = build_stage(job).layout
    content = layout.content
    assert content is not None and len(layout.characters) == 1
    char = layout.characters[0]
    h, w = job.height, job.width
    for box in (char, content):
        assert box.x >= 0 and box.y >= 0 and box.x + box.w <= w and box.y + box.h <= h
    drawn = _outside_brand_marks(_drawn_by_manim(job, tmp_path / "clip.mp4"))
    in_content = np.zeros_like(drawn)
    in_content[content.y : content.y + content.h, content.x : content.x + content.w] = True
    on_character = drawn[char.y : char.y + char.h, char.x : char.x + char.w]
    # the scene's text (and its card) is there, inside the content box...
    assert drawn[in_content].mean() > 0.03, f"{kind} drew nothing in its content box"
    # ...and nothing of it is on the character or elsewhere outside that box
    assert on_character.mean() < 0.005, f"{kind} drew {on_character.mean():.1%} of the character's box"
    assert drawn[~in_content].mean() < 0.005
    if aspect == "9:16":  # tall: the character below the content
        assert char.y >= content.y + content.h


def test_the_character_may_stand_left_and_the_content_moves_right() -> None:
    left = build_stage(_job("bullets", SIZES["16:9"], position="left")).layout
    right = build_stage(_job("bullets", SIZES["16:9"], position="right")).layout
    assert left.content is not None and right.content is not None
    assert left.characters[0].x < left.content.x
    assert right.characters[0].x > right.content.x


SCRIPT = """\
title: Essai
language: fr
voice: {rate: 200}
brand: assets/brand/banque-du-val.yaml
cast:
  claire: {style: toon-head, voice: {rate: 130}}
scenes:
  - type: bullets
    character: {name: claire, position: right}
    title: Nos priorités
    items: [Écouter, Financer]
    narration: ["Deux priorités. [wave]", Écouter., Financer.]
  - type: statistic
    value: 12
    label: agences
    narration: Deux priorités.
"""


@pytest.mark.render
def test_the_character_speaks_the_scenes_narration_in_its_own_voice_and_its_mouth_moves(tmp_path: Path) -> None:
    shutil.copytree(REPO / "assets" / "brand", tmp_path / "assets" / "brand")
    shutil.copytree(REPO / "assets" / "logos", tmp_path / "assets" / "logos")
    (tmp_path / "essai.yaml").write_text(SCRIPT, encoding="utf-8")
    loaded = load_script(tmp_path / "essai.yaml")
    _, wavs, _ = prepare_speech(loaded, Cache(tmp_path / "cache"), lambda _: None)
    seconds = {key: wav_seconds(path) for key, path in wavs.items()}
    planned = plan_scenes(loaded, effective_video(loaded.script, True), seconds, wavs=wavs)
    with_claire, plain = (p.job for p in planned)
    assert {p.speaker for p in with_claire.phrases} == {"claire"}
    assert set(with_claire.cast) == {"claire"} and not plain.cast
    # the same words, slower in claire's voice (130) than in the script's (200)
    assert with_claire.phrases[0].seconds > 1.2 * planned[1].timing.phrases[0].seconds
    assert [c.name for c in with_claire.acting] == ["wave"]
    frames = build_stage(with_claire).compositor.tracks[0].frames
    fps = with_claire.fps
    speaking = [
        i for i in range(len(frames)) if any(p.start <= i / fps < p.start + p.seconds for p in with_claire.phrases)
    ]
    assert sum(frames[i].pose.mouth != "closed" for i in speaking) >= 0.4 * len(speaking)
    assert (
        frames[-1].pose.mouth == "closed"
        or with_claire.phrases[-1].start + with_claire.phrases[-1].seconds > (len(frames) - 1) / fps
    )


def test_a_setting_alone_is_a_backdrop_under_the_whole_content() -> None:
    scene = SCENE_TYPES["quote"].model_validate(
        {"type": "quote", "setting": "countryside", "duration": 1.0, **SLIDES["quote"]}
    )
    job = _job("quote", SIZES["16:9"]).model_copy(update={"scene": scene, "cast": {}})
    layout = build_stage(job).layout
    assert layout.characters == () and layout.content is not None
    assert layout.content.w > 0.8 * job.width
