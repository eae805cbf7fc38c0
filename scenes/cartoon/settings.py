"""Illustrated backdrops in the brand's colours, drawn by this project's own code (CC0).

Each setting is an SVG composed for the frame's shape, not stretched: the same
room shows a wide window and more furniture in 16:9, a tall window and stacked
shelves in 9:16, something in between in 1:1. Colours are derived from the
brand (primary, secondary, background, text): tints for walls and floors,
primary and secondary for furniture and accents, so a text panel stays readable
on top. Some settings also have a foreground (a counter, a desk) drawn over the
characters, who then stand behind it.

:func:`setting_layers` rasterises a (setting, palette, size) once through the
raster cache.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .colour import Palette, luminance, mix
from .names import SETTINGS, check_name
from .raster import RasterCache, Sprite, content_key


@dataclass(frozen=True)
class Room:
    """The frame being drawn: size, shape, unit (px at 1080 on the short side) and colours."""

    w: float
    h: float
    palette: Palette

    @property
    def u(self) -> float:
        return min(self.w, self.h) / 1080

    @property
    def shape(self) -> str:
        ratio = self.w / self.h
        return "wide" if ratio > 1.25 else "tall" if ratio < 0.8 else "square"

    @property
    def floor(self) -> float:
        """y of the line where wall meets floor."""
        return self.h * {"wide": 0.70, "square": 0.70, "tall": 0.66}[self.shape]

    # derived colours: light tints for large areas, brand colours for objects
    @property
    def dark_bg(self) -> bool:
        return luminance(self.palette.background) < 0.35

    def tint(self, colour: str, amount: float) -> str:
        return mix(self.palette.background, colour, amount)

    @property
    def wall(self) -> str:
        return self.tint(self.palette.primary, 0.07)

    @property
    def floor_colour(self) -> str:
        return mix(self.tint(self.palette.secondary, 0.22), self.palette.text, 0.10)

    @property
    def ink(self) -> str:
        return mix(self.palette.text, self.palette.background, 0.15)

    @property
    def sky(self) -> str:
        return mix(self.palette.background, "#7FB8E6", 0.35 if not self.dark_bg else 0.2)

    def xs(self, *fractions: float) -> list[float]:
        return [self.w * f for f in fractions]


def _rect(x: float, y: float, w: float, h: float, fill: str, rx: float = 0, extra: str = "") -> str:
    size = f'width="{max(w, 0):.1f}" height="{max(h, 0):.1f}"'
    return f'<rect x="{x:.1f}" y="{y:.1f}" {size} rx="{rx:.1f}" fill="{fill}" {extra}/>'


def _circle(cx: float, cy: float, r: float, fill: str, extra: str = "") -> str:
    return f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r:.1f}" fill="{fill}" {extra}/>'


def _path(d: str, fill: str, extra: str = "") -> str:
    return f'<path d="{d}" fill="{fill}" {extra}/>'


def _plant(r: Room, x: float, base: float, size: float) -> str:
    """A potted plant standing on `base`, `size` tall."""
    p, s = r.palette, size
    leaf, leaf2 = mix(p.primary, "#3A8F4E", 0.5), mix(p.primary, "#FFFFFF", 0.25)
    pot = mix(p.secondary, p.text, 0.15)
    leaves = "".join(
        f'<ellipse cx="{x + dx * s:.1f}" cy="{base - s * 0.55 - dy * s:.1f}" rx="{s * 0.11:.1f}" ry="{s * 0.3:.1f}" '
        f'fill="{c}" transform="rotate({a} {x + dx * s:.1f} {base - s * 0.55 - dy * s:.1f})"/>'
        for dx, dy, a, c in (
            (-0.16, 0.02, -32, leaf),
            (0.16, 0.02, 32, leaf),
            (-0.06, 0.12, -10, leaf2),
            (0.07, 0.1, 12, leaf),
        )
    )
    pot_d = f"M{x - s * 0.2:.1f} {base - s * 0.34:.1f} h{s * 0.4:.1f} l{-s * 0.05:.1f} {s * 0.34:.1f} h{-s * 0.3:.1f} z"
    return (
        leaves
        + _path(pot_d, pot)
        + _rect(x - s * 0.22, base - s * 0.37, s * 0.44, s * 0.06, mix(pot, "#000000", 0.12), s * 0.02)
    )


def _window(r: Room, x: float, y: float, w: float, h: float, view: str = "sky") -> str:
    p, u = r.palette, r.u
    frame = mix(p.background, p.text, 0.12) if not r.dark_bg else mix(p.background, "#FFFFFF", 0.2)
    glass = r.sky
    out = [_rect(x - 10 * u, y - 10 * u, w + 20 * u, h + 20 * u, frame, 8 * u), _rect(x, y, w, h, glass, 4 * u)]
    if view == "sky":  # two soft clouds and distant hills
        out += [
            _circle(x + w * 0.3, y + h * 0.3, h * 0.07, "#FFFFFF", 'opacity="0.85"'),
            _circle(x + w * 0.36, y + h * 0.27, h * 0.09, "#FFFFFF", 'opacity="0.85"'),
            _circle(x + w * 0.7, y + h * 0.45, h * 0.06, "#FFFFFF", 'opacity="0.7"'),
            _path(
                f"M{x:.1f} {y + h:.1f} Q{x + w * 0.3:.1f} {y + h * 0.62:.1f} {x + w * 0.6:.1f} {y + h * 0.82:.1f} "
                f"T{x + w:.1f} {y + h * 0.74:.1f} V{y + h:.1f} Z",
                mix(p.primary, r.sky, 0.55),
            ),
        ]
    elif view == "city":  # a skyline in the primary colour, pale
        bw, bx = w / 7, x
        heights = (0.45, 0.7, 0.5, 0.82, 0.4, 0.62, 0.52)
        for i, f in enumerate(heights):
            out.append(
                _rect(bx + i * bw, y + h * (1 - f), bw * 0.9, h * f, mix(p.primary, r.sky, 0.62 + 0.08 * (i % 2)))
            )
    bars = mix(frame, "#000000", 0.05)
    out += [_rect(x + w / 2 - 4 * u, y, 8 * u, h, bars), _rect(x, y + h * 0.5 - 4 * u, w, 8 * u, bars)]
    return "".join(out)


def _floor(r: Room, boards: bool = True) -> str:
    out = [_rect(0, r.floor, r.w, r.h - r.floor, r.floor_colour)]
    out.append(_rect(0, r.floor - 6 * r.u, r.w, 12 * r.u, mix(r.floor_colour, r.palette.text, 0.18)))  # skirting board
    if boards:
        line = mix(r.floor_colour, r.palette.text, 0.07)
        for i in range(1, 4):
            y = r.floor + (r.h - r.floor) * (i / 4) ** 1.3
            out.append(_rect(0, y, r.w, 2.5 * r.u, line))
    return "".join(out)


def _lamp(r: Room, x: float, drop: float) -> str:
    u, c = r.u, r.palette.secondary
    return (
        _rect(x - 1.5 * u, 0, 3 * u, drop, mix(r.palette.text, r.palette.background, 0.4))
        + _path(
            f"M{x - 48 * u:.1f} {drop + 44 * u:.1f} "
            f"A{48 * u:.1f} {48 * u:.1f} 0 0 1 {x + 48 * u:.1f} {drop + 44 * u:.1f} Z",
            c,
        )
        + _circle(x, drop + 48 * u, 12 * u, mix(c, "#FFFFFF", 0.6))
    )


def _emblem(r: Room, cx: float, cy: float, size: float) -> str:
    """The branch's sign: a roundel with a simple bank building (no text, no logo file needed)."""
    p, s = r.palette, size
    white = p.background if not r.dark_bg else "#FFFFFF"
    cols = "".join(_rect(cx - s * 0.27 + i * s * 0.15, cy - s * 0.1, s * 0.07, s * 0.3, white) for i in range(4))
    roof = _path(
        f"M{cx - s * 0.36:.1f} {cy - s * 0.14:.1f} L{cx:.1f} {cy - s * 0.38:.1f} "
        f"L{cx + s * 0.36:.1f} {cy - s * 0.14:.1f} Z",
        white,
    )
    return (
        _circle(cx, cy, s * 0.62, p.secondary)
        + _circle(cx, cy, s * 0.55, p.primary)
        + roof
        + cols
        + _rect(cx - s * 0.36, cy + s * 0.22, s * 0.72, s * 0.07, white)
    )


