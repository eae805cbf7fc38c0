"""Load a YAML script into the model, keeping every node's position for messages.

Every problem reads `file:line:col path: message (hint)`, all problems of a file
are reported at once, and nothing unsafe is constructed: only plain mappings,
sequences and scalars with the standard tags are accepted.

Checks run in three layers, and each layer runs even when another one failed, so
a user sees every problem in one go:

1. YAML: syntax, encoding, size, tags, aliases. A syntax error stops here (there is no
   data); a refused tag or a duplicate key does not (the value is left out, checks go on).
2. The model (pydantic): fields, types, ranges.
3. The world, on the raw data: files the script refers to (pictures, music, brand,
   fonts, logo, thumbnail), icon names, the voice, `publish_at` in the past.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from contract.errors import InputError, ScriptError
from contract.script import LANGUAGE_TAG, SCENE_TYPES, Brand, Script, Voice

MAX_SCRIPT_BYTES = 1_000_000
MAX_NODES = 100_000
MAX_DEPTH = 64  # real scripts nest 6 deep; deeper is a mistake or an attack
_YAML = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_YAML}{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")}
_STANDARD_TAGS = _SCALAR_TAGS | {f"{_YAML}seq", f"{_YAML}map", f"{_YAML}merge"}
_TABS = "a tab character is not allowed here; YAML indents with spaces: replace the tab with spaces"

Path_ = tuple[str | int, ...]


_PLAIN_KEY = re.compile(r"[^\W\d][\w-]*|\d+")


def format_path(path: Path_) -> str:
    """('scenes', 2, 'items', 0) -> 'scenes[2].items[0]'; an odd key is quoted: lexicon['Dr.']."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _PLAIN_KEY.fullmatch(str(part)):
            text += ("." if text else "") + str(part)
        else:
            text += f"[{str(part)!r}]"
    return text or "(top level)"


@dataclass
class Document:
    """A parsed YAML file: plain data plus where each value and key sits."""

    file: Path
    data: Any
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    raw: bytes = b""
    problems: list[str] = field(default_factory=list)  # YAML-level problems kept by `keep_going`
    bad: set[Path_] = field(default_factory=set)  # values dropped for those problems

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


