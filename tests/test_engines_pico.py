"""`voice: {engine: pico}`: SVOX Pico's pico2wave, resampled to the toolkit's rate, checked loudly.

The synthesis tests need pico2wave (`make pico`); without it they are skipped, and the tests of
what a user sees when it is missing run everywhere.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from render.cache import Cache
from render.cli import group
from render.engines import engine_for, pico, synthesize_trimmed
from render.narration import SAMPLE_RATE, read_wav, spoken_form
from render.speech import speech_key
from tests.helpers import synthesise_elsewhere

needs_pico = pytest.mark.skipif(shutil.which("pico2wave") is None, reason="pico2wave is not installed (make pico)")

SCRIPT = """\
title: Pico
language: {language}
voice: {{engine: pico}}
scenes:
  - type: title
    title: Pico
    narration: Nous avons prêté 12\u00a0500 euros. Bonjour à tous.
"""


def _check(tmp_path: Path, text: str) -> tuple[int, str]:
    script = tmp_path / "pico.yaml"
    script.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(group, ["check", str(script)], prog_name="render", catch_exceptions=False)
    return result.exit_code, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", "fr-FR"), ("fr-FR", "fr-FR"), ("en", "en-US"), ("en-GB", "en-GB"), ("de", "de-DE"), ("it", "it-IT")],
)
def test_languages_map_to_picos_own(language: str, expected: str) -> None:
    assert pico.pico_voice(language, None) == expected


@pytest.mark.parametrize("language", ["pt", "fr-CA", "en-AU", "nl"])
def test_a_language_pico_cannot_speak_is_refused_by_name(tmp_path: Path, language: str) -> None:
    code, out = _check(tmp_path, SCRIPT.format(language=language))
    assert code == 2
    assert f"pico.yaml:2:11 language: pico cannot speak '{language}'" in out


def test_a_voice_id_of_another_language_is_refused() -> None:
    with pytest.raises(pico.InputError, match="does not speak"):
        pico.pico_voice("fr", "en-GB")


def test_without_pico2wave_the_check_says_where_and_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # like a missing espeak-ng: an environment problem (exit 1), at the line that asks for pico
    monkeypatch.setattr(pico.shutil, "which", lambda name: None)
    pico.pico_version.cache_clear()
    try:
        code, out = _check(tmp_path, SCRIPT.format(language="fr"))
        unsupported = _check(tmp_path, SCRIPT.format(language="pt"))
    finally:
        pico.pico_version.cache_clear()
    assert unsupported[0] == 2 and "language: pico cannot speak 'pt'" in unsupported[1]  # installed or not
    assert code == 1
    assert "pico.yaml:3:17 voice.engine: the pico voice needs pico2wave, which is not installed" in out
    assert "make pico" in out


def test_the_text_pico_gets_reads_grouped_numbers_as_one_number() -> None:
    spoken = spoken_form("Nous avons prêté 12\u00a0500 euros à 1\u202f200 clients.", {})
    assert "12500" in spoken and "1200" in spoken
    markup = pico._markup(spoken, 165)
    assert markup == '<speed level="106">Nous avons prêté 12500 euros à 1200 clients.</speed>'
    assert "<" not in pico._markup("a < b > c", 150)[20:-8]


def test_resampling_keeps_length_and_loudness() -> None:
    t = np.arange(16000) / 16000
    tone = (10000 * np.sin(2 * np.pi * 440 * t)).astype(np.int16)
    out = pico.resample(tone, 16000, SAMPLE_RATE)
    assert out.dtype == np.int16 and out.size == SAMPLE_RATE
    rms = lambda x: float(np.sqrt(np.mean(x[2000:-2000].astype(np.float64) ** 2)))  # noqa: E731
    assert abs(rms(out) - rms(tone)) / rms(tone) < 0.01


def test_cache_key_uses_picos_version_not_pyttsx3s(monkeypatch: pytest.MonkeyPatch) -> None:
    voice = pico.VoiceChoice("pico", "fr-FR", "fr", 150, "1.0+git20130326-13+r1")
    before = speech_key(voice, "Bonjour.")
    monkeypatch.setattr("render.speech.versions", lambda: {"pyttsx3": "9.9"})
    assert speech_key(voice, "Bonjour.") == before
    newer = pico.VoiceChoice("pico", "fr-FR", "fr", 150, "1.0+git20130326-14+r1")
    assert speech_key(newer, "Bonjour.") != before


PHRASES = ["Bonjour !", "Nous finançons les projets de la région, depuis cent ans.", "Douze mille clients."]


@needs_pico
def test_same_phrase_same_samples_across_processes(tmp_path: Path) -> None:
    first, second = (synthesise_elsewhere(tmp_path / str(k), "pico", "fr", None, 150, PHRASES) for k in range(2))
    assert first == second
    assert all(rate == SAMPLE_RATE and size > 0.2 * SAMPLE_RATE for rate, size, _ in first)


@needs_pico
def test_rate_sets_the_length_and_the_number_is_spoken_whole(tmp_path: Path) -> None:
    engine = engine_for("pico")
    lengths = {}
    for rate in (120, 165, 220):
        voice = engine.choose_voice("fr", None, rate)
        target = tmp_path / f"{rate}.wav"
        synthesize_trimmed(engine, voice, [("Nous finançons les projets de la région.", target)], tmp_path)
        samples, sample_rate = read_wav(target)
        assert sample_rate == SAMPLE_RATE
        lengths[rate] = samples.size
    assert lengths[120] > lengths[165] > lengths[220]
    # "12 500" with a no-break space, as the pipeline gives it, sounds like "12500", not "12 500"
    voice = engine.choose_voice("fr", None, 150)
    sounds = {}
    for name, text in (("grouped", "12\u00a0500 euros."), ("joined", "12500 euros."), ("split", "12, 500 euros.")):
        target = tmp_path / f"{name}.wav"
        synthesize_trimmed(engine, voice, [(spoken_form(text, {}), target)], tmp_path)
        sounds[name] = hashlib.sha256(read_wav(target)[0].tobytes()).hexdigest()
    assert sounds["grouped"] == sounds["joined"] != sounds["split"]


DUO = """\
title: Duo
language: fr
voice: {engine: pyttsx3, rate: 160}
cast:
  sophie: {style: notionists, voice: {engine: pico}}
  thomas: {style: toon-head}
