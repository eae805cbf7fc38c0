"""The designed thumbnail: one frame drawn by Manim, saved as a PNG at YouTube's size.

A thumbnail is read at 320×180 in a list of videos, in a second: a few words in large type,
high contrast, one face. The design has three parts, always in the brand's colours:

- a **colour block** in the brand's primary colour, with a slanted edge in the secondary
  colour, holding the words in the heading font (bold, as large as fits, lines evened out) and
  the accent bar under them;
- a **panel** of the brand's background beside it (16:9) or under it (9:16, 1:1) showing the
  first cast member, happy and waving towards the words, in front of a disc of a brand colour
  that differs from its clothes, with the logo on a small card of the brand's background in
  the block's corner (in 1:1, beside the character); without a cast, the logo large; without
  either, the block takes the whole frame;
- nothing else: no subtitle, no legal band, no frame grab.

The words' colour is whichever of the brand's background, its text colour, white or black reads
best on the block (WCAG contrast at least 4.5 when one does). Text, logo and character are
drawn by the same code as the video (:mod:`scenes.layout`, :mod:`scenes.pictures`,
:mod:`scenes.cartoon`), so the thumbnail looks like the video it sells.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from contract.errors import ToolkitError
from contract.scene_errors import SceneRenderFailure, TextDoesNotFit
from contract.script import THUMBNAIL_WORDS, word_count
from scenes.fonts import FontSpec, brand_font
from scenes.layout import Box, Frame, TextBox, fit_layout, fit_text
from scenes.legal import MIN_CONTRAST, contrast_ratio, mix

if TYPE_CHECKING:
    from manim import Mobject

    from contract.job import ThumbnailJob

MAX_BYTES = 2 * 1024 * 1024  # YouTube refuses a larger thumbnail
# sizes are px at 1080 on the short side (layout.Frame.px), like the video's
TEXT_PX = 200  # the words' largest em size...
TEXT_MIN_PX = 76  # ...and the smallest: 7 % of the short side (13 px at 320×180)
MARGIN_PX = 80
BLOCK_SHARE = 0.60  # of the width the colour block takes in 16:9
STACKED_WORDS_SHARE = 0.62  # of the height the words may take in 9:16 and 1:1 (the rest: the character)
STACKED_BLOCK_MIN = 0.34  # of the height the block takes at least there
SLANT = 0.06  # how far the block's edge leans, as a share of the frame's width (16:9) or height
EDGE_PX = 16  # the secondary-colour stripe along the block's edge
FEWER_LINES = 0.85  # one line less is worth this much of the largest size


@dataclass(frozen=True)
class Parts:
    """What a thumbnail shows besides its words: the logo card, and who or what is in the panel."""

    card: Mobject | None  # the small logo card in the block's corner (16:9, 9:16 with a character)
    panel: str | None  # "character", "logo" or None (the block takes the whole frame)
    logo_beside: bool = False  # 1:1: the logo stands in the panel, left of the character


def words_colour(fill: str, brand: Any) -> str:
    """The colour of the words on `fill`: the first of the brand's background, its text colour,
    white and black that passes WCAG's 4.5:1, else the one that reads best."""
    candidates = (brand.background, brand.text, "#FFFFFF", "#000000")
    for colour in candidates:
        if contrast_ratio(fill, colour) >= MIN_CONTRAST:
            return str(colour)
    return str(max(candidates, key=lambda c: contrast_ratio(fill, c)))


def _distance(a: str, b: str) -> float:
    pa = [int(a[i : i + 2], 16) for i in (1, 3, 5)]
    pb = [int(b[i : i + 2], 16) for i in (1, 3, 5)]
    return float(sum((x - y) ** 2 for x, y in zip(pa, pb, strict=True)) ** 0.5)


def disc_colour(brand: Any, clothes: str, hair: str) -> str:
    """The disc behind the character: the secondary colour, unless the clothes or hair would melt into it."""
    for colour in (
        brand.secondary,
        mix(brand.background, brand.primary, 0.22),
        mix(brand.background, brand.text, 0.12),
    ):
        if _distance(colour, clothes) > 90 and _distance(colour, hair) > 60:
            return str(colour)
    return str(mix(brand.background, brand.text, 0.12))


def _polygon(points: list[tuple[float, float]], colour: str) -> Mobject:
    from manim import Polygon

    shape = Polygon(*[(x, y, 0.0) for x, y in points], fill_color=colour, fill_opacity=1.0)
    return shape.set_stroke(width=0)