def _printable(text: str) -> str:
    """Escape what a terminal would not show faithfully (control characters, lone surrogates)."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _fail(problems: list[str]) -> ScriptError:
    return ScriptError([_printable(p) for p in problems])


class _Builder:
    """Turns composed YAML nodes into plain data, recording positions."""

    def __init__(self, doc: Document, problems: list[str]) -> None:
        self.doc = doc
        self.problems = problems
        self.count = 0
        self.stack: list[yaml.Node] = []
        self.constructor = yaml.SafeLoader("")  # only for scalar resolution

    def _at(self, node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + 1, node.start_mark.column + 1

    def build(self, node: yaml.Node, path: Path_) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooBig(node)
        if len(self.stack) >= MAX_DEPTH:
            raise _TooDeep(node)
        if any(node is above for above in self.stack):
            self.doc.bad.add(path)
            self.problems.append(
                self._msg(
                    node,
                    path,
                    "an alias (*name) refers to the list or mapping that "
                    "contains it, which never ends; remove the alias",
                )
            )
            return None
        self.doc.values.setdefault(path, self._at(node))
        if node.tag not in _STANDARD_TAGS:
            self.doc.bad.add(path)
            self.problems.append(self._msg(node, path, _tag_message(node.tag)))
            return None
        if isinstance(node, yaml.ScalarNode):
            value = self._scalar(node, path)
            return None if value is _UNREADABLE else value
        self.stack.append(node)
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.build(child, (*path, i)) for i, child in enumerate(node.value)]
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
        finally:
            self.stack.pop()
        raise AssertionError(node)  # pragma: no cover

    def _scalar(self, node: yaml.ScalarNode, path: Path_, *, key: bool = False) -> Any:
        try:
            return self.constructor.construct_object(node, deep=True)
        except Exception:  # PyYAML's constructors raise assorted types on odd scalars
            if not key:  # a bad key is dropped; its mapping is still usable
                self.doc.bad.add(path)
            self.problems.append(self._msg(node, path, _scalar_message(node)))
            return _UNREADABLE

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == f"{_YAML}merge":
                self.problems.append(
                    self._msg(
                        key_node,
                        path,
                        "merge keys (<<) are not supported; write the fields out in full",
                    )
                )
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(
                    self._msg(
                        key_node,
                        path,
                        "a field name must be plain text, like `title:`; not a list or a mapping",
                    )
                )
                continue
            if key_node.tag not in _SCALAR_TAGS:
                self.problems.append(self._msg(key_node, path, _tag_message(key_node.tag)))
                continue
            key = self._scalar(key_node, path, key=True)
            if key is _UNREADABLE:
                continue
            key = key if isinstance(key, str) else str(key)
            child = (*path, key)
            if key in result:
                first = self.doc.keys[child]
                self.problems.append(
                    self._msg(
                        key_node,
                        child,
                        f"duplicate field {key!r} (first at line {first[0]}); keep only one",
                    )
                )
                continue
            self.doc.keys[child] = self._at(key_node)
            result[key] = self.build(value_node, child)
        return result

    def _msg(self, node: yaml.Node, path: Path_, message: str) -> str:
        line, col = self._at(node)
        return f"{self.doc.file}:{line}:{col} {format_path(path)}: {message}"


def _tag_message(tag: str) -> str:
    shown = "!!" + tag[len(_YAML) :] if tag.startswith(_YAML) else tag
    return (
        f"YAML tag {shown!r} is not allowed: a script holds only text, numbers, true/false, "
        "lists and mappings; remove the tag"
    )


_QUOTE_IT = "fix it, or put it in quotes if it is text"


def _scalar_message(node: yaml.ScalarNode) -> str:
    value = node.value if len(node.value) <= 40 else node.value[:37] + "..."
    kind = {
        "int": "a whole number",
        "float": "a number",
        "bool": "true or false",
        "null": "nothing",
        "timestamp": "a date",
    }.get(node.tag[len(_YAML) :], "text")
    if kind == "a date":
        return f"{value!r} looks like a date but is not a valid one; {_QUOTE_IT}"
    return f"{value!r} cannot be read as {kind}; {_QUOTE_IT}"


_UNREADABLE = object()


class _TooBig(Exception):
    def __init__(self, node: yaml.Node) -> None:
        self.node = node


class _TooDeep(_TooBig):
    pass


_GIVE_YAML = "give the path of a .yaml file"


def _guess_script(file: Path) -> str | None:
    """`render notre-mission` → scripts/notre-mission.yaml, when that exists."""
    stem = file.name.removesuffix(".yaml").removesuffix(".yml")
    for folder in (file.parent, file.parent / "scripts", Path("scripts")):
        for suffix in (".yaml", ".yml"):
            candidate = folder / f"{stem}{suffix}"
            if candidate != file and candidate.is_file():
                return str(_display_path(candidate))
    return None


def parse_yaml(file: Path, *, what: str = "script", keep_going: bool = False) -> Document:
    """Read and parse a YAML file safely; raise ScriptError with positions.

    With `keep_going`, problems that leave usable data (a forbidden tag, a duplicate
    key) are kept in `Document.problems` instead of raised, so later checks still run.
    """
    shown = _display_path(file)
    doc = Document(file=shown, data=None)
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        guess = _guess_script(file) if what == "script" else None
        hint = f" (did you mean {guess}?)" if guess else "; check the name and the folder"
        raise _fail([f"{shown}:1:1 (file): no such {what} file{hint}"]) from None
    except IsADirectoryError:
        raise _fail([f"{shown}:1:1 (file): this is a folder, not a {what} file; {_GIVE_YAML}"]) from None
    except PermissionError:
        raise _fail(
            [f"{shown}:1:1 (file): cannot read this {what} file (permission denied); check its permissions (chmod a+r)"]
        ) from None
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise _fail([f"{shown}:1:1 (file): cannot read this {what} file ({reason}); check the path"]) from None
    doc.raw = raw
    if len(raw) > MAX_SCRIPT_BYTES:
        raise _fail(
            [
                f"{shown}:1:1 (file): the {what} file is {len(raw):,} bytes; the limit is "
                f"{MAX_SCRIPT_BYTES:,} bytes: is it the right file?"
            ]
        )
    if b"\x00" in raw:
        raise _fail([f"{shown}:1:1 (file): this is a binary file, not a YAML {what}; {_GIVE_YAML}"])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        col = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise _fail(
            [
                f"{shown}:{line}:{col} (file): the file is not UTF-8 "
                f"(byte 0x{raw[error.start]:02x}); "
                "save it as UTF-8 in your editor"
            ]
        ) from None
    try:
        nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.MarkedYAMLError as error:
        line, col, message = _yaml_problem(error, text)
        raise _fail([f"{shown}:{line}:{col} (yaml): {message}"]) from None
    except yaml.reader.ReaderError as error:
        before = text[: error.position]
        line, col = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
        raise _fail(
            [
                f"{shown}:{line}:{col} (yaml): the file holds a control character "
                f"(#x{error.character:04x}) that YAML does not allow; delete it"
            ]
        ) from None
    except yaml.YAMLError as error:
        raise _fail([f"{shown}:1:1 (yaml): {error}"]) from None
    except RecursionError:
        raise _fail(
            [f"{shown}:1:1 (yaml): the {what} is nested too deeply (brackets inside brackets?); write it out plainly"]
        ) from None
    if len(nodes) > 1:
        mark = nodes[1].start_mark
        raise _fail(
            [
                f"{shown}:{mark.line + 1}:{mark.column + 1} (yaml): one {what} per file; "
                "remove the '---' separator and what follows, or move it to its own file"
            ]
        )
    fields = "title:, scenes:, ..." if what == "script" else "primary:, font:, logo:, ..."
    if not nodes or nodes[0] is None:
        raise _fail([f"{shown}:1:1 (top level): the {what} is empty; write its fields ({fields})"])
    root = nodes[0]
    problems: list[str] = []
    builder = _Builder(doc, problems)
    try:
        doc.data = builder.build(root, ())
    except _TooBig as big:
        mark = big.node.start_mark
        where = f"{shown}:{mark.line + 1}:{mark.column + 1} (yaml)"
        if isinstance(big, _TooDeep):
            raise _fail(
                [f"{where}: the {what} is nested more than {MAX_DEPTH} levels deep; write it out plainly"]
            ) from None
        raise _fail(
            [
                f"{where}: the {what} expands to more than {MAX_NODES:,} values (aliases repeating "
                "aliases?); write it out plainly"
            ]
        ) from None
    if problems and not (keep_going and isinstance(doc.data, dict)):
        raise _fail(problems)
    doc.problems = problems
    if not isinstance(doc.data, dict):
        kind = type(doc.data).__name__ if doc.data is not None else "empty"
        raise _fail([f"{shown}:1:1 (top level): the {what} must be a mapping of fields ({fields}), not {_kind(kind)}"])
    return doc


def _kind(name: str) -> str:
    return {
        "list": "a list",
        "str": "plain text",
        "int": "a number",
        "float": "a number",
        "bool": "true/false",
        "empty": "empty",
        "datetime": "a date",
        "date": "a date",
    }.get(name, name)


def _yaml_problem(error: yaml.MarkedYAMLError, text: str) -> tuple[int, int, str]:
    """Position and plain-words message for a YAML syntax error."""
    problem = error.problem or error.context or "invalid YAML"
    context = error.context or ""
    mark = error.problem_mark or error.context_mark
    message = f"{problem}; check the indentation and the quotes around here"
    if "'\\t'" in problem or _tab_at(text, mark):
        message = _TABS
    elif "mapping values are not allowed" in problem:
        message = (
            "a ': ' (colon and space) is not allowed here; put the whole value in quotes, "
            'for example text: "Nous : vous"'
        )
    elif "quoted scalar" in context and "end of stream" in problem:
        mark = error.context_mark or mark
        message = "this quoted text is never closed; add the closing quote"
    elif "unknown escape character" in problem:
        message = f"{problem} in double quotes; write \\\\ for a backslash, or use single quotes"
    elif "simple key" in context and "could not find expected ':'" in problem:
        mark = error.context_mark or mark
        message = (
            "this line is neither `field: value` nor a list entry `- ...`; "
            "add the missing ':' or join it to the line above"
        )
    elif "expected <block end>, but found '<scalar>'" in problem:
        message = "unexpected text here (after a quoted value?); put the whole value in quotes, or fix the indentation"
    elif "expected <block end>" in problem or "did not find expected key" in problem:
        message = (
            "this line is not aligned with the lines above it; indent it like the other fields of the same mapping"
        )
    elif "did not find expected '-' indicator" in problem:
        message = "a list entry must start with '- ', aligned with the entries above; fix the indentation"
    elif "expected ',' or ']'" in problem:
        mark = error.context_mark or mark
        message = "this [list] is not closed properly; check the commas and the closing ']'"
    elif "expected ',' or '}'" in problem:
        mark = error.context_mark or mark
        message = "this {mapping} is not closed properly; check the commas and the closing '}'"
    elif "undefined alias" in problem:
        message = f"{problem}: '*name' needs an '&name' anchor above it; define the anchor or remove the alias"
    elif "that cannot start any token" in problem:
        message = f"{problem}; put the value in quotes"
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return line, col, message


def _tab_at(text: str, mark: Any) -> bool:
    if mark is None:
        return False
    lines = text.splitlines()
    return mark.line < len(lines) and "\t" in lines[mark.line][: mark.column + 1]


def _display_path(file: Path) -> Path:
    """The path as the user would write it: relative to here when inside, else absolute."""
    try:
        relative = Path(os.path.relpath(file))
    except ValueError:
        return file
    return Path(os.path.abspath(file)) if relative.parts[:1] == ("..",) else relative


def _display_folder(folder: Path) -> str:
    shown = str(_display_path(folder))
    return "./" if shown == "." else shown.rstrip("/") + "/"


# --- model validation -------------------------------------------------------------------


_UNION_LABELS = {
    "str": "text",
    "constrained-str": "text",
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
}


def _is_label(part: str) -> bool:
    return part[:1].isupper() or part in _UNION_LABELS or "[" in part or part.startswith("function-")


def _label_kind(part: str) -> str:
    if part in _UNION_LABELS:
        return _UNION_LABELS[part]
    if part.startswith("list["):
        return "a list of texts" if "str" in part else "a list"
    return "a mapping"


def _walk_loc(data: Any, loc: tuple[Any, ...], root: type[BaseModel] = Script) -> tuple[Path_, Any, bool, str]:
    """Map a pydantic error location onto the data path (dropping union/tag labels).

    The flag is False when the error belongs to a union alternative that does not
    match the value's shape (the `str` branch of a mapping, a model branch of a string):
    such errors are noise beside the real one. The last value is that alternative's label.
    """
    path: list[str | int] = []
    current = data
    relevant = True
    label = ""
    for part in loc:
        if (
            root is Script
            and len(path) == 2
            and path[0] == "scenes"
            and isinstance(path[1], int)
            and isinstance(part, str)
            and part in SCENE_TYPES
            and label == ""
        ):
            # the discriminator's tag right after `scenes[i]` (a scene's `title` field is not this)
            label = "tag"
            continue
        in_list = isinstance(part, int) and isinstance(current, list) and 0 <= part < len(current)
        in_mapping = isinstance(part, str) and isinstance(current, dict) and part in current
        if in_list or in_mapping:
            path.append(part)
            current = current[part]
        elif isinstance(part, str) and _is_label(part):
            label = part
            wants_text = part in {"str", "constrained-str"} or part.startswith("function-")
            if (
                (wants_text and isinstance(current, dict | list))
                or (part[:1].isupper() and not isinstance(current, dict))
                or (part.startswith("list[") and not isinstance(current, list))
            ):
                relevant = False
        elif isinstance(part, str) and isinstance(current, dict):
            path.append(part)  # a missing or unknown key
            current = None
    return tuple(path), current, relevant, "" if label == "tag" else label


def _owner_model(path: Path_, data: Any, root: type[BaseModel] = Script) -> type[BaseModel] | None:
    """The model class of the mapping that holds the last element of `path`."""
    from contract import script as model

    owner: Any = root
    current = data
    for part in path[:-1]:
        if owner is None:
            return None
        if isinstance(part, int):
            current = current[part] if isinstance(current, list) and 0 <= part < len(current) else None
            owner = _ITEM_MODELS.get(owner)
            if owner == "scene":
                kind = current.get("type") if isinstance(current, dict) else None
                name = _SCENE_MODELS.get(kind) if isinstance(kind, str) else None
                owner = getattr(model, name) if name else None
            continue
        current = current.get(part) if isinstance(current, dict) else None
        owner = _FIELD_MODELS.get((owner, part)) if isinstance(owner, type) else None
    return owner if isinstance(owner, type) else None


_SCENE_MODELS = {
    "title": "TitleScene",
    "bullets": "BulletsScene",
    "statistic": "StatisticScene",
    "quote": "QuoteScene",
    "image": "ImageScene",
    "timeline": "TimelineScene",
    "comparison": "ComparisonScene",
    "closing": "ClosingScene",
}


def _model_tables() -> tuple[dict[Any, Any], dict[Any, Any]]:
    from contract import script as model

    fields: dict[Any, Any] = {
        (model.Script, "voice"): model.Voice,
        (model.Script, "brand"): model.Brand,
        (model.Script, "video"): model.Video,
        (model.Script, "music"): model.Music,
        (model.Script, "publish"): model.Publish,
        (model.Script, "scenes"): "scenes",
        (model.BulletsScene, "items"): "items",
        (model.TimelineScene, "events"): "events",
        (model.ComparisonScene, "left"): model.Column,
        (model.ComparisonScene, "right"): model.Column,
    }
    items: dict[Any, Any] = {
        "scenes": "scene",
        "items": model.BulletItem,
        "events": model.TimelineEvent,
    }
    return fields, items


_FIELD_MODELS, _ITEM_MODELS = _model_tables()


def _owner_fields(path: Path_, data: Any, root: type[BaseModel] = Script) -> list[str]:
    """Field names allowed in the mapping that holds the last element of `path`."""
    owner = _owner_model(path, data, root)
    return list(owner.model_fields) if owner is not None else []


_UNITS = {"duration": " seconds", "rate": " words per minute", "fps": " frames per second"}


def _bounds(path: Path_, data: Any, root: type[BaseModel]) -> str | None:
    """'between 1 and 120 frames per second' from the field's own constraints."""
    owner = _owner_model(path, data, root)
    name = path[-1] if path else None
    if owner is None or not isinstance(name, str) or name not in owner.model_fields:
        return None
    low = high = None
    for meta in owner.model_fields[name].metadata:
        if getattr(meta, "ge", None) is not None:
            low = f"at least {meta.ge}"
        if getattr(meta, "gt", None) is not None:
            low = f"more than {meta.gt}"
        if getattr(meta, "le", None) is not None:
            high = f"at most {meta.le}"
        if getattr(meta, "lt", None) is not None:
            high = f"less than {meta.lt}"
    unit = _UNITS.get(name, "")
    if low and high and low.startswith("at least") and high.startswith("at most"):
        return f"between {low[9:]} and {high[8:]}{unit}"
    if low and high:
        return f"{low} and {high}{unit}"
    return (low or high or "") + unit if (low or high) else None


