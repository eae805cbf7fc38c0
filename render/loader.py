"""Load a YAML script into the model, keeping every node's position for messages.

Every problem reads `file:line:col path: message (hint)`, all problems of a file
are reported at once, and nothing unsafe is constructed: only plain mappings,
sequences and scalars with the standard tags are accepted.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from render.errors import ScriptError
from render.model import SCENE_TYPES, Brand, ImageScene, Script

MAX_SCRIPT_BYTES = 1_000_000
MAX_NODES = 100_000
_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:merge",
}

Path_ = tuple[str | int, ...]


def format_path(path: Path_) -> str:
    """('scenes', 2, 'items', 0) -> 'scenes[2].items[0]'."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text or "(top level)"


@dataclass
class Document:
    """A parsed YAML file: plain data plus where each value and key sits."""

    file: Path
    data: Any
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Path_, *, key: bool = False) -> str:
        """`file:line:col` of the deepest known node on `path`."""
        table = self.keys if key else self.values
        for cut in range(len(path), -1, -1):
            position = table.get(path[:cut]) or self.values.get(path[:cut])
            if position:
                return f"{self.file}:{position[0]}:{position[1]}"
        return f"{self.file}:1:1"

    def problem(self, path: Path_, message: str, *, key: bool = False) -> str:
        return f"{self.where(path, key=key)} {format_path(path)}: {message}"


class _Builder:
    """Turns composed YAML nodes into plain data, recording positions."""

    def __init__(self, doc: Document, problems: list[str]) -> None:
        self.doc = doc
        self.problems = problems
        self.count = 0
        self.constructor = yaml.SafeLoader("")  # only for scalar resolution

    def _at(self, node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + 1, node.start_mark.column + 1

    def build(self, node: yaml.Node, path: Path_) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooBig(node)
        self.doc.values.setdefault(path, self._at(node))
        if node.tag not in _STANDARD_TAGS:
            self.problems.append(
                f"{self.doc.file}:{self._at(node)[0]}:{self._at(node)[1]} {format_path(path)}: "
                f"YAML tag {node.tag!r} is not allowed (scripts hold plain text, numbers, lists and mappings)"
            )
            return None
        if isinstance(node, yaml.ScalarNode):
            return self.constructor.construct_object(node, deep=True)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, (*path, i)) for i, child in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        raise AssertionError(node)  # pragma: no cover

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.problems.append(self._msg(key_node, path, "merge keys (<<) are not supported; write the fields out"))
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(self._msg(key_node, path, "a key must be plain text"))
                continue
            key = self.constructor.construct_object(key_node)
            key = key if isinstance(key, str) else str(key)
            child = (*path, key)
            if key in result:
                first = self.doc.keys[child]
                self.problems.append(
                    self._msg(key_node, child, f"duplicate key {key!r} (first at line {first[0]}); keep only one")
                )
                continue
            self.doc.keys[child] = self._at(key_node)
            result[key] = self.build(value_node, child)
        return result

    def _msg(self, node: yaml.Node, path: Path_, message: str) -> str:
        line, col = self._at(node)
        return f"{self.doc.file}:{line}:{col} {format_path(path)}: {message}"


class _TooBig(Exception):
    def __init__(self, node: yaml.Node) -> None:
        self.node = node


