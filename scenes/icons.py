"""The bundled icon set: Font Awesome Free SVGs from the `fontawesomefree` package, and its search.

Cheap on purpose (no Manim import): the script checker calls :func:`find_icon`
for every icon name at ``--check`` time. The index is a listing of the
``svgs/{solid,regular,brands}`` folders, built once per process. Names are the
Font Awesome 6 names (``handshake``, ``building-columns``); the older names
Font Awesome still lists as aliases (``bank``, ``university``) are accepted too.
A style can be forced with a prefix: ``regular/comments`` or ``brands/youtube``.

:func:`search_icons` finds icons from a word, offline, in English and in French:
the English words are Font Awesome's own (``metadata/icons.yml``: each icon's label,
search terms and aliases), the French ones come from ``assets/icons/fr-keywords.yaml``
(French word -> icon names, best first). An unknown name in a script is suggested
from the same search, so ``maison`` suggests ``house`` before names spelt alike.

Icons are CC BY 4.0 (Fonticons, Inc.).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import yaml

from contract.scene_errors import UnknownIcon

STYLES = ("solid", "regular", "brands")  # preference order for a bare name
_FA_ROOT = "static/fontawesomefree/js-packages/@fortawesome/fontawesome-free"
FRENCH_KEYWORDS = Path(__file__).resolve().parents[1] / "assets" / "icons" / "fr-keywords.yaml"


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


# --- Font Awesome's metadata ---------------------------------------------------------------


@dataclass(frozen=True)
class IconInfo:
    """What Font Awesome's metadata says about one icon."""

    name: str
    label: str = ""
    terms: tuple[str, ...] = ()  # English search terms
    aliases: tuple[str, ...] = ()  # older names


_TOP = re.compile(r"^'?([a-z0-9-]+)'?:\s*$")
_ITEM = re.compile(r"^      - (.+?)\s*$")


def _yaml_scalar(text: str) -> str:
    """A one-line YAML scalar as text ('no' stays 'no'; quotes removed)."""
    if text[:1] == "'":
        return text[1:-1].replace("''", "'")
    if text[:1] == '"':
        value = yaml.safe_load(text)
        return value if isinstance(value, str) else text.strip('"')
    return text


def _read_icons_yml(lines: Iterable[str]) -> Iterator[IconInfo]:
    """Label, terms and aliases of each icon of metadata/icons.yml, read line by line.

    A full YAML parse of that 600 kB file takes seconds; its layout is fixed
    (two-space indents), so a line reader is enough and takes milliseconds.
    """
    name: str | None = None
    label, terms, aliases = "", list[str](), list[str]()
    section = ""
    for line in lines:
        top = _TOP.match(line)
        if top:
            if name:
                yield IconInfo(name, label, tuple(terms), tuple(aliases))
            name, label, terms, aliases, section = top.group(1), "", [], [], ""
        elif line.startswith("  label:"):
            label = _yaml_scalar(line.split(":", 1)[1].strip())
        elif line.startswith("    "):
            item = _ITEM.match(line)
            if line.startswith(("    names:", "    terms:")):
                section = line.strip()[:-1]
            elif not line.startswith("      "):
                section = ""
            elif item and section:
                (aliases if section == "names" else terms).append(_yaml_scalar(item.group(1)))
        elif line.startswith("  "):
            section = ""
    if name:
        yield IconInfo(name, label, tuple(terms), tuple(aliases))


@cache
def icon_metadata() -> dict[str, IconInfo]:
    """Every bundled icon's metadata (an icon without metadata gets an empty entry)."""
    known: dict[str, IconInfo] = {}
    try:
        with (_fa_root() / "metadata" / "icons.yml").open(encoding="utf-8") as lines:
            known = {info.name: info for info in _read_icons_yml(lines)}
    except OSError:
        pass
    return {name: known.get(name, IconInfo(name)) for name in icon_names()}