def _looks_like_split_text(name: str, value: Any) -> bool:
    """`{text: a, narration: Hello, world.}` gives a key 'world.' with no value."""
    return value is None and (" " in name.strip() or name.rstrip()[-1:] in ".!?…»")


def _message(error: dict[str, Any], path: Path_, doc: Document, root: type[BaseModel] = Script) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    got = f"(got {_describe(value)})"
    name = str(path[-1]) if path else "value"
    if kind == "extra_forbidden":
        allowed = _owner_fields(path, doc.data, root)
        close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
        hint = (
            f" (did you mean {close[0]!r}?)" if close else (f"; allowed here: {', '.join(allowed)}" if allowed else "")
        )
        if not close and _looks_like_split_text(name, value):
            hint = (
                "; this looks like the end of a text cut at a comma: inside { }, a comma separates "
                'fields, so put text containing commas in quotes (narration: "D\'abord, ...")'
            )
        return f"unknown field {name!r}{hint}"
    if kind == "missing":
        return f"required field {name!r} is missing; add it"
    if kind == "union_tag_invalid":
        found = ctx.get("tag")
        close = difflib.get_close_matches(str(found), SCENE_TYPES, n=1, cutoff=0.5)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"unknown scene type {found!r}{hint}; use one of: {', '.join(SCENE_TYPES)}"
    if kind == "union_tag_not_found":
        return f"this scene has no `type`; add `type:` with one of: {', '.join(SCENE_TYPES)}"
    if kind == "literal_error":
        if name == "aspect" and isinstance(value, int) and not isinstance(value, bool):
            value = f"{value // 60}:{value % 60}"  # YAML 1.1 read an unquoted 4:3 as 243
        options = re.findall(r"'([^']*)'", str(ctx.get("expected", ""))) or [str(ctx.get("expected", ""))]
        return f"{_describe(value)} is not a valid {name}; use one of: {', '.join(options)}"
    if kind in {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}:
        bounds = _bounds(path, doc.data, root)
        if bounds:
            return f"must be {bounds} {got}"
    if kind == "too_short":
        least = ctx.get("min_length", 1)
        entries = "entry" if least == 1 else "entries"
        return f"needs at least {least} {entries} (it has {ctx.get('actual_length', 0)})"
    if kind == "too_long":
        return (
            f"has {ctx.get('actual_length')} entries; "
            f"at most {ctx.get('max_length')} fit on screen: "
            "split them over two scenes"
        )
    if kind == "string_too_short":
        return "must not be empty; write some text"
    if value is None and kind.endswith(("_type", "_parsing")):
        return "has no value; write one after the colon (or remove the line if the field is optional)"
    if kind == "string_type":
        if isinstance(value, int | float | datetime) or type(value).__name__ in {"date", "bool"}:
            return f"must be text {got}; put it in quotes"
        return f"must be text {got}; write it as plain text after the colon"
    if kind in {"int_type", "int_parsing", "int_from_float", "int_parsing_size"}:
        return f"must be a whole number {got}"
    if kind in {"float_type", "float_parsing", "finite_number"}:
        return f"must be a number {got}"
    if kind in {"bool_type", "bool_parsing"}:
        return f"must be true or false {got}"
    if kind == "list_type":
        return f"must be a list {got}; write each entry on its own line starting with '- ', or [a, b]"
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        if len(path) == 2 and path[0] == "scenes" and root is Script:
            return f"a scene must be a mapping with a `type` and its fields {got}"
        return f"must be a mapping of fields {got}; write `field: value` lines indented below it"
    if kind.startswith(("datetime_", "date_")):
        return f"must be a date and time with a time zone, for example 2026-12-01T09:00:00+01:00 {got}"
    msg = str(error["msg"])
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    elif msg.startswith("Input should be "):
        msg = f"must be {msg[len('Input should be ') :]} {got}"
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
    text = repr(value) if not isinstance(value, datetime) else value.isoformat()
    if type(value).__name__ == "date":
        text = value.isoformat()
    return text if len(text) <= 40 else text[:37] + "..."


