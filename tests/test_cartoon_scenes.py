"""Cartoon scenes (`cast:`, `presenter`, `dialogue`): what a viewer sees and hears, with real engines.

One tiny French script is rendered for real (480p preview, real espeak-ng voices): its captions,
credits and publish data are read back; its scene jobs (planned from the real speech) drive the
stage the renderer composites, whose per-frame acting is checked against the audio.
"""

from __future__ import annotations

import json
import shutil
import wave
from pathlib import Path

import numpy as np
import pytest

from contract.job import SceneJob
from contract.scene_errors import TextDoesNotFit
from contract.scene_types import PresenterScene
from render.cache import Cache
from render.loader import load_script
from render.narration import wav_seconds
from render.pipeline import RenderOptions, render_script
from render.planning import PREVIEW, effective_video, plan_scenes
from render.speech import prepare_speech
from scenes.cartoon_stage import build_stage
from tests.helpers import scene_job

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = """\
title: Essai cartoon
language: fr
voice: {rate: 170}
brand: assets/brand/banque-du-val.yaml
cast:
  claire: {style: toon-head, look: {hair: bun}, voice: {rate: 150}}
  paul: {style: notionists, clothes: secondary, voice: {rate: 200}}
scenes:
  - type: presenter
    setting: agency
    character: claire
    title: Bonjour !
    items: [{text: Un tchat, icon: comments}]
    props: [money-bag]
    narration: "Bonjour ! [wave] Voici notre banque et [point] ses conseillers."
  - type: dialogue
    setting: home
    characters: [paul, claire]
    lines:
      - {who: paul, say: "Oui. Je voudrais un conseil pour mon projet."}
      - {who: claire, say: "Oui. [smile] Avec plaisir.", expression: happy}
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cartoon")
    shutil.copytree(ROOT / "assets" / "brand", root / "assets" / "brand")
    shutil.copytree(ROOT / "assets" / "logos", root / "assets" / "logos")
    (root / "essai.yaml").write_text(SCRIPT, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def jobs(project: Path, built: Path) -> list[SceneJob]:
    loaded = load_script(project / "essai.yaml")
    cache = Cache(project / "cache")
    _, wavs, _ = prepare_speech(loaded, cache, lambda _: None)
    seconds = {key: wav_seconds(path) for key, path in wavs.items()}
    video = effective_video(loaded.script, preview=True)
    return [p.job for p in plan_scenes(loaded, video, seconds, wavs=wavs)]


@pytest.fixture(scope="module")
def built(project: Path) -> Path:
    options = RenderOptions(
        out_dir=project / "out", preview=True, jobs=2, cache_dir=project / "cache", log=lambda _: None
    )
    return render_script(project / "essai.yaml", options).folder


def _away(t: float, start: float, seconds: float, margin: float) -> bool:
    """`t` is more than `margin` seconds outside the phrase [start, start + seconds]."""
    return t < start - margin or t > start + seconds + margin


def _rms(path: Path, start: float, end: float) -> float:
    with wave.open(str(path), "rb") as w:
        rate = w.getframerate()
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64)
    part = data[int(max(start, 0) * rate) : int(end * rate)]
    return float(np.sqrt(np.mean(part**2))) if part.size else 0.0


@pytest.mark.render
def test_captions_carry_no_cue_and_credits_name_every_asset(built: Path) -> None:
    srt = (built / "essai.fr.srt").read_text(encoding="utf-8")
    said = " ".join(srt.split())  # a cue's lines, and short phrases merged into one cue, read as one text
    assert "Bonjour !" in said and "Voici notre banque et ses conseillers." in said
    assert "[" not in srt and "wave" not in srt and "smile" not in srt
    credits = (built / "credits.txt").read_text(encoding="utf-8")
    for name in ("toon-head", "notionists", "agency", "home", "money-bag", "CC BY 4.0", "CC0 1.0", "MIT"):
        assert name in credits, name
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    # toon-head's CC BY 4.0 asks for attribution: the credits go into the YouTube description
    assert "ToonHead" in manifest["publish"]["description"]
    assert manifest["scenes"][1]["type"] == "dialogue"


@pytest.mark.render
def test_each_line_is_spoken_in_its_speakers_voice(jobs: list[SceneJob]) -> None:
    dialogue = jobs[1]
    first = {p.speaker: p for p in dialogue.phrases if p.speaker and Path(p.wav).exists()}
    assert set(first) == {"paul", "claire"}
    # each line starts with "Oui.", said by both, each in their own voice (rate 200 and 150)
    oui = [next(p for p in dialogue.phrases if p.speaker == who) for who in ("paul", "claire")]
    assert oui[0].wav != oui[1].wav
    assert oui[0].seconds < oui[1].seconds
    assert all(Path(p.wav).is_absolute() for p in dialogue.phrases)


@pytest.mark.render
def test_only_the_speakers_mouth_moves_with_the_audio_and_they_blink(jobs: list[SceneJob]) -> None:
    dialogue = jobs[1]
    stage = build_stage(dialogue)
    fps = dialogue.fps
    for k, name in enumerate(stage.names):
        frames = stage.compositor.tracks[k].frames
        own = [p for p in dialogue.phrases if p.speaker == name]
        others = [p for p in dialogue.phrases if p.speaker != name]
        speaking = [i for i in range(len(frames)) if any(p.start <= i / fps < p.start + p.seconds for p in own)]
        silent = [
            i
            for i in range(len(frames))
            if all(abs(i / fps - p.start - p.seconds / 2) > p.seconds / 2 + 0.2 for p in own)
        ]
        opened = [i for i in speaking if frames[i].pose.mouth != "closed"]
        assert len(opened) >= 0.4 * len(speaking), f"{name}'s mouth barely moves while speaking"
        assert all(frames[i].pose.mouth == "closed" for i in silent), f"{name}'s mouth moves in silence"
        # while the other one speaks this one listens: mouth closed
        listening = [i for i in range(len(frames)) if any(p.start <= i / fps < p.start + p.seconds for p in others)]
        assert listening and all(frames[i].pose.mouth == "closed" for i in listening if i in silent)
        assert any(f.pose.eyes == "closed" for f in frames), f"{name} never blinks"


@pytest.mark.render
def test_a_cue_fires_when_the_voice_reaches_its_word(jobs: list[SceneJob]) -> None:
    presenter = jobs[0]
    cues = {c.name: c for c in presenter.acting}
    assert set(cues) == {"wave", "point"}
    phrases = presenter.phrases
    # [wave] opens the second sentence: exactly when its voice starts
    assert abs(cues["wave"].time - phrases[1].start) < 1e-3
    # [point] is inside a sentence: a word boundary (a dip in the voice) lies within 0.2 s of it
    offset = cues["point"].time - phrases[1].start
    assert 0.3 < offset < phrases[1].seconds - 0.3
    wav = Path(phrases[1].wav)
    level = _rms(wav, 0, phrases[1].seconds)
    dips = [_rms(wav, t, t + 0.03) for t in np.arange(offset - 0.2, offset + 0.2, 0.01)]
    assert min(dips) < 0.35 * level
    stage = build_stage(presenter)
    at = round(cues["point"].time * presenter.fps) + 1
    assert stage.compositor.tracks[0].frames[at].pose.gesture == "point"


def _presenter_job(width: int, height: int, title: str = "Bonjour !") -> SceneJob:
    scene = PresenterScene(
        type="presenter",
        setting="office",
        character="claire",
        title=title,
        items=[{"text": "Un conseiller", "icon": "user"}, {"text": "Un tchat", "icon": "comments"}],
        duration=1.0,
    )
    return scene_job(scene, (width, height), fps=5, frame_count=5, cues=[0.0, 0.2, 0.4])


@pytest.mark.parametrize("size", [(426, 240), (240, 426), (320, 320)], ids=["16:9", "9:16", "1:1"])
def test_character_and_panel_never_overlap_and_stay_in_frame(size: tuple[int, int]) -> None:
    width, height = size
    stage = build_stage(_presenter_job(width, height))
    content = stage.layout.content
    assert content is not None
    frame = (0, 0, width, height)
    for box in (*stage.layout.characters, content):
        assert box.x >= 0 and box.y >= 0 and box.x + box.w <= frame[2] and box.y + box.h <= frame[3]
    for box in stage.layout.characters:
        apart = box.x + box.w <= content.x or content.x + content.w <= box.x
        stacked = box.y + box.h <= content.y or content.y + content.h <= box.y
        assert apart or stacked, f"character {box} overlaps the panel {content}"
    if height > width:  # 9:16: above or below the panel
        assert stage.layout.characters[0].y >= content.y + content.h


@pytest.mark.render
@pytest.mark.parametrize("size", [(426, 240), (240, 426)], ids=["16:9", "9:16"])
def test_panel_text_is_drawn_beside_the_character(tmp_path: Path, size: tuple[int, int]) -> None:
    from scenes import render_scene
    from tests.helpers import frame_at

    job = _presenter_job(*size)
    out = tmp_path / "p.mp4"
    render_scene(job, out)
    picture = frame_at(out, 0.5).astype(int)
    stage = build_stage(job)
    content, char = stage.layout.content, stage.layout.characters[0]
    assert content is not None
    # the panel is a card in the brand's background colour; the character's box shows the character
    inside = picture[content.y + 4 : content.y + content.h - 4, content.x + 4 : content.x + content.w - 4]
    assert (np.abs(inside - 255).sum(axis=2) < 30).mean() > 0.5
    person = picture[char.y : char.y + char.h, char.x : char.x + char.w]
    assert (np.abs(person - 255).sum(axis=2) < 30).mean() < 0.5


def test_a_title_too_long_for_the_panel_is_refused_by_its_field(tmp_path: Path) -> None:
    from scenes import render_scene

    job = _presenter_job(426, 240, title="Une banque utile " * 40)
    with pytest.raises(TextDoesNotFit) as caught:
        render_scene(job, tmp_path / "p.mp4")
    assert caught.value.field_path == "scenes[0].title"
    assert not (tmp_path / "p.mp4").exists()


def test_cues_are_taken_out_of_the_spoken_text() -> None:
    from render.spoken import strip_cues

    assert strip_cues("Bonjour ! [wave] Je suis [ point ] Claire.") == (
        "Bonjour ! Je suis Claire.",
        [(9, "wave"), (17, "point")],
    )
    assert PREVIEW["resolution"] == "480p"
