"""Hands and sleeves drawn for this project (CC0), for styles without arms (a bust).

A bust "waves a hand that comes into frame": the forearm rises from the bottom
edge of the picture in the character's clothes colour and ends in a hand. Shapes
are simple capsules and rounded rectangles; the outline is the same shapes drawn
a little wider in the ink colour underneath, so inner joints show no lines.
"""

from __future__ import annotations

from dataclasses import dataclass

from .colour import mix

# (base x, base y, width, length, angle°) of each finger, in hand space: wrist at (0, 0), fingers up (-y);
# a finger is a capsule standing on its base and turned about it
_Capsule = tuple[float, float, float, float, float]

_OPEN: tuple[_Capsule, ...] = (
    (-25, -62, 19, 50, -12),
    (-8, -66, 20, 60, -4),
    (9, -65, 20, 57, 4),
    (25, -58, 18, 44, 13),
    (-30, -22, 21, 50, -58),  # thumb, towards the face
)
_POINT: tuple[_Capsule, ...] = (
    (-20, -56, 20, 66, -2),  # index finger
    (-30, -18, 20, 40, -62),  # thumb
)
_FIST_KNUCKLES: tuple[tuple[float, float], ...] = ((-6, -60), (10, -58), (24, -52))


@dataclass(frozen=True)
class Arm:
    """One arm: wrist position and angle in the picture's units, hand kind, sizes."""

    wrist_x: float
    wrist_y: float
    angle: float  # degrees, 0 = fingers straight up, positive = clockwise
    kind: str  # "open" | "point"
    scale: float = 1.0


def _capsule(x: float, y: float, width: float, length: float, angle: float) -> str:
    # overlap the base by half a width so the finger joins the palm smoothly
    return (
        f'<rect x="{x - width / 2:.1f}" y="{y - length:.1f}" width="{width:.1f}" height="{length + width / 2:.1f}" '
        f'rx="{width / 2:.1f}" transform="rotate({angle:.1f} {x:.1f} {y:.1f})"/>'
    )


def _hand_shapes(kind: str) -> str:
    if kind == "open":
        palm = '<rect x="-36" y="-74" width="72" height="80" rx="28"/>'
        return palm + "".join(_capsule(*c) for c in _OPEN)
    fist = '<rect x="-34" y="-70" width="70" height="76" rx="28"/>'
    return fist + "".join(_capsule(*c) for c in _POINT)


def arm_svg(arm: Arm, skin: str, sleeve: str, ink: str, reach: float) -> str:
    """SVG for one forearm-and-hand; `reach` is how far the sleeve runs past the wrist (off the picture)."""
    hand = _hand_shapes(arm.kind)
    knuckles = ""
    if arm.kind == "point":  # folded fingers drawn as short creases
        shade = mix(skin, ink, 0.45)
        knuckles = "".join(
            f'<path d="M{x - 2:.0f} {y + 10:.0f} q8 -4 14 2" stroke="{shade}" stroke-width="3" fill="none" '
            'stroke-linecap="round"/>'
            for x, y in _FIST_KNUCKLES
        )
    cuff = mix(sleeve, "#000000", 0.18)
    sleeve_shape = f'<rect x="-32" y="14" width="64" height="{reach:.0f}" rx="18"/>'
    return (
        f'<g transform="translate({arm.wrist_x:.1f} {arm.wrist_y:.1f}) rotate({arm.angle:.1f}) scale({arm.scale:.3f})">'
        f'<g fill="{ink}" stroke="{ink}" stroke-width="7" stroke-linejoin="round">{sleeve_shape}</g>'
        f'<g fill="{sleeve}">{sleeve_shape}</g>'
        f'<rect x="-34" y="6" width="68" height="22" rx="9" fill="{cuff}" stroke="{ink}" stroke-width="2.5"/>'
        f'<g fill="{ink}" stroke="{ink}" stroke-width="6" stroke-linejoin="round">{hand}</g>'
        f'<g fill="{skin}">{hand}</g>{knuckles}</g>'
    )