def validation_problems(
    error: ValidationError,
    doc: Document,
    prefix: Path_ = (),
    root: type[BaseModel] = Script,
    skip: set[Path_] | None = None,
) -> list[str]:
    """One readable line per pydantic error, deduplicated, in file order.

    Errors at or under a path in `skip` (a value the YAML layer already refused) are dropped.
    """
    items: list[tuple[dict[str, Any], Path_]] = []
    noise: dict[Path_, list[tuple[dict[str, Any], str, Any]]] = {}
    for details in error.errors(include_url=False):
        item: dict[str, Any] = dict(details)
        path, current, relevant, label = _walk_loc(doc.data, tuple(item["loc"]), root)
        if item["type"] == "union_tag_invalid":
            path = (*path, "type")
        if skip and any(path[: len(bad)] == bad for bad in skip):
            continue  # already reported by the YAML layer
        if skip and item["type"] == "value_error" and any(bad[: len(path)] == path for bad in skip):
            continue  # a whole-model check failing because of a refused value inside it
        if relevant:
            items.append((item, path))
        else:
            noise.setdefault(path, []).append((item, label, current))
    # A value that fits none of a union's shapes (a list where text or a mapping is expected):
    # one line naming the shapes, not one line per shape.
    reported = {path for _, path in items}
    for path, branches in noise.items():
        if path in reported or any(p[: len(path)] == path for p in reported):
            continue
        kinds = list(dict.fromkeys(_label_kind(label) for _, label, _ in branches if label))
        item = dict(branches[0][0])
        if len(kinds) > 1:
            item = {
                **item,
                "type": "union_shapes",
                "msg": f"must be {' or '.join(kinds)} (got {_describe(branches[0][2])})",
            }
        items.append((item, path))
    # `txt:` given where `text:` is required: the "unknown field (did you mean)" line says it all
    unknown = {(p[:-1], str(p[-1])) for it, p in items if it["type"] == "extra_forbidden" and p}
    lines: dict[str, tuple[tuple[int, int], str]] = {}
    for item, path in items:
        if (
            item["type"] == "missing"
            and path
            and any(
                parent == path[:-1] and difflib.get_close_matches(str(path[-1]), [name], cutoff=0.6)
                for parent, name in unknown
            )
        ):
            continue
        full = (*prefix, *path)
        where = doc.where(full, key=item["type"] == "extra_forbidden")
        text = f"{where} {format_path(full)}: {_message(item, path, doc, root)}"
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
    environment: list[str] = field(default_factory=list)  # machine problems (a font not installed)

    @property
    def name(self) -> str:
        return self.file.stem


