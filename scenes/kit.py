"""What a scene type builds with: :class:`Kit` (the job, frame geometry, brand, and helpers).

A builder lays its content out inside :attr:`Kit.content`, a :class:`~scenes.layout.Box`:
the frame's safe area (clear of the Shorts overlays in 9:16), less the legal band and the
corner logo. A later stage (a character beside the content) may hand the kit a narrower box.

Texts go through :func:`scenes.layout.fit_text` (wrapped, shrunk, or refused with
the field's path), icons are Font Awesome SVGs, pictures and the logo are fitted
bitmaps (:mod:`scenes.pictures`); :meth:`Kit.heading` and :meth:`Kit.decorations`
are the brand's recurring marks. What a builder passes to :meth:`Kit.open_with` is the
opening picture: on screen from the first frame (it comes in with the entrance).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict, Unpack

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, FadeIn, Mobject, RoundedRectangle, SVGMobject, VGroup, VMobject

from contract.scene_types.base import type_name
from scenes.beats import Beat
from scenes.drawing import ROLES, pill, place
from scenes.fonts import FontSpec, brand_font
from scenes.icons import find_icon
from scenes.layout import MIN_TEXT_PX, Align, Box, Frame, TextBox, fit_text, lighten
from scenes.legal import LEGAL_MIN_PX, LEGAL_TEXT_PX, band_colours
from scenes.pictures import fit_picture

if TYPE_CHECKING:
    from manim import Text

    from contract.job import SceneJob
    from scenes.base import BrandScene


class TextOptions(TypedDict, total=False):
    """How :meth:`Kit.text` draws a text, beyond its role's size and weight."""

    colour: str | None  # default: the brand's text colour
    align: Align
    italic: bool
    size: float | None  # em in scene units; default: the role's size
    max_lines: int | None
    bold: bool | None  # default: the role's weight


HEADING_ROLES = frozenset({"display", "heading", "subheading", "number"})  # drawn in `brand.heading_font`
PORTRAIT_TYPE = 1.15  # 9:16 is watched full screen on a phone: type a little larger
LOGO_SCENES = frozenset({"title", "closing"})  # they show the logo large, never in a corner


