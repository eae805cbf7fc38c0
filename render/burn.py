"""Burned-in captions: the final cues drawn into the picture by libass, for feeds that play muted.

The cues are the sidecar captions' own (render/captions.py), so both say the same words at
the same times. They are written as an ASS script in pixel units of the video and drawn by
ffmpeg's ``ass`` filter in the brand's body font, each line on an opaque box in the colours
`caption_colours` gives (their contrast is checked with the brand's). They sit at the
bottom of the safe area; in 9:16 higher, clear of the Shorts player's title and buttons;
and above a scene's legal band when it has one.
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from contract.script import Brand
from render.assemble import run_ffmpeg
from render.captions import Cue, wrap
from render.planning import FINAL_CRF, FINAL_PRESET
from scenes.contrast import CAPTION_PX, caption_colours  # CAPTION_PX: px at 1080 in 16:9 and 1:1
from scenes.encoding import x264_args
from scenes.fonts import FontSpec, Measure, brand_font, font_family
from scenes.layout import MARGIN, PORTRAIT_RIGHT_FREE
from scenes.legal import LEGAL_TEXT_PX

PORTRAIT_CAPTION_PX = 46  # 9:16 is 1080 wide: 42 characters must still fit a line
PORTRAIT_BOTTOM = 0.24  # of the height: the Shorts title, channel and music line sit below
ASS_NAME = "captions.ass"
BURN_VERSION = "4"  # in the render key: bump when the drawn captions change
BOX_PAD_EM = 0.8  # the box's margin around the words, in em of the caption type
LEGAL_GAP_PX = 24


@dataclass(frozen=True)
class CaptionLook:
    """Where and how the captions are drawn, in pixels of the video."""

    width: int
    height: int
    family: str
    font_file: str | None  # the brand's own font file, handed to libass
    size: float
    pad: float
    margin_left: int
    margin_right: int
    margin_bottom: int
    text: str  # "#RRGGBB"
    box: str


def caption_look(width: int, height: int, brand: Brand, cues: Sequence[Cue]) -> CaptionLook:
    """The captions' size and place for this frame; the size shrinks until every line fits."""
    scale = min(width, height) / 1080
    portrait = height > width
    body = _body_font(brand)
    margin_left = round(MARGIN * width)
    margin_right = round((PORTRAIT_RIGHT_FREE if portrait else MARGIN) * width)
    margin_bottom = round((PORTRAIT_BOTTOM if portrait else MARGIN) * height)
    size = (PORTRAIT_CAPTION_PX if portrait else CAPTION_PX) * scale
    room = width - margin_left - margin_right
    measure = Measure(body)
    widest = max((measure.width(line) for cue in cues for line in wrap(cue.text).split("\n")), default=0.0)
    if (widest + 2 * BOX_PAD_EM) * size > room:
        size = room / (widest + 2 * BOX_PAD_EM)
    pad = BOX_PAD_EM * size
    text, box = caption_colours(brand)
    return CaptionLook(
        width, height, body.family, body.file, size, pad, margin_left, margin_right, margin_bottom, text, box
    )


def _body_font(brand: Brand) -> FontSpec:
    if brand.body_font:
        return FontSpec(brand.body_font)
    if brand.font_file:  # the family name libass must ask for is the one in the file
        return FontSpec(font_family(str(Path(brand.font_file).resolve())), str(Path(brand.font_file).resolve()))
    return brand_font(brand.font, None)


def legal_lift(legal: Sequence[str], look: CaptionLook) -> int:
    """How far above the bottom margin a scene's legal band reaches (an estimate from its text)."""
    if not legal:
        return 0
    scale = min(look.width, look.height) / 1080
    portrait = look.height > look.width
    em = LEGAL_TEXT_PX * scale * (1.15 if portrait else 1.0)
    band_width = look.width * (1 - MARGIN - (PORTRAIT_RIGHT_FREE if portrait else MARGIN))
    lines = sum(max(1, math.ceil(len(text) * 0.55 * em / band_width)) for text in legal)
    band = lines * em * 1.3 + 2 * 18 * scale
    # in 16:9 the band lies on the frame's bottom edge, below the margin; in 9:16 on the safe bottom
    start = 0 if portrait else -MARGIN * look.height
    return max(0, round(start + band + LEGAL_GAP_PX * scale))