def _counter(r: Room, top: float) -> str:
    """The agency's counter: the foreground, characters stand behind it."""
    p, u = r.palette, r.u
    body = p.primary
    return (
        _rect(-10, top, r.w + 20, r.h - top + 10, body)
        + _rect(-10, top - 16 * u, r.w + 20, 26 * u, mix(p.primary, "#FFFFFF", 0.35), 6 * u)
        + _rect(-10, top + 34 * u, r.w + 20, 10 * u, p.secondary)
        + _rect(-10, top + 44 * u, r.w + 20, r.h, mix(p.primary, "#000000", 0.12))
    )


def _desk(r: Room, top: float) -> str:
    p, u = r.palette, r.u
    wood = mix(p.secondary, "#8A5A2B", 0.55)
    return (
        _rect(-10, top, r.w + 20, r.h - top + 10, mix(wood, "#000000", 0.1))
        + _rect(-10, top - 14 * u, r.w + 20, 24 * u, mix(wood, "#FFFFFF", 0.2), 5 * u)
        + _rect(-10, top + 10 * u, r.w + 20, 6 * u, mix(wood, "#000000", 0.25))
    )


def _agency(r: Room) -> tuple[str, str]:
    p, u, w = r.palette, r.u, r.w
    back = [
        _rect(0, 0, w, r.h, r.wall),
        _rect(0, 0, w, 30 * u, p.primary),
        _rect(0, 30 * u, w, 8 * u, p.secondary),
        _floor(r),
    ]
    if r.shape == "wide":
        back += [_window(r, w * 0.58, r.h * 0.16, w * 0.34, r.h * 0.42), _emblem(r, w * 0.49, r.h * 0.3, 120 * u)]
        back += [
            _lamp(r, w * 0.2, r.h * 0.08),
            _lamp(r, w * 0.75, r.h * 0.03),
            _plant(r, w * 0.95, r.floor + 40 * u, 330 * u),
        ]
    elif r.shape == "tall":
        back += [_window(r, w * 0.12, r.h * 0.09, w * 0.76, r.h * 0.2), _emblem(r, w * 0.5, r.h * 0.41, 150 * u)]
        back += [_plant(r, w * 0.86, r.floor + 20 * u, 300 * u)]
    else:
        back += [_window(r, w * 0.52, r.h * 0.14, w * 0.4, r.h * 0.34), _emblem(r, w * 0.26, r.h * 0.3, 140 * u)]
        back += [_lamp(r, w * 0.5, r.h * 0.06), _plant(r, w * 0.08, r.floor + 30 * u, 300 * u)]
    return "".join(back), _counter(r, r.h * counter_top("agency", r.shape))


