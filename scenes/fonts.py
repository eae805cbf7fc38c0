"""Fonts: register a brand font file with Pango, measure text, and say what cannot be drawn.

Manim draws text with Pango; wrapping needs widths *before* building a Manim
`Text` (which is slow). We measure with FreeType through Pillow, using the same
font file Pango would pick (``fc-match``), and keep a safety margin: the final
check is always the built mobject's own bounding box (:mod:`scenes.layout`).

:func:`text_drawing_problem` answers, without Manim, whether Pango can draw every
character of a text: from the brand font, or else from the first font in
fontconfig's fallback order for that family (``fc-match -s``) that has it, which
is the font Pango itself takes. The ``--check`` step and the renderer both ask it,
so a text is refused with the same message in both.
"""

from __future__ import annotations

import bisect
import shutil
import subprocess
import unicodedata
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
            value = float(self._font.getlength(text)) / _MEASURE_SIZE
        else:  # no font file found: a generous average advance
            value = len(text) * (0.62 if self._bold else 0.58)
        self._cache[text] = value
        return value

    def line_height(self) -> float:
        """Ascent + descent in em (the pitch of Pango's lines, without extra leading)."""
        if self._font is None:
            return 1.17
        ascent, descent = self._font.getmetrics()
        return max(float(ascent + descent) / _MEASURE_SIZE, 1.0)


# --- what can be drawn ---------------------------------------------------------------

# Default-ignorable characters that are not format controls (category Cf): Pango draws
# nothing for them. Variation selectors, the combining grapheme joiner, Hangul fillers,
# Mongolian free variation selectors.
_INVISIBLE_EXTRA = frozenset(
    [0x034F, 0x115F, 0x1160, 0x3164, 0xFFA0, *range(0x180B, 0x1810), *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)]
)
_SHOWN_LIMIT = 5  # characters named in one message


def is_invisible(char: str) -> bool:
    """Whether Pango draws nothing for `char` (zero-width space, joiners, bidi marks, soft hyphen...)."""
    return unicodedata.category(char) == "Cf" or ord(char) in _INVISIBLE_EXTRA


def is_visible(char: str) -> bool:
    """Whether `char` should leave ink: not a space, not invisible, not a control character."""
    return not (char.isspace() or is_invisible(char) or unicodedata.category(char) == "Cc")


@dataclass(frozen=True)
class _Coverage:
    """One font in a fallback list: its name, whether its glyphs are outlines, its characters."""

    name: str
    outline: bool
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def has(self, char: str) -> bool:
        code = ord(char)
        i = bisect.bisect_right(self.starts, code) - 1
        return i >= 0 and code <= self.ends[i]


def _coverage(name: str, outline: bool, charset: str) -> _Coverage:
    starts: list[int] = []
    ends: list[int] = []
    for part in charset.split():
        low, _, high = part.partition("-")
        try:
            starts.append(int(low, 16))
            ends.append(int(high or low, 16))
        except ValueError:
            continue
    return _Coverage(name, outline, tuple(starts), tuple(ends))


