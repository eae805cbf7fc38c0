"""Read a build folder (`render`'s output) and verify every file it will send.

Build folders are shared, copied and sometimes committed, so nothing in them is
trusted: the manifest (:mod:`contract.manifest`) names plain file names; each one,
resolved with links followed, must be a regular file inside the build folder and
match the size and sha256 recorded. The bytes that were checked are the bytes sent:
small files (thumbnail, captions) are kept in memory, the video stays open.
"""

from __future__ import annotations

import io
import os
import stat
import warnings
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from googleapiclient.http import MediaInMemoryUpload, MediaIoBaseUpload, MediaUpload
from pydantic import ValidationError

from contract.errors import InputError
from contract.files import stream_sha256
from contract.manifest import FORMAT, MANIFEST_NAME, PREVIEW_SUFFIX, CaptionFile, Manifest, OutputFile
from contract.script import Publish
from upload.metadata import check_publish

MANIFEST = MANIFEST_NAME
RUN_RENDER = "run `render` on the script first (it writes the video and manifest.json)"
RENDER_AGAIN = "run `render` on the script again (it rewrites the video and manifest.json)"
THUMBNAIL_MAX_BYTES = 2 * 1024 * 1024
CAPTIONS_MAX_BYTES = 10 * 1024 * 1024
# YouTube wants 1280x720; far bigger is a decompression bomb, not a thumbnail
THUMBNAIL_MAX_PIXELS = 50_000_000
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_VIDEO_TYPES = {".mp4": "video/mp4", ".m4v": "video/mp4", ".mov": "video/quicktime", ".webm": "video/webm"}


class BytesIoUpload(MediaIoBaseUpload):  # type: ignore[misc]  # untyped library
    """A resumable upload from an open file whose chunks are sent as bytes, not as a stream.

    Bytes can be sent again safely (a 401 followed by a token refresh re-sends the
    request); a half-read stream cannot."""

    def has_stream(self) -> bool:
        return False


@dataclass(frozen=True)
class MediaFile:
    """A file of the build folder, verified; `data` (small files) or `stream` (the video)."""

    path: Path  # where it was found, links resolved (inside the build folder)
    sha256: str
    size: int
    mimetype: str
    data: bytes | None = field(default=None, repr=False)
    stream: BinaryIO | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return self.path.name

    def upload(self, chunk_size: int = -1, resumable: bool = False) -> MediaUpload:
        """The media body for a request: exactly the bytes that were checked."""
        if self.stream is not None:
            return BytesIoUpload(self.stream, self.mimetype, chunksize=chunk_size, resumable=resumable)
        return MediaInMemoryUpload(self.data or b"", self.mimetype, resumable=resumable)


@dataclass(frozen=True)
class CaptionTrack:
    language: str
    file: MediaFile


@dataclass
class Build:
    """A rendered video ready to publish: the manifest plus verified files. Close it after use."""

    folder: Path
    manifest: Manifest
    publish: Publish
    video: MediaFile
    thumbnail: MediaFile
    captions: list[CaptionTrack]

    @property
    def language(self) -> str:
        return self.manifest.language

    def close(self) -> None:
        if self.video.stream is not None:
            self.video.stream.close()

    def __enter__(self) -> Build:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()


def _refuse(path: Path | str, problem: str, hint: str = RENDER_AGAIN) -> InputError:
    return InputError(f"{path}: {problem}", hint=hint)


def _open_inside(folder: Path, entry: OutputFile, what: str) -> tuple[BinaryIO, Path]:
    """Open the file an entry names, only if it is a regular file inside `folder` (resolved)."""
    path = folder / entry.file
    real = Path(os.path.realpath(path))
    if not real.is_relative_to(folder) or real == folder:
        raise _refuse(path, f"the {what} named in {MANIFEST} leads outside the build folder (to {real})")
    try:
        # O_NOFOLLOW: a link swapped in after the check above is refused, not followed;
        # O_NONBLOCK: a FIFO does not hang the command
        fd = os.open(real, _OPEN_FLAGS)
    except FileNotFoundError:
        raise _refuse(path, f"the {what} named in {MANIFEST} is missing", RUN_RENDER) from None
    except OSError as error:
        raise _refuse(path, f"the {what} cannot be read ({error.strerror or error})") from None
    stream = os.fdopen(fd, "rb")
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        stream.close()
        raise _refuse(path, f"the {what} named in {MANIFEST} is not a regular file")
    if hasattr(os, "O_NONBLOCK"):
        os.set_blocking(fd, True)
    return stream, real


def _verified(folder: Path, entry: OutputFile, what: str, mimetype: str, max_bytes: int | None) -> MediaFile:
    """Check size and sha256 from the opened file; small files are read into memory once."""
    stream, real = _open_inside(folder, entry, what)
    try:
        size = os.fstat(stream.fileno()).st_size
        if max_bytes is not None and size > max_bytes:
            raise _refuse(real, f"the {what} is {size} bytes; at most {max_bytes} are accepted")
        if max_bytes is not None:
            data = stream.read(max_bytes + 1)  # bounded, even if the file grows meanwhile
            digest, size = stream_sha256(io.BytesIO(data)), len(data)
        else:
            data, digest = None, stream_sha256(stream)
        if size != entry.bytes or digest != entry.sha256:
            raise _refuse(real, f"the {what} does not match {MANIFEST} (changed since it was rendered)")
    except BaseException:
        stream.close()
        raise
    if data is not None:
        stream.close()
        return MediaFile(real, digest, size, mimetype, data=data)
    return MediaFile(real, digest, size, mimetype, stream=stream)


