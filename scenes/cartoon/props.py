"""Props by name: Fluent Emoji Flat pictures (MIT) vendored in assets/props/.

`tools/vendor_props.py` writes the SVGs and `index.json`; here they are only read.
Names are ours (kebab-case, e.g. ``money-bag``), with a few aliases; an unknown name
gets the closest ones.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .names import UnknownName
from .raster import RasterCache, Sprite, content_key

PROPS_DIR = Path(__file__).resolve().parents[2] / "assets" / "props"


@dataclass(frozen=True)
class Prop:
    name: str
    path: Path
    source: str  # the icon's name in Fluent Emoji Flat


@cache
def _index() -> dict[str, object]:
    data: dict[str, object] = json.loads((PROPS_DIR / "index.json").read_text(encoding="utf-8"))
    return data


@cache
def _names() -> dict[str, str]:
    """Every accepted name (our names and their aliases) -> our name."""
    props = _index()["props"]
    assert isinstance(props, dict)
    names = {name: name for name in props}
    for name, entry in props.items():
        for alias in entry.get("aliases", []):
            names.setdefault(alias, name)
    return names


def prop_names() -> list[str]:
    """Our prop names (aliases not included), sorted."""
    props = _index()["props"]
    assert isinstance(props, dict)
    return sorted(props)


def find_prop(name: str) -> Prop:
    """The prop called `name` (or an alias); :class:`UnknownName` with the closest names otherwise."""
    names = _names()
    if name not in names:
        raise UnknownName("prop", name, names)
    props = _index()["props"]
    assert isinstance(props, dict)
    entry = props[names[name]]
    return Prop(names[name], PROPS_DIR / entry["file"], entry["source"])


def prop_sprite(name: str, size: int, cache: RasterCache) -> Sprite:
    """The prop as a size×size sprite (drawn once per prop and size)."""
    prop = find_prop(name)
    svg = prop.path.read_text(encoding="utf-8")
    return cache.get(content_key("prop", svg, size), svg, size, size)
