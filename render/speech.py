"""Speech preparation: every phrase of a script synthesised once and cached by what it sounds like."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from render.cache import Cache, digest
from render.engines import VoiceChoice, engine_for, synthesize_trimmed
from render.loader import LoadedScript
from render.narration import spoken_form
from render.timing import all_phrases
from render.tool_versions import versions

NARRATION_VERSION = "3"  # bump when phrase synthesis/trimming changes (3: entries made under load were unreliable)

Log = Callable[[str], None]


def speech_key(voice: VoiceChoice, spoken: str) -> str:
    """Everything that changes a phrase's samples: text, voice, rate, language, engine versions."""
    return digest(
        "speech",
        NARRATION_VERSION,
        voice.engine,
        voice.voice_id,
        voice.language,
        voice.rate,
        voice.engine_version,
        versions()["pyttsx3"],
        spoken,
    )


def prepare_speech(loaded: LoadedScript, cache: Cache, log: Log) -> tuple[VoiceChoice, dict[str, Path], dict[str, str]]:
    """Synthesise every phrase not yet cached. Returns the voice, phrase → WAV, phrase → key."""
    script = loaded.script
    engine = engine_for(script.voice.engine)
    voice = engine.choose_voice(script.language, script.voice.id, script.voice.rate)
    wavs: dict[str, Path] = {}
    keys: dict[str, str] = {}
    missing: list[tuple[str, str, str]] = []  # (written, spoken, key)
    for text in dict.fromkeys(all_phrases(script)):
        spoken = spoken_form(text, script.lexicon)
        key = speech_key(voice, spoken)
        keys[text] = key
        hit = cache.get("speech", key, ".wav")
        if hit:
            wavs[text] = hit
        else:
            missing.append((text, spoken, key))
    if missing:
        log(f"  speech: {len(missing)} new phrase(s) with {voice.engine} voice {voice.voice_id}")
        work = cache.temp_path("speech", "batch", "")
        work.mkdir(parents=True, exist_ok=True)
        try:
            targets = [(spoken, work / f"{i}.wav") for i, (_, spoken, _) in enumerate(missing)]
            synthesize_trimmed(engine, voice, targets, work)
            for (text, _, key), (_, built) in zip(missing, targets, strict=True):
                wavs[text] = cache.put("speech", key, ".wav", built) if cache.enabled else _keep(built, cache)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return voice, wavs, keys


def _keep(built: Path, cache: Cache) -> Path:
    """With the cache disabled, keep the file somewhere that outlives the batch folder."""
    target = cache.temp_path("speech", built.stem, ".wav")
    shutil.move(built, target)
    return target
