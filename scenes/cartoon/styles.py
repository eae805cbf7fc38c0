"""Character styles: a character's look and every state it needs, as SVG, from DiceBear.

DiceBear (`dicebear-core` + `dicebear-styles`, pure Python, no network) builds the
avatars. A character is resolved once from its name as the seed, then every part is
pinned, so each state (eyes × mouth × expression × gesture) differs only where it
should and the same inputs always give the same SVG.

Styles:
- ``toon-head`` (CC BY 4.0, attribution required): a colour bust; it gestures with
  hands drawn for this project (:mod:`.hands`) that come into the picture.
- ``notionists`` (CC0): line art with real wave and point arm layers; we colour
  the clothes, skin and hair.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from .colour import Palette, mix, parse_hex, to_hex
from .hands import Arm, arm_svg
from .names import EXPRESSIONS, GESTURES, MOUTHS, UnknownName, check_name

DEFAULT_STYLE = "toon-head"
EYES = ("open", "closed")


@dataclass(frozen=True)
class Face:
    """DiceBear variants for one expression: eyes open/closed, brows, mouth closed/half/open."""

    eyes_open: str
    eyes_closed: str
    brows: str
    mouths: tuple[str, str, str]


@dataclass(frozen=True)
class StyleInfo:
    """What `render styles` shows: the style, its licence and its options with their values."""

    name: str
    title: str
    licence: str  # a key of credits.LICENCES
    description: str
    options: Mapping[str, tuple[str, ...]]  # look option -> allowed values ("none" removes the part)
    skins: tuple[str, ...]
    hairs: tuple[str, ...]
    fill: float = 1.0  # picture size relative to its box, so heads of different styles match in size


@dataclass(frozen=True)
class _StyleDef:
    info: StyleInfo
    file: str  # dicebear_styles/<file>.json
    faces: Mapping[str, Face]
    option_parts: Mapping[str, str]  # look option -> DiceBear component
    fixed: Mapping[str, Any]  # DiceBear options every state shares
    off_by_default: tuple[str, ...]  # parts left out unless the look asks for them
    gestures: Mapping[str, tuple[str, float]]  # gesture -> DiceBear arm variant, swing (°) of its 2nd phase
    arms: Mapping[str, Callable[[int], tuple[Arm, ...]]] = field(default_factory=dict)  # our own hands


def _variants(file: str, component: str) -> tuple[str, ...]:
    return tuple(sorted(_definition(file)["components"][component]["variants"]))


@cache
def _definition(file: str) -> dict[str, Any]:
    import dicebear_styles

    base = Path(next(iter(dicebear_styles.__path__)))
    data: dict[str, Any] = json.loads((base / f"{file}.json").read_text(encoding="utf-8"))
    return data


class _Trusted:
    """Stands in for DiceBear's style validator while a shipped definition is loaded."""

    @staticmethod
    def validate(data: Any) -> None:
        pass


@cache
def _style(file: str) -> Any:
    import importlib

    module: Any = importlib.import_module("dicebear.style._style")

    # the definitions ship with dicebear-styles, already valid: checking them against the JSON
    # Schema again took 0.6-1.3 s per style in every scene worker
    checker = module.StyleValidator
    module.StyleValidator = _Trusted
    try:
        return module.Style(_definition(file))
    finally:
        module.StyleValidator = checker


def _toon_arms_wave(phase: int) -> tuple[Arm, ...]:
    return (Arm(650, 470, 14 if phase else -4, "open"),)


def _toon_arms_celebrate(phase: int) -> tuple[Arm, ...]:
    lift = 8 if phase else 0
    return (Arm(112, 400 - lift, -16, "open"), Arm(656, 400 - lift, 16, "open"))


_TOON_FACES = {
    "neutral": Face("happy", "humble", "neutral", ("smile", "agape", "laugh")),
    "smile": Face("happy", "humble", "happy", ("smile", "agape", "laugh")),
    "happy": Face("happy", "bow", "happy", ("laugh", "agape", "laugh")),
    "surprised": Face("wide", "humble", "raised", ("agape", "agape", "laugh")),
    "concerned": Face("happy", "humble", "sad", ("sad", "agape", "agape")),
}
_NOTION_FACES = {
    "neutral": Face("variant05", "variant03", "variant04", ("variant22", "variant13", "variant25")),
    "smile": Face("variant05", "variant03", "variant05", ("variant03", "variant14", "variant25")),
    "happy": Face("variant05", "variant03", "variant01", ("variant03", "variant14", "variant30")),
    "surprised": Face("variant04", "variant03", "variant12", ("variant29", "variant29", "variant15")),
    "concerned": Face("variant05", "variant03", "variant06", ("variant18", "variant13", "variant07")),
}


def _toon_options() -> dict[str, tuple[str, ...]]:
    return {
        "hair": (*_variants("toon-head", "hair"), "none"),
        "rearHair": (*_variants("toon-head", "rearHair"), "none"),
        "beard": (*_variants("toon-head", "beard"), "none"),
        "outfit": _variants("toon-head", "clothes"),
    }