def _image_type(data: bytes, path: Path) -> str:
    """`image/png` or `image/jpeg` if the bytes really are one (magic bytes, then PIL's verify)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        expected, mimetype = "PNG", "image/png"
    elif data.startswith(b"\xff\xd8\xff"):
        expected, mimetype = "JPEG", "image/jpeg"
    else:
        raise _refuse(path, "the thumbnail is not a PNG or JPEG image", "use a PNG or JPEG file as the thumbnail")
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if image.format != expected or width * height > THUMBNAIL_MAX_PIXELS:
                    raise ValueError(f"{width}x{height} {image.format}")
                image.verify()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise _refuse(
            path,
            f"the thumbnail is not a valid {expected} image of at most {THUMBNAIL_MAX_PIXELS} pixels",
            "use a PNG or JPEG file as the thumbnail (1280x720 is what YouTube shows)",
        ) from None
    return mimetype


def _thumbnail(folder: Path, manifest: Manifest) -> MediaFile:
    entry = manifest.outputs.thumbnail_to_send
    thumb = _verified(folder, entry, "thumbnail", "image/png", THUMBNAIL_MAX_BYTES)
    return MediaFile(thumb.path, thumb.sha256, thumb.size, _image_type(thumb.data or b"", thumb.path), data=thumb.data)


def _captions(folder: Path, entries: list[CaptionFile]) -> list[CaptionTrack]:
    tracks: list[CaptionTrack] = []
    seen: set[str] = set()
    for entry in entries:
        if entry.format != "srt" or entry.language in seen:
            continue
        seen.add(entry.language)
        what = f"{entry.language} captions"
        media = _verified(folder, entry, what, "application/octet-stream", CAPTIONS_MAX_BYTES)
        try:
            (media.data or b"").decode("utf-8")
        except UnicodeDecodeError:
            raise _refuse(media.path, f"the {what} are not UTF-8 text") from None
        tracks.append(CaptionTrack(entry.language, media))
    return tracks


def _validation_lines(error: ValidationError, prefix: str) -> str:
    problems = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"])
        message = str(item["msg"]).removeprefix("Value error, ")
        problems.append(f"{prefix}{'.' + where if where else ''}: {message}")
    return "; ".join(problems)


def read_manifest(folder: Path) -> Manifest:
    """The validated manifest of a build folder; every problem is an :class:`InputError`."""
    path = folder / MANIFEST
    if not folder.is_dir():
        raise InputError(f"{folder}: no such build folder", hint=RUN_RENDER)
    if not path.is_file():
        raise InputError(f"{path}: missing; this folder holds no rendered video", hint=RUN_RENDER)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"{path}: not a readable manifest ({error.strerror or error})", hint=RUN_RENDER) from None
    try:
        return Manifest.from_json(data)
    except ValidationError as error:
        problems = error.errors()
        if any(item["type"] in ("json_invalid", "json_type") for item in problems):
            raise InputError(f"{path}: not a readable manifest (not JSON)", hint=RUN_RENDER) from None
        for item in problems:
            if item["loc"] == ("format",):
                raise InputError(
                    f"{path}: manifest format {item.get('input')!r} is not supported (expected {FORMAT})",
                    hint="render the script again with this version of the toolkit",
                ) from None
        in_publish = all(item["loc"][:1] == ("publish",) for item in problems)
        raise InputError(
            f"{path}: {_validation_lines(error, 'manifest')}",
            hint="fix the script's `publish` block and render again" if in_publish else RENDER_AGAIN,
        ) from None


def load_build(folder: Path) -> Build:
    """Load and verify a build folder; every problem is an :class:`InputError` (exit 2)."""
    folder = Path(folder)
    if folder.is_file() and folder.name == MANIFEST:
        folder = folder.parent
    if Path(os.path.realpath(folder)).name.endswith(PREVIEW_SUFFIX) or folder.name.endswith(PREVIEW_SUFFIX):
        raise InputError(
            f"{folder}: a `{PREVIEW_SUFFIX}` folder holds a --preview draft (480p, 15 fps), not the video to publish",
            hint=f"upload the final render's folder (without `{PREVIEW_SUFFIX}`); render the script without "
            "--preview first if it is missing",
        )
    manifest = read_manifest(folder)
    if manifest.preview:
        raise InputError(
            f"{folder}: this is a --preview draft (480p, 15 fps), not the video to publish",
            hint="render the script without --preview, then upload",
        )
    publish = manifest.publish
    if not publish.title:
        try:
            publish = Publish.model_validate({**publish.model_dump(), "title": manifest.title})
        except ValidationError as error:
            raise InputError(
                f"{folder / MANIFEST}: {_validation_lines(error, 'publish')}",
                hint="fix the script's `publish` block and render again",
            ) from None
    check_publish(publish, f"{folder / MANIFEST}: publish")

    real = Path(os.path.realpath(folder))
    mimetype = _VIDEO_TYPES.get(Path(manifest.outputs.video.file).suffix.lower(), "application/octet-stream")
    video = _verified(real, manifest.outputs.video, "video", mimetype, None)
    try:
        thumbnail = _thumbnail(real, manifest)
        captions = _captions(real, manifest.outputs.captions) if publish.captions else []
    except BaseException:
        if video.stream is not None:
            video.stream.close()
        raise
    return Build(folder, manifest, publish, video, thumbnail, captions)


def check_schedule(publish: Publish, now: datetime | None = None) -> None:
    """`publish_at` must still be in the future when the request is sent."""
    if publish.publish_at is None:
        return
    now = now or datetime.now(UTC)
    if publish.publish_at <= now:
        raise InputError(
            f"publish_at {publish.publish_at.isoformat()} is in the past; YouTube can only schedule a future time",
            hint="set a later `publish_at` in the script's publish block (or remove it) and render again",
        )
