"""One script, several languages: `languages: [fr, en]` and texts written `{fr: …, en: …}`.

A script that declares `languages` is *localised* before the model sees it: for one language,
every mapping whose keys are all declared languages (or `all`, the same text in every language)
is replaced by its text in that language, and the result is validated as an ordinary
one-language script with `language: <lang>`. The positions of the parsed YAML move with the
values, so a problem in the English variant still points at the English text in the file.

What is not text stays as written, in every variant: a character's look, the brand, the video
settings. Two things are the original language's only: a flat `lexicon` (a per-language one,
`lexicon: {fr: {...}, en: {...}}`, is localised like a text) and a plain `voice.id` (of the script
or of a cast member): a variant in another language is spoken by the best voice of its language
(or by the id given for it: `voice: {id: {fr: ..., en: ...}}`).

In a language other than the original, a text given neither inline nor by the translation file
(`<script>.<lang>.po`, :mod:`render.translations`) is missing: the walk is told which paths hold
language text (`texts`) and how to look a text up in the file (`translate`). Inline wins: the
file is read only for the texts the script does not translate itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from contract.problems import FieldPath, Problem
from contract.script import LANGUAGE_TAG
from render.script_yaml import Document

ALL = "all"  # `{all: TOOKAM}`: the same text in every language


@dataclass(frozen=True)
class Languages:
    """The languages a script declares: `languages: [fr, en]`, the first the original."""

    declared: tuple[str, ...]
    problems: list[Problem] = field(default_factory=list)

    @property
    def original(self) -> str:
        return self.declared[0]


def declared_languages(doc: Document) -> Languages | None:
    """The script's `languages`, checked; None for a one-language script (no `languages:`)."""
    data = doc.data
    if not isinstance(data, dict) or "languages" not in data:
        return None
    value = data["languages"]
    problems: list[Problem] = []
    path: FieldPath = ("languages",)
    if not isinstance(value, list) or not value:
        problems.append(
            doc.problem(path, "`languages` is a list of language tags, the original first", "e.g. [fr, en]")
        )
        return Languages(("en",), problems)
    tags: list[str] = []
    for k, tag in enumerate(value):
        if not isinstance(tag, str) or not LANGUAGE_TAG.match(tag) or tag == ALL:
            message = f"{tag!r} is not a language tag"
            problems.append(doc.problem((*path, k), message, "write for example fr, fr-FR, en or en-GB"))
        elif tag in tags:
            problems.append(doc.problem((*path, k), f"{tag!r} is listed twice", "list each language once"))
        else:
            tags.append(tag)
    if not tags:
        return Languages(("en",), problems)
    single = data.get("language")
    if single is not None and single != tags[0]:
        problems.append(
            doc.problem(
                ("language",),
                f"`language: {single}` but `languages` starts with {tags[0]} (the original)",
                "remove `language` (the first of `languages` is the original), or put it first in `languages`",
            )
        )
    return Languages(tuple(tags), problems)


def is_translation(value: Any, languages: tuple[str, ...]) -> bool:
    """A mapping from declared languages (or `all`) to texts: `{fr: Écouter, en: Listen}`."""
    return (
        isinstance(value, dict)
        and bool(value)
        and all(isinstance(key, str) and (key in languages or key == ALL) for key in value)
    )


_LOOKS_LIKE_A_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


def _undeclared(value: Any, languages: tuple[str, ...]) -> list[str]:
    """`de` in `{fr: …, en: …, de: …}` when `de` is not declared: a translation with a language too many."""
    if not isinstance(value, dict) or not any(key in languages or key == ALL for key in value):
        return []
    keys = [key for key in value if key not in languages and key != ALL]
    if all(isinstance(key, str) and _LOOKS_LIKE_A_LANGUAGE.match(key) for key in keys):
        return keys
    return []


Translate = Callable[[FieldPath, str], "str | Problem | None"]
"""A text's translation from a file: (its path, the original's text) -> the text, a problem, or None."""

_LETTER = re.compile(r"[^\W\d_]")
_ADDRESS = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\S+\.(?:com|org|net|fr|eu|io)(?:/\S*)?")


def is_neutral(text: str) -> bool:
    """Text that is the same in every language without being marked so: no letter at all (`12 500`,
    `2024`, `%`, `→`), or a web or e-mail address alone. Names still need `{all: …}`."""
    return _LETTER.search(text) is None or _ADDRESS.fullmatch(text.strip()) is not None


