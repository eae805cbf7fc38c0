"""The `recorded` engine: the team's own recordings instead of synthetic speech.

With ``voice: {engine: recorded}`` every beat is written ``{text: "…", audio: voix/03.wav}``
(WAV, FLAC or MP3, relative to the script). Each recording is decoded with ffmpeg, its
silence trimmed, and, when the beat holds several phrases (sentences), cut into one piece per
phrase at the quietest moment near where the words say it should be (the characters' share
of the recording). From there the pieces are phrases like synthetic ones: timing, one caption
cue per phrase and the characters' mouths follow the recording. A piece's cache key is the
recording's sha256, so a new take re-renders exactly what it changes.

Other engines ignore `audio` and speak the `text`: a script can be drafted with a synthetic
voice before the recordings exist, and switched to them by changing one line.
"""

from __future__ import annotations

import itertools
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from contract.errors import InputError, RenderFailure
from contract.problems import Problem
from contract.scene_types import SCENE_TYPES
from contract.scene_types.base import RecordedBeat, SceneBase
from render.cache import Cache, digest, file_sha256
from render.engines.base import VoiceChoice, speech_engine
from render.file_checks import FileKind, Files, check_file, resolve_path
from render.narration import SAMPLE_RATE, trim_silence, write_wav
from render.script_yaml import Document, Path_
from render.spoken import speech_id
from render.timing import scene_beats

if TYPE_CHECKING:
    from render.loader import LoadedScript

ENGINE = "recorded"
VERSION = "1"  # bump when decoding or cutting changes
RECORDING = FileKind(frozenset({".wav", ".flac", ".mp3"}), "recording (WAV, FLAC or MP3)")
_FRAME = 0.01  # seconds per loudness frame when looking for a pause
_MIN_PAUSE_FRAMES = 8  # 80 ms of quiet (after smoothing) is a pause between phrases
_BEAT_HINT = 'write the beat as {text: "…", audio: voix/01.wav} (the file the voice talent recorded)'

Log = Callable[[str], None]


@speech_engine(ENGINE)
class RecordedEngine:
    """Recordings, not synthesis: :func:`prepare_recorded` does the work (it needs each beat's file)."""

    name = ENGINE

    def choose_voice(self, language: str, voice_id: str | None, rate: int) -> VoiceChoice:
        return VoiceChoice(ENGINE, voice_id or "recording", language, rate, VERSION)

    def synthesize(self, voice: VoiceChoice, items: list[tuple[str, Path]]) -> None:
        raise InputError(
            f"the recorded voice has no recording for {items[0][0]!r}" if items else "nothing to record",
            hint=_BEAT_HINT,
        )


# -- --check: every beat has its recording, and each recording is a real audio file -----------


def _entries_field(scene: dict[str, Any]) -> str | None:
    kind = scene.get("type")
    model = SCENE_TYPES.get(kind) if isinstance(kind, str) else None
    return model.entries_field if model is not None else None


def _beats(scene: dict[str, Any], i: int) -> Iterator[tuple[Path_, Any]]:
    """(path, value) of each beat of a scene's own narration, as written."""
    narration = scene.get("narration")
    if isinstance(narration, list):
        yield from ((("scenes", i, "narration", k), beat) for k, beat in enumerate(narration))
    elif narration is not None:
        yield ("scenes", i, "narration"), narration


def _unrecorded_entries(scene: dict[str, Any], i: int) -> Iterator[Path_]:
    """Items, events or dialogue lines that carry their own words: those have no recording."""
    field = _entries_field(scene)
    entries = scene.get(field) if field else None
    for k, entry in enumerate(entries if field and isinstance(entries, list) else []):
        for name in ("narration", "say"):
            if field and isinstance(entry, dict) and entry.get(name):
                yield ("scenes", i, field, k, name)


def _spoken_legal(value: Any, path: Path_) -> Iterator[Path_]:
    items = value if isinstance(value, list) else [value]
    for k, item in enumerate(items):
        if isinstance(item, dict) and item.get("spoken") is True:
            yield (*path, k, "spoken") if isinstance(value, list) else (*path, "spoken")