def _home(r: Room) -> tuple[str, str]:
    p, u, w = r.palette, r.u, r.w
    wall = r.tint(p.secondary, 0.12)
    sofa = mix(p.primary, "#FFFFFF", 0.15)
    stripes = "".join(
        _rect(x, 0, 40 * u, r.floor, mix(wall, "#FFFFFF", 0.35)) for x in r.xs(*[i / 14 for i in range(0, 14, 2)])
    )
    out = [_rect(0, 0, w, r.h, wall), stripes, _floor(r)]

    def sofa_at(x: float, width: float) -> str:
        y = r.floor - 150 * u
        return (
            _rect(x, y, width, 150 * u, mix(sofa, "#000000", 0.12), 30 * u)
            + _rect(x + 20 * u, y + 60 * u, width - 40 * u, 100 * u, sofa, 22 * u)
            + _rect(x - 20 * u, y + 40 * u, 60 * u, 130 * u, sofa, 24 * u)
            + _rect(x + width - 40 * u, y + 40 * u, 60 * u, 130 * u, sofa, 24 * u)
            + _rect(x + width * 0.55, y + 20 * u, 120 * u, 80 * u, p.secondary, 18 * u)
        )

    def frame_at(x: float, y: float, fw: float, fh: float) -> str:
        return (
            _rect(x, y, fw, fh, mix(p.text, p.background, 0.3), 6 * u)
            + _rect(x + 12 * u, y + 12 * u, fw - 24 * u, fh - 24 * u, r.sky, 3 * u)
            + _circle(x + fw * 0.7, y + fh * 0.35, fh * 0.12, p.secondary)
            + _path(
                f"M{x + 12 * u:.1f} {y + fh - 12 * u:.1f} L{x + fw * 0.4:.1f} {y + fh * 0.45:.1f} "
                f"L{x + fw - 12 * u:.1f} {y + fh - 12 * u:.1f} Z",
                mix(p.primary, r.sky, 0.3),
            )
        )

    rug = (
        f'<ellipse cx="{w * 0.5:.1f}" cy="{r.floor + (r.h - r.floor) * 0.55:.1f}" rx="{w * 0.36:.1f}" '
        f'ry="{(r.h - r.floor) * 0.28:.1f}" fill="{r.tint(p.primary, 0.18)}"/>'
    )
    out.append(rug)
    if r.shape == "wide":
        out += [
            _window(r, w * 0.06, r.h * 0.14, w * 0.22, r.h * 0.4),
            sofa_at(w * 0.58, w * 0.34),
            frame_at(w * 0.64, r.h * 0.14, 220 * u, 160 * u),
        ]
        out += [frame_at(w * 0.8, r.h * 0.2, 130 * u, 170 * u), _plant(r, w * 0.36, r.floor + 10 * u, 280 * u)]
    elif r.shape == "tall":
        out += [
            _window(r, w * 0.15, r.h * 0.08, w * 0.7, r.h * 0.22),
            sofa_at(w * 0.12, w * 0.76),
            frame_at(w * 0.35, r.h * 0.36, 300 * u, 190 * u),
        ]
    else:
        out += [
            _window(r, w * 0.08, r.h * 0.12, w * 0.3, r.h * 0.34),
            sofa_at(w * 0.5, w * 0.44),
            frame_at(w * 0.58, r.h * 0.12, 220 * u, 150 * u),
        ]
    return "".join(out), ""