class Kit:
    """What a scene type builds with: the job, frame geometry, brand, and text/icon/logo helpers."""

    def __init__(self, job: SceneJob, scene: BrandScene, content: Box | None = None) -> None:
        self.job = job
        self.scene = scene
        self.frame = Frame(job.width, job.height)
        self.brand = job.brand
        self.font: FontSpec = brand_font(job.brand.font, job.brand.font_file)
        self.body_font = self._font(job.brand.body_font)
        self.heading_font = self._font(job.brand.heading_font)
        self.path = job.field_path
        self.opening: list[Mobject] = []  # on screen from the first frame, in with the entrance
        self.fixed: list[Mobject] = []  # on screen from the first frame to the last (no fade)
        box = self.frame.safe_box
        band = self.legal_band()
        if band is not None:
            self.fixed.append(band)
            box = box.above(band.get_top()[1] + self.px(28))
        logo = self.corner_logo()
        if logo is not None:
            self.fixed.append(logo)
            box = box.below(min(box.top, logo.get_bottom()[1] - self.px(24)))
        self.content: Box = content or box

    def _font(self, family: str | None) -> FontSpec:
        # a role font given by name replaces the brand font (and its file) for that role
        return FontSpec(family) if family else self.font

    def font_for(self, role: str) -> FontSpec:
        """The font a text role is drawn in (headings and numbers, or body text)."""
        return self.heading_font if role in HEADING_ROLES else self.body_font

    def open_with(self, *mobs: Mobject | None) -> None:
        """Show these from the scene's first frame (they come in with the entrance transition)."""
        self.opening += [m for m in mobs if m is not None]

    # --- sizes -------------------------------------------------------------------------

    def px(self, value: float) -> float:
        return self.frame.px(value)

    @property
    def min_text(self) -> float:
        return self.frame.px(MIN_TEXT_PX)

    @property
    def language(self) -> str:
        """The script's language; only for a scene type that declares `draws_language` (its cache key holds it)."""
        if not type(self.job.scene).draws_language:
            raise AssertionError(f"{type(self.job.scene).__name__} reads the language: set draws_language = True")
        return self.job.language

    @property
    def is_french(self) -> bool:
        return self.language.lower().startswith("fr")

    # --- text --------------------------------------------------------------------------

    def text(
        self, text: str, field: str, role: str, max_width: float, max_height: float, **options: Unpack[TextOptions]
    ) -> Text:
        """`text` fitted into a box (scene units); `field` is relative to the scene ("items[1]")."""
        role_bold = ROLES[role][1]
        size = options.get("size")
        bold = options.get("bold")
        box = TextBox(max_width, max_height, size if size is not None else self.role_size(role), self.min_text)
        return fit_text(
            text,
            self.font_for(role),
            options.get("colour") or self.brand.text,
            replace(box, max_lines=options.get("max_lines")),
            self.field(field),
            bold=role_bold if bold is None else bold,
            italic=options.get("italic", False),
            align=options.get("align", "left"),
        )

    def optional_text(
        self,
        text: str | None,
        field: str,
        role: str,
        max_width: float,
        max_height: float,
        **options: Unpack[TextOptions],
    ) -> Text | None:
        """Like :meth:`text`, or None when the field is absent or blank."""
        if not (text and text.strip()):
            return None
        return self.text(text, field, role, max_width, max_height, **options)

    def field(self, field: str) -> str:
        return f"{self.path}.{field}" if field else self.path

    def role_size(self, role: str, scale: float = 1.0) -> float:
        """A role's em size in scene units (larger in 9:16, where the video fills a phone)."""
        portrait = PORTRAIT_TYPE if self.frame.orientation == "portrait" else 1.0
        return self.px(ROLES[role][0] * scale * portrait)

    # --- graphics ----------------------------------------------------------------------

    def icon(self, name: str, field: str, height: float, colour: str) -> VMobject:
        from contract.scene_errors import UnknownIcon

        try:
            path = find_icon(name)
        except UnknownIcon as error:
            raise UnknownIcon(name, error.suggestions, self.field(field)) from None
        mob = SVGMobject(str(path), height=height, fill_color=colour, fill_opacity=1.0, stroke_width=0)
        mob.set_fill(colour, opacity=1.0).set_stroke(width=0)
        return lighten(mob)

    def logo(self, max_width: float, max_height: float) -> Mobject | None:
        """The brand logo scaled into a box, or None when the brand has none."""
        if not self.brand.logo:
            return None
        return self.picture(self.brand.logo, "brand.logo", max_width, max_height, top_level=True)

    def picture(
        self,
        path: str,
        field: str,
        max_width: float,
        max_height: float,
        oversample: float = 1.0,
        top_level: bool = False,
    ) -> Mobject:
        """A PNG/JPEG (downscaled to what the frame shows) or SVG, fitted into a box.

        `field` names the file's field in messages: relative to the scene, or the whole
        path when `top_level` (the brand's logo).
        """
        where = field if top_level else self.field(field)
        pixels_per_unit = self.job.height / self.frame.height
        return fit_picture(Path(path), where, max_width, max_height, pixels_per_unit, oversample)

    def accent_bar(self, width: float | None = None, colour: str | None = None) -> VMobject:
        """The short rounded bar that underlines headings."""
        return pill(width or self.px(120), self.px(9), colour or self.brand.secondary)

    def heading(
        self,
        text: str,
        field: str,
        *,
        max_width: float | None = None,
        max_height: float | None = None,
        align: Align = "left",
    ) -> VGroup:
        """A scene title at the top of the content box, with its accent bar below."""
        box = self.content
        width = max_width or box.width
        height = max_height or box.height * (0.24 if box.orientation != "portrait" else 0.2)
        title = self.text(text, field, "heading", width, height, colour=self.brand.primary, align=align)
        bar = self.accent_bar()
        bar.next_to(title, DOWN, buff=self.px(22))
        if align == "left":
            bar.align_to(title, LEFT)
        group = VGroup(title, bar)
        if align == "left":
            place(group, left=box.left, top=box.top)
        else:
            place(group, x=box.x, top=box.top)
        return group

    def legal_band(self) -> VGroup | None:
        """The scene's legal mentions on a tinted band at the bottom of the safe area, or None.

        Full width in 16:9 and 1:1; a rounded card inside the safe area in 9:16 (above the
        Shorts captions, clear of its buttons). Refused by field path when it cannot be read.
        """
        mentions = self.job.scene.legal_mentions()
        if not mentions:
            return None
        frame, safe = self.frame, self.frame.safe_box
        colours = band_colours(self.brand.background, self.brand.text)
        pad = self.px(18)
        portrait = frame.orientation == "portrait"
        width = safe.width - 2 * pad
        scale = PORTRAIT_TYPE if portrait else 1.0
        box = TextBox(width, frame.height * 0.2, self.px(LEGAL_TEXT_PX * scale), self.px(LEGAL_MIN_PX * scale))
        own = self.job.scene.legal is not None and not self.job.scene.video_legal
        where = self.field("legal") if own else "legal"  # the scene's own, or the video's
        words = fit_text("\n".join(m.text for m in mentions), self.body_font, colours.text, box, where, align="center")
        height = words.height + 2 * pad
        if portrait:
            fill = RoundedRectangle(
                width=safe.width,
                height=height,
                corner_radius=self.px(20),
                fill_color=colours.fill,
                fill_opacity=1,
                stroke_width=0,
            )
            place(fill, x=safe.x, bottom=safe.bottom)
        else:
            fill = RoundedRectangle(
                width=frame.width,
                height=height,
                corner_radius=0.0,
                fill_color=colours.fill,
                fill_opacity=1,
                stroke_width=0,
            )
            place(fill, x=0.0, bottom=-frame.height / 2)
        words.move_to(fill)
        return VGroup(fill, words)

    def corner_logo(self) -> Mobject | None:
        """The logo in a corner of every scene but title and closing, when `brand.logo_on: all`."""
        if self.brand.logo_on != "all" or type_name(type(self.job.scene)) in LOGO_SCENES:
            return None
        frame, safe = self.frame, self.frame.safe_box
        if frame.orientation == "portrait":
            # above the content, in the band the Shorts player leaves free of buttons
            zone = frame.height / 2 - safe.top
            logo = self.logo(safe.width * 0.4, zone * 0.45)
            if logo is not None:
                place(logo, left=safe.left, y=safe.top + zone * 0.45)
            return logo
        logo = self.logo(frame.width * 0.16, frame.height * 0.075)
        if logo is not None:
            place(logo, right=safe.right, top=frame.height / 2 - frame.margin_y * 0.55)
        return logo

    def decorations(self) -> VGroup:
        """Persistent brand marks: a two-colour stripe in the bottom-left margin (none under a band)."""
        frame = self.frame
        if self.job.scene.legal_mentions():  # the band takes the bottom margin
            return VGroup()
        h = self.px(8)
        long = pill(self.px(110), h, self.brand.primary)
        short = pill(self.px(34), h, self.brand.secondary)
        stripe = VGroup(long, short).arrange(RIGHT, buff=self.px(10))
        y = -frame.height / 2 + frame.margin_y * 0.5
        stripe.move_to(np.array([frame.left + stripe.width / 2, y, 0], dtype=float))
        return stripe

    # --- beats -------------------------------------------------------------------------

    def rise_in(self, cue: float, mob: Mobject, name: str) -> Beat:
        """A beat fading `mob` in as it rises a little (subtitles, captions, labels)."""
        return Beat(cue, [mob], lambda: [FadeIn(mob, shift=UP * self.px(24))], seconds=0.8, name=name)