def load_script(file: Path | str, *, project_root: Path | None = None) -> LoadedScript:
    """Parse, validate and resolve a script; raise ScriptError listing every problem."""
    file = Path(file)
    doc = parse_yaml(file, keep_going=True)
    data: dict[str, Any] = doc.data
    problems: list[str] = list(doc.problems)
    script: Script | None
    try:
        script = Script.model_validate(data)
    except ValidationError as error:
        problems.extend(validation_problems(error, doc, skip=doc.bad))
        script = None
    root = (project_root or find_project_root(file.parent)).resolve()
    base = file.resolve().parent
    files: dict[str, Path] = {}
    # The checks below read the raw data, so they run even when the model failed.
    environment: list[str] = []
    brand, brand_problems = _load_brand(data, doc, base, root, files, environment)
    problems.extend(brand_problems)
    problems.extend(_check_files(data, doc, base, root, files))
    problems.extend(_check_content(data, doc))
    if problems:
        raise _fail(_sorted(problems, doc.file))
    assert script is not None  # the model failing always yields a problem
    return LoadedScript(
        file=file,
        script=script,
        root=root,
        brand=brand,
        files=files,
        raw=doc.raw,
        document=doc,
        environment=environment,
    )


def _sorted(problems: list[str], file: Path) -> list[str]:
    """The script's own problems in file order, then those of other files (a brand file)."""
    prefix = f"{file}:"

    def key(line: str) -> tuple[int, int, int]:
        if not line.startswith(prefix):
            return 1, 0, 0
        head = line[len(prefix) :].split(" ", 1)[0]
        line_no, col = _position_key(f"x:{head}")
        return 0, line_no, col

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