def _office(r: Room) -> tuple[str, str]:
    p, u, w = r.palette, r.u, r.w
    out = [_rect(0, 0, w, r.h, mix(r.wall, p.text, 0.03)), _floor(r, boards=False)]

    def board(x: float, y: float, bw: float, bh: float) -> str:
        bars = "".join(
            _rect(x + bw * (0.12 + i * 0.2), y + bh * (0.85 - f), bw * 0.12, bh * f - bh * 0.0, c, 4 * u)
            for i, (f, c) in enumerate(((0.3, p.secondary), (0.45, p.primary), (0.38, p.secondary), (0.62, p.primary)))
        )
        return (
            _rect(
                x,
                y,
                bw,
                bh,
                "#FFFFFF" if not r.dark_bg else mix(p.background, "#FFFFFF", 0.1),
                10 * u,
                f'stroke="{mix(p.text, p.background, 0.6)}" stroke-width="{6 * u:.1f}"',
            )
            + bars
        )

    def clock(cx: float, cy: float) -> str:
        return (
            _circle(cx, cy, 56 * u, "#FFFFFF", f'stroke="{p.primary}" stroke-width="{9 * u:.1f}"')
            + _rect(cx - 3 * u, cy - 38 * u, 6 * u, 40 * u, p.text, 3 * u)
            + _rect(cx - 2 * u, cy - 2 * u, 30 * u, 5 * u, p.text, 2 * u)
        )

    if r.shape == "wide":
        out += [
            _window(r, w * 0.06, r.h * 0.12, w * 0.34, r.h * 0.44, "city"),
            board(w * 0.58, r.h * 0.16, w * 0.26, r.h * 0.3),
            clock(w * 0.47, r.h * 0.22),
        ]
        out += [_plant(r, w * 0.93, r.floor + 10 * u, 300 * u)]
    elif r.shape == "tall":
        out += [
            _window(r, w * 0.1, r.h * 0.07, w * 0.8, r.h * 0.22, "city"),
            board(w * 0.2, r.h * 0.35, w * 0.6, r.h * 0.16),
        ]
    else:
        out += [
            _window(r, w * 0.06, r.h * 0.12, w * 0.4, r.h * 0.36, "city"),
            board(w * 0.56, r.h * 0.16, w * 0.36, r.h * 0.26),
        ]
    return "".join(out), _desk(r, r.h * counter_top("office", r.shape))


