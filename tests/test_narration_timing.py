"""Speech, timing and captions: real espeak-ng, no rendering."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import srt

from contract.script import BulletsScene, ComparisonScene, TitleScene
from render.captions import Cue, to_srt, to_vtt, wrap
from render.engines import synthesize_trimmed
from render.engines.espeak import Pyttsx3Engine, best_voice, espeak_voices
from render.engines.silent import SilentEngine
from render.narration import read_wav, split_phrases, spoken_form, trim_silence, wav_seconds
from render.timing import LEAD_IN, scene_beats, time_scene


def test_split_phrases_keeps_sentences_and_splits_long_ones_at_clauses() -> None:
    assert split_phrases("Bonjour ! Voici  notre banque. Et vous ?") == [
        "Bonjour !",
        "Voici notre banque.",
        "Et vous ?",
    ]
    long = (
        "Nous finançons les familles, les artisans et les entreprises de toute la région, "
        "depuis plus de cent ans, avec des conseillers qui connaissent le terrain."
    )
    parts = split_phrases(long)
    assert len(parts) >= 2
    assert " ".join(parts) == long
    assert all(len(p) <= 84 for p in parts)


def test_spoken_form_applies_lexicon_to_words_and_joins_digit_groups() -> None:
    lexicon = {"TOOKAM": "tou kam"}
    assert spoken_form("Le tchat TOOKAM, pas TOOKAMS.", lexicon) == "Le tchat tou kam, pas TOOKAMS."
    assert spoken_form("12 500 projets et 1\u202f000 000 €", {}) == "12500 projets et 1000000 €"
    assert spoken_form("l’argent", {}) == "l'argent"


def test_best_voice_for_french_and_english_tags() -> None:
    voices = espeak_voices()
    assert best_voice("fr", voices) == "roa/fr"
    assert best_voice("fr-FR", voices) == "roa/fr"
    assert best_voice("fr-BE", voices) == "roa/fr-be"
    assert best_voice("en-US", voices) == "gmw/en-us"
    assert best_voice("en", voices) is not None and best_voice("en", voices).startswith("gmw/en")
    assert best_voice("xx", voices) is None


def test_real_french_speech_is_measured_and_trimmed(tmp_path: Path) -> None:
    engine = Pyttsx3Engine()
    voice = engine.choose_voice("fr", None, 165)
    short, longer = tmp_path / "a.wav", tmp_path / "b.wav"
    synthesize_trimmed(
        engine,
        voice,
        [("Bonjour.", short), ("« Une banque » : l'argent de 12500 familles, ici même.", longer)],
        tmp_path,
    )
    a, b = wav_seconds(short), wav_seconds(longer)
    assert 0.3 < a < 1.5
    assert b > 2 * a
    samples, rate = read_wav(longer)
    assert rate == 22050
    # trimmed: sound within 50 ms of both ends
    loud = np.flatnonzero(np.abs(samples.astype(int)) > 300)
    assert loud[0] < 0.05 * rate and samples.size - loud[-1] < 0.05 * rate
    assert np.abs(samples).max() > 3000  # real speech, not silence


def test_silent_engine_estimates_from_rate(tmp_path: Path) -> None:
    engine = SilentEngine()
    slow, fast = tmp_path / "s.wav", tmp_path / "f.wav"
    text = "one two three four five six seven eight nine ten eleven twelve"
    synthesize_trimmed(engine, engine.choose_voice("en", None, 100), [(text, slow)], tmp_path)
    synthesize_trimmed(engine, engine.choose_voice("en", None, 200), [(text, fast)], tmp_path)
    assert wav_seconds(slow) == pytest.approx(2 * wav_seconds(fast), rel=0.1)
    samples, _ = read_wav(slow)
    assert not samples.any()


def test_trim_silence_keeps_all_of_a_silent_clip() -> None:
    quiet = np.zeros(1000, dtype=np.int16)
    assert trim_silence(quiet, 22050).size == 1000


def test_items_appear_when_their_own_narration_starts() -> None:
    scene = BulletsScene.model_validate(
        {
            "type": "bullets",
            "title": "T",
            "narration": "Intro.",
            "items": [{"text": "a", "narration": "First item."}, "b", {"text": "c", "narration": "Third item."}],
        }
    )
    beats = scene_beats(scene)
    assert [b.element for b in beats] == [None, 1, 3]
    seconds = {"Intro.": 1.0, "First item.": 2.0, "Third item.": 1.5}
    timing = time_scene(scene, beats, seconds, 30, None)
    starts = {p.text: p.start for p in timing.phrases}
    assert starts["Intro."] == LEAD_IN
    assert timing.cues[1] == starts["First item."]
    assert timing.cues[3] == starts["Third item."]
    assert starts["First item."] < timing.cues[2] < timing.cues[3]
    # the scene does not end before the voice does
    end = starts["Third item."] + 1.5
    assert timing.frame_count / 30 >= end + 0.5


def test_beats_map_onto_items_when_items_have_no_narration() -> None:
    scene = BulletsScene.model_validate(
        {"type": "bullets", "items": ["a", "b"], "narration": ["Intro.", "About a.", "About b."]}
    )
    beats = scene_beats(scene)
    assert [b.element for b in beats] == [None, 1, 2]


def test_minimum_duration_and_frame_rounding() -> None:
    scene = TitleScene(type="title", title="Hi", duration=7.01)
    timing = time_scene(scene, scene_beats(scene), {}, 30, scene.duration)
    assert timing.frame_count == 211  # ceil(7.01 * 30)
    assert timing.phrases == []


def test_comparison_two_beats_drive_the_columns() -> None:
    scene = ComparisonScene.model_validate(
        {
            "type": "comparison",
            "left": {"heading": "L", "items": ["x"]},
            "right": {"heading": "R", "items": ["y"]},
            "narration": ["Left side.", "Right side."],
        }
    )
    timing = time_scene(scene, scene_beats(scene), {"Left side.": 1.0, "Right side.": 1.0}, 25, None)
    assert timing.cues[1] == LEAD_IN
    assert timing.cues[2] == pytest.approx(LEAD_IN + 1.0 + 0.5)


def test_captions_srt_and_vtt_round_trip() -> None:
    cues = [Cue(0.6, 2.35, "Bonjour à tous, voici « notre mission » & nos <priorités>."), Cue(3.0, 4.5, "Merci.")]
    parsed = list(srt.parse(to_srt(cues)))
    assert [round(s.start.total_seconds(), 3) for s in parsed] == [0.6, 3.0]
    assert [round(s.end.total_seconds(), 3) for s in parsed] == [2.35, 4.5]
    assert parsed[0].content.replace("\n", " ") == cues[0].text
    vtt = to_vtt(cues, "fr")
    assert vtt.startswith("WEBVTT")
    assert "00:00:00.600 --> 00:00:02.350" in vtt
    assert "&lt;priorités&gt;" in vtt and "&amp;" in vtt


def test_wrap_balances_two_lines() -> None:
    lines = wrap("Nous finançons les familles et les artisans de toute la région").split("\n")
    assert len(lines) == 2
    assert all(len(line) <= 42 for line in lines)
    assert abs(len(lines[0]) - len(lines[1])) < 12


def test_text_heavy_scene_stays_long_enough_to_read() -> None:
    from contract.script import QuoteScene
    from render.timing import READING_WORDS_PER_SECOND

    words = " ".join(["mot"] * 42)
    scene = QuoteScene(type="quote", text=words, narration="Court.")
    timing = time_scene(scene, scene_beats(scene), {"Court.": 0.8}, 25, None)
    assert timing.frame_count / 25 >= 42 / READING_WORDS_PER_SECOND
    short = QuoteScene(type="quote", text="Deux mots", narration="Court.")
    assert time_scene(short, scene_beats(short), {"Court.": 0.8}, 25, None).frame_count / 25 < 4
