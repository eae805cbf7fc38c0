"""`render strings export SCRIPT --lang en [--update]`: the script's texts as `<script>.en.po` for a translator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from contract.errors import InputError, ScriptError
from contract.problems import FieldPath, Problem, format_path
from render.commands._common import CONTEXT, debug_option, finish


def _inline(mappings: dict[FieldPath, dict[str, Any]], path: FieldPath, language: str) -> str | None:
    """The script's own text for `path` in `language` (`""`: none; None: `{all: …}`, nothing to translate)."""
    for cut in range(len(path), -1, -1):
        mapping = mappings.get(path[:cut])
        if mapping is None:
            continue
        if language not in mapping:
            return None if "all" in mapping else ""
        value: Any = mapping[language]
        for part in path[cut:]:
            try:
                value = value[part]
            except (KeyError, IndexError, TypeError):
                return ""
        return value if isinstance(value, str) else ""
    return ""


def export_strings(script: Path, language: str, update: bool) -> str:
    import polib

    from contract.files import atomic_write_text
    from render.languages import declared_languages, translations_in
    from render.loader import load_script, parse_yaml
    from render.translations import language_texts, po_file

    doc = parse_yaml(script, keep_going=True)
    declared = declared_languages(doc)
    if declared is None:
        raise InputError(f"{doc.file}: no `languages:`", hint="declare them first, e.g. `languages: [fr, en]`")
    if declared.problems:
        raise ScriptError(declared.problems)
    if language == declared.original:
        raise InputError(f"{language} is the original language of {doc.file}", hint="its texts are the msgids")
    if language not in declared.declared:
        raise InputError(f"{doc.file}: {language} is not one of `languages`", hint="add it to `languages: [...]`")
    original = load_script(script, language=declared.original)  # a script that is not valid: its problems
    target = po_file(script, language)
    if target.exists() and not update:
        raise InputError(f"{target} already exists", hint="`--update` merges the script's texts into it")
    mappings = translations_in(doc, declared)
    po = polib.POFile(wrapwidth=0)
    po.header = f"Translations of {script.name} into {language}: fill in each msgstr (msgctxt: the field)."
    po.metadata = {
        "Project-Id-Version": script.stem,
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }
    for path, text in language_texts(doc, declared).items():
        inline = _inline(mappings, path, language)
        if inline is None:
            continue
        line = original.document.position(path)[0]
        po.append(
            polib.POEntry(msgctxt=format_path(path), msgid=text, msgstr=inline, occurrences=[(script.name, str(line))])
        )
    fuzzy = obsolete = 0
    if target.exists():
        fuzzy, obsolete = _merge(po, target)
    atomic_write_text(target, str(po))
    done = sum(1 for e in po if e.msgstr and not e.obsolete)
    total = sum(1 for e in po if not e.obsolete)
    return f"{target}: {total} texts, {done} translated, {fuzzy} fuzzy, {obsolete} obsolete"


def _merge(po: Any, target: Path) -> tuple[int, int]:
    """Keep `target`'s translations in `po`: changed originals fuzzy (with `#| msgid`), removed ones obsolete."""
    import polib

    fuzzy = obsolete = 0
    try:
        old = polib.pofile(str(target), wrapwidth=0)
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise ScriptError([Problem(str(target), 1, 1, "(po)", f"cannot read it: {error}", "fix it first")]) from None
    by_context = {e.msgctxt or "": e for e in old if not e.obsolete}
    by_text = {e.msgid: e for e in old if not e.obsolete and e.msgstr and "fuzzy" not in e.flags}
    used: set[str] = set()
    for entry in po:
        before = by_context.get(entry.msgctxt or "")
        if before is not None:
            used.add(entry.msgctxt or "")
        if entry.msgstr:
            continue
        if before is not None and before.msgid == entry.msgid:
            entry.msgstr, entry.flags = before.msgstr, list(before.flags)
        elif before is not None and before.msgstr:
            entry.msgstr, entry.flags, entry.previous_msgid = before.msgstr, ["fuzzy"], before.msgid
            fuzzy += 1
        elif entry.msgid in by_text:  # moved: the same original elsewhere
            entry.msgstr = by_text[entry.msgid].msgstr
    for context, entry in by_context.items():
        if context not in used and entry.msgstr:
            entry.obsolete = True
            po.append(entry)
            obsolete += 1
    return fuzzy, obsolete


@click.group(context_settings=CONTEXT)
def strings() -> None:
    """The texts of a `languages: [...]` script, for translators (gettext .po files)."""


@strings.command(context_settings=CONTEXT)
@click.argument("script", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--lang", "language", required=True, metavar="LANG", help="the language to translate into")
@click.option("--update", is_flag=True, help="merge into an existing .po: keep translations, mark changed ones fuzzy")
@debug_option
def export(script: Path, language: str, update: bool, debug: bool) -> None:
    """Write SCRIPT's texts as <script>.LANG.po beside it (msgid: the original, msgctxt: the field)."""
    finish(lambda: click.echo(export_strings(script, language, update)), debug)