def check_recordings(data: dict[str, Any], files: Files) -> list[Problem]:
    """Under `engine: recorded`: a problem for each beat without its file and each bad file."""
    voice = data.get("voice")
    if not isinstance(voice, dict) or voice.get("engine") != ENGINE:
        return []  # other engines speak the text and ignore `audio`
    doc, problems = files.doc, []
    scenes = data.get("scenes")
    for i, scene in enumerate(scenes if isinstance(scenes, list) else []):
        if not isinstance(scene, dict):
            continue
        for path, beat in _beats(scene, i):
            audio = beat.get("audio") if isinstance(beat, dict) else None
            if isinstance(audio, str):
                problems += check_file(files, (*path, "audio"), audio, RECORDING)
            elif isinstance(beat, str) and beat.strip():  # {text} without audio: the model says it
                message = "with `voice: {engine: recorded}` this beat has no recording"
                problems.append(doc.problem(path, message, _BEAT_HINT))
        for path in _unrecorded_entries(scene, i):
            problems.append(
                doc.problem(
                    path,
                    "with `voice: {engine: recorded}` these words have no recording",
                    "move them into the scene's `narration:` list as {text, audio} beats, in order "
                    "(the scene's beats bring its items in one by one)",
                )
            )
        problems += [_legal_problem(doc, p) for p in _spoken_legal(scene.get("legal"), ("scenes", i, "legal"))]
    problems += [_legal_problem(doc, p) for p in _spoken_legal(data.get("legal"), ("legal",))]
    return problems


def _legal_problem(doc: Document, path: Path_) -> Problem:
    return doc.problem(
        path,
        "with `voice: {engine: recorded}` a spoken legal mention has no recording",
        "set `spoken: false` and record the mention as the scene's last {text, audio} beat",
    )


# -- rendering: decode, trim, cut per phrase, cache ---------------------------------------------


@dataclass(frozen=True)
class RecordedBeatPlan:
    """One beat's recording and the phrases it is cut into."""

    file: Path
    phrases: list[str]
    speaker: str | None


def decode(file: Path) -> np.ndarray:
    """The recording as mono 16-bit samples at the toolkit's rate (ffmpeg decodes WAV, FLAC, MP3)."""
    from scenes.encoding import ffmpeg_exe

    command = [ffmpeg_exe(), "-nostdin", "-v", "error", "-i", str(file), "-map", "0:a:0"]
    command += ["-ac", "1", "-ar", str(SAMPLE_RATE), "-f", "s16le", "-"]
    run = subprocess.run(command, capture_output=True, timeout=300, check=False)
    if run.returncode != 0:
        raise InputError(
            f"{file}: the recording does not decode ({run.stderr.decode('utf-8', 'replace').strip()[:200]})",
            hint="export it again as WAV, FLAC or MP3",
        )
    return np.frombuffer(run.stdout, dtype="<i2").copy()


