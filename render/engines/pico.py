"""The `pico` engine: SVOX Pico through Debian's `pico2wave` (libttspico-utils), offline.

Pico speaks six languages, one voice each, at 16 kHz. Each phrase is one `pico2wave` run
(milliseconds); its samples are resampled to the toolkit's rate so that trimming, loudness
and timing treat it like any other engine. The rate is Pico's own `<speed>` markup. Pico is
in Debian's non-free component: `make pico` (tools/install-pico.sh) installs it without
changing the machine's package sources.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from fractions import Fraction
from functools import cache
from pathlib import Path

import numpy as np

from contract.errors import EnvironmentProblem, InputError
from render.engines.base import VoiceChoice, VoiceInfo, speech_engine
from render.narration import SAMPLE_RATE, read_wav, write_wav

ENGINE = "pico"
PICO_RATE = 16000  # what pico2wave writes
RESAMPLING = "1"  # bump when the resampling below changes (part of the cache key)
# pico's language tag -> the base language a script writes (`language: fr`)
LANGUAGES = {"en-US": "en", "en-GB": "en", "de-DE": "de", "es-ES": "es", "fr-FR": "fr", "it-IT": "it"}
DEFAULT_FOR = {"en": "en-US", "de": "de-DE", "es": "es-ES", "fr": "fr-FR", "it": "it-IT"}
NATIVE_WPM = 155  # words a minute at Pico's `<speed level="100">`: a phrase then lasts as long as espeak-ng's at 155
INSTALL_HINT = "install it with `make pico` (tools/install-pico.sh: Debian's libttspico-utils, non-free)"


@speech_engine(ENGINE)
class PicoEngine:
    """SVOX Pico (`pico2wave`): one voice per language, offline."""

    name = ENGINE

    def choose_voice(self, language: str, voice_id: str | None, rate: int) -> VoiceChoice:
        chosen = pico_voice(language, voice_id)  # a language Pico lacks is the script's problem, installed or not
        return VoiceChoice(ENGINE, chosen, language, rate, f"{pico_version()}+r{RESAMPLING}")

    def synthesize(self, voice: VoiceChoice, items: list[tuple[str, Path]]) -> None:
        pico_version()
        with tempfile.TemporaryDirectory(prefix="pico-") as folder:
            raw = Path(folder) / "phrase.wav"  # pico2wave wants a name ending in .wav
            for text, path in items:
                _speak(voice, text, raw)
                samples, rate = read_wav(raw)
                write_wav(path, resample(samples, rate, SAMPLE_RATE), SAMPLE_RATE)


def pico_voice(language: str, voice_id: str | None) -> str:
    """The pico2wave language for a script's language (and optional `voice.id`); never a fallback."""
    tag = language.strip()
    base = tag.split("-")[0].lower()
    by_lower = {t.lower(): t for t in LANGUAGES}
    if voice_id is not None:
        chosen = by_lower.get(voice_id.strip().lower())
        if chosen is None:
            raise InputError(f"pico has no voice {voice_id!r}", hint=f"pico's voices: {', '.join(LANGUAGES)}")
        if LANGUAGES[chosen] != base:
            raise InputError(
                f"the pico voice {chosen!r} does not speak the script's language {language!r}",
                hint=f"pico's voices: {', '.join(LANGUAGES)}",
            )
        return chosen
    if tag.lower() in by_lower:
        return by_lower[tag.lower()]
    if "-" not in tag and base in DEFAULT_FOR:
        return DEFAULT_FOR[base]
    raise InputError(
        f"pico cannot speak {language!r}",
        hint=f"pico speaks {', '.join(LANGUAGES)}; use another engine (`render voices {language}`)",
    )


def _markup(text: str, rate: int) -> str:
    """The phrase in Pico's markup: its speed for the rate; `<` and `>` of the text dropped
    (Pico would read them as markup)."""
    level = max(20, min(500, round(100 * rate / NATIVE_WPM)))
    plain = text.replace("<", " ").replace(">", " ")
    return f'<speed level="{level}">{plain}</speed>'


def _speak(voice: VoiceChoice, text: str, wav: Path) -> None:
    wav.unlink(missing_ok=True)
    command = ["pico2wave", "-l", voice.voice_id, "-w", str(wav), "--", _markup(text, voice.rate)]
    run = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    if run.returncode != 0 or not wav.exists():
        raise EnvironmentProblem(
            f"pico2wave failed on the phrase {text[:60]!r}: {(run.stderr or run.stdout).strip()[:200]}",
            hint="check that it works: pico2wave -l en-US -w /tmp/t.wav hello",
        )


def resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    """16-bit samples from `rate` to `target` (polyphase filter: exact and deterministic)."""
    if rate == target or samples.size == 0:
        return samples.astype(np.int16)
    from scipy.signal import resample_poly  # scipy comes with manim

    ratio = Fraction(target, rate)
    out: np.ndarray = resample_poly(samples.astype(np.float64), ratio.numerator, ratio.denominator)
    return np.clip(np.round(out), -32768, 32767).astype(np.int16)


@cache
def pico_version() -> str:
    """The installed libttspico-utils version (dpkg), the engine's part of the cache key."""
    if shutil.which("pico2wave") is None:
        raise EnvironmentProblem("the pico voice needs pico2wave, which is not installed", hint=INSTALL_HINT)
    try:
        run = subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", "libttspico-utils"], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return run.stdout.strip() if run.returncode == 0 and run.stdout.strip() else "unknown"


def installed() -> bool:
    """Is pico2wave on this machine (for `render voices`)?"""
    return shutil.which("pico2wave") is not None


def list_voices() -> list[VoiceInfo]:
    """Pico's six voices, when pico2wave is installed."""
    if not installed():
        return []
    licence = "Apache-2.0 (SVOX Pico; Debian non-free: its language data has no source)"
    return [VoiceInfo(ENGINE, tag, (tag.lower(),), "hmm (clear, dated)", licence) for tag in LANGUAGES]