def _fc_lines(*args: str) -> list[list[str]]:
    exe = shutil.which(args[0])
    if not exe:
        return []
    try:
        out = subprocess.run([exe, *args[1:]], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return []
    return (
        [line.split("\t") for line in out.stdout.splitlines() if line.count("\t") == 3] if out.returncode == 0 else []
    )


_FC_FORMAT = "%{family[0]}\t%{color}\t%{outline}\t%{charset}\n"


@cache
def _fallback_fonts(family: str, file: str | None) -> tuple[_Coverage, ...] | None:
    """The fonts Pango tries for `family`, in order (the brand's own file first); None without fontconfig."""
    rows = _fc_lines("fc-match", "-s", "--format", _FC_FORMAT, family)
    if file:
        rows = _fc_lines("fc-query", "--format", _FC_FORMAT, file)[:1] + rows
    if not rows:
        return None
    # a colour font's glyphs are bitmaps: Cairo's SVG output embeds them as images, which Manim drops
    return tuple(
        _coverage(name, color != "True" and outline != "False", charset) for name, color, outline, charset in rows
    )


def _describe(chars: list[str]) -> str:
    def one(char: str) -> str:
        code = f"U+{ord(char):04X}" + (f" {unicodedata.name(char)}" if unicodedata.name(char, "") else "")
        # an invisible or private character quoted as itself would show nothing useful
        return f"'{char}' ({code})" if char.isprintable() else code

    shown = ", ".join(one(c) for c in chars[:_SHOWN_LIMIT])
    more = len(chars) - _SHOWN_LIMIT
    return shown + (f" and {more} more" if more > 0 else "")


def _debian_package(char: str) -> str | None:
    """The Debian package of outline fonts that has `char`, by Unicode block (None: no font would)."""
    code = ord(char)
    if unicodedata.category(char) in ("Co", "Cn", "Cs"):  # private use, unassigned, surrogate
        return None
    cjk = (
        (0x1100, 0x11FF),
        (0x2E80, 0x2FDF),
        (0x3000, 0x9FFF),
        (0xA960, 0xA97F),
        (0xAC00, 0xD7FF),
        (0xF900, 0xFAFF),
        (0xFE30, 0xFE4F),
        (0xFF00, 0xFFEF),
        (0x20000, 0x3FFFF),
    )
    if any(low <= code <= high for low, high in cjk):
        return "fonts-noto-cjk"
    symbols = ((0x2190, 0x2BFF), (0x1F000, 0x1FBFF))  # arrows, dingbats, emoji (as outlines)
    if any(low <= code <= high for low, high in symbols):
        return "fonts-symbola"
    return "fonts-noto-extra"


def _it(chars: list[str]) -> str:
    return "it" if len(chars) == 1 else "them"


def _s(chars: list[str]) -> str:
    return "" if len(chars) == 1 else "s"


def text_drawing_problem(text: str, family: str, file: str | None = None) -> str | None:
    """Why `text` cannot be drawn in `family` (or its fallbacks), or None when it can.

    Cheap (no Manim; fontconfig's answers are cached). A character can be drawn when
    `family` (or its font `file`) has it, or when the first fallback font that has it
    is an outline font: Pango then draws it from that font. The message names the
    characters and what to do; it has no field path (the caller adds it). Blank text
    is not a problem (nothing is shown); text made only of invisible characters is.
    """
    return _drawing_problem(text, family, file)


@lru_cache(maxsize=4096)
def _drawing_problem(text: str, family: str, file: str | None) -> str | None:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n"))
    chars = list(dict.fromkeys(text))
    controls = [c for c in chars if unicodedata.category(c) == "Cc" and c not in "\n\t"]
    if controls:
        listed = ", ".join(f"U+{ord(c):04X}" for c in controls[:_SHOWN_LIMIT])
        return f"cannot show the control character{_s(controls)} {listed}; remove {_it(controls)}"
    visible = [c for c in chars if is_visible(c)]
    if not visible:
        hidden = [c for c in chars if is_invisible(c)]
        if not hidden:
            return None
        return f"nothing to show: only invisible characters ({_describe(hidden)}); write the text or remove the field"
    fonts = _fallback_fonts(family, file)
    if fonts is None:  # no fontconfig to ask: let Pango try
        return None
    missing: list[str] = []
    bitmap: dict[str, list[str]] = {}
    for char in visible:
        first = next((font for font in fonts if font.has(char)), None)
        if first is None:
            missing.append(char)
        elif not first.outline:
            bitmap.setdefault(first.name, []).append(char)
    problems = ([_missing_message(missing, family)] if missing else []) + [
        _bitmap_message(chars_of_font, name) for name, chars_of_font in bitmap.items()
    ]
    return "; ".join(problems) or None


def _missing_message(missing: list[str], family: str) -> str:
    it = _it(missing)
    packages = " or ".join(sorted({p for p in map(_debian_package, missing) if p}))
    if packages:
        todo = f"remove {it} or install a font that has {it} (Debian package {packages})"
    else:
        todo = f"remove {it}: no font has private-use or unassigned characters"
    return (
        f"cannot draw {_describe(missing)}: no installed font has {it} (neither {family} nor a fallback), "
        f"so {'it would show as a box' if len(missing) == 1 else 'they would show as boxes'}; {todo}"
    )


def _bitmap_message(chars: list[str], font: str) -> str:
    it = _it(chars)
    return (
        f"cannot draw {_describe(chars)}: only {font} has {it}, a colour bitmap font that cannot be drawn "
        f"as outlines; remove {it} or install an outline font that has {it} (Debian package fonts-symbola)"
    )
