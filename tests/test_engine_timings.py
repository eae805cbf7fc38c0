"""Timings from the engine: espeak-ng's word and phoneme events, cached beside the WAV, cut
captions and shape the mouths (issue 13, item 4)."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest

from contract.speech_timings import SpeechTimings, read_timings, timings_path
from render.cache import Cache
from render.caption_lines import cut_timings
from render.engines import engine_for, synthesize_trimmed
from render.narration import wav_seconds
from render.planning import word_start
from scenes.cartoon.lipsync import Phrase, mouth_track, viseme, viseme_states

FPS = 30
PHRASE = "Papa mange, puis il part à Paris, avec une amie de la banque."


@pytest.fixture(scope="module")
def espeak(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, object, Path]:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (tools/install-system-deps.sh)")
    from render.engines.espeak import espeak_voices

    if "roa/fr" not in espeak_voices():
        pytest.skip("espeak-ng's French voice is not installed")
    engine = engine_for("pyttsx3")
    return engine, engine.choose_voice("fr", "roa/fr", 165), tmp_path_factory.mktemp("timings")


def _say(espeak: tuple[object, object, Path], texts: list[str]) -> list[tuple[Path, SpeechTimings | None]]:
    engine, voice, folder = espeak
    items = [(text, folder / f"{abs(hash(text))}.wav") for text in texts]
    found = synthesize_trimmed(engine, voice, items, folder)  # type: ignore[arg-type]
    return [(path, own) for (_, path), own in zip(items, found, strict=True)]


def test_espeak_word_timings_are_monotonic_and_inside_the_phrase(espeak: tuple[object, object, Path]) -> None:
    [(wav, timings)] = _say(espeak, [PHRASE])
    assert timings is not None and timings.notation == "espeak"
    seconds = wav_seconds(wav)
    words = timings.words
    assert [PHRASE[o : o + 4] for o, _, _ in words[:3]] == ["Papa", "mang", "puis"]
    assert len(words) == len(PHRASE.split())
    for (o1, s1, e1), (o2, s2, _) in itertools.pairwise(words):
        assert o1 < o2 and s1 <= e1 <= s2
    assert all(0.0 <= s <= e <= seconds for _, s, e in words)
    times = [t for t, _ in timings.phonemes]
    assert times == sorted(times) and all(0.0 <= t <= seconds for t in times)


def test_word_timings_agree_with_timing_by_synthesis(espeak: tuple[object, object, Path]) -> None:
    """Each cut's time from the word events, against today's way: synthesise the words around the cut."""
    cuts = cut_timings(PHRASE, "fr")
    assert cuts
    said = _say(espeak, [PHRASE, *(words for _, words, _ in cuts)])
    (wav, timings), pieces = said[0], said[1:]
    assert timings is not None
    seconds = wav_seconds(wav)
    for (cut, _, from_end), (piece, _) in zip(cuts, pieces, strict=True):
        length = wav_seconds(piece)
        synthesised = seconds - length if from_end else length
        engine = word_start(timings, PHRASE, cut, {})
        assert engine is not None
        assert abs(engine - synthesised) < 0.030, (PHRASE[cut:], engine, synthesised)


def test_phoneme_mouth_closes_on_lips_and_opens_on_a(espeak: tuple[object, object, Path]) -> None:
    [(wav, timings)] = _say(espeak, ["Papa mange."])
    assert timings is not None
    names = [n for _, n in timings.phonemes]
    assert names[:5] == ["p", "a", "p", "a", "m"]
    timings_path(wav).write_text(timings.to_json())  # kept beside the WAV, as render/speech.py does
    seconds = wav_seconds(wav)
    shapes = viseme_states(timings, FPS, round(seconds * FPS) + 2, 0.0, seconds)
    track = mouth_track([Phrase(wav)], FPS, round(seconds * FPS) + 2)
    for (t, name), (after, _) in zip(timings.phonemes, timings.phonemes[1:], strict=False):
        frames = range(int(t * FPS), int(after * FPS) + 1)
        if name in ("p", "m"):
            assert any(track[f] == "closed" for f in frames), (name, t)
        if name == "a" and after - t > 1.5 / FPS:  # a vowel lasting more than a frame
            middle = int((t + after) / 2 * FPS)
            assert shapes[middle] == "open" and track[middle] == "open", (name, t)
    assert {"closed", "open"} <= set(track)
    timings_path(wav).unlink()
    assert mouth_track([Phrase(wav)], FPS, len(track)) != track  # without timings: loudness alone


def test_visemes() -> None:
    assert [viseme(p) for p in ("p", "b", "m", "_:", "a", "A~", "aI", "E", "f", "v", "o", "u", "w", "i", "s")] == [
        "closed",
        "closed",
        "closed",
        "closed",
        "open",
        "open",
        "open",
        "open",
        "half",
        "half",
        "half",
        "half",
        "half",
        "half",
        "half",
    ]
    # Piper's IPA
    assert [viseme(p) for p in ("m", "ɑ", "ɔ", "ʊ")] == ["closed", "open", "half", "half"]


def test_timings_are_shifted_by_the_trimmed_silence() -> None:
    timings = SpeechTimings(((0, 0.10, 0.30), (5, 0.30, 0.90)), ((0.12, "p"), (0.95, "_")))
    assert timings.shifted(0.08, 0.8) == SpeechTimings(((0, 0.02, 0.22), (5, 0.22, 0.8)), ((0.04, "p"), (0.8, "_")))
    assert SpeechTimings.from_json(timings.to_json()) == timings


def test_word_start_follows_the_spoken_form() -> None:
    # "TOOKAM, oui" is said "tou kam, oui": "oui" is at 8 in the text, at 9 in what espeak read
    timings = SpeechTimings(((0, 0.0, 0.2), (4, 0.2, 0.4), (9, 0.5, 0.7)))
    assert word_start(timings, "TOOKAM, oui", 8, {"TOOKAM": "tou kam"}) == 0.5
    # "12 500" is read as one number: no word starts where the text has "500"
    timings = SpeechTimings(((0, 0.0, 0.6), (6, 0.6, 0.9)))
    assert word_start(timings, "12 500 euros", 3, {}) is None


def test_the_cache_keeps_timings_beside_the_wav(tmp_path: Path) -> None:
    from render.speech import _cached, _put

    cache = Cache(tmp_path / "cache")
    built = tmp_path / "built.wav"
    built.write_bytes(b"RIFF....")
    timings = SpeechTimings(((0, 0.0, 0.2),), ((0.0, "a"),))
    wav = _put(cache, "ab" * 32, built, timings)
    assert read_timings(wav) == timings and _cached(cache, "ab" * 32) == wav
    timings_path(wav).unlink()
    assert _cached(cache, "ab" * 32) is None  # promised timings missing: synthesise again
    cache.prune(keep_bytes=0)
    assert not list((tmp_path / "cache" / "speech").glob("*/*"))


def test_piper_alignments_become_phonemes_and_words() -> None:
    """Piper's alignments (the shape piper-tts 1.8 gives with include_alignments), no voice file needed."""
    from types import SimpleNamespace

    import numpy as np

    from render.engines.piper import alignment_timings

    def chunk(phonemes: list[tuple[str, int]]) -> SimpleNamespace:
        total = sum(n for _, n in phonemes)
        alignments = [SimpleNamespace(phoneme=p, num_samples=n) for p, n in phonemes]
        return SimpleNamespace(sample_rate=1000, phoneme_alignments=alignments, audio_int16_array=np.zeros(total))

    first = chunk([("^", 100), ("p", 50), ("ɑ", 150), (" ", 0), ("m", 50), ("ɑ", 100), (".", 50), ("$", 0)])
    second = chunk([("^", 100), ("o", 200), ("$", 0)])
    timings = alignment_timings("Papa ma. Oh", [first, second])
    assert timings is not None and timings.notation == "ipa"
    assert timings.words == ((0, 0.1, 0.3), (5, 0.3, 0.45), (9, 0.6, 0.8))
    shapes = [viseme(n) for _, n in timings.phonemes]
    assert " ".join(shapes) == "closed closed open closed closed open closed closed closed half closed"
    assert alignment_timings("Papa", [SimpleNamespace(phoneme_alignments=None)]) is None