def _notion_options() -> dict[str, tuple[str, ...]]:
    return {
        "hair": (*_variants("notionists", "hair"), "none"),
        "beard": (*_variants("notionists", "beard"), "none"),
        "glasses": (*_variants("notionists", "glasses"), "none"),
        "nose": _variants("notionists", "nose"),
        "outfit": _variants("notionists", "clothes"),
    }


_SKINS = ("#F1C3A5", "#E0AC8A", "#C68E7A", "#A36B4F", "#5C3829")
_HAIRS = ("#2C1B18", "#724133", "#A55728", "#B58143", "#D6B370", "#5A3825")


@cache
def _styles() -> dict[str, _StyleDef]:
    toon = _StyleDef(
        info=StyleInfo(
            "toon-head",
            "Toon Head",
            "CC-BY-4.0",
            "colour bust: closed eyes, three mouth openings; waves and points with hands that come into frame",
            _toon_options(),
            _SKINS,
            _HAIRS,
            fill=0.8,
        ),
        file="toon-head",
        faces=_TOON_FACES,
        option_parts={"hair": "hair", "rearHair": "rearHair", "beard": "beard", "outfit": "clothes"},
        fixed={"strokeColor": ["#2b2b2b"]},
        off_by_default=("beard",),
        gestures={},
        arms={
            "wave": _toon_arms_wave,
            "point": lambda phase: (Arm(640, 520, 28, "point"),),
            "think": lambda phase: (Arm(486, 668, -18, "point", 0.9),),
            "celebrate": _toon_arms_celebrate,
        },
    )
    notion = _StyleDef(
        info=StyleInfo(
            "notionists",
            "Notionists",
            "CC0-1.0",
            "line-art half body with real waving and pointing arms",
            _notion_options(),
            _SKINS,
            _HAIRS,
        ),
        file="notionists",
        faces=_NOTION_FACES,
        option_parts={"hair": "hair", "beard": "beard", "glasses": "glasses", "nose": "nose", "outfit": "clothes"},
        fixed={"inkColor": ["#1f1f1f"]},
        off_by_default=("beard", "glasses"),
        gestures={
            "wave": ("waveLongArm", -7.0),
            "point": ("pointLongArm", 0.0),
            "think": ("hand", 0.0),
            "celebrate": ("waveLongArms", -3.0),
        },
    )
    return {s.info.name: s for s in (toon, notion)}


def style_names() -> list[str]:
    return sorted(_styles())


def style_info(name: str) -> StyleInfo:
    """The style's description, licence and options; :class:`UnknownName` for an unknown style."""
    return _style_def(name).info


def _style_def(name: str) -> _StyleDef:
    styles = _styles()
    if name not in styles:
        if name == "avataaars":  # a DiceBear style, but its licence is not cleared for a bank
            raise UnknownName("character style (avataaars is not bundled: its licence is not cleared)", name, styles)
        raise UnknownName("character style", name, styles)
    return styles[name]


@dataclass(frozen=True)
class Character:
    """One cast member's look, fully resolved: the same Character always draws the same."""

    name: str
    style: str
    clothes: str  # "#RRGGBB"
    skin: str
    hair: str
    look: tuple[tuple[str, str], ...]  # validated look options, sorted

    def key(self) -> str:
        return f"{self.style}|{self.name}|{self.clothes}|{self.skin}|{self.hair}|{self.look}"


@dataclass(frozen=True)
class Pose:
    """One drawable state. `gesture` None or wave/point/think/celebrate (nod is a motion, not a picture)."""

    expression: str = "neutral"
    eyes: str = "open"  # open | closed
    mouth: str = "closed"  # closed | half | open
    gesture: str | None = None
    phase: int = 0  # alternate picture of a repeated gesture (a wave's two positions)
    flip: bool = False  # mirrored: faces and gestures towards the left

    def key(self) -> str:
        return f"{self.expression}|{self.eyes}|{self.mouth}|{self.gesture}|{self.phase % 2}|{int(self.flip)}"


def _pick(seed: str, pool: tuple[str, ...]) -> str:
    # FNV-1a: a stable pick from the name (Python's hash() is salted per process)
    h = 0x811C9DC5
    for byte in seed.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return pool[h % len(pool)]


def make_character(
    name: str,
    style: str = DEFAULT_STYLE,
    clothes: str = "primary",
    skin: str | None = None,
    hair: str | None = None,
    look: Mapping[str, str] | None = None,
    palette: Palette | None = None,
) -> Character:
    """Validate and resolve a cast member. Colours: a brand colour name or "#RRGGBB".

    Unknown style, look option or option value raise :class:`UnknownName` with the closest names.
    """
    info = _style_def(style).info
    colours = palette or Palette()
    checked: dict[str, str] = {}
    for option, value in (look or {}).items():
        check_name(f"{style} look option", option, info.options)
        checked[option] = check_name(f"{style} {option}", str(value), info.options[option])
    return Character(
        name=name,
        style=style,
        clothes=colours.resolve(clothes),
        skin=to_hex(parse_hex(skin)) if skin else _pick(name + "/skin", info.skins[:3]),
        hair=to_hex(parse_hex(hair)) if hair else _pick(name + "/hair", info.hairs),
        look=tuple(sorted(checked.items())),
    )


