"""Drawing helpers shared by scene types: text roles, placing, pills, the heading's beat."""

from __future__ import annotations

import numpy as np
from manim import GrowFromCenter, Mobject, RoundedRectangle, VGroup, Write

from scenes.beats import Beat
from scenes.roles import ROLES

__all__ = ["ROLES", "heading_beat", "pill", "place"]


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
