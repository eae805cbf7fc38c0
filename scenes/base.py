"""The Manim scene every type shares: brand look, frame-exact cue scheduling, transitions.

A scene type (see :mod:`scenes.registry`) only builds mobjects and says, for each
element, at which cue it appears and how (:class:`Beat`). :class:`BrandScene`
turns that into Manim plays on a timeline counted in *frames*, so nothing
drifts: an element's animation starts on the frame of its cue, is clipped so it
never runs past the next cue or into the exit transition, and static stretches
are Manim "frozen frame" waits (rendered once, repeated by the encoder pipe).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UP,
    Animation,
    AnimationGroup,
    FadeIn,
    FadeOut,
    Group,
    GrowFromCenter,
    ImageMobject,
    ManimColor,
    Mobject,
    MovingCameraScene,
    RoundedRectangle,
    SVGMobject,
    VGroup,
    VMobject,
    Write,
    rate_functions,
)
from manim.animation.animation import prepare_animation
from manim.camera.moving_camera import MovingCamera

from contract.scene_errors import SceneInputError
from scenes.fonts import FontSpec, brand_font
from scenes.icons import find_icon
from scenes.layout import MIN_TEXT_PX, Align, Frame, fit_text, lighten

if TYPE_CHECKING:
    from manim import Text

    from contract.job import SceneJob

# Text roles: (size in px at 1080 on the short side, bold)
ROLES: dict[str, tuple[float, bool]] = {
    "display": (100, True),  # the title scene's title, the closing call to action
    "heading": (78, True),  # a scene's title
    "subheading": (56, True),  # column headings, dates
    "subtitle": (56, False),  # the title scene's and closing scene's subtitle
    "body": (54, False),  # items, quote text, labels
    "caption": (46, False),  # captions, authors
    "number": (250, True),  # the statistic
}

TimedAnimation = Animation | tuple[Animation, float, float]


@dataclass
class Beat:
    """One element: appears at `cue` (seconds), animated by `animate()` for about `seconds`.

    `animate` returns animations, or ``(animation, start, end)`` with start/end as
    fractions of the beat's (clipped) run time. `mobjects` are what the element
    leaves on screen; they are simply added if there is no time to animate.
    """

    cue: float
    mobjects: Sequence[Mobject]
    animate: Callable[[], Sequence[TimedAnimation]]
    seconds: float = 0.8
    name: str = ""
    then: Callable[[], None] | None = None  # called once the element is on screen


@dataclass
class _Event:
    start: int  # frame
    length: int  # frames
    animate: Callable[[], Sequence[TimedAnimation]]
    mobjects: Sequence[Mobject] = field(default_factory=list)
    then: Callable[[], None] | None = None


class FastImage(ImageMobject):
    """A bitmap drawn by :class:`BrandCamera`'s fast path (plain resize + blend, no perspective)."""