def _outside_message(value: str, resolved: Path, base: Path, root: Path) -> str:
    where = _display_folder(root)
    lexical = Path(os.path.normpath(base / value))
    if lexical.is_relative_to(root):
        return (
            f"{value!r} is a symbolic link to {resolved}, outside the project folder ({where}); "
            "copy the file itself into the project (for example under assets/)"
        )
    return (
        f"{value!r} is outside the project folder ({where}); copy the file into the project "
        "(for example under assets/) and use that path"
    )


def _check_file(
    doc: Document,
    path: Path_,
    value: str,
    base: Path,
    root: Path,
    kinds: set[str],
    what: str,
    files: dict[str, Path],
) -> list[str]:
    """Check one referenced file; on success record it in `files`."""
    value = value.strip()
    if not value:
        return [
            doc.problem(
                path,
                f"no file given; write the path of the {what}, relative to the script's folder",
            )
        ]
    try:
        resolved = resolve_path(value, base, root)
    except _OutsideProject as outside:
        return [doc.problem(path, _outside_message(value, outside.path, base, root))]
    except (OSError, RuntimeError, ValueError):  # NUL bytes, symlink loops, names too long
        return [doc.problem(path, f"{value!r} is not a usable file path; check it")]
    shown = _display_path(resolved)
    try:
        if not resolved.exists():
            return [
                doc.problem(
                    path,
                    f"file {value!r} not found (looked for {shown}); check the name "
                    "(paths are relative to the script's own folder)",
                )
            ]
        if not resolved.is_file():
            return [doc.problem(path, f"{value!r} is a folder, not a file; give the path of the {what}")]
        if not os.access(resolved, os.R_OK):
            return [
                doc.problem(
                    path,
                    f"cannot read {value!r} (permission denied); check its permissions (chmod a+r)",
                )
            ]
    except OSError as error:
        return [doc.problem(path, f"cannot use {value!r} ({error.strerror}); check the path")]
    suffix = resolved.suffix.lower()
    if suffix not in kinds:
        return [doc.problem(path, f"{value!r} is not a {what}; use a {', '.join(sorted(kinds))} file")]
    problem = _sniff(resolved, suffix)
    if problem:
        return [doc.problem(path, f"{value!r} {problem}")]
    files[format_path(path)] = resolved
    return []


