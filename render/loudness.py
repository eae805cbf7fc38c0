"""Broadcast loudness (ITU-R BS.1770 / EBU R128): measure, normalise and limit samples.

The soundtrack is mixed stretch by stretch and cached, so it is never normalised as a whole:
each phrase is brought to the speech level and limited on its own, the music to its own level
under it, which makes the mix land on the target (what ffmpeg's `ebur128` then measures is
recorded in the manifest). Everything here is a pure function of the samples: deterministic.
"""

from __future__ import annotations

import math
import re
import subprocess
from pathlib import Path

import numpy as np

from contract.errors import RenderFailure

BLOCK = 0.4  # seconds: BS.1770 gating blocks...
STEP = 0.1  # ...overlapping by 75 %
ABSOLUTE_GATE = -70.0
RELATIVE_GATE = -10.0
SMOOTHING = 0.01  # seconds over which the limiter turns a peak down, and back up


def _biquad_response(b: list[float], a: list[float], frequencies: np.ndarray, rate: int) -> np.ndarray:
    z = np.exp(-2j * np.pi * frequencies / rate)
    return np.asarray((b[0] + b[1] * z + b[2] * z * z) / (a[0] + a[1] * z + a[2] * z * z))


PAD = 1.0  # seconds of silence around a sound filtered in the frequency domain (no wrap-around)


def k_weighted(samples: np.ndarray, rate: int) -> np.ndarray:
    """The samples through BS.1770's K-weighting (a high shelf, then a high pass), at any rate.

    Applied as the filters' magnitude response in the frequency domain (numpy only: importing
    scipy.signal costs more than a phrase's whole mix); loudness reads only the power, which the
    phase does not change.
    """
    f0, gain, q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    k = math.tan(math.pi * f0 / rate)
    vh = 10 ** (gain / 20)
    vb = vh**0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf_b = [(vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0]
    shelf_a = [1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]
    f0, q = 38.13547087602444, 0.5003270373238773
    k = math.tan(math.pi * f0 / rate)
    a0 = 1 + k / q + k * k
    pass_a = [1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]
    frame = samples if samples.ndim == 2 else samples[:, None]
    n = frame.shape[0]
    size = 1 << (n + round(PAD * rate) - 1).bit_length()  # a power of two: the fast FFT sizes
    frequencies = np.fft.rfftfreq(size, 1 / rate)
    response = np.abs(
        _biquad_response(shelf_b, shelf_a, frequencies, rate)
        * _biquad_response([1.0, -2.0, 1.0], pass_a, frequencies, rate)
    )
    spectrum = np.fft.rfft(frame.astype(np.float64), n=size, axis=0) * response[:, None]
    return np.asarray(np.fft.irfft(spectrum, n=size, axis=0)[:n])


def _block_powers(samples: np.ndarray, rate: int) -> np.ndarray:
    """Mean square (summed over channels) of each gating block; one block for a shorter sound."""
    weighted = k_weighted(samples if samples.ndim == 2 else samples[:, None], rate)
    size, step = round(BLOCK * rate), round(STEP * rate)
    if weighted.shape[0] < size:
        return np.array([float(np.mean(weighted**2, axis=0).sum())]) if weighted.size else np.zeros(0)
    squares = np.cumsum(np.concatenate([np.zeros((1, weighted.shape[1])), weighted**2]), axis=0)
    starts = np.arange(0, weighted.shape[0] - size + 1, step)
    return np.asarray(((squares[starts + size] - squares[starts]) / size).sum(axis=1))


def _lufs(power: float | np.floating) -> float:
    return -0.691 + 10 * math.log10(power) if power > 0 else -math.inf


def integrated_loudness(samples: np.ndarray, rate: int) -> float:
    """Gated integrated loudness in LUFS (-inf for silence)."""
    powers = _block_powers(samples, rate)
    loud = powers[[(_lufs(p) > ABSOLUTE_GATE) for p in powers]] if powers.size else powers
    if not loud.size:
        return -math.inf
    threshold = _lufs(loud.mean()) + RELATIVE_GATE
    kept = loud[[(_lufs(p) > threshold) for p in loud]]
    return _lufs(kept.mean())


def limited(samples: np.ndarray, rate: int, ceiling_db: float) -> np.ndarray:
    """The samples with every peak above `ceiling_db` turned down, smoothly, ahead of time.

    Sample peaks: leave a margin under the true-peak limit for what lies between samples and
    what AAC adds (ffmpeg's `ebur128` measures the result).
    """
    peaks = np.abs(samples).max(axis=1) if samples.ndim == 2 else np.abs(samples)
    ceiling = 10 ** (ceiling_db / 20)
    if not peaks.size or peaks.max() <= ceiling:
        return samples
    needed = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-12))
    # the gain each block of `width` samples needs, held over its neighbours, then drawn as a line
    # between block centres: at every sample it is at most what that sample needs, and it moves
    # smoothly rather than in steps
    width = max(1, round(SMOOTHING * rate))
    blocks = -(-needed.size // width)
    padded = np.ones(blocks * width)
    padded[: needed.size] = needed
    per_block = padded.reshape(blocks, width).min(axis=1)
    edged = np.concatenate([per_block[:1], per_block, per_block[-1:]])
    held = np.minimum(np.minimum(edged[:-2], edged[1:-1]), edged[2:])
    centres = np.arange(blocks) * width + (width - 1) / 2
    gain = np.interp(np.arange(needed.size), centres, held)
    shaped = gain[:, None] if samples.ndim == 2 else gain
    return np.asarray(samples * shaped, dtype=samples.dtype)


def normalised(samples: np.ndarray, rate: int, target_lufs: float, ceiling_db: float) -> np.ndarray:
    """The samples at `target_lufs` integrated loudness, limited to `ceiling_db` (sample peak)."""
    loudness = integrated_loudness(samples, rate)
    if not math.isfinite(loudness):
        return samples
    gained = (samples * 10 ** ((target_lufs - loudness) / 20)).astype(samples.dtype)
    return limited(gained, rate, ceiling_db)


def measure_file(path: Path) -> tuple[float, float]:
    """(integrated LUFS, true peak dBTP) of a file's audio, as ffmpeg's `ebur128` reports them."""
    from scenes.encoding import ffmpeg_exe

    command = [ffmpeg_exe(), "-nostats", "-hide_banner", "-nostdin", "-i", str(path), "-vn"]
    result = subprocess.run(
        [*command, "-af", "ebur128=peak=true", "-f", "null", "-"], capture_output=True, text=True, check=False
    )
    summary = result.stderr.rpartition("Summary:")[2]
    integrated = re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary)
    peak = re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    if result.returncode != 0 or integrated is None or peak is None:
        raise RenderFailure(f"cannot measure the loudness of {path.name}: {result.stderr.strip()[-200:]}")
    return float(integrated.group(1)), float(peak.group(1))