def _disc(radius: float, colour: str, x: float, y: float) -> Mobject:
    from manim import Circle

    disc = Circle(radius=radius, fill_color=colour).set_fill(opacity=1.0).set_stroke(width=0)
    return disc.move_to((x, y, 0.0))


def _logo_card(job: ThumbnailJob, frame: Frame) -> Mobject | None:
    """The logo on a rounded card of the brand's background, in the block's top-left corner."""
    from manim import Group, RoundedRectangle

    from scenes.drawing import place
    from scenes.pictures import fit_picture

    if not job.brand.logo:
        return None
    pad = frame.px(22)
    height = frame.px(170 if frame.orientation == "landscape" else 190)
    logo = fit_picture(Path(job.brand.logo), "brand.logo", frame.width * 0.3, height - 2 * pad, job.height / 8.0, 1.0)
    card = RoundedRectangle(
        width=logo.width + 2 * pad,
        height=logo.height + 2 * pad,
        corner_radius=frame.px(24),
        fill_color=job.brand.background,
        fill_opacity=1.0,
        stroke_width=0,
    )
    logo.move_to(card)
    group = Group(card, logo)
    margin = frame.px(MARGIN_PX * 0.75)
    place(group, left=-frame.width / 2 + margin, top=frame.height / 2 - margin)
    return group


def _words(job: ThumbnailJob, box: Box, colour: str, frame: Frame, *, top: bool) -> Mobject:
    """The words as large as they fit `box` (lines evened out) with the accent bar under them,
    at the box's left, centred in it (or at its `top`)."""
    from manim import DOWN, LEFT, VGroup

    from scenes.drawing import pill, place

    brand = job.brand
    font = FontSpec(brand.heading_font) if brand.heading_font else brand_font(brand.font, brand.font_file)
    bar_room = frame.px(80)
    text_box = TextBox(box.width, box.height - bar_room, frame.px(TEXT_PX), frame.px(TEXT_MIN_PX), balance=True)
    text_box = _fewer_lines(job.text, font, text_box)
    try:
        words = fit_text(job.text, font, colour, text_box, job.field_path, bold=True)
    except TextDoesNotFit:
        raise TextDoesNotFit(
            job.field_path,
            f"too long for the thumbnail's large type ({word_count(job.text)} words)",
            hint=f"set `publish.thumbnail_text` to the few words that matter ({THUMBNAIL_WORDS} at most read best)",
        ) from None
    bar = pill(frame.px(230), frame.px(24), brand.secondary)
    bar.next_to(words, DOWN, buff=frame.px(44)).align_to(words, LEFT)
    group = VGroup(words, bar)
    if top:
        place(group, left=box.left, top=box.top)
    else:
        place(group, left=box.left, y=box.y)
    return group


def _fewer_lines(text: str, font: FontSpec, box: TextBox) -> TextBox:
    """`box`, told to use fewer lines when that costs little size ("Talk to us / by chat" reads
    better than "Talk to / us by / chat" a little larger), or the author's own lines (estimated
    without drawing)."""
    best = fit_layout(text, font, box, bold=True, balance=True)
    if best is None:
        return box
    if "\n" in text.strip():  # the author's lines: smaller type rather than other breaks, if it fits
        own = replace(box, max_lines=len(text.strip().splitlines()))
        return own if fit_layout(text, font, own, bold=True, balance=True) is not None else box
    for count in range(1, len(best.lines)):
        fewer = replace(box, max_lines=count)
        fit = fit_layout(text, font, fewer, bold=True, balance=True)
        if fit is not None and fit.em >= FEWER_LINES * best.em:
            return fewer
    return box