def _sniff(file: Path, suffix: str) -> str | None:
    """Check the bytes match the extension (a renamed text file is not an image)."""
    try:
        with file.open("rb") as stream:
            head = stream.read(4096)
    except OSError as error:
        return f"cannot be read ({error.strerror}); check its permissions"
    if not head:
        return "is empty (0 bytes); export the file again"
    again = "; export or convert it again"
    if suffix == ".png" and not head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "is not a PNG image (its content does not match its name)" + again
    if suffix in {".jpg", ".jpeg"} and not head.startswith(b"\xff\xd8\xff"):
        return "is not a JPEG image (its content does not match its name)" + again
    if suffix == ".svg" and b"<svg" not in head.lower():
        return "is not an SVG image (no <svg> element at its start)" + again
    if suffix in _FONT_SUFFIXES and head[:4] not in {
        b"\x00\x01\x00\x00",
        b"OTTO",
        b"true",
        b"ttcf",
    }:
        return "is not a TrueType/OpenType font (its content does not match its name)"
    if suffix in _AUDIO_SUFFIXES:
        signatures = (
            b"ID3",
            b"\xff\xfb",
            b"\xff\xf3",
            b"\xff\xf2",
            b"RIFF",
            b"OggS",
            b"fLaC",
            b"\xff\xf1",
            b"\xff\xf9",
        )
        if not (head.startswith(signatures) or head[4:8] == b"ftyp"):
            return "is not an audio file we can read (MP3, WAV, OGG, M4A, FLAC)" + again
    return None


def _text(mapping: Any, key: str) -> str | None:
    """`mapping[key]` when mapping is a dict and the value is text (else the model reports it)."""
    value = mapping.get(key) if isinstance(mapping, dict) else None
    return value if isinstance(value, str) else None


def _load_brand(
    data: dict[str, Any],
    doc: Document,
    base: Path,
    root: Path,
    files: dict[str, Path],
    environment: list[str] | None = None,
) -> tuple[Brand, list[str]]:
    """The brand (inline or from its file), with font and logo checked and made absolute."""
    raw = data.get("brand")
    if isinstance(raw, dict):
        prefix: Path_
        brand_doc, brand_data, brand_base, prefix = doc, raw, base, ("brand",)
        problems: list[str] = []  # the brand's fields were validated with the script
        try:
            brand: Brand | None = Brand.model_validate(raw)
        except ValidationError:
            brand = None
    elif isinstance(raw, str):
        value = raw.strip()
        if not value:
            return Brand(), [doc.problem(("brand",), "no brand file given; write its path or remove `brand:`")]
        try:
            brand_file = resolve_path(value, base, root)
        except _OutsideProject as outside:
            return Brand(), [doc.problem(("brand",), _outside_message(value, outside.path, base, root))]
        except (OSError, RuntimeError, ValueError):
            return Brand(), [doc.problem(("brand",), f"{value!r} is not a usable file path; check it")]
        try:
            found = brand_file.is_file()
        except OSError:
            found = False
        if not found:
            return Brand(), [
                doc.problem(
                    ("brand",),
                    f"brand file {value!r} not found (looked for "
                    f"{_display_path(brand_file)}); check the name (paths are "
                    "relative to the script's own folder)",
                )
            ]
        try:
            brand_doc = parse_yaml(brand_file, what="brand")
        except ScriptError as error:
            return Brand(), error.problems
        brand_data, brand_base, prefix = brand_doc.data, brand_file.parent, ()
        try:
            brand = Brand.model_validate(brand_data)
            problems = []
        except ValidationError as error:
            brand, problems = None, validation_problems(error, brand_doc, root=Brand)
    else:
        return Brand(), []  # absent, or a wrong type the model reports
    updates: dict[str, str] = {}  # the files' absolute paths
    for key, suffixes, kind in (("font_file", _FONT_SUFFIXES, "font"), ("logo", _LOGO_SUFFIXES, "logo (PNG or SVG)")):
        named = _text(brand_data, key)
        if named is None:
            continue
        before = len(problems)
        problems += _check_file(brand_doc, (*prefix, key), named, brand_base, root, suffixes, kind, files)
        if len(problems) == before:
            updates[key] = str(files[format_path((*prefix, key))])
    if brand is not None and not brand.font_file and not problems:
        from render.fonts import font_installed

        if not font_installed(brand.font):
            # the script may be right and the machine incomplete: an environment problem (exit 1)
            (environment if environment is not None else problems).append(
                brand_doc.problem(
                    (*prefix, "font"),
                    f"font {brand.font!r} is not installed on this machine; install it "
                    "(on Debian, `fc-list : family` lists installed fonts; Noto and DejaVu come with "
                    "fonts-noto-core and fonts-dejavu-core), pick an installed one, or ship the font "
                    "file with `font_file`",
                )
            )
    if brand is None:
        return Brand(), problems
    return brand.model_copy(update=updates), problems