def parse_yaml(file: Path, *, what: str = "script") -> Document:
    """Read and parse a YAML file safely; raise ScriptError with positions."""
    shown = _display_path(file)
    doc = Document(file=shown, data=None)
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise ScriptError([f"{shown}:1:1 (file): no such {what} file; check the path"]) from None
    except IsADirectoryError:
        raise ScriptError([f"{shown}:1:1 (file): this is a folder, not a {what} file"]) from None
    except PermissionError:
        raise ScriptError([f"{shown}:1:1 (file): cannot read this {what} file (permission denied)"]) from None
    if len(raw) > MAX_SCRIPT_BYTES:
        raise ScriptError(
            [f"{shown}:1:1 (file): {what} file is {len(raw):,} bytes; the limit is {MAX_SCRIPT_BYTES:,} bytes"]
        )
    if b"\x00" in raw:
        raise ScriptError([f"{shown}:1:1 (file): this is a binary file, not a YAML {what}"])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        col = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise ScriptError(
            [f"{shown}:{line}:{col} (file): the file is not UTF-8 (byte 0x{raw[error.start]:02x}); "
             "save it as UTF-8 in your editor"]
        ) from None
    try:
        nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = error.problem or "invalid YAML"
        hint = _yaml_hint(problem, text, mark)
        raise ScriptError([f"{shown}:{line}:{col} (yaml): {problem}{hint}"]) from None
    except yaml.YAMLError as error:
        raise ScriptError([f"{shown}:1:1 (yaml): {error}"]) from None
    if len(nodes) > 1:
        mark = nodes[1].start_mark
        raise ScriptError([f"{shown}:{mark.line + 1}:{mark.column + 1} (yaml): one {what} per file; remove the '---' separator"])
    if not nodes or nodes[0] is None:
        raise ScriptError([f"{shown}:1:1 (top level): the {what} is empty"])
    root = nodes[0]
    problems: list[str] = []
    builder = _Builder(doc, problems)
    try:
        doc.data = builder.build(root, ())
    except _TooBig as big:
        mark = big.node.start_mark
        raise ScriptError(
            [f"{shown}:{mark.line + 1}:{mark.column + 1} (yaml): the {what} expands to more than {MAX_NODES:,} "
             "values (aliases repeating aliases?); write it out plainly"]
        ) from None
    except RecursionError:
        raise ScriptError([f"{shown}:1:1 (yaml): the {what} is nested too deeply"]) from None
    if problems:
        raise ScriptError(problems)
    if not isinstance(doc.data, dict):
        kind = type(doc.data).__name__ if doc.data is not None else "empty"
        raise ScriptError([f"{shown}:1:1 (top level): the {what} must be a mapping of fields (title:, scenes:, ...), not {_kind(kind)}"])
    return doc


def _kind(name: str) -> str:
    return {"list": "a list", "str": "plain text", "int": "a number", "float": "a number", "empty": "empty"}.get(name, name)


def _yaml_hint(problem: str, text: str, mark: Any) -> str:
    if "\t" in problem or "tab" in problem.lower():
        return " (YAML indentation uses spaces, not tabs; replace the tab with spaces)"
    if mark is not None:
        lines = text.splitlines()
        if mark.line < len(lines) and "\t" in lines[mark.line][: mark.column + 1]:
            return " (YAML indentation uses spaces, not tabs; replace the tab with spaces)"
    if "mapping values are not allowed" in problem:
        return " (a value containing ': ' must be quoted, for example text: \"Nous : vous\")"
    return ""


def _display_path(file: Path) -> Path:
    """The path as the user would write it: relative to here when inside, else absolute."""
    try:
        relative = Path(os.path.relpath(file))
    except ValueError:
        return file
    return file.resolve() if relative.parts[:1] == ("..",) else relative


# --- model validation -------------------------------------------------------------------


def _walk_loc(data: Any, loc: tuple[Any, ...]) -> tuple[Path_, Any, bool]:
    """Map a pydantic error location onto the data path (dropping union/tag labels).

    The flag is False when the error belongs to a union alternative that does not
    match the value's shape (the `str` branch of a mapping, a model branch of a string):
    such errors are noise beside the real one.
    """
    path: list[str | int] = []
    current = data
    relevant = True
    for part in loc:
        if isinstance(part, int) and isinstance(current, list) and 0 <= part < len(current):
            path.append(part)
            current = current[part]
        elif isinstance(part, str) and isinstance(current, dict) and part in current:
            path.append(part)
            current = current[part]
        elif isinstance(part, str) and _is_label(part):
            if part in SCENE_TYPES:
                continue
            wants_text = part in {"str", "constrained-str"} or part.startswith("function-")
            if wants_text and isinstance(current, dict | list):
                relevant = False
            elif part[:1].isupper() and not isinstance(current, dict):
                relevant = False
            elif part.startswith("list[") and not isinstance(current, list):
                relevant = False
        elif isinstance(part, str) and isinstance(current, dict):
            path.append(part)  # a missing or unknown key
            current = None
    return tuple(path), current, relevant


def _is_label(part: str) -> bool:
    return (part in SCENE_TYPES or part[:1].isupper() or part in {"str", "constrained-str", "int", "float", "bool"}
            or "[" in part or part.startswith("function-"))


