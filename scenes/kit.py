"""What a scene type builds with: :class:`Kit` (the job, frame geometry, brand, and helpers).

Texts go through :func:`scenes.layout.fit_text` (wrapped, shrunk, or refused with
the field's path), icons are Font Awesome SVGs, pictures and the logo are fitted
bitmaps (:mod:`scenes.pictures`); :meth:`Kit.heading` and :meth:`Kit.decorations`
are the brand's recurring marks.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict, Unpack

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, FadeIn, Mobject, SVGMobject, VGroup, VMobject

from scenes.beats import Beat
from scenes.drawing import ROLES, pill, place
from scenes.fonts import FontSpec, brand_font
from scenes.icons import find_icon
from scenes.layout import MIN_TEXT_PX, Align, Frame, TextBox, fit_text, lighten
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


class Kit:
    """What a scene type builds with: the job, frame geometry, brand, and text/icon/logo helpers."""

    def __init__(self, job: SceneJob, scene: BrandScene) -> None:
        self.job = job
        self.scene = scene
        self.frame = Frame(job.width, job.height)
        self.brand = job.brand
        self.font: FontSpec = brand_font(job.brand.font, job.brand.font_file)
        self.language = job.language
        self.path = job.field_path

    # --- sizes -------------------------------------------------------------------------

    def px(self, value: float) -> float:
        return self.frame.px(value)

    @property
    def min_text(self) -> float:
        return self.frame.px(MIN_TEXT_PX)

    @property
    def is_french(self) -> bool:
        return self.language.lower().startswith("fr")

    # --- text --------------------------------------------------------------------------

    def text(
        self, text: str, field: str, role: str, max_width: float, max_height: float, **options: Unpack[TextOptions]
    ) -> Text:
        """`text` fitted into a box (scene units); `field` is relative to the scene ("items[1]")."""
        px, role_bold = ROLES[role]
        size = options.get("size")
        bold = options.get("bold")
        box = TextBox(max_width, max_height, size if size is not None else self.px(px), self.min_text)
        return fit_text(
            text,
            self.font,
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
        frame = self.frame
        width = max_width or frame.content_width
        height = max_height or frame.content_height * (0.24 if frame.orientation != "portrait" else 0.2)
        title = self.text(text, field, "heading", width, height, colour=self.brand.primary, align=align)
        bar = self.accent_bar()
        bar.next_to(title, DOWN, buff=self.px(22))
        if align == "left":
            bar.align_to(title, LEFT)
        group = VGroup(title, bar)
        if align == "left":
            place(group, left=frame.left, top=frame.top)
        else:
            place(group, x=0.0, top=frame.top)
        return group

    def decorations(self) -> VGroup:
        """Persistent brand marks: a two-colour stripe in the bottom-left margin."""
        frame = self.frame
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
