"""`voice: {engine: recorded}` (issue 15, item 4): the team's recordings drive timing, captions and sound.

The recordings are tones the tests make with numpy (a tone is "speech", silence is a pause), written
as WAV, and as FLAC and MP3 through ffmpeg; one tiny real render (480p, 8 fps) checks what a
viewer gets.
"""

from __future__ import annotations

import csv
import json
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest
import srt
from click.testing import CliRunner

from contract.errors import ScriptError
from render.cli import group
from render.engines.recorded import cut_points, split_recording
from render.loader import load_script
from render.narration import SAMPLE_RATE
from render.pipeline import RenderOptions, render_loaded
from tests.helpers import audio_samples, loud_windows, make_project

RATE = 22050


def tone(seconds: float, freq: float = 220.0) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (0.5 * 32767 * np.sin(2 * np.pi * freq * t)).astype(np.int16)


def quiet(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * RATE), dtype=np.int16)


def write_wav(path: Path, samples: np.ndarray) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(samples.tobytes())
    return path


def convert(wav: Path, target: Path) -> Path:
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(wav), str(target)], check=True)
    return target


# -- cutting a recording into phrases (no render) --------------------------------------------------


def test_a_beat_of_two_sentences_is_cut_in_the_pause_between_them() -> None:
    samples = np.concatenate([quiet(0.3), tone(0.8), quiet(0.4), tone(1.6), quiet(0.3)])
    phrases = ["Bonjour.", "Voici notre banque et ses conseillers."]
    (cut,) = cut_points(samples[int(0.3 * RATE) - 441 :], phrases)  # trimmed as the pipeline does
    first, second = split_recording(samples, phrases)
    assert abs(first.size / SAMPLE_RATE - 0.84) < 0.06  # the tone, plus the 20 ms margins
    assert abs(second.size / SAMPLE_RATE - 1.64) < 0.06
    assert cut > 0


def test_without_a_pause_the_cut_follows_the_characters() -> None:
    samples = tone(3.0)
    first, second = split_recording(samples, ["Un, deux.", "Trois, quatre, cinq, six, sept, huit."])
    share = first.size / (first.size + second.size)
    assert 0.15 < share < 0.35  # 9 of 38 characters


# -- --check -----------------------------------------------------------------------------------------