_OWNERS = {
    "": "Script", "voice": "Voice", "brand": "Brand", "video": "Video", "music": "Music",
    "publish": "Publish", "scenes[].items[]": "BulletItem", "scenes[].events[]": "TimelineEvent",
    "scenes[].left": "Column", "scenes[].right": "Column",
}
_SCENE_MODELS = {
    "title": "TitleScene", "bullets": "BulletsScene", "statistic": "StatisticScene", "quote": "QuoteScene",
    "image": "ImageScene", "timeline": "TimelineScene", "comparison": "ComparisonScene", "closing": "ClosingScene",
}


def _owner_fields(path: Path_, data: Any) -> list[str]:
    """Field names allowed in the mapping that holds the last element of `path`."""
    from render import model

    parent = path[:-1]
    pattern = format_path(tuple("[]" if isinstance(p, int) else p for p in parent)).replace(".[]", "[]")
    pattern = "" if pattern == "(top level)" else pattern.replace("[][]", "[]")
    name = _OWNERS.get(pattern)
    if pattern == "scenes[]":
        scenes = data.get("scenes") if isinstance(data, dict) else None
        scene = scenes[parent[1]] if isinstance(scenes, list) else None
        name = _SCENE_MODELS.get(scene.get("type")) if isinstance(scene, dict) else None
    cls = getattr(model, name) if name else None
    return list(cls.model_fields) if cls is not None else []


_MESSAGES = {
    "missing": "required field is missing",
    "extra_forbidden": "unknown field",
}


def _message(error: dict[str, Any], path: Path_, doc: Document) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        name = str(path[-1])
        allowed = _owner_fields(path, doc.data)
        close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else (f" (allowed: {', '.join(allowed)})" if allowed else "")
        return f"unknown field {name!r}{hint}"
    if kind == "missing":
        return f"required field {str(path[-1])!r} is missing"
    if kind == "union_tag_invalid":
        found = error.get("ctx", {}).get("tag")
        close = difflib.get_close_matches(str(found), SCENE_TYPES, n=1, cutoff=0.5)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"unknown scene type {found!r}{hint}; use one of: {', '.join(SCENE_TYPES)}"
    if kind == "union_tag_not_found":
        return f"a scene needs a `type`: one of {', '.join(SCENE_TYPES)}"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"{error['input']!r} is not allowed here; use one of: {expected}"
    msg = str(error["msg"])
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    if kind in {"greater_than", "greater_than_equal", "less_than", "less_than_equal", "too_short", "too_long"}:
        msg = f"{msg} (got {_describe(error.get('input'))})"
    if kind in {"string_type", "int_type", "float_type", "bool_type", "list_type", "dict_type", "model_type",
                "int_parsing", "float_parsing", "bool_parsing", "model_attributes_type", "datetime_type",
                "datetime_parsing", "datetime_from_date_parsing", "int_from_float"}:
        msg = f"{msg} (got {_describe(error.get('input'))})"
    return msg


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def validation_problems(error: ValidationError, doc: Document, prefix: Path_ = ()) -> list[str]:
    """One readable line per pydantic error, deduplicated, in file order."""
    items = []
    for item in error.errors(include_url=False):
        path, _, relevant = _walk_loc(doc.data, tuple(item["loc"]))
        if relevant:
            if item["type"] in {"union_tag_invalid"}:
                path = (*path, "type")
            items.append((item, path))
    # `txt:` given where `text:` is required: the "unknown field (did you mean)" line says it all
    unknown = {(p[:-1], str(p[-1])) for it, p in items if it["type"] == "extra_forbidden" and p}
    lines: dict[str, tuple[tuple[int, int], str]] = {}
    for item, path in items:
        if item["type"] == "missing" and path and any(
            parent == path[:-1] and difflib.get_close_matches(str(path[-1]), [name], cutoff=0.6)
            for parent, name in unknown
        ):
            continue
        full = (*prefix, *path)
        where = doc.where(full, key=item["type"] == "extra_forbidden")
        text = f"{where} {format_path(full)}: {_message(item, full, doc)}"
        lines.setdefault(text, (_position_key(where), text))
    return [text for _, text in sorted(lines.values(), key=lambda pair: pair[0])]


def _position_key(where: str) -> tuple[int, int]:
    parts = where.rsplit(":", 2)
    try:
        return int(parts[1]), int(parts[2])
    except (IndexError, ValueError):
        return 0, 0