def _loudness(samples: np.ndarray) -> np.ndarray:
    """RMS per 10 ms frame, smoothed over 50 ms (a pause is a run of quiet frames)."""
    n = max(1, int(_FRAME * SAMPLE_RATE))
    frames = samples[: samples.size // n * n].astype(np.float64).reshape(-1, n)
    rms = np.sqrt((frames**2).mean(axis=1)) if frames.size else np.zeros(1)
    return np.convolve(rms, np.ones(5) / 5, mode="same")


def _pauses(loud: np.ndarray) -> list[int]:
    """The middle frame of each pause: a run of at least 80 ms well below the speech's level."""
    threshold = max(150.0, 0.1 * float(np.percentile(loud, 90)))
    quiet = np.concatenate([[False], loud < threshold, [False]])
    edges = np.flatnonzero(np.diff(quiet.astype(np.int8)))
    runs = zip(edges[::2], edges[1::2], strict=True)
    return [int(a + b) // 2 for a, b in runs if b - a >= _MIN_PAUSE_FRAMES and a > 0 and b < loud.size]


def _best_pauses(pauses: list[int], targets: list[float]) -> list[int]:
    """One pause per target, in order, as close to the targets as they can be (dynamic programming)."""
    n, m = len(targets), len(pauses)
    cost = np.full((n + 1, m + 1), np.inf)
    cost[0, :] = 0.0
    for i in range(1, n + 1):
        for j in range(i, m + 1):
            cost[i, j] = min(cost[i, j - 1], cost[i - 1, j - 1] + abs(pauses[j - 1] - targets[i - 1]))
    chosen: list[int] = []
    i, j = n, m
    while i > 0:
        if j > i and cost[i, j] == cost[i, j - 1]:
            j -= 1
        else:
            chosen.append(pauses[j - 1])
            i, j = i - 1, j - 1
    return chosen[::-1]


def cut_points(samples: np.ndarray, phrases: list[str]) -> list[int]:
    """Sample indexes where each phrase after the first starts.

    The cuts go into the recording's pauses, chosen closest to where the phrases' share of the
    characters puts them; a recording with fewer pauses than cuts is cut at the quietest moment
    near each of those places."""
    if len(phrases) < 2 or samples.size == 0:
        return []
    loud = _loudness(samples)
    frames = loud.size
    weights = np.array([max(len(p), 1) for p in phrases], dtype=np.float64)
    expected = weights / weights.sum() * frames
    targets = [float(t) for t in np.cumsum(expected)[:-1]]
    pauses = _pauses(loud)
    if len(pauses) >= len(targets):
        cuts = _best_pauses(pauses, targets)
    else:
        cuts, low = [], 1
        for k, target in enumerate(targets):
            reach = max(1, int(min(expected[k], expected[k + 1]) / 3))
            start, end = max(low, int(target) - reach), min(frames - 1, int(target) + reach)
            frame = int(target) if end <= start else start + int(np.argmin(loud[start:end]))
            cuts.append(max(frame, low))
            low = cuts[-1] + 1
    n = max(1, int(_FRAME * SAMPLE_RATE))
    return [min(frame * n, samples.size) for frame in cuts]


def split_recording(samples: np.ndarray, phrases: list[str]) -> list[np.ndarray]:
    """One trimmed piece per phrase (never empty)."""
    samples = trim_silence(samples, SAMPLE_RATE)
    edges = [0, *cut_points(samples, phrases), samples.size]
    pieces = []
    for a, b in itertools.pairwise(edges):
        piece = trim_silence(samples[a:b], SAMPLE_RATE)
        pieces.append(piece if piece.size else np.zeros(int(0.1 * SAMPLE_RATE), dtype=np.int16))
    return pieces


def _scene_plans(scene: SceneBase, loaded: LoadedScript, index: int) -> list[RecordedBeatPlan]:
    narration = scene.narration
    beats = [narration] if isinstance(narration, str | RecordedBeat) else list(narration or [])
    audio: dict[str, str] = {b.text: b.audio for b in beats if isinstance(b, RecordedBeat)}
    plans = []
    for beat in scene_beats(scene):
        if beat.text not in audio:
            raise InputError(
                f"scenes[{index}]: with `voice: {{engine: recorded}}` the words {beat.text[:60]!r} have no recording",
                hint=_BEAT_HINT,
            )
        file = resolve_path(audio[beat.text], loaded.file.resolve().parent, loaded.root)
        plans.append(RecordedBeatPlan(file, beat.phrases, beat.speaker))
    return plans


def recorded_plans(loaded: LoadedScript) -> list[RecordedBeatPlan]:
    """Every recorded beat of the script, in order."""
    return [plan for i, scene in enumerate(loaded.script.scenes) for plan in _scene_plans(scene, loaded, i)]


Prepared = tuple[VoiceChoice, dict[str, Path], dict[str, str]]


def prepare_recorded(loaded: LoadedScript, cache: Cache, log: Log) -> Prepared:
    """What :func:`render.speech.prepare_speech` returns, from the recordings: the voice, and per
    phrase (keyed by :func:`render.spoken.speech_id`) its piece of recording and cache key."""
    script = loaded.script
    voice = RecordedEngine().choose_voice(script.language, script.voice.id, script.voice.rate)
    wavs: dict[str, Path] = {}
    keys: dict[str, str] = {}
    cut = 0
    for plan in recorded_plans(loaded):
        sha = file_sha256(plan.file)
        names = [digest("recorded", VERSION, sha, plan.phrases, k) for k in range(len(plan.phrases))]
        hits = [cache.get("speech", name, ".wav") for name in names]
        if any(hit is None for hit in hits):
            cut += 1
            hits = _cut_and_store(plan, names, cache)
        for text, name, path in zip(plan.phrases, names, hits, strict=True):
            assert path is not None
            wavs[speech_id(text, plan.speaker)] = path
            keys[speech_id(text, plan.speaker)] = name
    if cut:
        log(f"  speech: {cut} recording(s) decoded and cut into phrases")
    return voice, wavs, keys


def _cut_and_store(plan: RecordedBeatPlan, names: list[str], cache: Cache) -> list[Path | None]:
    pieces = split_recording(decode(plan.file), plan.phrases)
    stored: list[Path | None] = []
    for name, piece in zip(names, pieces, strict=True):
        built = cache.temp_path("speech", name, ".wav")
        try:
            write_wav(built, piece, SAMPLE_RATE)
        except OSError as error:
            raise RenderFailure(f"cannot write a piece of {plan.file.name}: {error}") from None
        if cache.enabled:
            stored.append(cache.put("speech", name, ".wav", built))
        else:  # --no-cache: keep it where the render can read it until the end
            target = cache.temp_path("speech", f"{name}-kept", ".wav")
            shutil.move(built, target)
            stored.append(target)
    return stored
