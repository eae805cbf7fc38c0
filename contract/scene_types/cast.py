"""The cast: characters defined once (`cast:`), and how a scene names one (`character:`).

Names are checked against the bundled styles, settings and props by
:mod:`render.cartoon_checks` (with "did you mean"); here only the shape is typed.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal, TypeVar

from pydantic import Field, field_validator

from contract.scene_types.base import (
    NOT_SHOWN,
    CharacterPlacement,
    CharacterRef,
    Position,
    Strict,
    character_name,
    character_placement,
    refuse,
)

__all__ = [  # the character references live in base (every scene takes `character:`); named here too
    "BRAND_COLOURS",
    "CAST_NAME",
    "CastLook",
    "CharacterPlacement",
    "CharacterRef",
    "Position",
    "PropPlacement",
    "PropRef",
    "character_name",
    "character_placement",
    "check_cast_names",
    "prop_placement",
]

CAST_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
BRAND_COLOURS = ("primary", "secondary", "text")
T = TypeVar("T")


def _brand_or_hex(value: str) -> str:
    if value in BRAND_COLOURS or _HEX.match(value):
        return value
    raise refuse(f'{value!r} is not a colour; write primary, secondary, text or "#RRGGBB"')


def _hex(value: str | None) -> str | None:
    if value is not None and not _HEX.match(value):
        raise refuse(f'{value!r} is not a colour; write it as "#RRGGBB", for example "#F1C3A5"')
    return value


class CastLook(Strict):
    """One character's look: a bundled style in the brand's colours (its voice is in `contract.script`)."""

    style: Annotated[str, NOT_SHOWN] = Field("toon-head", description="a bundled style; `render styles` lists them")
    clothes: Annotated[str, NOT_SHOWN] = Field("primary", description='primary | secondary | text | "#RRGGBB"')
    skin: Annotated[str | None, NOT_SHOWN] = Field(None, description='"#RRGGBB"')
    hair: Annotated[str | None, NOT_SHOWN] = Field(None, description='hair colour, "#RRGGBB"')
    look: Annotated[dict[str, str], NOT_SHOWN] = Field(
        default_factory=dict, description="the style's own options (`render styles` lists them)"
    )

    _clothes = field_validator("clothes")(lambda cls, v: _brand_or_hex(v))
    _colours = field_validator("skin", "hair")(lambda cls, v: _hex(v))


class PropPlacement(Strict):
    """`props: [{name, at}]`: a bundled prop standing at the bottom of the frame."""

    name: Annotated[str, NOT_SHOWN]
    at: Annotated[Literal["left", "right", "center"], NOT_SHOWN] = "right"


PropRef = str | PropPlacement


def prop_placement(ref: PropRef) -> PropPlacement:
    return ref if isinstance(ref, PropPlacement) else PropPlacement(name=ref)


def check_cast_names(value: dict[str, T]) -> dict[str, T]:
    for name in value:
        if not CAST_NAME.match(name):
            raise refuse(f"{name!r} is not a cast name; use lower case letters, digits, - or _ (e.g. claire)")
    return value
