"""statistic: a number that counts up, with a prefix, a suffix and a label."""

from __future__ import annotations

import math
import re
from typing import Annotated, Any, ClassVar, Literal

from pydantic import StringConstraints, field_validator

from contract.scene_types.base import NonEmptyText, SceneBase, refuse, scene_type

# spaces are meaningful here ("€ " vs "€"): not stripped
Affix = Annotated[str, StringConstraints(strip_whitespace=False)]
_EXPONENT = re.compile(r"^\s*([-+]?)(\d+)(?:\.(\d*))?[eE]([-+]?)(\d+)\s*$")


def yaml_float_spelling(text: str) -> str | None:
    """'1e308' -> '1.0e+308': how YAML 1.1 wants a number in exponent form (else it is text)."""
    match = _EXPONENT.match(text)
    if match is None:
        return None
    sign, whole, fraction, exp_sign, exponent = match.groups()
    return f"{sign}{whole}.{fraction or '0'}e{exp_sign or '+'}{exponent}"


@scene_type
class StatisticScene(SceneBase):
    cue_names: ClassVar[tuple[str, ...]] = ("number", "label")
    draws_language: ClassVar[bool] = True  # 12 500 / 12,500; 3,5 % / 3.5%

    type: Literal["statistic"]
    value: float
    prefix: Affix | None = None
    suffix: Affix | None = None
    label: NonEmptyText

    @field_validator("value", mode="before")
    @classmethod
    def _number(cls, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            if isinstance(value, str) and (spelled := yaml_float_spelling(value)) is not None:
                raise refuse(f"`value` must be a number; YAML reads {value.strip()} as text: write {spelled}")
            raise refuse("`value` must be a number, for example 1200 or 4.5 (no units: use prefix/suffix)")
        if not math.isfinite(value) or abs(value) >= 1e15:
            raise refuse("`value` must be a finite number below a million billion")
        return value