@dataclass(frozen=True)
class Missing:
    """How to say that a text is missing in a language: the hints for an inline text and a plain one."""

    inline: Callable[[FieldPath], str]
    plain: Callable[[FieldPath], str]


class _Localiser:
    def __init__(
        self,
        doc: Document,
        language: str,
        languages: Languages,
        texts: Mapping[FieldPath, str] | None = None,
        translate: Translate | None = None,
        missing: Missing | None = None,
    ) -> None:
        self.doc = doc
        self.language = language
        self.languages = languages
        self.new = Document(file=doc.file, data=None, raw=doc.raw, problems=list(doc.problems))
        self.problems: list[Problem] = []
        self.mappings: dict[FieldPath, dict[str, Any]] = {}  # the translations met, at their one-language path
        foreign = language != languages.original
        self.texts: Mapping[FieldPath, str] = (texts or {}) if foreign else {}
        self.translate = translate if foreign else None
        self.missing = missing

    def _copy_marks(self, old: FieldPath, new: FieldPath) -> None:
        doc, out = self.doc, self.new
        if old in doc.values:
            out.values.setdefault(new, doc.values[old])
        if old in doc.keys:
            out.keys.setdefault(new, doc.keys[old])
        for table, into in ((doc.bad, out.bad), (doc.plain, out.plain), (doc.flow_lists, out.flow_lists)):
            if old in table:
                into.add(new)
        if old in doc.one_line_pairs:
            out.one_line_pairs.setdefault(new, doc.one_line_pairs[old])

    def walk(self, value: Any, old: FieldPath, new: FieldPath, translated: bool = False) -> Any:
        """`value` (at `old` in the file) at `new` in the one-language script; `translated`: inside a translation."""
        if old in self.doc.keys:  # the field's name stays where it was written
            self.new.keys.setdefault(new, self.doc.keys[old])
        extra = _undeclared(value, self.languages.declared)
        for key in extra:
            self.problems.append(
                self.doc.problem(
                    (*old, key),
                    f'"{key}" is not one of `languages` ({", ".join(self.languages.declared)})',
                    "add it to `languages` (and its texts everywhere), or remove this text",
                    key=True,
                )
            )
        if extra:
            value = {k: v for k, v in value.items() if k not in extra}
        if is_translation(value, self.languages.declared):
            self.mappings.setdefault(new, value)
            if self.language in value:
                key = self.language
            elif ALL in value:
                key = ALL
            else:
                key = self.languages.original if self.languages.original in value else next(iter(value))
                filled = self._from_file(value[key], (*old, key), new)
                if filled is not None:
                    return filled
                hint = self.missing.inline(new) if self.missing else f"add {self.language}: … or {{{ALL}: …}}"
                self.problems.append(self.doc.problem(old, f'no "{self.language}" text', hint))
                # the original's text stands in, so that the model reports nothing more here
            return self.walk(value[key], (*old, key), new, True)
        if not translated and isinstance(value, str) and new in self.texts and not is_neutral(value):
            return self._plain(value, old, new)
        self._copy_marks(old, new)
        if isinstance(value, dict):
            return {k: self.walk(v, (*old, k), (*new, k), translated) for k, v in value.items()}
        if isinstance(value, list):
            return [self.walk(v, (*old, k), (*new, k), translated) for k, v in enumerate(value)]
        return value

    def _look_up(self, text: str, old: FieldPath, new: FieldPath) -> str | None:
        """The file's translation of `text` (the original's, at `new`), or None; a bad entry is reported."""
        if self.translate is None:
            return None
        found = self.translate(new, text)
        if isinstance(found, Problem):
            self.problems.append(found)
            return text  # reported: the original stands in
        if found is not None:
            self._copy_marks(old, new)
        return found

    def _from_file(self, original: Any, old: FieldPath, new: FieldPath) -> Any:
        """A translation without this language's text, filled from the file (None: not all there)."""
        if isinstance(original, str):
            return self._look_up(original, old, new)
        if not isinstance(original, list) or not original or not all(isinstance(b, str) for b in original):
            return None
        beats = [self._look_up(beat, (*old, k), (*new, k)) for k, beat in enumerate(original)]
        if any(beat is None for beat in beats):
            return None
        self._copy_marks(old, new)
        return beats

    def _plain(self, value: str, old: FieldPath, new: FieldPath) -> str:
        """A text written once, in the original language, in another language's variant."""
        found = self._look_up(value, old, new)
        if found is not None:
            return found
        hint = (
            self.missing.plain(new)
            if self.missing
            else f"write {{{self.languages.original}: …, {self.language}: …}} (or {{{ALL}: …}} for a name), or "
            f"translate it in a .po file: `render strings export {self.doc.file} --lang {self.language}`"
        )
        self.problems.append(self.doc.problem(old, f'no "{self.language}" text', hint))
        self._copy_marks(old, new)
        return value