def _check_pose(pose: Pose) -> None:
    check_name("expression", pose.expression, EXPRESSIONS)
    check_name("eyes state", pose.eyes, EYES)
    check_name("mouth state", pose.mouth, MOUTHS)
    if pose.gesture is not None:
        check_name("gesture", pose.gesture, tuple(g for g in GESTURES if g != "nod"))


@cache
def _base_options(character: Character) -> dict[str, Any]:
    """DiceBear options with every part pinned (seeded by the name, then the look applied)."""
    from dicebear import Avatar

    sdef = _style_def(character.style)
    seeded = Avatar(_style(sdef.file), {"seed": character.name, **sdef.fixed}).to_json()["options"]
    # only parts and colours are inputs (the resolved per-part transforms are not accepted back)
    options: dict[str, Any] = {
        k: v
        for k, v in seeded.items()
        if k.endswith(("Variant", "Probability", "Color")) and not k.startswith("background")
    }
    for part in sdef.off_by_default:
        options[f"{part}Probability"] = 0
    look = dict(character.look)
    for option, part in sdef.option_parts.items():
        value = look.get(option)
        if value == "none":
            options[f"{part}Probability"] = 0
        elif value is not None:
            options[f"{part}Variant"] = [value]
            options[f"{part}Probability"] = 100
        else:
            current = options.get(f"{part}Variant")
            if isinstance(current, str):
                options[f"{part}Variant"] = [current]
    for key, value in list(options.items()):  # pin every picked variant
        if key.endswith("Variant") and isinstance(value, str):
            options[key] = [value]
    options["gestureProbability"] = 0
    if sdef.file == "toon-head":
        options.update(clothesColor=[character.clothes], skinColor=[character.skin], hairColor=[character.hair])
    else:
        options.update(paperColor=[character.skin])
    options.update(sdef.fixed)
    return options


def _recolour_notionists(svg: str, character: Character) -> str:
    # Notionists is ink on paper: the clothes take the clothes colour, the hair the hair colour.
    skin, ink = character.skin.lower(), "#1f1f1f"

    def recolour(part: str, old: str, new: str, text: str) -> str:
        pattern = re.compile(rf'(<g id="{part}-[^"]*">)(.*?)(</g>)', re.S)
        return pattern.sub(
            lambda m: m.group(1) + m.group(2).replace(f'fill="{old}"', f'fill="{new}"') + m.group(3), text
        )

    svg = recolour("clothes", skin, character.clothes, svg.replace(f'fill="{skin.upper()}"', f'fill="{skin}"'))
    hair = mix(character.hair, ink, 0.15)
    return recolour("hair", ink, hair, svg)


def canvas_size(style: str) -> int:
    """The square size of the style's picture, in its own units."""
    return int(_definition(_style_def(style).file)["canvas"]["width"])


@cache
def character_svg(character: Character, pose: Pose) -> str:
    """The SVG of `character` in `pose` (square, transparent background)."""
    from dicebear import Avatar

    _check_pose(pose)
    sdef = _style_def(character.style)
    face = sdef.faces[pose.expression]
    options = dict(_base_options(character))
    options["eyesVariant"] = [face.eyes_open if pose.eyes == "open" else face.eyes_closed]
    options["eyebrowsVariant"] = [face.brows]
    options["mouthVariant"] = [face.mouths[MOUTHS.index(pose.mouth)]]
    options.update(eyesProbability=100, eyebrowsProbability=100, mouthProbability=100)
    swing = 0.0
    gesture = pose.gesture or ""
    if gesture in sdef.gestures:
        variant, swing = sdef.gestures[gesture]
        options.update(gestureVariant=[variant], gestureProbability=100)
    svg: str = Avatar(_style(sdef.file), options).to_string()
    if swing and pose.phase % 2:  # the arm's second position: swung about the shoulder, low in the picture
        svg = re.sub(r'(<use [^>]*href="#gesture-[^"]*"/>)', rf'<g transform="rotate({swing} 1300 1500)">\1</g>', svg)
    if sdef.file == "notionists":
        svg = _recolour_notionists(svg, character)
    size = canvas_size(character.style)
    extra = ""
    if gesture in sdef.arms:
        arms = sdef.arms[gesture](pose.phase)
        extra = "".join(arm_svg(a, character.skin, character.clothes, "#2b2b2b", size) for a in arms)
    body_start = svg.index("<g clip-path=")
    end = svg.rindex("</svg>")
    content = svg[body_start:end] + extra
    if pose.flip:  # mirror everything, our hands included
        content = f'<g transform="translate({size} 0) scale(-1 1)">{content}</g>'
    return svg[:body_start] + content + "</svg>"
