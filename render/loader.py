"""Load a YAML script into the model: every problem of a file reported at once, with its position.

Every problem reads `file:line:col path: message; hint` (:class:`contract.problems.Problem`).
Checks run in layers, and each layer runs even when another one failed, so a user
sees every problem in one go:

1. YAML (:mod:`render.script_yaml`): syntax, encoding, sizes, tags, aliases. A syntax
   error stops here (there is no data); a refused tag or a duplicate key does not.
2. The model (pydantic; messages from :mod:`render.model_problems`): fields, types, ranges.
3. The world, on the raw data: the files the script refers to (:mod:`render.file_checks`),
   control characters, icon names, the voice, `publish_at` in the past
   (:mod:`render.content_checks`).
4. On the validated model: texts nothing can draw, the YouTube title, the caps on
   spoken text and on the video's length (:mod:`render.content_checks`); the contrast of
   every colour pair the scenes draw text with (:mod:`render.contrast_checks`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from contract.errors import InputError, ScriptError
from contract.problems import Problem
from contract.scene_errors import FieldError
from contract.script import MAX_MINUTES, MAX_MINUTES_DEFAULT, Brand, Script
from render.content_checks import check_model, check_raw
from render.contrast_checks import check_contrast
from render.engines.piper import check_piper_models
from render.engines.recorded import check_recordings
from render.file_checks import Files, check_script_files, load_brand, resolve_path
from render.languages import Missing, declared_languages, localise, variant_name
from render.model_problems import validation_problems
from render.script_yaml import MAX_DEPTH, MAX_NODES, MAX_SCRIPT_BYTES, Document, parse_yaml
from render.translations import language_texts, read_catalogue

__all__ = [
    "MAX_DEPTH",
    "MAX_NODES",
    "MAX_SCRIPT_BYTES",
    "Document",
    "LoadedScript",
    "find_project_root",
    "load_script",
    "load_variants",
    "parse_yaml",
    "resolve_path",
]


def find_project_root(start: Path) -> Path:
    """The nearest ancestor with pyproject.toml or .git, else the script's own folder."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").exists() or (folder / ".git").exists():
            return folder
    return start


@dataclass
class LoadedScript:
    """A validated script and what it refers to, resolved to absolute paths."""

    file: Path
    script: Script
    root: Path
    brand: Brand
    files: dict[str, Path]  # field path -> absolute file (images, music, font, logo, thumbnail)
    raw: bytes
    document: Document
    environment: list[Problem] = field(default_factory=list)  # machine problems (a font not installed)
    variant: str | None = None  # the language of this variant of a `languages: [...]` script, else None
    languages: tuple[str, ...] = ()  # a `languages: [...]` script's languages, the original first

    @property
    def name(self) -> str:
        """The script's file name without .yaml; a variant's: `<name>-<lang>`."""
        return self.file.stem if self.variant is None else variant_name(self.file.stem, self.variant)

    def locate(self, error: InputError) -> InputError:
        """A scene's error about one field, as a problem at that field's place in the script."""
        if not isinstance(error, FieldError) or not error.field_path:
            return error
        return ScriptError([self.document.problem(error.path, error.detail, error.hint)])


def load_variants(
    file: Path | str, *, languages: tuple[str, ...] = (), project_root: Path | None = None
) -> list[LoadedScript]:
    """Every language variant of a script (only `languages`, when given), or the one-language script.

    The problems of every variant are reported together, each once.
    """
    file = Path(file)
    declared = declared_languages(parse_yaml(file, keep_going=True))
    if declared is None or declared.problems:
        wanted = [None] if declared is None else [declared.original]
    else:
        wanted = list(dict.fromkeys(languages or declared.declared))
    if languages:
        known = declared.declared if declared is not None else (_single_language(file),)
        unknown = [lang for lang in languages if lang not in known]
        if unknown:
            raise InputError(
                f"{file}: no {', '.join(unknown)} version: the script is written in {', '.join(known)}",
                hint="add the language to `languages: [...]` and its texts, or choose one of these with --lang",
            )
        if declared is None:
            wanted = [None]
    variants: list[LoadedScript] = []
    problems: list[Problem] = []
    for language in wanted:
        try:
            variants.append(load_script(file, project_root=project_root, language=language))
        except ScriptError as error:
            problems.extend(p for p in error.problems if p not in problems)
    if problems:
        raise ScriptError(problems)
    return variants


