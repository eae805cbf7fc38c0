"""The soundtrack's AAC, encoded stretch by stretch and joined without a seam.

AAC codes audio in frames of 1024 samples; each packet is the MDCT of 2048 samples (its frame
and the next one), and the decoder overlaps each packet with the one before. So a stream can be
cut between two packets and joined to packets of another encoder run, provided both runs saw
the same samples around the join. Each stretch (its boundaries multiples of 1024, see
`SoundtrackPlan.stretches`) is encoded by its own run of FFmpeg's AAC encoder (through PyAV, which
comes with Manim: in-process, so a run costs no process start-up, and it releases the GIL while it
encodes) fed a little more than the stretch:

- `PRE_ROLL` frames before it, whose packets are dropped: the encoder's state (window shape,
  psychoacoustics) at the first kept packet is that of a run coming from the previous stretch;
- `POST_ROLL` frames after it: the stretch's last packet covers the next stretch's first frame.

Packet k of the whole track decodes to the samples [(k - 1) × 1024, k × 1024) (packet 0 is the
encoder's priming), so the kept packets of the stretches, end to end, are exactly the packets of
the track. Each stretch's packets are cached under a digest of the very samples fed to the
encoder, so after an edit only the stretches whose sound (or neighbouring edge) changed are
encoded again. The joined packets are written to an .m4a with the standard, signalled encoder
delay (an edit list skips the 1024 priming samples) and the exact length of the track.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

from contract.errors import RenderFailure
from render.cache import Cache, digest

FRAME = 1024  # samples per AAC frame
PRE_ROLL = 3  # frames fed before a stretch, packets dropped (2 are enough: the join test fails with 1)
POST_ROLL = 2  # frames fed after a stretch, packets dropped (the encoder looks 1 ahead)
BIT_RATE = 160_000
CODER = "fast"  # FFmpeg's fast AAC coder: 1.2 s for 56 s of audio here, the default one 1.9 s
ENCODING_VERSION = "1"  # bump when the way stretches are encoded or joined changes
# FFmpeg's AAC encoder is single-threaded: two runs keep both cores busy while the mix goes on
WORKERS = 2
# ADTS sampling-frequency indexes (ISO 14496-3, 1.6.3.4)
RATE_INDEX = {96000: 0, 88200: 1, 64000: 2, 48000: 3, 44100: 4, 32000: 5, 24000: 6, 22050: 7, 16000: 8}


def encoding_key() -> tuple[str, int, str, int, int, str]:
    """What the packets depend on besides the samples: part of every key."""
    import av

    libavcodec = ".".join(map(str, av.library_versions["libavcodec"]))
    return (ENCODING_VERSION, BIT_RATE, CODER, PRE_ROLL, POST_ROLL, libavcodec)


@dataclass(frozen=True)
class Piece:
    """One stretch's encoder run: samples fed [fed_first, fed_end), packets kept [skip, skip + count)."""

    fed_first: int
    fed_end: int
    skip: int
    count: int | None  # None: every packet to the end (the last stretch, with the encoder's flush)

    @classmethod
    def of(cls, first: int, end: int, total: int) -> Piece:
        if first % FRAME or (end % FRAME and end != total):
            raise ValueError(f"stretch [{first}, {end}) is not aligned to AAC frames")
        pre = min(PRE_ROLL, first // FRAME)
        fed_end = min(total, end + POST_ROLL * FRAME)
        # a stretch at 0 keeps the priming packet too: packets 0 … end/1024
        skip = pre + 1 if first else 0
        count = None if end == total else (end - first) // FRAME + (0 if first else 1)
        return cls(first - pre * FRAME, fed_end, skip, count)

    def key(self, fed: np.ndarray, rate: int) -> str:
        """A digest of exactly what the kept packets depend on."""
        samples = hashlib.sha256(np.ascontiguousarray(fed, dtype="<i2").tobytes()).hexdigest()
        return digest("mixenc", encoding_key(), rate, self.skip, self.count, samples)


def adts_frames(data: bytes) -> list[bytes]:
    """Split an ADTS stream into its frames (one AAC packet each, as ffmpeg writes them)."""
    frames: list[bytes] = []
    at = 0
    while at + 7 <= len(data):
        header = data[at : at + 7]
        if header[0] != 0xFF or header[1] & 0xF6 != 0xF0 or header[6] & 0x03:
            raise RenderFailure(f"the AAC encoder wrote an unexpected ADTS frame at byte {at}")
        size = ((header[3] & 0x03) << 11) | (header[4] << 3) | (header[5] >> 5)
        frames.append(data[at : at + size])
        at += size
    if at != len(data):
        raise RenderFailure("the AAC encoder's output ends in the middle of a frame")
    return frames


def adts_header(payload: int, rate: int) -> bytes:
    """The 7-byte ADTS header of one AAC-LC stereo packet of `payload` bytes."""
    size = payload + 7
    profile, channels = 1, 2  # AAC LC (object type 2, minus 1); a channel pair
    return bytes(
        [
            0xFF,
            0xF1,  # sync, MPEG-4, layer 0, no CRC
            (profile << 6) | (RATE_INDEX[rate] << 2) | (channels >> 2),
            ((channels & 3) << 6) | (size >> 11),
            (size >> 3) & 0xFF,
            ((size & 7) << 5) | 0x1F,  # buffer fullness 0x7FF: variable bit rate
            0xFC,  # … and one raw data block
        ]
    )


def encode_piece(piece: Piece, fed: np.ndarray, rate: int) -> bytes:
    """Encode the fed samples (int16 stereo at `rate`) and keep the piece's packets (as ADTS)."""
    import av

    codec = av.CodecContext.create("aac", "w")
    codec.sample_rate, codec.layout, codec.format, codec.bit_rate = rate, "stereo", "fltp", BIT_RATE
    codec.options = {"aac_coder": CODER}
    # one frame of it all: PyAV converts it to planar float and cuts it into 1024-sample frames
    frame = av.AudioFrame.from_ndarray(
        np.ascontiguousarray(fed, dtype="<i2").reshape(1, -1), format="s16", layout="stereo"
    )
    frame.sample_rate, frame.pts = rate, 0
    try:
        packets = [bytes(p) for p in [*codec.encode(frame), *codec.encode(None)]]
    except av.FFmpegError as error:
        raise RenderFailure(f"encoding the soundtrack failed: {error}") from None
    kept = packets[piece.skip :] if piece.count is None else packets[piece.skip : piece.skip + piece.count]
    if piece.count is not None and len(kept) != piece.count:
        raise RenderFailure(f"the AAC encoder gave {len(packets)} packets, {piece.skip + piece.count} expected")
    return b"".join(adts_header(len(p), rate) + p for p in kept)


def write_m4a(adts: bytes, samples: int, rate: int, out: Path) -> None:
    """Stream-copy joined ADTS packets into an .m4a of exactly `samples`, priming signalled.

    ffmpeg's own stream copy of ADTS knows neither the priming nor the end, so the
    timestamps are set here (PyAV, which comes with Manim): the first packet at -1024
    (the mp4 muxer turns that into an edit list) and the last one cut to the track's end.
    """
    import av

    with av.open(io.BytesIO(adts), mode="r", format="aac") as source, av.open(str(out), "w", format="ipod") as sink:
        stream = sink.add_stream_from_template(source.streams.audio[0])
        packets = [p for p in source.demux(source.streams.audio[0]) if p.size]
        expected = -(-samples // FRAME) + 1  # the priming packet, then one per started frame
        if len(packets) != expected:
            raise RenderFailure(f"the joined soundtrack has {len(packets)} AAC packets, {expected} expected")
        for k, packet in enumerate(packets):
            packet.stream = stream
            packet.time_base = Fraction(1, rate)
            packet.pts = packet.dts = (k - 1) * FRAME
            packet.duration = FRAME if k < len(packets) - 1 else samples - (k - 1) * FRAME
            sink.mux(packet)


class StretchEncoder:
    """Stretches of samples in, in order; one .m4a out.

    A stretch is handed to an encoder thread as soon as the samples after it
    that its run needs have arrived, so encoding overlaps the mix of the next stretches; a
    stretch whose fed samples are in the cache is not encoded at all. `runs` counts encoder runs.
    """

    def __init__(self, stretches: Sequence[tuple[int, int]], total: int, rate: int, cache: Cache | None) -> None:
        self._pieces = [Piece.of(first, end, total) for first, end in stretches]
        self._total, self._rate, self._cache = total, rate, cache
        self._pcm = np.zeros((total, 2), dtype=np.int16)
        self._have = 0  # samples received so far
        self._parts: list[Future[bytes]] = []
        self._pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="aac")
        self.runs = 0

    def add(self, samples: np.ndarray) -> None:
        self._pcm[self._have : self._have + len(samples)] = samples
        self._have += len(samples)
        self._submit_ready()

    def finish(self, out: Path) -> None:
        """Wait for every stretch's packets and write the joined track to `out`."""
        if self._have != self._total:
            raise RenderFailure(f"the soundtrack has {self._have} samples, {self._total} planned")
        self._submit_ready()
        try:
            adts = b"".join(part.result() for part in self._parts)
        finally:
            self._pool.shutdown()
        write_m4a(adts, self._total, self._rate, out)

    def abort(self) -> None:
        self._pool.shutdown(cancel_futures=True)

    def _submit_ready(self) -> None:
        while len(self._parts) < len(self._pieces):
            piece = self._pieces[len(self._parts)]
            if piece.fed_end > self._have:
                return
            fed = self._pcm[piece.fed_first : piece.fed_end]
            key = piece.key(fed, self._rate)
            hit = self._cache.get("mixenc", key, ".aac") if self._cache is not None else None
            if hit is not None:
                done: Future[bytes] = Future()
                done.set_result(hit.read_bytes())
                self._parts.append(done)
            else:
                self.runs += 1
                self._parts.append(self._pool.submit(self._encode, piece, fed, key))

    def _encode(self, piece: Piece, fed: np.ndarray, key: str) -> bytes:
        packets = encode_piece(piece, fed, self._rate)
        if self._cache is not None:
            built = self._cache.temp_path("mixenc", key, ".aac")
            try:
                built.write_bytes(packets)
                self._cache.put("mixenc", key, ".aac", built)
            finally:
                built.unlink(missing_ok=True)
        return packets