def _workshop(r: Room) -> tuple[str, str]:
    p, u, w = r.palette, r.u, r.w
    wall = mix(r.tint(p.secondary, 0.18), "#C9B8A0", 0.35)
    peg = mix(wall, "#8A6A45", 0.35)
    out = [
        _rect(0, 0, w, r.h, wall),
        _floor(r, boards=False),
        _rect(0, r.floor + 6 * u, w, r.h, mix(r.palette.background, p.text, 0.2)),
    ]
    tool = mix(p.text, p.background, 0.25)

    def pegboard(x: float, y: float, bw: float, bh: float) -> str:
        holes = "".join(
            _circle(x + bw * (i + 0.5) / 9, y + bh * (j + 0.5) / 5, 4 * u, mix(peg, "#000000", 0.25))
            for i in range(9)
            for j in range(5)
        )
        tools = (
            _rect(x + bw * 0.14, y + bh * 0.15, 18 * u, bh * 0.55, tool, 8 * u)  # screwdriver
            + _rect(x + bw * 0.12, y + bh * 0.6, 30 * u, bh * 0.25, p.primary, 10 * u)
            + _rect(x + bw * 0.36, y + bh * 0.15, 16 * u, bh * 0.62, mix(p.secondary, "#8A5A2B", 0.5), 6 * u)  # hammer
            + _rect(x + bw * 0.3, y + bh * 0.12, 80 * u, 34 * u, tool, 8 * u)
            + _circle(
                x + bw * 0.66, y + bh * 0.42, bh * 0.2, "none", f'stroke="{p.primary}" stroke-width="{14 * u:.1f}"'
            )  # tape
            + _rect(x + bw * 0.82, y + bh * 0.15, 16 * u, bh * 0.6, tool, 6 * u)
        )
        return _rect(x, y, bw, bh, peg, 8 * u) + holes + tools

    def shelf(x: float, y: float, sw: float) -> str:
        boxes = "".join(
            _rect(x + sw * f, y - hgt * u, sw * 0.2, hgt * u, c, 6 * u)
            for f, hgt, c in (
                (0.04, 90, p.primary),
                (0.28, 70, p.secondary),
                (0.52, 100, mix(p.primary, "#FFFFFF", 0.3)),
                (0.76, 60, p.secondary),
            )
        )
        return boxes + _rect(x, y, sw, 14 * u, mix(peg, "#000000", 0.2), 3 * u)

    if r.shape == "wide":
        out += [
            pegboard(w * 0.08, r.h * 0.12, w * 0.36, r.h * 0.34),
            shelf(w * 0.56, r.h * 0.3, w * 0.34),
            shelf(w * 0.56, r.h * 0.52, w * 0.34),
        ]
        out += [_lamp(r, w * 0.5, r.h * 0.04)]
    elif r.shape == "tall":
        out += [pegboard(w * 0.1, r.h * 0.08, w * 0.8, r.h * 0.2), shelf(w * 0.12, r.h * 0.42, w * 0.76)]
    else:
        out += [
            pegboard(w * 0.06, r.h * 0.1, w * 0.46, r.h * 0.32),
            shelf(w * 0.6, r.h * 0.3, w * 0.34),
            shelf(w * 0.6, r.h * 0.52, w * 0.34),
        ]
    bench = mix(p.secondary, "#8A5A2B", 0.6)
    top = r.h * counter_top("workshop", r.shape)
    front = _rect(-10, top, w + 20, r.h, mix(bench, "#000000", 0.18)) + _rect(
        -10, top - 18 * u, w + 20, 30 * u, bench, 4 * u
    )
    return "".join(out), front


