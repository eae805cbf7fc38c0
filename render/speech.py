"""Speech preparation: every phrase of a script synthesised once and cached by what it sounds like."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from contract.script import Voice
from contract.speech_timings import SpeechTimings, read_timings, timings_path
from render.cache import Cache, atomic_write_bytes, digest
from render.engines import SpeechEngine, VoiceChoice, engine_for, synthesize_trimmed
from render.file_checks import resolve_path
from render.loader import LoadedScript
from render.narration import spoken_form
from render.spoken import speech_id
from render.timing import all_speech
from render.tool_versions import versions

# bump when phrase synthesis/trimming changes (3: entries made under load were unreliable;
# 4: an engine's word and phoneme timings are kept beside the WAV, see contract/speech_timings.py)
NARRATION_VERSION = "4"

Log = Callable[[str], None]


def speech_key(voice: VoiceChoice, spoken: str) -> str:
    """Everything that changes a phrase's samples: text, voice, rate, language, engine versions."""
    return digest(
        "speech",
        NARRATION_VERSION,
        voice.engine,
        voice.key_id or voice.voice_id,
        voice.language,
        voice.rate,
        voice.engine_version,
        *_library_versions(voice),
        spoken,
    )


def _library_versions(voice: VoiceChoice) -> list[str]:
    """pyttsx3's version for the engines that have always had it in their keys; other engines'
    own `engine_version` says everything (pico's is its dpkg version)."""
    return [versions()["pyttsx3"]] if voice.engine in ("pyttsx3", "silent") else []


def prepare_speech(loaded: LoadedScript, cache: Cache, log: Log) -> tuple[VoiceChoice, dict[str, Path], dict[str, str]]:
    """Synthesise every phrase not yet cached, each in its speaker's voice.

    Returns the script's voice, and per phrase (keyed by :func:`render.spoken.speech_id`) its WAV and key.
    """
    script = loaded.script
    if script.voice.engine == "recorded":  # the team's recordings, cut per phrase (render/engines/recorded.py)
        from render.engines.recorded import prepare_recorded

        return prepare_recorded(loaded, cache, log)
    engine = engine_for(script.voice.engine)
    voice = _choose(engine, loaded, script.voice)
    voices: dict[str | None, tuple[SpeechEngine, VoiceChoice]] = {None: (engine, voice)}
    wavs: dict[str, Path] = {}
    keys: dict[str, str] = {}
    missing: dict[str | None, list[tuple[str, str, str]]] = {}  # speaker -> (id, spoken, key)
    for text, speaker in all_speech(script):
        if speaker not in voices:
            member = script.cast.get(speaker) if speaker else None
            own = member.voice_over(script.voice) if member else script.voice
            own_engine = engine_for(own.engine)
            voices[speaker] = (own_engine, _choose(own_engine, loaded, own))
        spoken = spoken_form(text, script.lexicon)
        key = speech_key(voices[speaker][1], spoken)  # the voice is part of the key
        ident = speech_id(text, speaker)
        keys[ident] = key
        hit = _cached(cache, key)
        if hit:
            wavs[ident] = hit
        else:
            missing.setdefault(speaker, []).append((ident, spoken, key))
    for speaker, items in missing.items():
        _synthesize(items, voices[speaker], cache, log, wavs)
    return voice, wavs, keys


def _choose(engine: SpeechEngine, loaded: LoadedScript, voice: Voice) -> VoiceChoice:
    """The engine's voice; an engine whose voice is a file (piper) gets that file's path as the id."""
    voice_id = voice.id
    if getattr(engine, "needs_model", False):
        voice_id = str(resolve_path(voice.model, loaded.file.resolve().parent, loaded.root)) if voice.model else None
    return engine.choose_voice(loaded.script.language, voice_id, voice.rate)


def _synthesize(
    missing: list[tuple[str, str, str]],
    engine_voice: tuple[SpeechEngine, VoiceChoice],
    cache: Cache,
    log: Log,
    wavs: dict[str, Path],
) -> None:
    engine, voice = engine_voice
    if missing:
        log(f"  speech: {len(missing)} new phrase(s) with {voice.engine} voice {voice.voice_id} at {voice.rate}")
        work = cache.temp_path("speech", "batch", "")
        work.mkdir(parents=True, exist_ok=True)
        try:
            targets = [(spoken, work / f"{i}.wav") for i, (_, spoken, _) in enumerate(missing)]
            timings = synthesize_trimmed(engine, voice, targets, work)
            for (text, _, key), (_, built), own in zip(missing, targets, timings, strict=True):
                wavs[text] = _put(cache, key, built, own) if cache.enabled else _keep(built, cache, own)
        finally:
            shutil.rmtree(work, ignore_errors=True)


def _cached(cache: Cache, key: str) -> Path | None:
    """The phrase's cached WAV, when it and the timings its record promises are both intact."""
    record = cache.details("speech", key, ".wav")  # empty when the entry is absent or damaged
    if not record:
        return None
    hit = cache.get_path("speech", key, ".wav")
    if record.get("timings") and read_timings(hit) is None:
        return None  # the sidecar went missing or bad: say the phrase again
    return hit


def _put(cache: Cache, key: str, built: Path, timings: SpeechTimings | None) -> Path:
    """Adopt the WAV, its timings first (beside where the WAV goes): the record, written last,
    says whether they exist."""
    target = cache.get_path("speech", key, ".wav")
    if timings is not None:
        atomic_write_bytes(timings_path(target), timings.to_json().encode())
    else:
        timings_path(target).unlink(missing_ok=True)
    return cache.put("speech", key, ".wav", built, extra={"timings": timings is not None})


def _keep(built: Path, cache: Cache, timings: SpeechTimings | None) -> Path:
    """With the cache disabled, keep the file (and its timings) somewhere that outlives the batch folder."""
    target = cache.temp_path("speech", built.stem, ".wav")
    shutil.move(built, target)
    if timings is not None:
        atomic_write_bytes(timings_path(target), timings.to_json().encode())
    return target
