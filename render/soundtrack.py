"""The soundtrack, mixed by MoviePy: phrases at their planned times, music looped and ducked.

The mix is defined once, as one MoviePy composite over the whole video (`soundtrack_clip`):
each phrase at its start, the music looped, ducked while the voice speaks and faded
out at the end. It is rendered in stretches, one per scene. The samples of a stretch depend only
on what sounds in or near it, so each stretch is cached under a key of exactly that (the phrases
near it, the music, the stretch's place in the video, the end when it is near); after a one-scene
edit only the stretches whose sound changed are mixed again. Each stretch is then encoded to AAC
on its own and the packets are joined without a seam (`render.aac`), so only the stretches whose
sound changed are encoded again, too.

A stretch is evaluated at the very sample times MoviePy's own `write_audiofile` uses, so the
joined stretches are the same samples as a one-pass write of the composite.
"""

from __future__ import annotations

import functools
import itertools
import math
import subprocess
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from contract.errors import RenderFailure
from render.aac import FRAME, StretchEncoder, encoding_key
from render.cache import Cache, digest
from render.loudness import ABSOLUTE_GATE, measure_file
from scenes.encoding import ffmpeg_exe

if TYPE_CHECKING:
    from moviepy import AudioClip

AUDIO_RATE = 44100  # 2 × espeak-ng's 22050 Hz
DUCK = 0.35  # music gain while the voice speaks
DUCK_RAMP = 0.3  # seconds to fade the music down/up around speech
FADE_OUT = 2.0  # seconds of music fade at the end (at most a quarter of the video)
MIX_VERSION = "4"  # bump when the mix changes
# each phrase is brought to the target plus this (the pauses and the blocks that straddle them
# pull the gated loudness of the mix below its phrases'), and its peaks limited this far below
# the true-peak limit (what lies between samples, and what AAC adds)
SPEECH_OFFSET = 1.2
PEAK_MARGIN = 1.0
# how far a phrase reaches beyond its own sound: the ramp, the envelope's smoothing, interpolation
REACH = 2 * DUCK_RAMP + 0.1
# samples per MoviePy evaluation: 1 s mixes 55 s about 25 % faster than 4 s (the arrays stay in the
# CPU's caches); much smaller pays per call. It changes no sample (each one's time is computed alone)
CHUNK = AUDIO_RATE
# music is decoded (and cached) this far: a round figure, so that an edit does not decode it again
MUSIC_STEP = 60.0


class Cancelled(Exception):
    """The render stopped; the soundtrack gives up between two chunks."""


@dataclass(frozen=True)
class PlacedPhrase:
    wav: Path
    start: float  # seconds from the start of the video
    seconds: float
    key: str  # the speech cache key: what the phrase sounds like


@dataclass(frozen=True)
class Music:
    file: Path
    volume: float
    sha256: str


@dataclass(frozen=True)
class SoundtrackPlan:
    """Everything the mix depends on."""

    phrases: tuple[PlacedPhrase, ...]
    total: float
    music: Music | None
    cuts: tuple[float, ...] = ()  # stretch boundaries (scene starts), seconds
    moviepy: str = ""  # MoviePy's version: part of every key
    loudness: float = -14.0  # LUFS the mix aims at (EBU R128 / YouTube)
    true_peak: float = -1.0  # dBTP it must stay under

    def key(self) -> str:
        return digest(
            "mix",
            MIX_VERSION,
            [(p.key, p.start) for p in self.phrases],
            self.total,
            self._music_key(),
            self.moviepy,
            encoding_key(),
            self.level_key(),
        )

    def samples(self) -> int:
        return int(AUDIO_RATE * self.total)  # as MoviePy counts them

    def stretches(self) -> list[tuple[int, int]]:
        """Sample ranges [first, end) that tile the soundtrack, split at the AAC frame nearest each cut."""
        n = self.samples()
        cuts = (round(c * AUDIO_RATE / FRAME) * FRAME for c in self.cuts)
        bounds = sorted({0, n, *(c for c in cuts if 0 < c < n)})
        return list(itertools.pairwise(bounds))

    def stretch_key(self, first: int, end: int) -> str:
        """A key of everything that can change samples [first, end)."""
        t0, t1 = first / AUDIO_RATE, end / AUDIO_RATE
        near = [(p.key, p.start) for p in self.phrases if p.start - REACH < t1 and p.start + p.seconds + REACH > t0]
        # the fade-out, the end of the ducking envelope and the last phrase's cut depend on the length
        near_end = t1 > self.total - FADE_OUT - REACH
        where = (AUDIO_RATE, first, end, near_end and self.total)
        return digest("mixpart", MIX_VERSION, where, near, self._music_key(), self.moviepy, self.level_key())

    def level_key(self) -> tuple[float, ...]:
        return (self.loudness, self.true_peak, SPEECH_OFFSET, PEAK_MARGIN)

    def _music_key(self) -> tuple[str, float] | None:
        return (self.music.sha256, self.music.volume) if self.music else None