class BrandCamera(MovingCamera):
    """Manim's camera, with a fast path for upright bitmaps.

    Manim draws every ImageMobject with a full-frame perspective transform and a
    full-frame alpha composite (~60 ms a frame at 1080p). An upright picture only
    needs its box resized and blended: ~10x cheaper, which makes a slow zoom
    affordable.
    """

    def display_image_mobject(self, image_mobject: Any, pixel_array: np.ndarray) -> None:
        if not isinstance(image_mobject, FastImage):
            return super().display_image_mobject(image_mobject, pixel_array)
        from PIL import Image

        corners = self.points_to_subpixel_coords(image_mobject, image_mobject.points)  # UL, UR, DL, DR
        (x0, y0), top_right, bottom_left = corners[0], corners[1], corners[2]
        if abs(top_right[1] - y0) > 0.01 or abs(bottom_left[0] - x0) > 0.01:  # rotated: general path
            return super().display_image_mobject(image_mobject, pixel_array)
        x1, y1 = corners[3]
        if x1 - x0 < 0.5 or y1 - y0 < 0.5:
            return None
        height, width = pixel_array.shape[:2]
        ix0, iy0 = max(int(np.floor(x0)), 0), max(int(np.floor(y0)), 0)
        ix1, iy1 = min(int(np.ceil(x1)), width), min(int(np.ceil(y1)), height)
        if ix1 <= ix0 or iy1 <= iy0:
            return None
        picture, opaque = self._source(image_mobject)
        sw, sh = picture.size
        sx, sy = sw / (x1 - x0), sh / (y1 - y0)
        box = (
            max((ix0 - x0) * sx, 0.0),
            max((iy0 - y0) * sy, 0.0),
            min((ix1 - x0) * sx, float(sw)),
            min((iy1 - y0) * sy, float(sh)),
        )
        patch = np.asarray(picture.resize((ix1 - ix0, iy1 - iy0), Image.Resampling.BILINEAR, box=box))
        region = pixel_array[iy0:iy1, ix0:ix1]
        if opaque:
            region[:, :, :3] = patch
            return None
        a = patch[:, :, 3:4].astype(np.uint16)
        region[:, :, :3] = ((patch[:, :, :3] * a + region[:, :, :3] * (255 - a) + 127) // 255).astype(np.uint8)
        return None

    def _source(self, image_mobject: Any) -> tuple[Any, bool]:
        """The mobject's pixels as a PIL image (RGB when fully opaque), cached per pixel array.

        Manim's image animations (fades) assign a new array on every frame, so the
        cache is keyed on the array object itself.
        """
        import weakref

        from PIL import Image

        source = image_mobject.get_pixel_array()
        cached = getattr(self, "_fast_source", None)
        if cached is not None and cached[0]() is source:
            return cached[1], cached[2]
        opaque = bool(source[:, :, 3].min() == 255)
        picture = Image.fromarray(np.ascontiguousarray(source[:, :, :3] if opaque else source))
        self._fast_source = (weakref.ref(source), picture, opaque)
        return picture, opaque


@dataclass
class Ticker:
    """Slow continuous motion (a zoom) applied every `every` frames as a function of time.

    Between ticks the picture is a frozen frame (encoded once); during other
    animations it is applied on every frame.
    """

    mobject: Mobject
    apply: Callable[[float], None]  # seconds from the clip's start
    every: int = 1  # frames between updates while nothing else moves


class TimedGroup(AnimationGroup):
    """Animations with explicit start/end times (seconds) inside one play call."""

    def __init__(self, timed: Sequence[tuple[Animation, float, float]], run_time: float) -> None:
        self._times = [(max(0.0, s), max(s, e)) for _, s, e in timed]
        super().__init__(*[a for a, _, _ in timed], run_time=run_time, rate_func=rate_functions.linear)
        # group time == scene time (not rescaled to the longest child)
        self.max_end_time = run_time

    def build_animations_with_timings(self) -> None:
        n = len(self.animations)
        dtype = [("anim", "O"), ("start", "f8"), ("end", "f8")]
        self.anims_with_timings = np.zeros(n, dtype=dtype)
        self.anims_begun = np.zeros(n, dtype=bool)
        self.anims_finished = np.zeros(n, dtype=bool)
        if n:
            self.anims_with_timings["anim"] = self.animations
            self.anims_with_timings["start"] = [s for s, _ in self._times]
            self.anims_with_timings["end"] = [e for _, e in self._times]


def place(
    mob: Mobject,
    *,
    left: float | None = None,
    right: float | None = None,
    x: float | None = None,
    top: float | None = None,
    bottom: float | None = None,
    y: float | None = None,
) -> Mobject:
    """Move `mob` so its edge (or centre) sits at the given coordinates (scene units)."""
    dx = dy = 0.0
    if left is not None:
        dx = left - mob.get_left()[0]
    elif right is not None:
        dx = right - mob.get_right()[0]
    elif x is not None:
        dx = x - mob.get_center()[0]
    if top is not None:
        dy = top - mob.get_top()[1]
    elif bottom is not None:
        dy = bottom - mob.get_bottom()[1]
    elif y is not None:
        dy = y - mob.get_center()[1]
    mob.shift(np.array([dx, dy, 0.0]))
    return mob


def pill(
    width: float,
    height: float,
    colour: str,
    *,
    opacity: float = 1.0,
    corner_radius: float | None = None,
) -> RoundedRectangle:
    """A filled bar without outline, its ends fully round unless `corner_radius` is given."""
    return RoundedRectangle(
        width=width,
        height=height,
        corner_radius=min(width, height) / 2 if corner_radius is None else corner_radius,
        fill_color=colour,
        fill_opacity=opacity,
        stroke_width=0,
    )


def heading_beat(cue: float, heading: VGroup, title: str) -> Beat:
    """The beat of a :meth:`Kit.heading`: the title written in, then its accent bar growing."""
    return Beat(
        cue,
        list(heading),
        lambda: [(Write(heading[0]), 0.0, 1.0), (GrowFromCenter(heading[1]), 0.5, 1.0)],
        seconds=min(1.6, 0.8 + 0.03 * len(title)),
        name="title",
    )


def read_bitmap(file: Path, where: str) -> Any:
    """A PNG/JPEG as an RGBA PIL image; unreadable files are the script's problem."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(file) as opened:
            return opened.convert("RGBA")
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError) as error:
        raise SceneInputError(f"{where}: cannot read image {file.name}: {error}") from error


def rasterize_svg(file: Path, max_width_px: float, max_height_px: float, where: str) -> Any:
    """An SVG drawn by cairosvg at the size it will be shown (no external files are fetched)."""
    import io

    import cairosvg
    from PIL import Image

    def draw(**size: int) -> Any:
        png = cairosvg.svg2png(url=str(file), unsafe=False, **size)
        return Image.open(io.BytesIO(png)).convert("RGBA")

    try:
        image = draw(output_width=max(1, round(max_width_px)))
        if image.height > max_height_px:
            image = draw(output_height=max(1, round(max_height_px)))
    except Exception as error:  # cairosvg raises many kinds of errors for broken files
        raise SceneInputError(f"{where}: cannot draw the SVG {file.name}: {error}") from error
    if image.getbbox() is None:
        raise SceneInputError(f"{where}: the SVG {file.name} has nothing to draw")
    return image


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
        self,
        text: str,
        field: str,
        role: str,
        max_width: float,
        max_height: float,
        *,
        colour: str | None = None,
        align: Align = "left",
        italic: bool = False,
        size: float | None = None,
        max_lines: int | None = None,
        bold: bool | None = None,
    ) -> Text:
        """`text` fitted into a box (scene units); `field` is relative to the scene ("items[1]")."""
        px, role_bold = ROLES[role]
        return fit_text(
            text,
            self.font,
            colour or self.brand.text,
            max_width,
            max_height,
            size if size is not None else self.px(px),
            self.min_text,
            self.field(field),
            bold=role_bold if bold is None else bold,
            italic=italic,
            align=align,
            max_lines=max_lines,
        )

    def optional_text(
        self, text: str | None, field: str, role: str, max_width: float, max_height: float, **options: Any
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
        file = Path(path)
        if not file.is_file():
            raise SceneInputError(f"{where}: file not found: {file}")
        pixels_per_unit = self.job.height / self.frame.height
        if file.suffix.lower() == ".svg":
            # drawn by a full SVG renderer (gradients, opacity, text), not Manim's path importer
            image = rasterize_svg(
                file, max_width * pixels_per_unit * oversample, max_height * pixels_per_unit * oversample, where
            )
        else:
            image = read_bitmap(file, where)
        from PIL import Image

        w, h = image.size
        scale = min(max_width / w, max_height / h)  # units per source pixel
        target = (
            max(1, round(w * scale * pixels_per_unit * oversample)),
            max(1, round(h * scale * pixels_per_unit * oversample)),
        )
        if target[0] < w:  # never upscale here; the camera does it
            image = image.resize(target, Image.Resampling.LANCZOS)
        mob = FastImage(np.asarray(image))
        mob.set_resampling_algorithm(Image.Resampling.BILINEAR)
        mob.height = h * scale
        return mob

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


def _move(mob: Mobject, target: np.ndarray, rate: Callable[[float], float]) -> Animation:
    """An animation moving `mob` (the camera frame) to `target` with the given easing."""
    anim = prepare_animation(mob.animate.move_to(target))  # type: ignore[arg-type]
    anim.rate_func = rate
    return anim


class BrandScene(MovingCameraScene):
    """One scene clip: builds the type's beats, then plays them on a frame-exact schedule."""

    def __init__(self, job: SceneJob, build: Callable[[Kit], list[Beat]], **kwargs: Any) -> None:
        self.job = job
        self._build = build
        self.tickers: list[Ticker] = []
        super().__init__(**kwargs)

    # --- the frame counter -------------------------------------------------------------

    @property
    def frames_done(self) -> int:
        return int(self.renderer.file_writer.pipe.frames)  # type: ignore[union-attr]

    def hold_until(self, frame: int) -> None:
        """Show the current picture until `frame` (a frozen frame unless something updates)."""
        fps = self.job.fps
        while True:
            n = frame - self.frames_done
            if n <= 0:
                return
            if self.tickers:
                for ticker in self.tickers:
                    ticker.apply(self.frames_done / fps)
                n = min([n] + [t.every for t in self.tickers])
            if self._updating():  # every frame rendered: np.arange(0, run_time, 1/fps) frames
                self.wait(max(n - 0.5, 1.0) / fps, frozen_frame=False)
            else:
                self.wait((n + 0.5) / fps, frozen_frame=True)
            if not self.tickers:
                return

    def _updating(self) -> bool:
        """Whether a wait must render every frame (a time-based updater is on screen)."""
        return bool(self.updaters) or any(m.has_time_based_updater() for m in self.get_mobject_family_members())

    def play_frames(self, timed: Sequence[tuple[Animation, float, float]], frames: int) -> None:
        """Play animations with start/end in seconds from now, for exactly `frames` frames."""
        fps = self.job.fps
        updaters = []
        for ticker in self.tickers:  # keep slow motions going while other things animate

            def update(mob: Mobject, dt: float, ticker: Ticker = ticker) -> None:
                ticker.apply(self.renderer.time)

            ticker.mobject.add_updater(update)
            updaters.append((ticker.mobject, update))
        try:
            self.play(TimedGroup(timed, run_time=max(frames - 0.5, 1.0) / fps))
        finally:
            for mob, update in updaters:
                mob.remove_updater(update)

    # --- construct ---------------------------------------------------------------------

    def construct(self) -> None:
        job = self.job
        camera = cast(BrandCamera, self.camera)
        camera.background_color = ManimColor(job.brand.background)
        kit = Kit(job, self)
        beats = self._build(kit)
        decor = kit.decorations()

        fps, total = job.fps, job.frame_count
        trans = round(job.transition_seconds * fps) if job.transition_seconds > 0 else 0
        trans = min(trans, total // 3)
        exit_start = total - trans if job.exit != "cut" and trans else total
        events: list[_Event] = []

        # entrance
        enter_len = min(trans, exit_start) if job.enter != "cut" else 0
        frame_mob = camera.frame
        if enter_len and job.enter == "fade":
            events.append(_Event(0, enter_len, lambda: [FadeIn(decor)], [decor]))
        else:
            self.add(decor)
            if enter_len and job.enter == "slide":
                frame_mob.move_to(LEFT * kit.frame.width)
                events.append(
                    _Event(
                        0,
                        enter_len,
                        lambda: [_move(frame_mob, ORIGIN, rate_functions.ease_out_cubic)],
                    )
                )

        # the elements, each until the next (later) cue or the exit
        cue_frames = [min(max(round(b.cue * fps), 0), exit_start) for b in beats]
        for beat, start in zip(beats, cue_frames, strict=True):
            later = [c for c in cue_frames if c > start]
            until = min(later) if later else exit_start
            length = max(0, min(round(beat.seconds * fps), until - start, exit_start - start))
            events.append(_Event(start, length, beat.animate, list(beat.mobjects), beat.then))

        events.sort(key=lambda e: e.start)
        self._play_events(events)

        # exit
        if exit_start < total:
            exit_len = max(1, total - exit_start - 1)  # the last frame is the plain background
            self.hold_until(exit_start)
            if job.exit == "fade":
                shown = [m for m in self.mobjects if m is not frame_mob]
                if shown:
                    self.play_frames([(FadeOut(Group(*shown)), 0.0, exit_len / fps)], exit_len)
            else:  # slide: the content leaves to the left
                anim = _move(frame_mob, RIGHT * kit.frame.width, rate_functions.ease_in_cubic)
                self.play_frames([(anim, 0.0, exit_len / fps)], exit_len)
                self.remove(*[m for m in self.mobjects if m is not frame_mob])
        self.hold_until(total)

    def _play_events(self, events: list[_Event]) -> None:
        fps = self.job.fps
        i = 0
        while i < len(events):
            first = events[i]
            if first.length == 0:
                self.hold_until(first.start)
                self.add(*first.mobjects)
                if first.then:
                    first.then()
                i += 1
                continue
            segment = [first]
            end = first.start + first.length
            j = i + 1
            while j < len(events) and events[j].start < end:
                if events[j].length:
                    segment.append(events[j])
                    end = max(end, events[j].start + events[j].length)
                else:  # no time to animate, inside a running segment: show it when it begins
                    segment.append(events[j])
                j += 1
            self.hold_until(first.start)
            timed: list[tuple[Animation, float, float]] = []
            for event in segment:
                if event.length == 0:
                    self.add(*event.mobjects)
                    continue
                offset = (event.start - first.start) / fps
                span = event.length / fps
                for item in event.animate():
                    if isinstance(item, tuple):
                        anim, a, b = item
                    else:
                        anim, a, b = item, 0.0, 1.0
                    timed.append((prepare_animation(anim), offset + a * span, offset + b * span))
            if timed:
                self.play_frames(timed, end - first.start)
            for event in segment:
                if event.then:
                    event.then()
            i = j