@cache
def _aliases() -> dict[str, str]:
    """Older/alternative name -> current name, from the package's metadata (only on a miss)."""
    aliases: dict[str, str] = {}
    for info in icon_metadata().values():
        for alias in info.aliases:
            aliases.setdefault(alias, info.name)
    try:
        current = None
        with (_fa_root() / "metadata" / "shims.yml").open(encoding="utf-8") as lines:  # Font Awesome 4 names
            for line in lines:
                match = _TOP.match(line)
                if match:
                    current = match.group(1)
                elif current and line.strip().startswith("name:"):
                    aliases.setdefault(current, line.split(":", 1)[1].strip().strip("'\""))
    except OSError:
        pass
    return {old: new for old, new in aliases.items() if new}


def icon_names() -> list[str]:
    """Every icon name, sorted (bare names; a name in several styles appears once)."""
    names: set[str] = set()
    for by_name in _index().values():
        names.update(by_name)
    return sorted(names)


def icon_styles(name: str) -> list[str]:
    """The styles an icon exists in (solid, regular, brands), in preference order."""
    return [style for style in STYLES if name in _index()[style]]


# --- search in English and French ----------------------------------------------------------

_STOPWORD_TEXT = (
    "a au aux avec ce ces d dans de des du en et l la le les leur leurs ma mes mon nos notre ou par pour sa "
    "sans ses son sur ta tes ton un une vos votre vous nous an and for in of on or the to with"
)
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def fold(text: str) -> str:
    """Lower case, no accents, words separated by single spaces: 'Poignée-de-main' -> 'poignee de main'."""
    text = text.lower().replace("œ", "oe").replace("æ", "ae")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


@cache
def french_keywords() -> dict[str, tuple[str, ...]]:
    """Folded French word or phrase -> icon names, best first (assets/icons/fr-keywords.yaml)."""
    try:
        data = yaml.load(
            FRENCH_KEYWORDS.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        )
    except OSError:  # pragma: no cover - an installation without the assets folder
        return {}
    known = set(icon_names())
    table: dict[str, tuple[str, ...]] = {}
    for word, names in (data or {}).items():
        icons = tuple(dict.fromkeys(n for n in names if n in known))
        if icons:
            table[fold(str(word))] = icons
    return table


@cache
def _english() -> dict[str, tuple[str, ...]]:
    """Folded English word or phrase (label, search term, alias) -> icon names."""
    table: dict[str, list[str]] = {}
    for info in icon_metadata().values():
        for word in (info.label, *info.terms, *info.aliases):
            key = fold(word)
            if key and info.name not in table.setdefault(key, []):
                table[key].append(info.name)
    return {key: tuple(names) for key, names in table.items()}


@cache
def _tokens() -> dict[str, tuple[str, ...]]:
    """A word of an icon's name -> the icons whose name has it ('chart' -> chart-line, chart-pie...)."""
    table: dict[str, list[str]] = {}
    for name in icon_names():
        for token in name.split("-"):
            table.setdefault(token, []).append(name)
    return {token: tuple(sorted(names, key=len)) for token, names in table.items()}


@cache
def french_words_for() -> dict[str, tuple[str, ...]]:
    """Icon name -> the French words that find it (first those where it is the best icon)."""
    found: dict[str, list[tuple[int, str]]] = {}
    for word, names in french_keywords().items():
        for rank, name in enumerate(names):
            found.setdefault(name, []).append((rank, word))
    return {
        name: tuple(w for _, w in sorted(pairs, key=lambda p: (p[0], len(p[1]), p[1]))) for name, pairs in found.items()
    }


MEANT = 70  # a score from this up: the query is a word (English or French) for that icon


@dataclass(frozen=True)
class IconMatch:
    """One search result: an icon name, how well it matched, and its keywords."""

    name: str
    score: int
    keywords: tuple[str, ...]  # English (Font Awesome's label and search terms)
    french: tuple[str, ...]  # French words of fr-keywords.yaml that find it


def _add(hits: dict[str, int], names: Iterable[str], score: int, step: int = 1) -> None:
    for rank, name in enumerate(names):
        hits[name] = max(hits.get(name, 0), score - rank * step)