def _character(job: ThumbnailJob, area: Box, flip: bool, frame: Frame, sink: float = 0.0) -> list[Mobject]:
    """The first cast member, happy and waving, as large as fits `area`, standing on its bottom
    edge (a bust is cut by the frame; `sink`: this share of the drawing's height below the
    edge, for a larger face), in front of a disc of a colour its clothes do not share."""
    import cairosvg
    from PIL import Image

    from scenes.camera import FastImage
    from scenes.cartoon import Palette, Pose, character_svg, make_character

    look = job.look
    assert job.character is not None and look is not None
    character = make_character(
        job.character, look.style, look.clothes, look.skin, look.hair, look.look, palette=Palette.from_brand(job.brand)
    )
    svg = character_svg(character, Pose(expression="happy", gesture="wave", flip=flip)).encode("utf-8")

    def draw(side_px: int) -> Any:
        png = cairosvg.svg2png(bytestring=svg, output_width=side_px, output_height=side_px)
        return Image.open(io.BytesIO(png)).convert("RGBA")

    probe = 200  # where the drawing is in its square canvas (fractions), from a small draft
    x0, y0, x1, y1 = draw(probe).getchannel("A").getbbox() or (0, 0, probe, probe)
    seen_w, seen_h = (x1 - x0) / probe, (y1 - y0) / probe
    side = min(area.width / seen_w, area.height / (seen_h * (1 - sink))) * 0.94  # the canvas's side, in units
    image = draw(max(1, round(side * job.height / frame.height)))
    picture = FastImage(np.asarray(image))
    picture.set_resampling_algorithm(Image.Resampling.BILINEAR)
    picture.height = side
    # the drawing's own box centred in the area, its bottom on the area's bottom
    left = area.x - side * (x0 + x1) / (2 * probe)
    bottom = area.bottom - side * (1 - y1 / probe) - side * seen_h * sink
    picture.move_to((left + side / 2, bottom + side / 2, 0.0))
    disc = _disc(
        side * 0.43, disc_colour(job.brand, character.clothes, character.hair), left + side / 2, bottom + side * 0.55
    )
    return [disc, picture]


def _panel_logo(job: ThumbnailJob, area: Box) -> Mobject:
    from scenes.pictures import fit_picture

    assert job.brand.logo
    logo = fit_picture(Path(job.brand.logo), "brand.logo", area.width * 0.7, area.height * 0.6, job.height / 8.0, 1.0)
    return logo.move_to((area.x, area.y, 0.0))


def _panel(job: ThumbnailJob, parts: Parts, area: Box, flip: bool, frame: Frame) -> list[Mobject]:
    from scenes.drawing import place
    from scenes.pictures import fit_picture

    if parts.panel != "character":
        return [_panel_logo(job, area)]
    sink = {"landscape": 0.0, "square": 0.06}.get(frame.orientation, 0.16)  # a larger face where room is short
    if not parts.logo_beside or not job.brand.logo:
        return _character(job, area, flip, frame, sink)
    # the logo in the panel's bottom-left corner (on the brand's background: no card), the character right of it
    split = area.left + area.width * 0.34
    logo = fit_picture(
        Path(job.brand.logo),
        "brand.logo",
        split - area.left - frame.px(30),
        min(area.height * 0.55, frame.px(230)),
        job.height / 8.0,
        1.0,
    )
    place(logo, left=area.left, bottom=area.bottom + frame.px(MARGIN_PX) * 0.75)
    return [*_character(job, Box(split, area.right, area.top, area.bottom), True, frame, sink), logo]


def _full_block(job: ThumbnailJob, frame: Frame, colour: str, room: float) -> list[Mobject]:
    """No cast, no logo: the block is the frame, two discs in a corner give it some life."""
    w, h = frame.width, frame.height
    left, right, top, bottom = -w / 2, w / 2, h / 2, -h / 2
    margin = frame.px(MARGIN_PX) * 1.2
    if frame.orientation == "landscape":
        box = Box(left + margin, right - w * 0.26, top - margin - room, bottom + margin)
    else:
        box = Box(left + margin, right - margin, top - margin - room, bottom + h * 0.3)
    brand = job.brand
    big, small = min(w, h) * 0.42, min(w, h) * 0.2
    return [
        _polygon([(left, top), (right, top), (right, bottom), (left, bottom)], brand.primary),
        _disc(small, mix(brand.primary, brand.background, 0.18), right - big * 1.55, bottom + small * 0.3),
        _disc(big, brand.secondary, right - frame.px(40), bottom - frame.px(60)),
        _words(job, box, colour, frame, top=False),
    ]


def _beside(job: ThumbnailJob, parts: Parts, frame: Frame, colour: str, room: float) -> list[Mobject]:
    """16:9: the block on the left with the words, its edge leaning, the panel on the right."""
    w, h = frame.width, frame.height
    left, right, top, bottom = -w / 2, w / 2, h / 2, -h / 2
    margin, edge = frame.px(MARGIN_PX), frame.px(EDGE_PX)
    at_top, at_bottom = left + w * BLOCK_SHARE, left + w * (BLOCK_SHARE - SLANT)
    words = Box(left + margin, at_bottom - margin * 0.6, top - margin - room, bottom + margin)
    area = Box((at_top + at_bottom) / 2 + frame.px(40), right - frame.px(60), top - frame.px(90), bottom)
    return [
        *_panel(job, parts, area, True, frame),  # under the block: the block's edge stays straight
        _polygon([(left, top), (at_top, top), (at_bottom, bottom), (left, bottom)], job.brand.primary),
        _polygon(
            [(at_top, top), (at_top + edge, top), (at_bottom + edge, bottom), (at_bottom, bottom)], job.brand.secondary
        ),
        _words(job, words, colour, frame, top=False),
    ]