def _street(r: Room) -> tuple[str, str]:
    p, u, w = r.palette, r.u, r.w
    ground = r.h * {"wide": 0.74, "square": 0.74, "tall": 0.7}[r.shape]
    out = [_rect(0, 0, w, r.h, r.sky)]
    colours = (
        r.tint(p.primary, 0.3),
        r.tint(p.secondary, 0.35),
        mix(r.palette.background, p.text, 0.12),
        r.tint(p.secondary, 0.2),
    )
    count = {"wide": 5, "square": 3, "tall": 2}[r.shape]
    bw = w / count
    for i in range(count):
        hgt = r.h * (0.5 + 0.12 * ((i * 7) % 3))
        x, top = i * bw, ground - hgt
        out.append(_rect(x, top, bw + 1, hgt, colours[i % len(colours)]))
        out.append(_rect(x - 4 * u, top - 14 * u, bw + 8 * u, 20 * u, mix(colours[i % len(colours)], "#000000", 0.12)))
        for row in range(3):
            for col in range(3):
                ww = bw * 0.16
                out.append(
                    _rect(
                        x + bw * (0.14 + col * 0.27),
                        top + hgt * (0.1 + row * 0.2),
                        ww,
                        hgt * 0.12,
                        mix(r.sky, "#FFFFFF", 0.3),
                        4 * u,
                    )
                )
    # the bank branch: a shopfront with a striped awning in the brand colours, in the middle
    sx, sw = w * 0.5 - min(w * 0.22, 330 * u), min(w * 0.44, 660 * u)
    sy = ground - r.h * 0.2
    out.append(_rect(sx, sy, sw, ground - sy, p.primary))
    out.append(
        _rect(sx + sw * 0.08, sy + (ground - sy) * 0.3, sw * 0.5, (ground - sy) * 0.7, mix(r.sky, "#FFFFFF", 0.4))
    )
    out.append(
        _rect(sx + sw * 0.66, sy + (ground - sy) * 0.3, sw * 0.24, (ground - sy) * 0.7, mix(p.primary, "#000000", 0.25))
    )
    stripes = 8
    for k in range(stripes):
        out.append(
            _path(
                f"M{sx + sw * k / stripes:.1f} {sy - 60 * u:.1f} h{sw / stripes:.1f} "
                f"l{6 * u:.1f} {70 * u:.1f} h{-sw / stripes:.1f} z",
                p.secondary if k % 2 == 0 else "#FFFFFF",
            )
        )
    out.append(_emblem(r, sx + sw * 0.5, sy - 120 * u, 70 * u))
    out.append(_rect(0, ground, w, r.h - ground, mix(r.palette.background, p.text, 0.16)))  # pavement
    out.append(_rect(0, ground, w, 10 * u, mix(r.palette.background, p.text, 0.3)))
    for x in r.xs(*(i / 8 for i in range(9))):
        out.append(_rect(x, ground + 10 * u, 3 * u, r.h - ground, mix(r.palette.background, p.text, 0.22)))
    lamp_x = w * 0.9 if r.shape != "tall" else w * 0.1
    out.append(_rect(lamp_x - 6 * u, ground - r.h * 0.42, 12 * u, r.h * 0.42, mix(p.text, p.background, 0.3)))
    out.append(_circle(lamp_x, ground - r.h * 0.43, 26 * u, p.secondary))
    return "".join(out), ""