def speech_envelope(spans: Sequence[tuple[float, float]], total: float, rate: int = 100) -> np.ndarray:
    """Music gain sampled at `rate` Hz: 1 in silence, DUCK during speech, ramped."""
    n = int(total * rate) + 2
    speaking = np.zeros(n, dtype=bool)
    for start, end in spans:
        speaking[max(0, int((start - DUCK_RAMP) * rate)) : min(n, int((end + DUCK_RAMP) * rate) + 1)] = True
    gain = np.where(speaking, DUCK, 1.0)
    width = max(1, int(DUCK_RAMP * rate))
    kernel = np.ones(width) / width
    return np.convolve(np.pad(gain, (width, width), mode="edge"), kernel, mode="same")[width:-width]


def decode_audio(path: Path, rate: int = AUDIO_RATE, seconds: float | None = None) -> np.ndarray:
    """An audio file → float32 stereo samples at `rate`, at most `seconds` of them.

    The limit makes ffmpeg stop decoding there: a small file that holds hours of sound
    costs what the video needs, not what the file holds.
    """
    limit = ["-t", f"{seconds:.3f}"] if seconds is not None else []
    command = [ffmpeg_exe(), "-v", "error", "-nostdin", "-i", str(path), *limit, "-f", "f32le", "-ac", "2"]
    result = subprocess.run([*command, "-ar", str(rate), "-"], capture_output=True, check=False)
    if result.returncode != 0:
        raise RenderFailure(f"cannot decode {path.name}: {result.stderr.decode(errors='replace').strip()[-200:]}")
    return np.frombuffer(result.stdout, dtype="<f4").reshape(-1, 2)


def _speech_samples(path: Path, rate: int, plan: SoundtrackPlan) -> np.ndarray:
    """A phrase WAV (mono int16) as float stereo at `rate` (resampled by interpolation), at the
    speech level of `plan` with its peaks limited."""
    from render.loudness import normalised
    from render.narration import read_wav

    mono, source_rate = read_wav(path)
    mono = mono.astype(np.float32) / 32768.0
    if source_rate != rate:
        n = round(mono.size * rate / source_rate)
        mono = np.interp(np.arange(n) * (source_rate / rate), np.arange(mono.size), mono).astype(np.float32)
    stereo = np.repeat(mono[:, None], 2, axis=1)
    return normalised(stereo, rate, plan.loudness + SPEECH_OFFSET, plan.true_peak - PEAK_MARGIN)