# --- files the script refers to ----------------------------------------------------------


def find_project_root(start: Path) -> Path:
    """The project folder: the nearest ancestor with pyproject.toml or .git, else the script's folder."""
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

    @property
    def name(self) -> str:
        return self.file.stem


def load_script(file: Path | str, *, project_root: Path | None = None) -> LoadedScript:
    """Parse, validate and resolve a script; raise ScriptError listing every problem."""
    file = Path(file)
    doc = parse_yaml(file)
    problems: list[str] = []
    try:
        script = Script.model_validate(doc.data)
    except ValidationError as error:
        problems.extend(validation_problems(error, doc))
        script = None
    root = (project_root or find_project_root(file.parent)).resolve()
    base = file.resolve().parent
    files: dict[str, Path] = {}
    brand = Brand()
    if script is not None:
        brand, brand_problems, brand_files = _load_brand(script, doc, base, root)
        problems.extend(brand_problems)
        files.update(brand_files)
        problems.extend(_check_files(script, doc, base, root, files))
        problems.extend(_check_content(script, doc, files))
    if problems:
        raise ScriptError(_sorted(problems))
    assert script is not None
    return LoadedScript(file=file, script=script, root=root, brand=brand, files=files,
                        raw=file.read_bytes(), document=doc)


def _sorted(problems: list[str]) -> list[str]:
    def key(line: str) -> tuple[int, int]:
        head = line.split(" ", 1)[0]
        return _position_key(head)

    return sorted(dict.fromkeys(problems), key=key)


def resolve_path(value: str, base: Path, root: Path) -> Path:
    """Resolve a script-relative path, following symlinks, and insist it stays in the project."""
    candidate = (base / value).resolve()
    if not candidate.is_relative_to(root):
        raise _OutsideProject(candidate)
    return candidate


class _OutsideProject(Exception):
    def __init__(self, path: Path) -> None:
        self.path = path


_IMAGE_SUFFIXES = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".svg": "SVG"}
_LOGO_SUFFIXES = {".png", ".svg"}
_FONT_SUFFIXES = {".ttf", ".otf", ".ttc"}
_AUDIO_SUFFIXES = {".mp3", ".wav", ".ogg", ".m4a", ".aac", ".flac", ".oga", ".opus"}


def _check_file(doc: Document, path: Path_, value: str, base: Path, root: Path, kinds: set[str],
                what: str, files: dict[str, Path]) -> list[str]:
    try:
        resolved = resolve_path(value, base, root)
    except _OutsideProject:
        return [doc.problem(path, f"{value!r} is outside the project folder ({root}); "
                                  "copy the file into the project (for example under assets/)")]
    if not resolved.exists():
        return [doc.problem(path, f"file {value!r} not found (looked for {resolved}); check the name and folder")]
    if not resolved.is_file():
        return [doc.problem(path, f"{value!r} is not a file")]
    if not os.access(resolved, os.R_OK):
        return [doc.problem(path, f"cannot read {value!r} (permission denied)")]
    suffix = resolved.suffix.lower()
    if suffix not in kinds:
        return [doc.problem(path, f"{value!r} is not a {what} file; use one of: {', '.join(sorted(kinds))}")]
    problem = _sniff(resolved, suffix)
    if problem:
        return [doc.problem(path, f"{value!r} {problem}")]
    files[format_path(path)] = resolved
    return []