scenes:
  - type: dialogue
    setting: home
    characters: [sophie, thomas]
    lines:
      - {who: sophie, say: "Bonjour Thomas. J'ai vu le nouveau tchat."}
      - {who: thomas, say: "C'est un choix de plus, pas une obligation."}
"""


@needs_pico
def test_characters_may_speak_with_pico_beside_espeak(tmp_path: Path) -> None:
    from render.loader import load_script

    script = tmp_path / "duo.yaml"
    script.write_text(DUO, encoding="utf-8")
    loaded = load_script(script)
    from render.speech import prepare_speech

    said: list[str] = []
    _, wavs, _keys = prepare_speech(loaded, Cache(tmp_path / "cache"), said.append)
    assert wavs and all(read_wav(path)[1] == SAMPLE_RATE for path in wavs.values())
    from render.spoken import speaker_of

    speakers = {speaker_of(ident)[0] for ident in wavs}
    assert {"sophie", "thomas"} <= speakers
    # sophie in pico, thomas in espeak-ng: one video, both at the toolkit's rate (checked above)
    assert any("with pico voice fr-FR" in line for line in said)
    assert any("with pyttsx3 voice" in line for line in said)


@needs_pico
def test_render_voices_lists_picos_voices_with_quality_and_licence() -> None:
    result = CliRunner().invoke(group, ["voices", "fr"], prog_name="render", catch_exceptions=False)
    assert result.exit_code == 0
    line = next(line for line in result.stdout.splitlines() if line.startswith("fr-FR "))
    assert "pico" in line and "hmm" in line and "Apache-2.0" in line
    assert "en-GB " not in result.stdout and "default for fr: roa/fr" in result.stdout