def _stacked(job: ThumbnailJob, parts: Parts, frame: Frame, colour: str, room: float) -> list[Mobject]:
    """9:16 and 1:1: the words at the top of the block, the block just below them, the panel under it."""
    w, h = frame.width, frame.height
    left, right, top, bottom = -w / 2, w / 2, h / 2, -h / 2
    margin, edge = frame.px(MARGIN_PX), frame.px(EDGE_PX)
    box = Box(left + margin, right - margin, top - margin - room, top - h * STACKED_WORDS_SHARE)
    words = _words(job, box, colour, frame, top=True)
    middle = min(words.get_bottom()[1] - margin, top - h * STACKED_BLOCK_MIN)
    lean = h * SLANT / 2
    at_left, at_right = middle - lean, middle + lean
    area = Box(left + margin, right - margin, at_left - frame.px(40), bottom)
    return [
        *_panel(job, parts, area, False, frame),
        _polygon([(left, top), (right, top), (right, at_right), (left, at_left)], job.brand.primary),
        _polygon(
            [(left, at_left), (right, at_right), (right, at_right - edge), (left, at_left - edge)], job.brand.secondary
        ),
        words,
    ]


def design(job: ThumbnailJob) -> list[Mobject]:
    """Every mobject of the thumbnail, back to front (Manim's config must already be set)."""
    from manim import Rectangle

    frame = Frame(job.width, job.height)
    brand = job.brand
    has_cast = job.character is not None and job.look is not None
    square = frame.orientation == "square"
    # with a character in the panel, the logo goes on a card in the corner (in 1:1, where the
    # words need the height, beside the character); without one, the logo is the panel
    card = _logo_card(job, frame) if has_cast and not square else None
    parts = Parts(card, "character" if has_cast else "logo" if brand.logo else None, logo_beside=square)
    room = card.height + frame.px(30) if card is not None else 0.0
    colour = words_colour(brand.primary, brand)
    back = Rectangle(width=frame.width, height=frame.height, fill_color=brand.background, fill_opacity=1.0)
    mobs: list[Mobject] = [back.set_stroke(width=0)]
    if parts.panel is None:
        mobs += _full_block(job, frame, colour, room)
    elif frame.orientation == "landscape":
        mobs += _beside(job, parts, frame, colour, room)
    else:
        mobs += _stacked(job, parts, frame, colour, room)
    if card is not None:
        mobs.append(card)
    return mobs


def save_png(image: Any, out_path: Path) -> None:
    """PNG under YouTube's 2 MB: as drawn, else with a 256-colour palette (flat colours survive it)."""
    from PIL import Image

    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    if buffer.tell() > MAX_BYTES:
        buffer = io.BytesIO()
        image.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
            buffer, "PNG", optimize=True
        )
    out_path.write_bytes(buffer.getvalue())


def render_thumbnail(job: ThumbnailJob, out_path: Path) -> None:
    """Draw `job` as an RGB PNG of job.width × job.height at `out_path` (at most 2 MB).

    On failure no file is left, and the error is re-raised (toolkit errors as they are,
    anything else as SceneRenderFailure).
    """
    from PIL import Image

    from scenes._render import _MEDIA_PREFIX, _sweep_stale_media_dirs, configure_frame
    from scenes.camera import BrandCamera

    out_path = Path(out_path)
    _sweep_stale_media_dirs()
    media_dir = tempfile.mkdtemp(prefix=f"{_MEDIA_PREFIX}{os.getpid()}-")
    try:
        configure_frame(job.width, job.height, 1, job.brand.background, media_dir)
        camera = BrandCamera()
        camera.capture_mobjects(design(job))
        save_png(Image.fromarray(np.ascontiguousarray(camera.pixel_array[..., :3], dtype=np.uint8)), out_path)
    except ToolkitError:
        out_path.unlink(missing_ok=True)
        raise
    except BaseException as error:
        out_path.unlink(missing_ok=True)
        if isinstance(error, KeyboardInterrupt | SystemExit | MemoryError):
            raise
        raise SceneRenderFailure(f"thumbnail: rendering failed: {type(error).__name__}: {error}") from error
    finally:
        shutil.rmtree(media_dir, ignore_errors=True)


__all__ = ["MAX_BYTES", "design", "disc_colour", "render_thumbnail", "save_png", "words_colour"]
