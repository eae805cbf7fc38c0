"""The `piper` engine: Piper neural voices (`piper-tts`, ONNX), offline, from a voice file.

A script names the voice file: ``voice: {engine: piper, model: voices/fr_FR-x-medium.onnx}``,
relative to the script and inside the project like any other file, with Piper's
``.onnx.json`` beside it (its sample rate and language). `--check` reads that JSON and refuses
a voice of another language than the script's. No voice is shipped or downloaded: the file is
the team's choice (and its licence the team's to check).

Piper's VITS models draw random noise for the prosody, so the same phrase would come out a
little different every time; the noise is set to zero here, which makes speech a function of
text, voice file and rate (the toolkit's cache needs that), at the price of a flatter tone.

Timings: with the `onnx` package installed (``pip install 'piper-tts[alignment]'``, or this
project's `[piper]` extra), the voice is patched in memory to give each phoneme's sample count
(piper-tts's ``include_alignments``); the phonemes (IPA) shape the mouths, and their word groups
time the caption cuts. Without `onnx`, or with a voice that cannot be patched, no timings:
captions and mouths fall back to measured speech and loudness.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import unicodedata
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from contract.errors import EnvironmentProblem, InputError
from contract.problems import Problem, format_path
from contract.speech_timings import SpeechTimings
from render.cache import digest, file_sha256
from render.engines.base import VoiceChoice, VoiceInfo, speech_engine
from render.file_checks import FileKind, Files, check_file
from render.narration import SAMPLE_RATE, write_wav
from render.script_yaml import Path_

ENGINE = "piper"
VERSION = "1"  # bump when the synthesis settings below change (part of the cache key)
NATIVE_WPM = 180  # words a minute at length_scale 1 (measured with joe-medium: espeak-ng at 180 lasts as long)
VOICE_FILE = FileKind(frozenset({".onnx"}), "Piper voice (.onnx, with its .onnx.json beside it)")
INSTALL_HINT = "install it: .venv/bin/pip install piper-tts"
_MODEL_HINT = (
    "no Piper voice is shipped: download one once (both NAME.onnx and NAME.onnx.json, e.g. fr_FR-siwis-medium, "
    "CC BY 4.0, or fr_FR-gilles-low, CC0, from https://huggingface.co/rhasspy/piper-voices; check its MODEL_CARD's "
    "licence), put them in the project, and write voice: {engine: piper, model: voices/NAME.onnx}"
)


@speech_engine(ENGINE)
class PiperEngine:
    """Piper (piper-tts): the voice is a file, `voice.model`, resolved by the caller."""

    name = ENGINE
    needs_model = True  # `voice.model` is checked by check_piper_models, and passed as the voice id

    def choose_voice(self, language: str, voice_id: str | None, rate: int) -> VoiceChoice:
        if not voice_id:
            raise InputError("the piper voice needs a voice file", hint=_MODEL_HINT)
        model = Path(voice_id)
        config = read_config(model)  # raises InputError when missing or broken
        problem = language_problem(config, language)
        if problem:
            raise InputError(problem, hint="use a voice of the script's language")
        version = f"{piper_version()}+{VERSION}+{digest(file_sha256(model), file_sha256(config_path(model)))[:16]}"
        # the key names the file by its name and content (in `version`), not where this checkout is
        return VoiceChoice(ENGINE, str(model), language, rate, version, key_id=model.name)

    def synthesize(self, voice: VoiceChoice, items: list[tuple[str, Path]]) -> list[SpeechTimings | None]:
        from piper import SynthesisConfig

        loaded = _load(voice.voice_id)
        settings = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0, length_scale=NATIVE_WPM / voice.rate)
        timings: list[SpeechTimings | None] = []
        for text, path in items:
            chunks = list(loaded.synthesize(text, syn_config=settings, include_alignments=True))
            timings.append(alignment_timings(text, chunks))
            samples = np.concatenate([c.audio_int16_array for c in chunks]) if chunks else np.zeros(0, dtype=np.int16)
            rate = chunks[0].sample_rate if chunks else SAMPLE_RATE
            if rate != SAMPLE_RATE:
                from render.engines.pico import resample

                samples = resample(samples, rate, SAMPLE_RATE)
            write_wav(path, samples, SAMPLE_RATE)
        return timings


_SOUND = re.compile(r"\w")
_STRESS = frozenset("ˈˌ")  # IPA stress marks: Piper gives them samples of their own
_LENGTH = frozenset("ːˑ")


def alignment_timings(text: str, chunks: list[Any]) -> SpeechTimings | None:
    """Phonemes and words from Piper's alignments (one chunk per sentence, each phoneme with its
    sample count); None when a chunk has none. Phonemes that are not sounds (the sentence's
    start and end marks, the space between words, punctuation) are named "_" + themselves, a
    pause; a stress mark's samples go to the sound after it, a length mark's to the sound
    before. Words are the phoneme groups between spaces, matched in order with the text's words
    (those with a letter or digit) when their counts agree; else phonemes only."""
    phonemes: list[tuple[float, str]] = []
    groups: list[list[tuple[float, float]]] = [[]]
    at = 0.0  # seconds of the chunks before
    for chunk in chunks:
        alignments = getattr(chunk, "phoneme_alignments", None)
        if not alignments:
            return None
        rate = chunk.sample_rate
        sample = 0
        stressed: float | None = None  # a stress mark's start: the sound after it starts there
        for alignment in alignments:
            start, sample = at + sample / rate, sample + int(alignment.num_samples)
            name = str(alignment.phoneme)
            if name in _STRESS:
                stressed = start if stressed is None else stressed
                continue
            if name in _LENGTH or unicodedata.combining(name[:1]):  # the sound before lasts longer
                if groups[-1]:
                    groups[-1][-1] = (groups[-1][-1][0], at + sample / rate)
                continue
            start, stressed = (stressed if stressed is not None else start), None
            sound = bool(_SOUND.search(name)) and name not in ("^", "$")
            phonemes.append((round(start, 4), name if sound else "_" + name))
            if sound:
                groups[-1].append((start, at + sample / rate))
            elif name == " " and groups[-1]:
                groups.append([])
        groups.append([])
        at += len(chunk.audio_int16_array) / rate
    spoken = [g for g in groups if g]
    offsets = [m.start() for m in re.finditer(r"\S+", text) if _SOUND.search(m.group())]
    words: tuple[tuple[int, float, float], ...] = ()
    if len(spoken) == len(offsets):
        words = tuple((o, round(g[0][0], 4), round(g[-1][1], 4)) for o, g in zip(offsets, spoken, strict=True))
    return SpeechTimings(words, tuple(phonemes), "ipa")


@cache
def _load(model: str) -> Any:
    try:
        from piper import PiperVoice
    except ImportError:
        raise EnvironmentProblem("the piper voice needs piper-tts, which is not installed", hint=INSTALL_HINT) from None
    # alignments need `onnx` to patch the voice in memory; without it piper only warns
    alignments = importlib.util.find_spec("onnx") is not None
    return PiperVoice.load(model, config_path=config_path(Path(model)), include_alignments=alignments)


@cache
def piper_version() -> str:
    try:
        return metadata.version("piper-tts")
    except metadata.PackageNotFoundError:
        raise EnvironmentProblem("the piper voice needs piper-tts, which is not installed", hint=INSTALL_HINT) from None


def config_path(model: Path) -> Path:
    return model.with_name(model.name + ".json")


def read_config(model: Path) -> dict[str, Any]:
    """The voice's `.onnx.json`; InputError (exit 2) when it is missing, unreadable or not Piper's."""
    config = config_path(model)
    hint = f"put the voice's {config.name} (from the same place as {model.name}) beside it"
    if not config.is_file():
        raise InputError(f"{model.name} has no {config.name} beside it", hint=hint)
    try:
        data = json.loads(config.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(f"{config.name} is not valid JSON ({error})", hint=hint) from None
    rate = data.get("audio", {}).get("sample_rate") if isinstance(data, dict) else None
    if not isinstance(rate, int) or rate <= 0:
        raise InputError(f"{config.name} is not a Piper voice's configuration (no audio.sample_rate)", hint=hint)
    checked: dict[str, Any] = data
    return checked


def voice_language(config: dict[str, Any]) -> str | None:
    """The voice's language as a BCP-47 tag (`fr-FR`), from `language.code` or espeak's voice."""
    code = (config.get("language") or {}).get("code") or (config.get("espeak") or {}).get("voice")
    return str(code).replace("_", "-") if code else None


def language_problem(config: dict[str, Any], language: str) -> str | None:
    """Why this voice cannot speak `language` (the base language must match, and the region if both say one)."""
    spoken = voice_language(config)
    if spoken is None:
        return None  # a voice that does not say: trust the team's choice
    want, have = language.lower().split("-"), spoken.lower().split("-")
    if want[0] != have[0] or (len(want) > 1 and len(have) > 1 and want[1] != have[1]):
        return f"the voice speaks {spoken!r}, the script is in {language!r}"
    return None


# -- --check: the voice file of the script and of each character ----------------------------------


def _voices(data: dict[str, Any]) -> list[tuple[Path_, dict[str, Any]]]:
    """(path, voice as written, with the script's fields under a character's) of every piper voice."""
    script_voice = data.get("voice") if isinstance(data.get("voice"), dict) else {}
    assert isinstance(script_voice, dict)
    found: list[tuple[Path_, dict[str, Any]]] = [(("voice",), script_voice)]
    cast = data.get("cast")
    for name, member in cast.items() if isinstance(cast, dict) else []:
        own = member.get("voice") if isinstance(member, dict) else None
        if isinstance(own, dict):
            merged = {**script_voice, **own}
            where: Path_ = ("cast", name, "voice") if "model" in own or "engine" in own else ("voice",)
            found.append((where, merged))
    return [(where, voice) for where, voice in found if voice.get("engine") == ENGINE]


def check_piper_models(data: dict[str, Any], files: Files) -> list[Problem]:
    """Under `engine: piper`: the voice file exists in the project, its JSON is Piper's, of the script's language."""
    language = data.get("language", "en")
    problems: list[Problem] = []
    seen: set[Path_] = set()
    for where, voice in _voices(data):
        if where in seen:
            continue
        seen.add(where)
        model = voice.get("model")
        if not isinstance(model, str):
            if model is None:
                problems.append(
                    files.doc.problem((*where, "engine"), "the piper voice needs a voice file", _MODEL_HINT)
                )
            continue  # a wrong type is the model's message
        found = check_file(files, (*where, "model"), model, VOICE_FILE)
        if found:
            problems += found
            continue
        resolved = files.found[format_path((*where, "model"))]
        try:
            config = read_config(resolved)
            problem = language_problem(config, language) if isinstance(language, str) else None
            if problem:
                raise InputError(problem, hint="use a voice of the script's language")
        except InputError as error:
            problems.append(files.doc.problem((*where, "model"), error.message, error.hint))
    return problems


# -- `render voices`: the Piper voice files of the project ------------------------------------

_SKIP = {".git", ".venv", "venv", "node_modules", "build", "media", "__pycache__"}


def list_voices(root: Path) -> list[VoiceInfo]:
    """Every Piper voice file under `root` (with its JSON), when piper-tts is installed."""
    if importlib.util.find_spec("piper") is None:
        return []
    found: list[VoiceInfo] = []
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if d not in _SKIP and not d.startswith("."))
        for name in sorted(n for n in names if n.endswith(".onnx")):
            model = Path(folder) / name
            try:
                config = read_config(model)
            except InputError:
                continue
            language = voice_language(config) or "?"
            quality = f"neural ({(config.get('audio') or {}).get('quality') or '?'})"
            found.append(VoiceInfo(ENGINE, str(model.relative_to(root)), (language.lower(),), quality, _licence(model)))
    return found


def _licence(model: Path) -> str:
    """What the voice's MODEL_CARD (Piper's voices ship one) says of the licence; else say to check."""
    card = model.with_name("MODEL_CARD")
    if card.is_file():
        for line in card.read_text(encoding="utf-8", errors="replace").splitlines():
            if "licen" in line.lower():
                return f"{line.strip(' *-')} (MODEL_CARD: the dataset's; check the model's own terms)"
    return "unknown: ask where the voice came from"