def _exact_hits(phrase: str) -> dict[str, int]:
    """Icons named, aliased or keyed by exactly this folded phrase (or its singular)."""
    hits: dict[str, int] = {}
    for form in dict.fromkeys((phrase, _singular(phrase))):
        name = form.replace(" ", "-")
        for spelling in (name, form.replace(" ", "")):  # "hand shake" -> handshake
            if spelling in icon_metadata():
                _add(hits, [spelling], 100)
        if name in _aliases():
            _add(hits, [_aliases()[name]], 95)
        _add(hits, french_keywords().get(form, ()), 90)
        _add(hits, _english().get(form, ()), 70, step=0)
    return hits


def _singular(word: str) -> str:
    """'cartes' -> 'carte', 'travaux' -> 'travail' is too clever: only a final s or x goes."""
    return word[:-1] if len(word) > 3 and word[-1] in "sx" else word


def _word_hits(word: str) -> dict[str, int]:
    """Icons for one word: exact keys first, then a word of a name, then prefixes and near spellings."""
    hits = _exact_hits(word)
    _add(hits, _tokens().get(word, ()) or _tokens().get(_singular(word), ()), 80, step=0)
    if len(word) >= 3:
        for key, names in french_keywords().items():
            if key.startswith(word) and key != word:
                _add(hits, names, 40)
        for key, names in _english().items():
            if key.startswith(word) and key != word:
                _add(hits, names, 30, step=0)
        for token, names in _tokens().items():
            if token.startswith(word) and token != word:
                _add(hits, names, 30, step=0)
    if len(word) >= 4 and not hits:
        pool = [*french_keywords(), *_english()]
        for key in difflib.get_close_matches(word, pool, n=3, cutoff=0.8):
            _add(hits, french_keywords().get(key, ()) or _english().get(key, ()), 25)
    return hits


def _scores(query: str) -> dict[str, int]:
    phrase = fold(query)
    words = [w for w in phrase.split() if w not in _STOPWORDS] or phrase.split()
    if len(words) == 1 and words[0] == phrase:
        return _word_hits(phrase)
    scores = {name: score * 10 for name, score in _exact_hits(phrase).items()}
    for word in dict.fromkeys(words):
        for name, score in _word_hits(word).items():
            scores[name] = scores.get(name, 0) + score
    return scores


def search_icons(query: str, limit: int | None = 20) -> list[IconMatch]:
    """Icons for a word or phrase, in English or French, best first (accents and case ignored).

    ``search_icons("maison")[0].name == "house"``; an empty query lists every icon.
    """
    metadata = icon_metadata()
    scores = _scores(query) if fold(query) else dict.fromkeys(metadata, 1)
    ranked = sorted(scores.items(), key=lambda item: (-item[1], len(item[0]), item[0]))
    chosen = ranked if limit is None else ranked[:limit]
    return [_match(name, score) for name, score in chosen if name in metadata]


def _match(name: str, score: int) -> IconMatch:
    info = icon_metadata()[name]
    own = {fold(name)}
    keywords = tuple(dict.fromkeys(t for t in (info.label, *info.terms) if t and fold(t) not in own))
    return IconMatch(name, score, keywords, french_words_for().get(name, ()))


# --- look-up by name -----------------------------------------------------------------------


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
    raise UnknownIcon(name, suggest_icons(wanted, style))


def suggest_icons(wanted: str, style: str | None = None, count: int = 5) -> list[str]:
    """Names to offer for an unknown icon: what the word means (English or French), else names spelt alike."""
    found = search_icons(wanted, limit=count)
    suggestions = [m.name for m in found]
    pool = icon_names()
    if not any(m.score >= MEANT for m in found):  # no word means it: a typo? offer names spelt alike
        suggestions = suggestions[: count - 2]
        for candidate in difflib.get_close_matches(wanted, pool, n=count, cutoff=0.6):
            if candidate not in suggestions:
                suggestions.append(candidate)
        if style is None:
            for alias in difflib.get_close_matches(wanted, list(_aliases()), n=3, cutoff=0.8):
                if _aliases()[alias] not in suggestions:
                    suggestions.append(_aliases()[alias])
    # "shake": also offer names that contain the word
    if len(suggestions) < count and len(wanted) >= 3:
        suggestions += [c for c in pool if wanted in c and c not in suggestions][: count - len(suggestions)]
    suggestions = suggestions[:count]
    if style is not None:
        return [f"{style}/{s}" if style in icon_styles(s) else s for s in suggestions]
    return suggestions