def _single_language(file: Path) -> str:
    data = parse_yaml(file, keep_going=True).data
    language = data.get("language", "en") if isinstance(data, dict) else "en"
    return str(language)


def load_script(file: Path | str, *, project_root: Path | None = None, language: str | None = None) -> LoadedScript:
    """Parse, validate and resolve a script; raise ScriptError listing every problem.

    For a script with `languages: [...]`, the variant in `language` (default: the original).
    """
    file = Path(file)
    doc = parse_yaml(file, keep_going=True)
    problems: list[Problem] = list(doc.problems)
    declared = declared_languages(doc)
    variant: str | None = None
    if declared is not None:
        problems.extend(declared.problems)
        variant = language or declared.original
        if variant not in declared.declared and not declared.problems:
            raise InputError(f"{file}: no {variant} version", hint=f"its languages: {', '.join(declared.declared)}")
        texts, translate, hints = {}, None, None
        if variant != declared.original and not declared.problems:
            texts = language_texts(doc, declared)  # what must be translated
            catalogue = read_catalogue(file, doc.file, variant)  # `<script>.<lang>.po`, when there is one
            if catalogue is not None:
                problems.extend(catalogue.problems)
                translate, hints = catalogue.translate, Missing(catalogue.hint_inline, catalogue.hint_plain)
        doc, missing = localise(doc, variant, declared, texts=texts, translate=translate, missing=hints)
        problems.extend(missing)
    data: dict[str, Any] = doc.data
    script: Script | None
    try:
        script = Script.model_validate(data)
    except ValidationError as error:
        problems.extend(validation_problems(error, doc, skip=doc.bad))
        script = None
    root = (project_root or find_project_root(file.parent)).resolve()
    files = Files(doc, file.resolve().parent, root, max_seconds=_max_minutes(data) * 60.0)
    # The checks below read the raw data, so they run even when the model failed.
    brand = load_brand(data, files)
    problems.extend(brand.problems)
    problems.extend(check_script_files(data, files))
    problems.extend(check_recordings(data, files))  # `voice: {engine: recorded}`: every beat's file
    problems.extend(check_piper_models(data, files))  # `voice: {engine: piper}`: the voice file and its JSON
    model_fields = {p.field for p in problems}
    problems.extend(p for p in check_raw(data, doc) if p.field not in model_fields)
    if script is not None and not problems:
        problems.extend(check_model(script, brand.brand, doc))
    if script is not None and brand.source is not None:  # after check_model: it runs only on a clean script
        problems.extend(check_contrast(script, brand.brand, brand.source))  # colours a viewer cannot read
    if problems:
        raise ScriptError(_sorted(problems, doc.file))
    assert script is not None  # the model failing always yields a problem
    return LoadedScript(
        file=file,
        script=script,
        root=root,
        brand=brand.brand,
        files=files.found,
        raw=doc.raw,
        document=doc,
        environment=brand.environment,
        variant=variant,
        languages=declared.declared if declared is not None else (),
    )


def _max_minutes(data: dict[str, Any]) -> int:
    """`video.max_minutes` when it is valid, else the default (the model reports it)."""
    video = data.get("video")
    value = video.get("max_minutes") if isinstance(video, dict) else None
    valid = isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_MINUTES
    return value if valid else MAX_MINUTES_DEFAULT  # type: ignore[return-value]


def _sorted(problems: list[Problem], file: Path) -> list[Problem]:
    """The script's own problems in file order, then those of other files (a brand file)."""
    unique: dict[str, Problem] = {}
    for problem in problems:
        unique.setdefault(str(problem), problem)
    own = str(file)
    return sorted(unique.values(), key=lambda p: (0, *p.position) if p.file == own else (1, 0, 0))
