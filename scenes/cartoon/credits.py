"""Licences and credits for the cartoon assets a video uses (for `credits.txt`).

Every bundled style, setting and prop has a licence that allows a bank's commercial
use; its full text is in assets/. :func:`credits_for` names each asset used with its
licence and says whether a licence asks for attribution (toon-head's CC BY 4.0 does),
in which case the caller also appends the lines to the video's description.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .names import SETTINGS, check_name
from .props import find_prop
from .styles import style_info, style_names


@dataclass(frozen=True)
class Licence:
    spdx: str
    title: str
    url: str
    file: str  # its full text, relative to assets/
    attribution: bool  # the licence requires crediting the author


LICENCES: dict[str, Licence] = {
    "CC-BY-4.0": Licence(
        "CC-BY-4.0",
        "CC BY 4.0",
        "https://creativecommons.org/licenses/by/4.0/",
        "characters/LICENSE-toon-head.txt",
        True,
    ),
    "CC0-1.0": Licence(
        "CC0-1.0",
        "CC0 1.0",
        "https://creativecommons.org/publicdomain/zero/1.0/",
        "characters/LICENSE-notionists.txt",
        False,
    ),
    "MIT": Licence("MIT", "MIT", "https://opensource.org/license/mit", "props/LICENSE-fluent-emoji.txt", False),
    "CC0-1.0-own": Licence(
        "CC0-1.0",
        "CC0 1.0",
        "https://creativecommons.org/publicdomain/zero/1.0/",
        "settings/LICENSE.txt",
        False,
    ),
}

_STYLE_CREDIT = {
    "toon-head": (
        "“ToonHead” by Johan Melin (https://www.johanmelin.com), "
        "https://www.figma.com/community/file/1589627891082866389, via DiceBear; "
        "changed: colours, expressions and mouth states, hands added"
    ),
    "notionists": "“Notionists” by Zoish (https://heyzoish.gumroad.com/l/notionists), via DiceBear; changed: colours",
}


@dataclass(frozen=True)
class Credits:
    lines: tuple[str, ...]
    attribution_required: bool
    licence_files: tuple[str, ...]  # relative to assets/, one per licence used

    def text(self) -> str:
        return "\n".join(self.lines) + "\n" if self.lines else ""


def credits_for(styles: Iterable[str] = (), settings: Iterable[str] = (), props: Iterable[str] = ()) -> Credits:
    """The credit lines for the assets used (unknown names raise UnknownName), deduplicated, in a fixed order."""
    lines: list[str] = []
    used: list[Licence] = []
    for style in sorted(set(styles)):
        info = style_info(style)
        licence = LICENCES[info.licence]
        lines.append(f"Character style {style}: {_STYLE_CREDIT[style]}. Licence: {licence.title} ({licence.url}).")
        used.append(licence)
    for setting in sorted(set(settings)):
        check_name("setting", setting, SETTINGS)
        licence = LICENCES["CC0-1.0-own"]
        lines.append(f"Setting {setting}: drawn for this toolkit. Licence: {licence.title} ({licence.url}).")
        used.append(licence)
    found = sorted({find_prop(p).name: find_prop(p) for p in props}.values(), key=lambda p: p.name)
    for prop in found:
        licence = LICENCES["MIT"]
        lines.append(
            f"Prop {prop.name}: “{prop.source}” from Fluent Emoji Flat, © Microsoft Corporation "
            f"(https://github.com/microsoft/fluentui-emoji). Licence: {licence.title} ({licence.url})."
        )
        used.append(licence)
    files = tuple(dict.fromkeys(licence.file for licence in used))
    return Credits(tuple(lines), any(licence.attribution for licence in used), files)


def all_style_licences() -> dict[str, str]:
    """Style name -> licence title, for `render styles`."""
    return {name: LICENCES[style_info(name).licence].title for name in style_names()}