def music_samples(music: Music, seconds: float, cache: Cache | None = None) -> np.ndarray:
    """The music decoded (float32 stereo at AUDIO_RATE) as far as `seconds` needs, rounded up to
    MUSIC_STEP, and cached: decoding costs more than a stretch's mix.

    The rounding changes no sample: the loop never wraps before the end of the video.
    """
    limit = MUSIC_STEP * -(-seconds // MUSIC_STEP)
    key = digest("music", music.sha256, AUDIO_RATE, limit)
    return _cached_samples(cache, "music", key, lambda: decode_audio(music.file, seconds=limit))


def _cached_samples(cache: Cache | None, kind: str, key: str, make: Callable[[], np.ndarray]) -> np.ndarray:
    """Float stereo samples kept in the cache under `key`, made by `make` when absent."""
    hit = cache.get_array(kind, key, ".f32", "<f4", 2) if cache is not None else None
    if hit is not None:
        return hit
    samples = make().astype("<f4")
    if cache is not None:
        cache.put_array(kind, key, ".f32", samples, "<f4")
    return samples


def soundtrack_clip(plan: SoundtrackPlan, cache: Cache | None = None) -> AudioClip:
    """The whole mix as one MoviePy composite of exactly `plan.total` seconds."""
    from moviepy import AudioArrayClip, AudioClip, CompositeAudioClip, afx

    from render.loudness import normalised

    total = plan.total
    layers: list[AudioClip] = []
    spans = []
    for phrase in plan.phrases:
        # levelled once per phrase: levelling every phrase again would slow an edit's mix
        key = digest("levelled", MIX_VERSION, phrase.key, AUDIO_RATE, plan.level_key())
        voice = _cached_samples(
            cache, "levelled", key, functools.partial(_speech_samples, phrase.wav, AUDIO_RATE, plan)
        )
        clip = AudioArrayClip(voice, fps=AUDIO_RATE)
        end = min(phrase.start + clip.duration, total)
        spans.append((phrase.start, end))
        layers.append(clip.with_start(phrase.start).with_end(end))
    if plan.music is not None:
        volume = plan.music.volume
        # a second beyond the video is all that can be heard (the loop never wraps before the end)
        # the music at the target loudness, then at its `volume` under (and between) the voice
        tune = music_samples(plan.music, total + 1.0, cache)
        key = digest("levelled", MIX_VERSION, plan._music_key(), tune.shape, AUDIO_RATE, plan.level_key())
        level = _cached_samples(
            cache, "levelled", key, lambda: normalised(tune, AUDIO_RATE, plan.loudness, plan.true_peak - PEAK_MARGIN)
        )
        track = AudioArrayClip(level, fps=AUDIO_RATE)
        track = track.with_effects([afx.AudioLoop(duration=total), afx.AudioFadeOut(min(FADE_OUT, total / 4))])
        envelope = speech_envelope(spans, total)

        def ducked(get_frame: Any, t: Any) -> Any:
            gain = volume * np.interp(np.asarray(t) * 100, np.arange(envelope.size), envelope)
            frame = get_frame(t)
            return frame * (gain[:, None] if np.ndim(gain) else gain)

        layers.append(track.transform(ducked, keep_duration=True).with_duration(total))
    if not layers:  # a silent bed gives the composite its channels (it adds only zeros: kept out otherwise)
        layers.append(AudioClip(lambda t: np.zeros((np.size(t), 2)), duration=total, fps=AUDIO_RATE))
    return CompositeAudioClip(layers).with_duration(total)


def _evaluate(clip: AudioClip, first: int, end: int, cancel: threading.Event | None) -> np.ndarray:
    """Samples [first, end) as int16 stereo, at the times and with the rounding of `write_audiofile`."""
    parts = []
    for start in range(first, end, CHUNK):
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        times = (1.0 / AUDIO_RATE) * np.arange(start, min(end, start + CHUNK))
        parts.append(clip.to_soundarray(times, fps=AUDIO_RATE, quantize=True, nbytes=2))
    return np.concatenate(parts) if parts else np.zeros((0, 2), dtype=np.int16)


def _stretches(plan: SoundtrackPlan, cache: Cache | None, cancel: threading.Event | None) -> Iterator[np.ndarray]:
    """Each stretch's samples in order: from the cache, or mixed now (and cached)."""
    clip: AudioClip | None = None
    for first, end in plan.stretches():
        key = plan.stretch_key(first, end)
        hit = cache.get_array("mixpart", key, ".pcm", "<i2", 2) if cache is not None else None
        if hit is not None:
            yield hit
            continue
        if clip is None:  # built only when some stretch must be mixed
            clip = soundtrack_clip(plan, cache)
        samples = _evaluate(clip, first, end, cancel)
        if cache is not None:
            cache.put_array("mixpart", key, ".pcm", samples, "<i2")
        yield samples


def render_soundtrack(
    plan: SoundtrackPlan, out: Path, cache: Cache | None = None, cancel: threading.Event | None = None
) -> int:
    """Write the soundtrack (AAC in .m4a) of exactly `plan.total` seconds; return the encoder runs.

    With a cache, each stretch's samples and its AAC packets are reused when its sound is
    unchanged. `cancel` stops the work between two chunks (and `out` is removed).
    """
    cache = cache if cache is not None and cache.enabled else None
    encoder = StretchEncoder(plan.stretches(), plan.samples(), AUDIO_RATE, cache)
    try:
        # the encoders (their own processes) work on finished stretches while the next ones are mixed
        for samples in _stretches(plan, cache, cancel):
            encoder.add(samples)
        encoder.finish(out)
    except BaseException:
        encoder.abort()
        out.unlink(missing_ok=True)
        raise
    return encoder.runs


def mix_soundtrack(
    phrases: Sequence[tuple[Path, float]], total: float, out: Path, music: tuple[Path, float] | None = None
) -> None:
    """The soundtrack of `phrases` (WAV, start) over `total` seconds, with `music` (file, volume)."""
    from render.cache import file_sha256
    from render.narration import wav_seconds

    placed = tuple(PlacedPhrase(path, start, wav_seconds(path), str(path)) for path, start in phrases)
    tune = Music(music[0], music[1], file_sha256(music[0])) if music else None
    render_soundtrack(SoundtrackPlan(placed, total, tune), out)


class SoundtrackJob:
    """The soundtrack, from the cache or mixed in a daemon thread while the scenes render.

    An interrupted render calls `cancel()`: the mix stops between two chunks and its
    unfinished file is removed, so nothing half-written stays in the cache's tmp folder.
    """

    def __init__(self, plan: SoundtrackPlan, cache: Cache, clock: dict[str, float]) -> None:
        self._plan, self._cache, self._clock = plan, cache, clock
        self._cancel = threading.Event()
        self._built: Path | None = None
        self._result: Path | None = None
        self.level: tuple[float, float] | None = None  # (integrated LUFS, true peak dBTP), measured
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="soundtrack", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import time

        tick = time.perf_counter()
        try:
            key = self._plan.key()
            found = self._cache.get("mix", key, ".m4a")
            known = self._cache.details("mix", key, ".m4a").get("loudness") if found else None
            if found is None:
                self._built = self._cache.temp_path("mix", key, ".m4a")
                render_soundtrack(self._plan, self._built, self._cache, self._cancel)
                known = measure_file(self._built)  # kept with the mix: measured once
                extra = {"loudness": list(known)}
                found = self._cache.put("mix", key, ".m4a", self._built, extra) if self._cache.enabled else self._built
            level = (float(known[0]), float(known[1])) if known else measure_file(found)
            # silence (a silent draft voice, no music) has no loudness to speak of
            audible = level[0] > ABSOLUTE_GATE and math.isfinite(level[1])
            self.level = level if audible else None
            self._result = found
        except BaseException as error:  # handed to the caller of result()
            self._error = error
        self._clock["soundtrack"] = time.perf_counter() - tick

    def result(self) -> Path:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result

    def cancel(self) -> None:
        self._cancel.set()
        self._thread.join(timeout=10)
        if self._built is not None and (self._result is None or not self._cache.enabled):
            self._built.unlink(missing_ok=True)
