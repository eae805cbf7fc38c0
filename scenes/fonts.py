"""Fonts: register a brand font file with Pango, and measure text for line wrapping.

Manim draws text with Pango; wrapping needs widths *before* building a Manim
`Text` (which is slow). We measure with FreeType through Pillow, using the same
font file Pango would pick (``fc-match``), and keep a safety margin: the final
check is always the built mobject's own bounding box (:mod:`scenes.layout`).
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

_MEASURE_SIZE = 1000  # FreeType size used for measuring; widths are returned in em


@dataclass(frozen=True)
class FontSpec:
    """A font family to draw with, plus the file used to measure it."""

    family: str
    file: str | None = None  # the brand's own font file, when given

    def measure_file(self, bold: bool = False, italic: bool = False) -> str | None:
        if self.file:
            return self.file
        return _fc_match(self.family, bold, italic)


_registered: dict[str, str] = {}


def register_font_file(path: str | Path) -> str:
    """Make a TTF/OTF file usable by Pango in this process; return its family name."""
    key = str(Path(path).resolve())
    if key in _registered:
        return _registered[key]
    family = font_family(key)
    import manimpango

    manimpango.register_font(key)
    _registered[key] = family
    return family


@lru_cache(maxsize=64)
def font_family(path: str) -> str:
    """The family name stored in a font file (what Pango/fontconfig call it)."""
    from PIL import ImageFont

    return ImageFont.truetype(path, 12).getname()[0] or Path(path).stem


def brand_font(font: str, font_file: str | None) -> FontSpec:
    """The font to use for a brand: its own file when given, else the named family."""
    if font_file:
        return FontSpec(register_font_file(font_file), str(Path(font_file).resolve()))
    return FontSpec(font)


@cache
def _fc_match(family: str, bold: bool, italic: bool) -> str | None:
    exe = shutil.which("fc-match")
    if not exe:
        return None
    pattern = family + (":weight=bold" if bold else "") + (":slant=italic" if italic else "")
    try:
        out = subprocess.run([exe, "-f", "%{file}", pattern], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    path = out.stdout.strip()
    return path if out.returncode == 0 and path and Path(path).is_file() else None


@lru_cache(maxsize=32)
def _freetype(path: str | None):  # type: ignore[no-untyped-def]
    from PIL import ImageFont

    if path is None:
        return None
    try:
        return ImageFont.truetype(path, _MEASURE_SIZE)
    except OSError:
        return None


class Measure:
    """Widths of strings in em (1 em = the font size) for one font and style."""

    def __init__(self, spec: FontSpec, bold: bool = False, italic: bool = False) -> None:
        self._font = _freetype(spec.measure_file(bold, italic))
        self._bold = bold
        self._cache: dict[str, float] = {}

    def width(self, text: str) -> float:
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        if self._font is not None:
            value = self._font.getlength(text) / _MEASURE_SIZE
        else:  # no font file found: a generous average advance
            value = len(text) * (0.62 if self._bold else 0.58)
        self._cache[text] = value
        return value

    def line_height(self) -> float:
        """Ascent + descent in em (the pitch of Pango's lines, without extra leading)."""
        if self._font is None:
            return 1.17
        ascent, descent = self._font.getmetrics()
        return max((ascent + descent) / _MEASURE_SIZE, 1.0)