SCRIPT = """\
title: Voix enregistrée
language: fr
voice: {{engine: recorded}}
video: {{resolution: 480p, fps: 8}}
scenes:
  - type: title
    title: Bonjour
    narration:
      - {{text: "Bonjour. Voici notre banque et ses conseillers.", audio: {first}}}
      - {{text: "Merci !", audio: {second}}}
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project")


def test_every_recording_is_checked_like_any_file(project: Path) -> None:
    (project / "scripts" / "voix").mkdir()
    (project / "scripts" / "voix" / "faux.wav").write_bytes(b"RIFF" + b"\x00" * 400)  # a WAV header, no audio
    script = project / "scripts" / "film.yaml"
    script.write_text(SCRIPT.format(first="voix/faux.wav", second="../../elsewhere.mp3"), encoding="utf-8")
    with pytest.raises(ScriptError) as info:
        load_script(script)
    lines = [str(p) for p in info.value.problems]
    assert len(lines) == 2, lines
    assert lines[0].startswith(f"{script}:9:74 scenes[0].narration[0].audio: 'voix/faux.wav' does not decode")
    assert lines[1].startswith(f"{script}:10:34 scenes[0].narration[1].audio: ") and "outside" in lines[1]


def test_audio_is_ignored_by_a_synthetic_engine(project: Path) -> None:
    script = project / "scripts" / "film.yaml"
    text = SCRIPT.format(first="voix/pas-encore.wav", second="voix/pas-encore.wav").replace("recorded", "silent")
    script.write_text(text, encoding="utf-8")
    loaded = load_script(script)  # the recordings need not exist to draft with another voice
    assert loaded.script.scenes[0].narration_beats()[1] == "Merci !"


# -- a real render ---------------------------------------------------------------------------------


def test_a_recorded_narration_sets_the_timing_the_captions_and_the_sound(project: Path, tmp_path: Path) -> None:
    voix = project / "scripts" / "voix"
    write_wav(voix / "01.wav", np.concatenate([quiet(0.2), tone(0.8), quiet(0.5), tone(1.6), quiet(0.2)]))
    convert(
        write_wav(tmp_path / "02.wav", np.concatenate([quiet(0.1), tone(1.2, 330.0), quiet(0.1)])), voix / "02.flac"
    )
    script = project / "scripts" / "film.yaml"
    script.write_text(SCRIPT.format(first="voix/01.wav", second="voix/02.flac"), encoding="utf-8")

    result = render_loaded(
        load_script(script), RenderOptions(out_dir=project / "build", jobs=1, cache_dir=tmp_path / "c", log=print)
    )
    manifest = json.loads(result.manifest.read_text(encoding="utf-8"))
    assert manifest["voice"]["engine"] == "recorded"
    phrases = manifest["scenes"][0]["phrases"]
    assert [p["text"] for p in phrases] == ["Bonjour.", "Voici notre banque et ses conseillers.", "Merci !"]
    for phrase, seconds in zip(phrases, [0.84, 1.64, 1.24], strict=True):
        assert abs(phrase["seconds"] - seconds) < 0.06, phrases  # each phrase lasts as long as its recording

    cues = list(srt.parse((result.folder / "film.fr.srt").read_text(encoding="utf-8")))
    assert [c.content for c in cues] == [p["text"] for p in phrases]  # one cue per phrase, at its time
    for cue, phrase in zip(cues, phrases, strict=True):
        assert abs(cue.start.total_seconds() - phrase["start"]) < 0.01

    loud = loud_windows(audio_samples(result.video))  # 20 ms windows: the recording is what is heard
    for phrase in phrases:
        middle = int((phrase["start"] + phrase["seconds"] / 2) / 0.02)
        assert loud[middle], phrase
    gap = int((phrases[0]["start"] + phrases[0]["seconds"] + 0.06) / 0.02)
    assert not loud[gap]  # the pause between two phrases is silent


# -- render recording-script -------------------------------------------------------------------------


def test_the_recording_script_lists_each_take_and_its_file(project: Path) -> None:
    script = project / "scripts" / "film.yaml"
    script.write_text(
        """\
title: Notre mission
language: fr
voice: {engine: recorded}
lexicon: {TOOKAM: tou kam}
scenes:
  - type: title
    title: Notre mission
    narration: ["[wave] Bonjour ! Voici notre banque.", {text: "Le tchat TOOKAM.", audio: prises/tchat.wav}]
  - type: bullets
    items: [Écouter, Financer]
    narration: [Deux priorités., Écouter., Financer.]
""",
        encoding="utf-8",
    )
    out = project / "build"
    result = CliRunner().invoke(group, ["recording-script", str(script), "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    markdown = (out / "film.recording-script.md").read_text(encoding="utf-8")
    assert markdown.startswith("# Notre mission — recording script")
    assert "## 01 · `voix/01.wav` · scene 1 (title) · to record\n\nBonjour ! Voici notre banque.\n" in markdown
    assert "## 02 · `prises/tchat.wav`" in markdown and "- say TOOKAM → « tou kam »" in markdown
    assert "[wave]" not in markdown  # cues are not said
    with (out / "film.recording-script.csv").open(encoding="utf-8-sig", newline="") as table:
        rows = list(csv.DictReader(table))
    assert [(r["take"], r["file"], r["text"]) for r in rows] == [
        ("1", "voix/01.wav", "Bonjour ! Voici notre banque."),
        ("2", "prises/tchat.wav", "Le tchat TOOKAM."),
        ("3", "voix/03.wav", "Deux priorités."),
        ("4", "voix/04.wav", "Écouter."),
        ("5", "voix/05.wav", "Financer."),
    ]
    assert {r["status"] for r in rows} == {"to record"}


def test_the_recording_script_of_a_broken_script_is_bad_input(project: Path) -> None:
    script = project / "scripts" / "film.yaml"
    script.write_text("title: x\nscenes:\n  - type: titre\n", encoding="utf-8")
    result = CliRunner().invoke(group, ["recording-script", str(script)])
    assert result.exit_code == 2 and f"{script}:3:" in result.output and "Traceback" not in result.output