def _countryside(r: Room) -> tuple[str, str]:
    p, u, w, h = r.palette, r.u, r.w, r.h
    green = mix(p.primary, "#7CC46A", 0.5)
    out = [
        _rect(0, 0, w, h, r.sky),
        _circle(w * 0.8, h * 0.18, 70 * u, p.secondary),
        _circle(w * 0.8, h * 0.18, 95 * u, p.secondary, 'opacity="0.25"'),
    ]
    out += [
        _circle(w * 0.22, h * 0.16, 40 * u, "#FFFFFF", 'opacity="0.9"'),
        _circle(w * 0.27, h * 0.14, 52 * u, "#FFFFFF", 'opacity="0.9"'),
    ]
    hills = (
        (0.55, mix(green, r.sky, 0.55)),
        (0.62, mix(green, "#FFFFFF", 0.25)),
        (0.72, green),
    )
    for k, (level, colour) in enumerate(hills):
        y = h * level
        out.append(
            _path(
                f"M0 {y:.1f} Q{w * (0.25 + 0.1 * k):.1f} {y - h * 0.1:.1f} {w * 0.5:.1f} {y:.1f} "
                f"T{w:.1f} {y - h * 0.02:.1f} V{h:.1f} H0 Z",
                colour,
            )
        )
    # a farmhouse on the far hill and a few round trees
    fx, fy, s = w * (0.68 if r.shape == "wide" else 0.6), h * 0.58, 110 * u
    out.append(_rect(fx, fy - s * 0.6, s, s * 0.6, "#FFFFFF"))
    out.append(
        _path(
            f"M{fx - s * 0.1:.1f} {fy - s * 0.6:.1f} L{fx + s * 0.5:.1f} {fy - s * 1.05:.1f} "
            f"L{fx + s * 1.1:.1f} {fy - s * 0.6:.1f} Z",
            mix(p.secondary, "#B5462E", 0.5),
        )
    )
    out.append(_rect(fx + s * 0.4, fy - s * 0.32, s * 0.2, s * 0.32, p.primary))
    for tx, scale in ((0.12, 1.0), (0.2, 0.75), (0.9, 0.9)):
        x, y = w * tx, h * 0.64
        out.append(_rect(x - 8 * u * scale, y - 40 * u * scale, 16 * u * scale, 60 * u * scale, "#8A5A2B"))
        out.append(_circle(x, y - 80 * u * scale, 62 * u * scale, mix(p.primary, "#2E7D32", 0.4)))
    fence = mix(p.background, "#8A6A45", 0.6)
    fy2 = h * 0.8
    out.append(_rect(0, fy2, w, 8 * u, fence))
    out.append(_rect(0, fy2 + 30 * u, w, 8 * u, fence))
    for x in r.xs(*(i / 12 for i in range(13))):
        out.append(_rect(x, fy2 - 20 * u, 12 * u, 80 * u, fence, 3 * u))
    return "".join(out), ""


def _plain(r: Room) -> tuple[str, str]:
    p, u, w, h = r.palette, r.u, r.w, r.h
    return (
        _rect(0, 0, w, h, p.background)
        + _circle(w * 0.02, h * 1.02, 420 * u, r.tint(p.primary, 0.07))
        + _circle(w * 0.98, -20 * u, 300 * u, r.tint(p.secondary, 0.12))
        + _circle(w * 0.9, h * 0.82, 36 * u, r.tint(p.secondary, 0.45))
        + _circle(w * 0.12, h * 0.2, 18 * u, r.tint(p.primary, 0.3))
        + _rect(0, h - 14 * u, w, 14 * u, p.primary),
        "",
    )


_DRAW: dict[str, Callable[[Room], tuple[str, str]]] = {
    "agency": _agency,
    "home": _home,
    "office": _office,
    "workshop": _workshop,
    "street": _street,
    "countryside": _countryside,
    "plain": _plain,
}
assert set(_DRAW) == set(SETTINGS)

_COUNTER = {"agency": 0.88, "office": 0.89, "workshop": 0.89}


def counter_top(setting: str, shape: str) -> float:
    """y (fraction of the height) of the top of the setting's foreground; 1.0 when it has none."""
    top = _COUNTER.get(setting)
    if top is None:
        return 1.0
    return top + (0.02 if shape == "tall" else 0.0)


def setting_svg(setting: str, palette: Palette, width: int, height: int) -> tuple[str, str]:
    """(background SVG, foreground SVG or "") of `setting` at width×height."""
    check_name("setting", setting, SETTINGS)
    back, front = _DRAW[setting](Room(width, height, palette))
    head = f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
    return head + back + "</svg>", (head + front + "</svg>" if front else "")


@dataclass(frozen=True)
class SettingLayers:
    """A setting rasterised: `back` is opaque; `front` (or None) is drawn over the characters."""

    name: str
    back: Sprite
    front: Sprite | None
    stage: int  # y in px where the foreground starts (the frame's height if none)


def setting_layers(setting: str, palette: Palette, width: int, height: int, cache: RasterCache) -> SettingLayers:
    """Rasterise the setting once per (setting, colours, size), through `cache`."""
    back_svg, front_svg = setting_svg(setting, palette, width, height)
    # keyed by the SVG itself: it holds the setting, the colours and the size, and changes with the code
    back = cache.get(content_key("setting", back_svg, width, height), back_svg, width, height)
    front = cache.get(content_key("setting", front_svg, width, height), front_svg, width, height) if front_svg else None
    shape = Room(width, height, palette).shape
    return SettingLayers(setting, back, front, round(height * counter_top(setting, shape)))