def _sniff(file: Path, suffix: str) -> str | None:
    """Check the bytes match the extension (a renamed text file is not an image)."""
    try:
        head = file.read_bytes()[:512]
    except OSError as error:
        return f"cannot be read ({error.strerror})"
    if not head:
        return "is empty"
    if suffix == ".png" and not head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "is not a PNG image (its content does not match its name)"
    if suffix in {".jpg", ".jpeg"} and not head.startswith(b"\xff\xd8\xff"):
        return "is not a JPEG image (its content does not match its name)"
    if suffix == ".svg" and b"<svg" not in file.read_bytes()[:4096].lower():
        return "is not an SVG image (no <svg> element)"
    if suffix in {".ttf", ".otf", ".ttc"} and head[:4] not in {b"\x00\x01\x00\x00", b"OTTO", b"true", b"ttcf"}:
        return "is not a TrueType/OpenType font"
    if suffix in _AUDIO_SUFFIXES:
        signatures = (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2", b"RIFF", b"OggS", b"fLaC", b"\xff\xf1", b"\xff\xf9")
        if not (head.startswith(signatures) or head[4:8] == b"ftyp"):
            return "is not an audio file we can read (MP3, WAV, OGG, M4A, FLAC)"
    return None


def _load_brand(script: Script, doc: Document, base: Path, root: Path) -> tuple[Brand, list[str], dict[str, Path]]:
    files: dict[str, Path] = {}
    if script.brand is None:
        return Brand(), [], files
    if isinstance(script.brand, Brand):
        brand, brand_doc, brand_base, prefix = script.brand, doc, base, ("brand",)
    else:
        try:
            brand_file = resolve_path(script.brand, base, root)
        except _OutsideProject:
            return Brand(), [doc.problem(("brand",), f"{script.brand!r} is outside the project folder ({root})")], files
        if not brand_file.is_file():
            return Brand(), [doc.problem(("brand",), f"brand file {script.brand!r} not found (looked for {brand_file})")], files
        try:
            brand_doc = parse_yaml(brand_file, what="brand")
        except ScriptError as error:
            return Brand(), error.problems, files
        try:
            brand = Brand.model_validate(brand_doc.data)
        except ValidationError as error:
            return Brand(), validation_problems(error, brand_doc), files
        brand_base, prefix = brand_file.parent, ()
    problems: list[str] = []
    updates: dict[str, str] = {}
    if brand.font_file:
        problems += _check_file(brand_doc, (*prefix, "font_file"), brand.font_file, brand_base, root,
                                _FONT_SUFFIXES, "font", files)
        if not problems:
            updates["font_file"] = str(files[format_path((*prefix, "font_file"))])
    if brand.logo:
        before = len(problems)
        problems += _check_file(brand_doc, (*prefix, "logo"), brand.logo, brand_base, root, _LOGO_SUFFIXES, "logo (PNG or SVG)", files)
        if len(problems) == before:
            updates["logo"] = str(files[format_path((*prefix, "logo"))])
    if not brand.font_file and not problems:
        from render.fonts import font_installed

        if not font_installed(brand.font):
            problems.append(brand_doc.problem((*prefix, "font"), f"font {brand.font!r} is not installed on this machine; "
                                              "install it, pick an installed one (fc-list : family) or ship it with `font_file`"))
    return brand.model_copy(update=updates), problems, files


def _check_files(script: Script, doc: Document, base: Path, root: Path, files: dict[str, Path]) -> list[str]:
    problems: list[str] = []
    for i, scene in enumerate(script.scenes):
        if isinstance(scene, ImageScene):
            problems += _check_file(doc, ("scenes", i, "file"), scene.file, base, root, set(_IMAGE_SUFFIXES), "picture (PNG, JPEG or SVG)", files)
    if script.music is not None:
        problems += _check_file(doc, ("music", "file"), script.music.file, base, root, _AUDIO_SUFFIXES, "music", files)
    if script.publish is not None and script.publish.thumbnail:
        problems += _check_file(doc, ("publish", "thumbnail"), script.publish.thumbnail, base, root,
                                {".png", ".jpg", ".jpeg"}, "thumbnail (PNG or JPEG)", files)
    return problems


def _check_content(script: Script, doc: Document, files: dict[str, Path]) -> list[str]:
    """Checks that need more than one field or outside knowledge (icons, voices, dates)."""
    from datetime import UTC, datetime

    from render.narration import check_voice

    problems: list[str] = []
    from scenes.icons import UnknownIcon, find_icon

    for i, scene in enumerate(script.scenes):
        if scene.type == "bullets":
            for j, item in enumerate(scene.items):
                if not isinstance(item, str) and item.icon:
                    try:
                        find_icon(item.icon)
                    except UnknownIcon as error:
                        problems.append(doc.problem(("scenes", i, "items", j, "icon"), error.message))
    publish = script.publish
    if publish is not None and publish.publish_at is not None and publish.publish_at <= datetime.now(UTC):
        problems.append(doc.problem(("publish", "publish_at"), f"{publish.publish_at.isoformat()} is in the past; "
                                    "pick a future time or remove `publish_at`"))
    voice_problem = check_voice(script)
    if voice_problem:
        field = ("voice", "id") if script.voice.id else ("language",)
        problems.append(doc.problem(field, voice_problem))
    return problems
