"""Translation files: `<script>.<lang>.po` beside a `languages: [...]` script (gettext, via polib).

Each entry is one text of the original language: `msgctxt` its field path in the one-language
script (`scenes[2].items[0].text`), `msgid` the original's text, `#:` its line in the script, and
`msgstr` the translation. Which texts are language texts is read off the original's validated
model (what it shows, says and publishes), not listed here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polib
from pydantic import ValidationError

from contract.problems import FieldPath, Problem, format_path
from contract.scene_types.base import RecordedBeat, legal_list
from contract.script import Script
from render.content_checks import shown_texts
from render.languages import Languages, is_neutral, localise
from render.script_yaml import Document


def po_file(script: Path, language: str) -> Path:
    """`scripts/mission.yaml` in English: `scripts/mission.en.po`."""
    return script.with_name(f"{script.stem}.{language}.po")


def model_texts(script: Script) -> Iterator[tuple[FieldPath, str]]:
    """Every text the video shows, says or publishes, with its path in the model."""
    yield ("title",), script.title
    yield from shown_texts(script)
    for i, scene in enumerate(script.scenes):
        narration = scene.narration
        beats = narration if isinstance(narration, list) else [] if narration is None else [narration]
        for k, beat in enumerate(beats):
            path: FieldPath = (
                ("scenes", i, "narration", k) if isinstance(narration, list) else ("scenes", i, "narration")
            )
            if isinstance(beat, RecordedBeat):
                yield (*path, "text"), beat.text
            else:
                yield path, beat
        yield from _entry_texts(scene, i)
        if scene.chapter:
            yield ("scenes", i, "chapter"), scene.chapter
    for mention in legal_list(script.legal):
        yield ("legal",), mention.text
    publish = script.publish
    if publish is not None:
        for name in ("title", "description"):
            value = getattr(publish, name)
            if isinstance(value, str) and value.strip():
                yield ("publish", name), value
        for k, tag in enumerate(publish.tags):
            yield ("publish", "tags", k), tag


def _entry_texts(scene: Any, i: int) -> Iterator[tuple[FieldPath, str]]:
    """What a scene's entries say (an item's `narration`, a dialogue line's `say`)."""
    if not scene.entries_field:
        return
        written = list(getattr(scene, scene.entries_field))
        for k, entry in enumerate(scene.entries()):
            if entry.narration:
                fields = type(written[k]).model_fields
                name = (
                    "narration"
                    if "narration" in fields
                    else next((n for n in fields if getattr(written[k], n) == entry.narration), "narration")
                )
                yield ("scenes", i, scene.entries_field, k, name), entry.narration


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def _search(value: Any, path: FieldPath, text: str) -> FieldPath | None:
    if isinstance(value, str):
        return path if _same(value, text) else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        found = _search(child, (*path, key), text)
        if found is not None:
            return found
    return None


def _find(data: Any, path: FieldPath, text: str) -> FieldPath | None:
    """Where the model's text at `path` is written in the one-language data (an item written as a string...)."""
    current = data
    for depth, part in enumerate(path):
        if isinstance(current, str):
            return path[:depth]
        if (isinstance(current, dict) and part in current) or (
            isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current)
        ):
            current = current[part]  # type: ignore[index]
        else:
            return None
    return path if isinstance(current, str) else _search(current, path, text)


def language_texts(doc: Document, languages: Languages) -> dict[FieldPath, str]:
    """The original's language texts as written: path in the one-language script -> text.

    Texts that are the same in every language (`{all: …}`, numbers, addresses) are left out.
    Empty when the original is not a valid script (its own variant reports why).
    """
    original, _ = localise(doc, languages.original, languages)
    try:
        script = Script.model_validate(original.data)
    except ValidationError:
        return {}
    found: dict[FieldPath, str] = {}
    for path, text in model_texts(script):
        at = _find(original.data, path, text)
        if at is None:
            continue
        written = _find(original.data, at, text)
        value = _value(original.data, at)
        if written is not None and isinstance(value, str) and value.strip() and not is_neutral(value):
            found.setdefault(at, value)
    return found


def _value(data: Any, path: FieldPath) -> Any:
    for part in path:
        data = data[part]
    return data


@dataclass(frozen=True)
class Entry:
    msgid: str
    msgstr: str
    fuzzy: bool
    line: int


@dataclass
class Catalogue:
    """A `.po` file as read: its entries by msgctxt, and what is wrong with the file itself."""

    file: Path  # as shown in messages
    script: Path
    language: str
    entries: dict[str, Entry] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def translate(self, path: FieldPath, original: str) -> str | Problem | None:
        where = format_path(path)
        entry = self.entries.get(where)
        if entry is None or not entry.msgstr:
            return None
        redo = (
            f"`render strings export {self.script} --lang {self.language} --update` marks it fuzzy with the "
            "previous text; re-translate, then remove the fuzzy flag"
        )
        if entry.fuzzy:
            return Problem(
                str(self.file),
                entry.line,
                1,
                where,
                "the translation is marked fuzzy: the original changed after translation",
                "check the msgstr against the msgid, re-translate, then remove the fuzzy flag",
            )
        if entry.msgid != original:
            return Problem(
                str(self.file),
                entry.line,
                1,
                where,
                f"the original changed after translation: msgid {entry.msgid!r}, the script now says {original!r}",
                redo,
            )
        return entry.msgstr

    def hint_inline(self, path: FieldPath) -> str:
        return f"add {self.language}: … or {{all: …}}, or {self._fill(path)}"

    def hint_plain(self, path: FieldPath) -> str:
        return f"write {{…, {self.language}: …}} (or {{all: …}} for a name), or {self._fill(path)}"

    def _fill(self, path: FieldPath) -> str:
        where = format_path(path)
        if where in self.entries:
            return f'fill its msgstr (msgctxt "{where}") in {self.file}'
        return (
            f"run `render strings export {self.script} --lang {self.language} --update` and translate it in {self.file}"
        )


_LINE = re.compile(r"\(line (\d+)\)")


def read_catalogue(file: Path, shown: Path, language: str) -> Catalogue | None:
    """The translation file of `language` beside the script `file` (`shown` in messages), or None."""
    path = po_file(file, language)
    if not path.is_file():
        return None
    catalogue = Catalogue(po_file(shown, language), shown, language)
    try:
        po = polib.pofile(str(path), wrapwidth=0)
    except (OSError, UnicodeDecodeError, ValueError) as error:
        match = _LINE.search(str(error))
        line = int(match.group(1)) if match else 1
        catalogue.problems.append(
            Problem(
                str(catalogue.file),
                line,
                1,
                "(po)",
                "this translation file cannot be read (a PO syntax error)",
                "fix the line (each entry is msgctxt, msgid and msgstr in double quotes), or export it again",
            )
        )
        return catalogue
    for entry in po:
        if entry.obsolete or not entry.msgid:
            continue
        context = entry.msgctxt or ""
        line = max(entry.linenum, 1)
        if context in catalogue.entries:
            first = catalogue.entries[context].line
            catalogue.problems.append(
                Problem(
                    str(catalogue.file),
                    line,
                    1,
                    context or "(po)",
                    f"a second entry for this field (the first at line {first})",
                    "keep only one",
                )
            )
            continue
        catalogue.entries[context] = Entry(entry.msgid, entry.msgstr, "fuzzy" in entry.flags, line)
    return catalogue


__all__ = ["Catalogue", "language_texts", "model_texts", "po_file", "read_catalogue"]