def to_ass(cues: Sequence[Cue], look: CaptionLook, lifts: Sequence[int] | None = None) -> str:
    """An ASS script: each cue's lines centred on one rounded box; `lifts` raise single cues.

    The box is drawn as a shape under the text (libass's own per-line boxes have ragged
    edges), sized from the same font's metrics the text is set in.
    """
    measure = Measure(FontSpec(look.family, look.font_file))
    pitch = measure.line_height() * look.size
    # an ASS font size is the font's line height (ascent + descent), not its em
    header = "\n".join(
        [
            "[Script Info]",
            "ScriptType: v4.00+",
            f"PlayResX: {look.width}",
            f"PlayResY: {look.height}",
            "WrapStyle: 2",  # our lines are already broken; never let libass re-wrap them
            "ScaledBorderAndShadow: yes",
            "YCbCr Matrix: TV.709",
            "",
            "[V4+ Styles]",
            "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, "
            "Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, "
            "Alignment, MarginL, MarginR, MarginV, Encoding",
            _style("Caption", look.family, pitch, look.text),
            _style("Box", look.family, pitch, look.box),
            "",
            "[Events]",
            "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
        ]
    )
    centre = round((look.margin_left + look.width - look.margin_right) / 2)
    events = []
    for k, cue in enumerate(cues):
        lines = wrap(cue.text).split("\n")
        bottom = look.height - look.margin_bottom - (lifts[k] if lifts else 0)
        box_w = max(measure.width(line) for line in lines) * look.size + 2 * look.pad
        box_h = len(lines) * pitch + look.pad * 0.6  # the line pitch already holds some room above and below
        start, end = _ass_time(cue.start), _ass_time(cue.end)
        left, top = centre - box_w / 2, bottom - box_h
        shape = _rounded_rectangle(box_w, box_h, min(look.size * 0.35, box_h / 4))
        events.append(f"Dialogue: 0,{start},{end},Box,,0,0,0,,{{\\an7\\pos({left:.1f},{top:.1f})\\p1}}{shape}")
        text = "\\N".join(_ass_escape(line) for line in lines)
        events.append(
            f"Dialogue: 1,{start},{end},Caption,,0,0,0,,{{\\an2\\pos({centre},{bottom - look.pad * 0.3:.1f})}}{text}"
        )
    return header + "\n" + "\n".join(events) + "\n"


def _style(name: str, family: str, size: float, colour: str) -> str:
    c = _ass_colour(colour)
    # no outline, no shadow: the box behind gives the contrast
    return f"Style: {name},{family},{size:.1f},{c},{c},{c},{c},0,0,0,0,100,100,0,0,1,0,0,2,0,0,0,1"


def _rounded_rectangle(w: float, h: float, r: float) -> str:
    """ASS drawing commands for a w x h rectangle with corners of radius r, from (0, 0)."""
    k = r * 0.45  # control-point inset that makes a Bezier look like a quarter circle
    return (
        f"m {r:.1f} 0 l {w - r:.1f} 0 b {w - k:.1f} 0 {w:.1f} {k:.1f} {w:.1f} {r:.1f} "
        f"l {w:.1f} {h - r:.1f} b {w:.1f} {h - k:.1f} {w - k:.1f} {h:.1f} {w - r:.1f} {h:.1f} "
        f"l {r:.1f} {h:.1f} b {k:.1f} {h:.1f} 0 {h - k:.1f} 0 {h - r:.1f} "
        f"l 0 {r:.1f} b 0 {k:.1f} {k:.1f} 0 {r:.1f} 0"
    )


def burn_captions(
    video: Path, out: Path, work: Path, cues: Sequence[Cue], look: CaptionLook, lifts: Sequence[int], fps: int
) -> None:
    """Re-encode `video` into `out` with the cues drawn in (the sound is copied as it is).

    ffmpeg runs in `work`, where the ASS file and the brand's font sit under plain names, so no
    path of the user's needs filter-graph quoting.
    """
    (work / ASS_NAME).write_text(to_ass(cues, look, lifts), encoding="utf-8")
    graph = f"ass=filename={ASS_NAME}"
    if look.font_file:
        fonts = work / "fonts"
        fonts.mkdir(exist_ok=True)
        shutil.copyfile(look.font_file, fonts / Path(look.font_file).name)
        graph += ":fontsdir=fonts"
    encode = [a for a in x264_args(look.width, look.height, fps, FINAL_PRESET, FINAL_CRF) if a != "-an"]
    run_ffmpeg(
        ["-i", str(video.resolve()), "-vf", graph, *encode, "-c:a", "copy", "-f", "mp4", str(out.resolve())],
        "drawing the captions into the picture",
        cwd=work,
    )


def _ass_colour(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"&H00{b:02X}{g:02X}{r:02X}"


def _ass_time(seconds: float) -> str:
    cs = max(0, round(seconds * 100))
    h, rest = divmod(cs, 360_000)
    m, rest = divmod(rest, 6000)
    s, cs = divmod(rest, 100)
    return f"{h}:{m:02d}:{s:02d}.{cs:02d}"


def _ass_escape(line: str) -> str:
    # braces open override blocks and a backslash starts a tag: show them as the characters they are
    return line.replace("\\", "\u29f5").replace("{", "\\{").replace("}", "\\}")
