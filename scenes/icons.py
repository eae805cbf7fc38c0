"""The bundled icon set: Font Awesome Free SVGs from the `fontawesomefree` package.

Cheap on purpose (no Manim import): the script checker calls :func:`find_icon`
for every icon name at ``--check`` time. The index is a listing of the
``svgs/{solid,regular,brands}`` folders, built once per process. Names are the
Font Awesome 6 names (``handshake``, ``building-columns``); the older names
Font Awesome still lists as aliases (``bank``, ``university``) are accepted too.
A style can be forced with a prefix: ``regular/comments`` or ``brands/youtube``.

Icons are CC BY 4.0 (Fonticons, Inc.).
"""

from __future__ import annotations

import difflib
import re
from functools import cache
from importlib import resources
from pathlib import Path

from contract.scene_errors import UnknownIcon

STYLES = ("solid", "regular", "brands")  # preference order for a bare name
_FA_ROOT = "static/fontawesomefree/js-packages/@fortawesome/fontawesome-free"


@cache
def _fa_root() -> Path:
    try:
        root = Path(str(resources.files("fontawesomefree"))) / _FA_ROOT
    except ModuleNotFoundError as error:  # pragma: no cover - a dependency of the project
        raise UnknownIcon("?", [], None) from error
    return root


@cache
def _index() -> dict[str, dict[str, Path]]:
    """style -> {name -> svg path}."""
    svgs = _fa_root() / "svgs"
    index: dict[str, dict[str, Path]] = {}
    for style in STYLES:
        folder = svgs / style
        index[style] = {p.name[:-4]: p for p in folder.iterdir() if p.name.endswith(".svg")} if folder.is_dir() else {}
    return index


@cache
def _aliases() -> dict[str, str]:
    """Older/alternative name -> current name, read from the package's metadata (only on a miss)."""
    aliases: dict[str, str] = {}
    meta = _fa_root() / "metadata"
    top = re.compile(r"^'?([a-z0-9-]+)'?:\s*$")
    item = re.compile(r"^      - '?([a-z0-9-]+)'?\s*$")
    try:
        current, in_names = None, False
        with (meta / "icons.yml").open(encoding="utf-8") as lines:
            for line in lines:
                match = top.match(line)
                if match:
                    current, in_names = match.group(1), False
                elif line.startswith("    names:"):
                    in_names = True
                elif in_names and (found := item.match(line)):
                    aliases.setdefault(found.group(1), current or "")
                elif not line.startswith("      "):
                    in_names = False
        current = None
        with (meta / "shims.yml").open(encoding="utf-8") as lines:  # Font Awesome 4 names
            for line in lines:
                match = top.match(line)
                if match:
                    current = match.group(1)
                elif current and line.strip().startswith("name:"):
                    aliases.setdefault(current, line.split(":", 1)[1].strip().strip("'\""))
    except OSError:
        return {}
    return {old: new for old, new in aliases.items() if new}


def icon_names() -> list[str]:
    """Every icon name, sorted (bare names; a name in several styles appears once)."""
    names: set[str] = set()
    for by_name in _index().values():
        names.update(by_name)
    return sorted(names)


def find_icon(name: str) -> Path:
    """The SVG file of an icon; raises :class:`UnknownIcon` with the closest names.

    A bare name prefers the solid style, then regular, then brands. ``fa-`` and
    ``fa-solid fa-`` prefixes (as copied from the Font Awesome site) are ignored.
    """
    index = _index()
    wanted = name.strip().lower()
    wanted = re.sub(r"^(fa-(solid|regular|brands)\s+)", r"\2/", wanted)
    wanted = re.sub(r"(^|/)fa-", r"\1", wanted)
    style: str | None = None
    if "/" in wanted:
        style, _, wanted = wanted.partition("/")
        if style not in index:
            raise UnknownIcon(
                name,
                [f"{s}/{wanted}" for s in STYLES if wanted in index[s]] or [f"{s}/{wanted}" for s in STYLES],
            )
    styles = (style,) if style else STYLES
    for s in styles:
        if wanted in index[s]:
            return index[s][wanted]
    target = _aliases().get(wanted)
    if target:
        for s in styles:
            if target in index[s]:
                return index[s][target]
    pool = icon_names()
    suggestions = difflib.get_close_matches(wanted, pool, n=5, cutoff=0.6)
    # "hand-shake" or "shake": also offer names that contain the word
    if len(suggestions) < 5 and len(wanted) >= 3:
        for candidate in pool:
            if wanted in candidate and candidate not in suggestions:
                suggestions.append(candidate)
            if len(suggestions) >= 5:
                break
    if style is None:
        close_aliases = difflib.get_close_matches(wanted, list(_aliases()), n=3, cutoff=0.8)
        for alias in close_aliases:
            target = _aliases()[alias]
            if target not in suggestions and len(suggestions) < 6:
                suggestions.append(target)
    raise UnknownIcon(name, suggestions)
