"""The files a script refers to: pictures, music, the brand file, its font and logo, the thumbnail.

Each path is resolved against the script's folder, must stay inside the project,
must be a readable regular file whose bytes match its name, and must open the way
the renderer will open it (a font with FreeType, a picture's header with PIL, the
music through ffmpeg). The checks read the raw data, so they run even when the
model failed.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from contract.errors import ScriptError
from contract.problems import Problem, format_path
from contract.script import MAX_MINUTES_DEFAULT, Brand
from render.model_problems import validation_problems
from render.script_yaml import Document, Path_, display_folder, display_path, parse_yaml, special_file_kind

MUSIC_PROBE_SECONDS = 2  # decode this much of the music to prove it decodes
_AGAIN = "export or convert it again"


@dataclass(frozen=True)
class FileKind:
    """What a field names: its allowed suffixes and how messages call it."""

    suffixes: frozenset[str]
    what: str


PICTURE = FileKind(frozenset({".png", ".jpg", ".jpeg", ".svg"}), "picture (PNG, JPEG or SVG)")
LOGO = FileKind(frozenset({".png", ".svg"}), "logo (PNG or SVG)")
FONT = FileKind(frozenset({".ttf", ".otf", ".ttc"}), "font")
MUSIC = FileKind(frozenset({".mp3", ".wav", ".ogg", ".m4a", ".aac", ".flac", ".oga", ".opus"}), "music file")
THUMBNAIL = FileKind(frozenset({".png", ".jpg", ".jpeg"}), "thumbnail (PNG or JPEG)")


@dataclass
class Files:
    """Where paths are resolved (`base`), the folder they must stay in (`root`), what was found."""

    doc: Document
    base: Path
    root: Path
    found: dict[str, Path] = field(default_factory=dict)  # field path -> absolute file
    max_seconds: float = MAX_MINUTES_DEFAULT * 60.0  # no music needs to be longer than a video can be

    def at(self, doc: Document, base: Path) -> Files:
        """The same checks for paths written in another file (a brand file)."""
        return Files(doc, base, self.root, self.found, self.max_seconds)


class OutsideProject(Exception):
    def __init__(self, path: Path) -> None:
        self.path = path


def resolve_path(value: str, base: Path, root: Path) -> Path:
    """Resolve a script-relative path, following symlinks, and insist it stays in the project."""
    candidate = (base / value).resolve()
    if not candidate.is_relative_to(root):
        raise OutsideProject(candidate)
    return candidate


def _outside_message(value: str, resolved: Path, base: Path, root: Path) -> str:
    where = display_folder(root)
    lexical = Path(os.path.normpath(base / value))
    if lexical.is_relative_to(root):
        return (
            f"{value!r} is a symbolic link to {resolved}, outside the project folder ({where}); "
            "copy the file itself into the project (for example under assets/)"
        )
    return (
        f"{value!r} is outside the project folder ({where}); copy the file into the project "
        "(for example under assets/) and use that path"
    )


def _resolve(files: Files, path: Path_, value: str) -> Path | Problem:
    try:
        return resolve_path(value, files.base, files.root)
    except OutsideProject as outside:
        return files.doc.problem(path, _outside_message(value, outside.path, files.base, files.root))
    except (OSError, RuntimeError, ValueError):  # NUL bytes, symlink loops, names too long
        return files.doc.problem(path, f"{value!r} is not a usable file path", "check it")


def check_file(files: Files, path: Path_, value: str, kind: FileKind) -> list[Problem]:
    """Check one referenced file; on success record it in `files.found`."""
    doc = files.doc
    value = value.strip()
    if not value:
        return [
            doc.problem(path, "no file given", f"write the path of the {kind.what}, relative to the script's folder")
        ]
    resolved = _resolve(files, path, value)
    if isinstance(resolved, Problem):
        return [resolved]
    try:
        if not resolved.exists():
            return [
                doc.problem(
                    path,
                    f"file {value!r} not found (looked for {display_path(resolved)})",
                    "check the name (paths are relative to the script's own folder)",
                )
            ]
        special = special_file_kind(resolved)
        if special:
            return [doc.problem(path, f"{value!r} is {special}, not a file", f"give the path of the {kind.what}")]
        if not os.access(resolved, os.R_OK):
            return [
                doc.problem(path, f"cannot read {value!r} (permission denied)", "check its permissions (chmod a+r)")
            ]
    except OSError as error:
        return [doc.problem(path, f"cannot use {value!r} ({error.strerror})", "check the path")]
    suffix = resolved.suffix.lower()
    if suffix not in kind.suffixes:
        return [doc.problem(path, f"{value!r} is not a {kind.what}", f"use a {', '.join(sorted(kind.suffixes))} file")]
    problem = _sniff(resolved, suffix) or _open(resolved, suffix, files.max_seconds)
    if problem:
        return [doc.problem(path, f"{value!r} {problem[0]}", problem[1])]
    files.found[format_path(path)] = resolved
    return []


Finding = tuple[str, str | None]  # (what is wrong, after the file's name; what to do)

_SIGNATURES = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}
_FONT_MAGIC = {b"\x00\x01\x00\x00", b"OTTO", b"true", b"ttcf"}
_AUDIO_MAGIC = (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2", b"RIFF", b"OggS", b"fLaC", b"\xff\xf1", b"\xff\xf9")


def _sniff(file: Path, suffix: str) -> Finding | None:
    """Check the bytes match the extension (a renamed text file is not an image)."""
    try:
        with file.open("rb") as stream:
            head = stream.read(4096)
    except OSError as error:
        return f"cannot be read ({error.strerror})", "check its permissions"
    if not head:
        return "is empty (0 bytes)", "export the file again"
    name = {".png": "a PNG image", ".jpg": "a JPEG image", ".jpeg": "a JPEG image"}.get(suffix)
    if name and not head.startswith(_SIGNATURES[suffix]):
        return f"is not {name} (its content does not match its name)", _AGAIN
    if suffix == ".svg" and b"<svg" not in head.lower():
        return "is not an SVG image (no <svg> element at its start)", _AGAIN
    if suffix in FONT.suffixes and head[:4] not in _FONT_MAGIC:
        return "is not a TrueType/OpenType font (its content does not match its name)", None
    if suffix in MUSIC.suffixes and not (head.startswith(_AUDIO_MAGIC) or head[4:8] == b"ftyp"):
        return "is not an audio file we can read (MP3, WAV, OGG, M4A, FLAC)", _AGAIN
    return None


def _open(file: Path, suffix: str, max_seconds: float) -> Finding | None:
    """Open the file the way the renderer will (the bytes' start can lie)."""
    if suffix in {".png", ".jpg", ".jpeg"}:
        return _open_bitmap(file)
    if suffix in FONT.suffixes:
        return _open_font(file)
    if suffix in MUSIC.suffixes:
        return _open_music(file, max_seconds)
    return None


def _open_bitmap(file: Path) -> Finding | None:
    from PIL import Image, UnidentifiedImageError

    limit = Image.MAX_IMAGE_PIXELS or 0
    try:
        with warnings.catch_warnings():
            # PIL warns (and past twice the limit refuses) on huge pictures: say it in our words
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                width, height = image.size
    except Image.DecompressionBombError:
        return f"has more than {2 * limit / 1e6:.0f} megapixels", "scale it down (a 4K frame is 8 megapixels)"
    except (OSError, UnidentifiedImageError, SyntaxError, ValueError) as error:
        return f"cannot be read as a picture ({error})", _AGAIN
    if limit and width * height > limit:
        return (
            f"is {width:,} × {height:,} pixels ({width * height / 1e6:.0f} megapixels); "
            f"the limit is {limit / 1e6:.0f} megapixels",
            "scale it down (a 4K frame is 8 megapixels)",
        )
    return None


def _open_font(file: Path) -> Finding | None:
    from PIL import ImageFont

    try:
        ImageFont.truetype(str(file), 12)
    except OSError as error:
        return f"is not a font FreeType can open ({error})", "use the font's own .ttf or .otf file"
    return None


_DURATION = re.compile(rb"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")


def _open_music(file: Path, max_seconds: float) -> Finding | None:
    """Decode the first seconds through ffmpeg; refuse music longer than any video can be."""
    info = file.stat()
    decodes, length = _probe_music(str(file), info.st_size, info.st_mtime_ns)
    if not decodes:
        return "does not decode as audio (ffmpeg cannot read it)", _AGAIN
    if length is not None and length > max_seconds:
        return (
            f"lasts {_clock(length)}, longer than the longest video allowed ({_clock(max_seconds)}, "
            "`video.max_minutes`)",
            "cut it to the length the video needs",
        )
    return None


@functools.lru_cache(maxsize=64)
def _probe_music(file: str, size: int, mtime_ns: int) -> tuple[bool, float | None]:
    """(decodes, seconds) for a file as it is now (`size`, `mtime_ns` key the cache)."""
    from scenes.encoding import ffmpeg_exe

    command = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-i", file, "-map", "0:a:0"]
    command += ["-t", str(MUSIC_PROBE_SECONDS), "-f", "null", "-"]
    try:
        run = subprocess.run(command, capture_output=True, timeout=60, check=False)
    except subprocess.TimeoutExpired:
        return False, None
    duration = _DURATION.search(run.stderr)
    if duration is None:
        return run.returncode == 0, None
    hours, minutes, seconds = (float(part) for part in duration.groups())
    return run.returncode == 0, hours * 3600 + minutes * 60 + seconds


def _clock(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def _text(mapping: Any, key: str) -> str | None:
    """`mapping[key]` when mapping is a dict and the value is text (else the model reports it)."""
    value = mapping.get(key) if isinstance(mapping, dict) else None
    return value if isinstance(value, str) else None


@dataclass(frozen=True)
class BrandSource:
    """Where the brand's fields are written: the script (`prefix` ("brand",)) or a brand file (`prefix` ())."""

    doc: Document
    prefix: Path_


@dataclass
class BrandResult:
    brand: Brand
    problems: list[Problem] = field(default_factory=list)
    environment: list[Problem] = field(default_factory=list)  # the machine lacks something (exit 1)
    source: BrandSource | None = None  # None: the brand did not validate (its problems say why)


def load_brand(data: dict[str, Any], files: Files) -> BrandResult:
    """The brand (inline or from its file), with font and logo checked and made absolute."""
    raw = data.get("brand")
    if isinstance(raw, dict):
        try:
            brand: Brand | None = Brand.model_validate(raw)
        except ValidationError:
            brand = None  # its fields were validated (and reported) with the script
        return _brand_files(brand, raw, files, ("brand",), [])
    if isinstance(raw, str):
        return _brand_file(raw.strip(), files)
    if raw is None:  # the default brand: its colours are checked too, and pointed at `brand:` or the top
        return BrandResult(Brand(), source=BrandSource(files.doc, ("brand",)))
    return BrandResult(Brand())  # a wrong type the model reports


def _brand_file(value: str, files: Files) -> BrandResult:
    doc, path = files.doc, ("brand",)
    if not value:
        return BrandResult(Brand(), [doc.problem(path, "no brand file given", "write its path or remove `brand:`")])
    brand_file = _resolve(files, path, value)
    if isinstance(brand_file, Problem):
        return BrandResult(Brand(), [brand_file])
    special = special_file_kind(brand_file)
    if special:
        problem = doc.problem(
            path, f"{value!r} is {special}, not a brand file", "give the path of the brand's .yaml file"
        )
        return BrandResult(Brand(), [problem])
    if not brand_file.is_file():
        problem = doc.problem(
            path,
            f"brand file {value!r} not found (looked for {display_path(brand_file)})",
            "check the name (paths are relative to the script's own folder)",
        )
        return BrandResult(Brand(), [problem])
    try:
        brand_doc = parse_yaml(brand_file, what="brand")
    except ScriptError as error:
        return BrandResult(Brand(), list(error.problems))
    try:
        brand: Brand | None = Brand.model_validate(brand_doc.data)
        problems: list[Problem] = []
    except ValidationError as error:
        brand, problems = None, validation_problems(error, brand_doc, root=Brand)
    return _brand_files(brand, brand_doc.data, files.at(brand_doc, brand_file.parent), (), problems)


def _brand_files(brand: Brand | None, data: Any, files: Files, prefix: Path_, problems: list[Problem]) -> BrandResult:
    """Check the brand's font file and logo; the brand with their absolute paths."""
    updates: dict[str, str] = {}
    for key, kind in (("font_file", FONT), ("logo", LOGO)):
        named = _text(data, key)
        if named is None:
            continue
        found = check_file(files, (*prefix, key), named, kind)
        problems += found
        if not found:
            updates[key] = str(files.found[format_path((*prefix, key))])
    source = BrandSource(files.doc, prefix) if brand is not None else None
    result = BrandResult(brand.model_copy(update=updates) if brand else Brand(), problems, source=source)
    if brand is not None and not brand.font_file and not problems:
        from render.fonts import font_installed

        # the script may be right and the machine incomplete: an environment problem (exit 1)
        for key in ("font", "heading_font", "body_font"):
            family = getattr(brand, key)
            if key != "font" and (family is None or family == brand.font):
                continue
            if font_installed(family):
                continue
            result.environment.append(
                files.doc.problem(
                    (*prefix, key),
                    f"font {family!r} is not installed on this machine",
                    "install it (on Debian, `fc-list : family` lists installed fonts; Noto and DejaVu come with "
                    "fonts-noto-core and fonts-dejavu-core), pick an installed one, or ship the font "
                    "file with `font_file`",
                )
            )
    return result


def check_script_files(data: dict[str, Any], files: Files) -> list[Problem]:
    """The pictures of image scenes, the music and the thumbnail."""
    problems: list[Problem] = []
    scenes = data.get("scenes")
    for i, scene in enumerate(scenes if isinstance(scenes, list) else []):
        image = _text(scene, "file")
        if isinstance(scene, dict) and scene.get("type") == "image" and image is not None:
            problems += check_file(files, ("scenes", i, "file"), image, PICTURE)
    music = _text(data.get("music"), "file")
    if music is not None:
        problems += check_file(files, ("music", "file"), music, MUSIC)
    thumbnail = _text(data.get("publish"), "thumbnail")
    if thumbnail:
        problems += check_file(files, ("publish", "thumbnail"), thumbnail, THUMBNAIL)
    return problems