def _check_files(data: dict[str, Any], doc: Document, base: Path, root: Path, files: dict[str, Path]) -> list[str]:
    problems: list[str] = []
    scenes = data.get("scenes")
    for i, scene in enumerate(scenes if isinstance(scenes, list) else []):
        image = _text(scene, "file")
        if isinstance(scene, dict) and scene.get("type") == "image" and image is not None:
            problems += _check_file(
                doc,
                ("scenes", i, "file"),
                image,
                base,
                root,
                set(_IMAGE_SUFFIXES),
                "picture (PNG, JPEG or SVG)",
                files,
            )
    music = _text(data.get("music"), "file")
    if music is not None:
        problems += _check_file(doc, ("music", "file"), music, base, root, _AUDIO_SUFFIXES, "music file", files)
    thumbnail = _text(data.get("publish"), "thumbnail")
    if thumbnail:
        problems += _check_file(
            doc,
            ("publish", "thumbnail"),
            thumbnail,
            base,
            root,
            {".png", ".jpg", ".jpeg"},
            "thumbnail (PNG or JPEG)",
            files,
        )
    return problems


def _check_content(data: dict[str, Any], doc: Document) -> list[str]:
    """Checks that need outside knowledge (icons, voices, the clock), on the raw data."""
    from datetime import UTC

    from scenes.icons import UnknownIcon, find_icon

    problems: list[str] = []
    scenes = data.get("scenes")
    for i, scene in enumerate(scenes if isinstance(scenes, list) else []):
        if not isinstance(scene, dict) or scene.get("type") != "bullets" or not isinstance(scene.get("items"), list):
            continue
        for j, item in enumerate(scene["items"]):
            icon = _text(item, "icon")
            if icon and icon.strip():
                try:
                    find_icon(icon)
                except UnknownIcon as error:
                    problems.append(doc.problem(("scenes", i, "items", j, "icon"), error.message))
    publish = data.get("publish")
    when = publish.get("publish_at") if isinstance(publish, dict) else None
    if when is not None:
        try:
            moment = TypeAdapter(datetime).validate_python(when)
        except ValidationError:
            moment = None  # the model reports it
        if moment is not None and moment.tzinfo is not None and moment <= datetime.now(UTC):
            problems.append(
                doc.problem(
                    ("publish", "publish_at"),
                    f"{moment.isoformat()} is in the past; pick a future time or remove `publish_at`",
                )
            )
    problems += _check_voice(data, doc)
    return problems


def _check_voice(data: dict[str, Any], doc: Document) -> list[str]:
    """Is there a voice for this language (or this voice id)? Only when both are valid."""
    from render.narration import ENGINES, engine_for

    given = data.get("voice")
    engine = given.get("engine") if isinstance(given, dict) else None
    if isinstance(engine, str) and engine.strip() not in ENGINES:
        message = f"unknown voice engine {engine.strip()!r}; use one of: {', '.join(sorted(ENGINES))}"
        return [doc.problem(("voice", "engine"), message)]
    language = data.get("language", "en")
    if not isinstance(language, str) or not LANGUAGE_TAG.match(language.strip()):
        return []
    try:
        voice = Voice.model_validate(data.get("voice", {}))
    except ValidationError:
        return []
    try:
        engine_for(voice.engine).choose_voice(language.strip(), voice.id, voice.rate)
    except InputError as error:
        return [doc.problem(("voice", "id") if voice.id else ("language",), error.message)]
    return []
