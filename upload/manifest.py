"""Read `build/<name>/manifest.json` (written by `render`) and check the files it names."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from contract.errors import InputError
from contract.script import Publish

MANIFEST = "manifest.json"
RUN_RENDER = "run `render` on the script first (it writes the video and manifest.json)"
THUMBNAIL_MAX_BYTES = 2 * 1024 * 1024


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


class OutputFile(_Loose):
    file: str = Field(min_length=1)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    bytes: int = Field(ge=0)


class CaptionFile(OutputFile):
    language: str = Field(min_length=1)
    format: str


class Outputs(_Loose):
    video: OutputFile
    thumbnail: OutputFile | None = None
    captions: list[CaptionFile] = Field(default_factory=list)


class Manifest(_Loose):
    format: int
    name: str = Field(min_length=1)
    title: str = Field(min_length=1)
    language: str = "en"
    duration: float | None = None
    publish: dict[str, Any] | None = None
    outputs: Outputs
    preview: bool = False


@dataclass(frozen=True)
class MediaFile:
    """A file to send, already checked against the manifest."""

    path: Path
    sha256: str
    size: int
    mimetype: str


@dataclass(frozen=True)
class CaptionTrack:
    language: str
    file: MediaFile


@dataclass(frozen=True)
class Build:
    """A rendered video ready to publish: the manifest plus verified files."""

    folder: Path
    manifest: Manifest
    publish: Publish
    video: MediaFile
    thumbnail: MediaFile | None
    captions: list[CaptionTrack]

    @property
    def language(self) -> str:
        return self.manifest.language


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(1024 * 1024):
            digest.update(block)
    return digest.hexdigest()


def _mimetype(path: Path, default: str) -> str:
    return {
        ".mp4": "video/mp4",
        ".m4v": "video/mp4",
        ".mov": "video/quicktime",
        ".webm": "video/webm",
        ".mkv": "video/x-matroska",
        ".png": "image/png",
        ".jpg": "image/jpeg",
        ".jpeg": "image/jpeg",
    }.get(path.suffix.lower(), default)


def _checked(folder: Path, entry: OutputFile, what: str, verify_hash: bool = True) -> MediaFile:
    path = folder / entry.file
    if not path.is_file():
        raise InputError(f"{path}: the {what} named in {MANIFEST} is missing", hint=RUN_RENDER)
    size = path.stat().st_size
    if size != entry.bytes or (verify_hash and sha256_file(path) != entry.sha256):
        raise InputError(
            f"{path}: the {what} does not match {MANIFEST} (changed since it was rendered)",
            hint=RUN_RENDER.replace("first", "again"),
        )
    return MediaFile(path, entry.sha256, size, _mimetype(path, "application/octet-stream"))


def _own_file(path: Path, what: str) -> MediaFile:
    if not path.is_file():
        raise InputError(
            f"{path}: the {what} named in the script's publish block is missing",
            hint="fix `publish.thumbnail` in the script, or remove it to use the generated one",
        )
    return MediaFile(path, sha256_file(path), path.stat().st_size, _mimetype(path, "image/png"))


def _validation_lines(error: ValidationError, prefix: str) -> str:
    problems = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"])
        problems.append(f"{prefix}{'.' + where if where else ''}: {item['msg']}")
    return "; ".join(problems)


def load_build(folder: Path) -> Build:
    """Load and verify a build folder; every problem is an :class:`InputError` (exit 2)."""
    folder = Path(folder)
    if folder.is_file() and folder.name == MANIFEST:
        folder = folder.parent
    path = folder / MANIFEST
    if not folder.is_dir():
        raise InputError(f"{folder}: no such build folder", hint=RUN_RENDER)
    if not path.is_file():
        raise InputError(f"{path}: missing; this folder holds no rendered video", hint=RUN_RENDER)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(f"{path}: not a readable manifest ({error})", hint=RUN_RENDER) from None
    try:
        manifest = Manifest.model_validate(data)
    except ValidationError as error:
        raise InputError(f"{path}: {_validation_lines(error, 'manifest')}", hint=RUN_RENDER) from None
    if manifest.format != 1:
        raise InputError(
            f"{path}: manifest format {manifest.format} is not supported (expected 1)",
            hint="render the script again with this version of the toolkit",
        )
    if manifest.preview:
        raise InputError(
            f"{folder}: this is a --preview draft (480p, 15 fps), not the video to publish",
            hint="render the script without --preview, then upload",
        )
    publish_data = dict(manifest.publish or {})
    if not publish_data.get("title"):
        publish_data["title"] = manifest.title
    try:
        publish = Publish.model_validate(publish_data)
    except ValidationError as error:
        raise InputError(
            f"{path}: {_validation_lines(error, 'publish')}",
            hint="fix the script's `publish` block and render again",
        ) from None

    video = _checked(folder, manifest.outputs.video, "video")

    thumbnail: MediaFile | None = None
    if publish.thumbnail:
        own = Path(publish.thumbnail)
        thumbnail = _own_file(own if own.is_absolute() else folder / own, "thumbnail")
    elif manifest.outputs.thumbnail is not None:
        thumbnail = _checked(folder, manifest.outputs.thumbnail, "thumbnail")
    if thumbnail is not None and thumbnail.size > THUMBNAIL_MAX_BYTES:
        raise InputError(
            f"{thumbnail.path}: the thumbnail is {thumbnail.size} bytes; YouTube accepts at most 2 MB",
            hint="use a smaller JPEG or PNG (1280x720 is enough)",
        )

    captions: list[CaptionTrack] = []
    if publish.captions:
        seen: set[str] = set()
        for entry in manifest.outputs.captions:
            if entry.format.lower() != "srt" or entry.language in seen:
                continue
            seen.add(entry.language)
            media = _checked(folder, entry, f"{entry.language} captions")
            captions.append(
                CaptionTrack(
                    entry.language,
                    MediaFile(media.path, media.sha256, media.size, "application/octet-stream"),
                )
            )
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