def localise(
    doc: Document,
    language: str,
    languages: Languages,
    *,
    texts: Mapping[FieldPath, str] | None = None,
    translate: Translate | None = None,
    missing: Missing | None = None,
) -> tuple[Document, list[Problem]]:
    """The document as the one-language script of `language`, and the texts missing in it.

    `texts` are the paths (in the one-language script) of the original's language texts: in
    another language, each must be translated, inline or by `translate` (the translation file).
    """
    work = _Localiser(doc, language, languages, texts, translate, missing)
    data = doc.data
    assert isinstance(data, dict)
    original = language == languages.original
    localised: dict[str, Any] = {}
    for key, value in data.items():
        if key == "lexicon" and not original and not is_translation(value, languages.declared):
            continue  # a flat lexicon is the original language's
        if key == "lexicon" and not _has(value, language, languages):
            continue  # no words of its own in this language: none
        if key in ("voice", "cast"):
            value = _without_missing_ids(key, value, language, languages)
        localised[key] = work.walk(value, (key,), (key,))
    localised["language"] = language
    if not original:
        _drop_plain_voice_id(doc, localised)
    work.new.data = localised
    work.new.values.setdefault((), doc.values.get((), (1, 1)))
    return work.new, work.problems


def translations_in(doc: Document, languages: Languages) -> dict[FieldPath, dict[str, Any]]:
    """Every inline translation of the script (`{fr: …, en: …}`), at its path in a one-language script."""
    work = _Localiser(doc, languages.original, languages)
    assert isinstance(doc.data, dict)
    for key, value in doc.data.items():
        work.walk(value, (key,), (key,))
    return work.mappings


def _has(value: Any, language: str, languages: Languages) -> bool:
    """False for a translation without this language's text (nor `all`)."""
    return not is_translation(value, languages.declared) or language in value or ALL in value


def _without_missing_ids(key: str, value: Any, language: str, languages: Languages) -> Any:
    """`voice: {id: {fr: roa/fr}}` in English: no id, so the best English voice speaks."""

    def voice_without(voice: Any) -> Any:
        if isinstance(voice, dict) and not _has(voice.get("id"), language, languages):
            return {k: v for k, v in voice.items() if k != "id"}
        return voice

    if key == "voice":
        return voice_without(value)
    if not isinstance(value, dict):
        return value
    return {
        name: {**member, "voice": voice_without(member["voice"])}
        if isinstance(member, dict) and "voice" in member
        else member
        for name, member in value.items()
    }


def _drop_plain_voice_id(doc: Document, data: dict[str, Any]) -> None:
    """A voice id written once is the original language's voice: another variant chooses its own."""
    voices: list[Any] = [data.get("voice")]
    cast = data.get("cast")
    if isinstance(cast, dict):
        voices.extend(member.get("voice") for member in cast.values() if isinstance(member, dict))
    raw_voices: list[Any] = [doc.data.get("voice")]
    raw_cast = doc.data.get("cast")
    if isinstance(raw_cast, dict):
        raw_voices.extend(member.get("voice") for member in raw_cast.values() if isinstance(member, dict))
    for voice, raw in zip(voices, raw_voices, strict=True):
        if isinstance(voice, dict) and isinstance(raw, dict) and isinstance(raw.get("id"), str):
            voice.pop("id", None)


def variant_name(stem: str, language: str) -> str:
    """`mission` in English: `mission-en` (its folder, video, captions and manifest name)."""
    return f"{stem}-{language}"


__all__ = [
    "ALL",
    "Languages",
    "Missing",
    "Translate",
    "declared_languages",
    "is_neutral",
    "is_translation",
    "localise",
    "translations_in",
    "variant_name",
]
