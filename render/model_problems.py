"""Turn pydantic's validation errors into one readable :class:`Problem` per mistake.

Error locations are mapped back onto the YAML data (dropping union and tag labels),
and the field's own model says what is allowed there (field names, bounds): these
are read from the model classes, so a new scene type needs nothing here.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Union

from pydantic import BaseModel, ValidationError
from pydantic.json_schema import SkipJsonSchema

from contract.problems import Problem
from contract.scene_types import SCENE_TYPES, SceneField, yaml_float_spelling
from contract.script import Script
from render.script_yaml import COLON_CAUSE, Document, Path_

_UNION_LABELS = {
    "str": "text",
    "constrained-str": "text",
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
}


def _is_label(part: str) -> bool:
    return part[:1].isupper() or part in _UNION_LABELS or "[" in part or part.startswith("function-")


# union branches that are models, named as a user writes them (others read "a mapping")
_MODEL_LABELS = {"RecordedBeat": "a recorded beat {text, audio}"}


def _label_kind(part: str) -> str:
    if part in _UNION_LABELS:
        return _UNION_LABELS[part]
    if part in _MODEL_LABELS:
        return _MODEL_LABELS[part]
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
        if _is_scene_tag(root, path, part) and label == "":
            # the discriminator's tag right after `scenes[i]` (a scene's `title` field is not this)
            label = "tag"
            continue
        if not relevant and not (isinstance(part, str) and _is_label(part)):
            break  # inside a union branch the value was never meant as: its errors belong to the value
        in_list = isinstance(part, int) and isinstance(current, list) and 0 <= part < len(current)
        in_mapping = isinstance(part, str) and isinstance(current, dict) and part in current
        if in_list or in_mapping:
            path.append(part)
            current = current[part]
        elif isinstance(part, str) and _is_label(part):
            label = part
            relevant = relevant and _shape_matches(part, current)
        elif isinstance(part, str) and isinstance(current, dict):
            path.append(part)  # a missing or unknown key
            current = None
    return tuple(path), current, relevant, "" if label == "tag" else label


def _is_scene_tag(root: type[BaseModel], path: list[str | int], part: Any) -> bool:
    return (
        root is Script
        and len(path) == 2
        and path[0] == "scenes"
        and isinstance(path[1], int)
        and isinstance(part, str)
        and part in SCENE_TYPES
    )


def _shape_matches(label: str, current: Any) -> bool:
    """False when the union alternative `label` cannot be what the user meant for `current`."""
    wants_text = label in {"str", "constrained-str"} or label.startswith("function-")
    return not (
        (wants_text and isinstance(current, dict | list))
        or (label[:1].isupper() and not isinstance(current, dict))
        or (label.startswith("list[") and not isinstance(current, list))
        or _shares_no_field(label, current)
    )


def _shares_no_field(label: str, current: Any) -> bool:
    """A mapping none of whose keys the model `label` has was not meant as that model."""
    if not (label in _MODEL_LABELS and isinstance(current, dict) and current):
        return False
    model = _model_named(label)
    return model is not None and not set(current) & set(model.model_fields)


def _model_named(name: str) -> type[BaseModel] | None:
    pending: list[type[BaseModel]] = [BaseModel]
    while pending:
        cls = pending.pop()
        if cls.__name__ == name:
            return cls
        pending.extend(cls.__subclasses__())
    return None


# --- which model holds a field: read from the models' own annotations ----------------------


def _members(annotation: Any) -> list[Any]:
    """The alternatives of an annotation (Annotated and unions unwrapped)."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _members(typing.get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        return [m for arg in typing.get_args(annotation) for m in _members(arg)]
    return [annotation]


def _model_of(annotation: Any, value: Any) -> type[BaseModel] | None:
    """The model class a value of this annotation is checked against, if any."""
    for member in _members(annotation):
        if member is SceneField:
            kind = value.get("type") if isinstance(value, dict) else None
            return SCENE_TYPES.get(kind) if isinstance(kind, str) else None
        if isinstance(member, type) and issubclass(member, BaseModel):
            return member
    return None


def _item_of(annotation: Any) -> Any:
    """The entries' annotation of a list annotation (None when it is not a list)."""
    for member in _members(annotation):
        if typing.get_origin(member) is list:
            return typing.get_args(member)[0]
    return None


def _owner_model(path: Path_, data: Any, root: type[BaseModel] = Script) -> type[BaseModel] | None:
    """The model class of the mapping that holds the last element of `path`."""
    owner: type[BaseModel] | None = root
    annotation: Any = None
    current = data
    for part in path[:-1]:
        if isinstance(part, int):
            current = current[part] if isinstance(current, list) and 0 <= part < len(current) else None
            annotation = _item_of(annotation)
            owner = _model_of(annotation, current)
            continue
        field = owner.model_fields.get(part) if owner is not None else None
        if field is None:
            return None
        current = current.get(part) if isinstance(current, dict) else None
        annotation = field.annotation
        owner = _model_of(annotation, current)
    return owner


def _owner_fields(path: Path_, data: Any, root: type[BaseModel] = Script) -> list[str]:
    """Field names allowed in the mapping that holds the last element of `path`."""
    owner = _owner_model(path, data, root)
    if owner is None:
        return []
    # fields hidden from the schema are not for authors (set by the toolkit, or refused here)
    return [
        name
        for name, info in owner.model_fields.items()
        if not any(type(meta) is SkipJsonSchema for meta in info.metadata)
    ]


_UNITS = {
    "duration": " seconds",
    "target_duration": " seconds",
    "rate": " words per minute",
    "fps": " frames per second",
}


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


@dataclass(frozen=True)
class _Failure:
    """One pydantic error, with where it is in the script: what each message is written from."""

    error: dict[str, Any]
    path: Path_
    doc: Document
    root: type[BaseModel]

    @property
    def kind(self) -> str:
        return str(self.error["type"])

    @property
    def ctx(self) -> dict[str, Any]:
        return self.error.get("ctx") or {}

    @property
    def value(self) -> Any:
        return self.error.get("input")

    @property
    def got(self) -> str:
        return f"(got {_describe(self.value)})"

    @property
    def name(self) -> str:
        return str(self.path[-1]) if self.path else "value"


# A message writer returns None when it has nothing better than pydantic's own message.
_Writer = Callable[[_Failure], str | None]


def _unknown_field(f: _Failure) -> str:
    allowed = _owner_fields(f.path, f.doc.data, f.root)
    close = difflib.get_close_matches(f.name, allowed, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else (f"; allowed here: {', '.join(allowed)}" if allowed else "")
    if not close and _looks_like_split_text(f.name, f.value):
        hint = (
            "; this looks like the end of a text cut at a comma: inside { }, a comma separates "
            'fields, so put text containing commas in quotes (narration: "D\'abord, ...")'
        )
    return f"unknown field {f.name!r}{hint}"


def _unknown_scene_type(f: _Failure) -> str:
    found = f.ctx.get("tag")
    close = difflib.get_close_matches(str(found), list(SCENE_TYPES), n=1, cutoff=0.5)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown scene type {found!r}{hint}; use one of: {', '.join(SCENE_TYPES)}"


def _not_an_option(f: _Failure) -> str:
    value = f.value
    if f.name == "aspect" and isinstance(value, int) and not isinstance(value, bool):
        value = f"{value // 60}:{value % 60}"  # YAML 1.1 read an unquoted 4:3 as 243
    expected = str(f.ctx.get("expected", ""))
    options = re.findall(r"'([^']*)'", expected) or [expected]
    return f"{_describe(value)} is not a valid {f.name}; use one of: {', '.join(options)}"


def _out_of_bounds(f: _Failure) -> str | None:
    bounds = _bounds(f.path, f.doc.data, f.root)
    return f"must be {bounds} {f.got}" if bounds else None


def _too_few(f: _Failure) -> str:
    least = f.ctx.get("min_length", 1)
    entries = "entry" if least == 1 else "entries"
    return f"needs at least {least} {entries} (it has {f.ctx.get('actual_length', 0)})"


def _too_many(f: _Failure) -> str:
    return (
        f"has {f.ctx.get('actual_length')} entries; "
        f"at most {f.ctx.get('max_length')} fit on screen: "
        "split them over two scenes"
    )


def _not_text(f: _Failure) -> str:
    if isinstance(f.value, int | float | datetime) or type(f.value).__name__ in {"date", "bool"}:
        return f"must be text {f.got}; put it in quotes"
    return f"must be text {f.got}; write it as plain text after the colon"


def _not_a_number(f: _Failure) -> str:
    value = f.value
    if isinstance(value, str) and (spelled := yaml_float_spelling(value)) is not None:
        # YAML 1.1 wants a dot and a signed exponent
        return f"must be a number {f.got}; YAML reads {value.strip()} as text: write {spelled}"
    return f"must be a number {f.got}"


def _not_a_mapping(f: _Failure) -> str:
    if len(f.path) == 2 and f.path[0] == "scenes" and f.root is Script:
        return f"a scene must be a mapping with a `type` and its fields {f.got}"
    return f"must be a mapping of fields {f.got}; write `field: value` lines indented below it"


def _no_value(f: _Failure) -> str:
    return "has no value; write one after the colon (or remove the line if the field is optional)"


def _not_a_datetime(f: _Failure) -> str:
    return f"must be a date and time with a time zone, for example 2026-12-01T09:00:00+01:00 {f.got}"


def _by_kind(writer: _Writer, *kinds: str) -> dict[str, _Writer]:
    return dict.fromkeys(kinds, writer)


_WRITERS: dict[str, _Writer] = {
    "extra_forbidden": _unknown_field,
    "missing": lambda f: f"required field {f.name!r} is missing; add it",
    "union_tag_invalid": _unknown_scene_type,
    "union_tag_not_found": lambda f: f"this scene has no `type`; add `type:` with one of: {', '.join(SCENE_TYPES)}",
    "literal_error": _not_an_option,
    **_by_kind(_out_of_bounds, "greater_than", "greater_than_equal", "less_than", "less_than_equal"),
    "too_short": _too_few,
    "too_long": _too_many,
    "string_too_short": lambda f: "must not be empty; write some text",
    "string_type": _not_text,
    **_by_kind(
        lambda f: f"must be a whole number {f.got}", "int_type", "int_parsing", "int_from_float", "int_parsing_size"
    ),
    **_by_kind(_not_a_number, "float_type", "float_parsing", "finite_number"),
    **_by_kind(lambda f: f"must be true or false {f.got}", "bool_type", "bool_parsing"),
    "list_type": lambda f: f"must be a list {f.got}; write each entry on its own line starting with '- ', or [a, b]",
    **_by_kind(_not_a_mapping, "dict_type", "model_type", "model_attributes_type"),
}
"""Error type -> its message, for the errors a person writing a script makes."""


def _writer_for(f: _Failure) -> _Writer | None:
    # An empty `key:` reads as None: whatever type was expected, the fix is to write a value.
    # (The kinds that must keep their own message with a None input, such as missing,
    # literal_error, the bounds and lengths, end otherwise.)
    if f.value is None and f.kind.endswith(("_type", "_parsing")):
        return _no_value
    if f.kind.startswith(("datetime_", "date_")):
        return _not_a_datetime
    return _WRITERS.get(f.kind)


def _pydantic_message(f: _Failure) -> str:
    """Pydantic's own message, reworded to read like ours."""
    msg = str(f.error["msg"])
    if msg.startswith("Value error, "):
        return msg[len("Value error, ") :]
    if msg.startswith("Input should be "):
        return f"must be {msg[len('Input should be ') :]} {f.got}"
    return msg


def _message(error: dict[str, Any], path: Path_, doc: Document, root: type[BaseModel] = Script) -> str:
    failure = _Failure(error, path, doc, root)
    writer = _writer_for(failure)
    message = writer(failure) if writer else None
    return message if message is not None else _pydantic_message(failure)


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
) -> list[Problem]:
    """One readable problem per pydantic error, deduplicated, in file order.

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
        if any(other != path and other[: len(path)] == path for other in noise):
            continue  # the shape that went deeper (a list whose entry is wrong) is the one meant
        kinds = list(dict.fromkeys(_label_kind(label) for _, label, _ in branches if label))
        item = dict(branches[0][0])
        if len(kinds) > 1:
            item = {
                **item,
                "type": "union_shapes",
                "msg": f"must be {' or '.join(kinds)} (got {_describe(branches[0][2])})",
            }
        items.append((item, path))
    items, colons = _colon_texts(items, doc, prefix)
    # `txt:` given where `text:` is required: the "unknown field (did you mean)" line says it all
    unknown = {(p[:-1], str(p[-1])) for it, p in items if it["type"] == "extra_forbidden" and p}
    problems: dict[str, Problem] = {str(p): p for p in colons}
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
        problem = doc.problem(full, _message(item, path, doc, root), key=item["type"] == "extra_forbidden")
        problems.setdefault(str(problem), problem)
    return sorted(problems.values(), key=lambda p: p.position)


_TEXT_KINDS = {"string_type", "union_shapes", "list_type"}


def _colon_texts(
    items: list[tuple[dict[str, Any], Path_]], doc: Document, prefix: Path_
) -> tuple[list[tuple[dict[str, Any], Path_]], list[Problem]]:
    """`- Notre mission : vous aider.` read as a mapping: one 'put it in double quotes' line instead.

    Where text was expected, any one-line `key: value` mapping is such a sentence; where a
    mapping is allowed too (a bullet item), only one whose key has a space (a field name has none).
    """
    kept: list[tuple[dict[str, Any], Path_]] = []
    found: dict[Path_, Problem] = {}
    source: str | None = None
    for item, path in items:
        pair_path = _pair_path((*prefix, *path), item["type"], doc)
        if pair_path is None:
            kept.append((item, path))
            continue
        if source is None:
            source = doc.raw.decode("utf-8-sig", errors="replace")
        corrected = doc.one_line_pairs[pair_path].corrected(source)
        message = f"{COLON_CAUSE}; put the sentence in double quotes, write it as: {corrected}"
        found.setdefault(pair_path, doc.problem(pair_path, message))
    return kept, list(found.values())


def _pair_path(full: Path_, kind: str, doc: Document) -> Path_ | None:
    """The one-line pair this error is about, when it reads like a sentence cut at its colon.

    Its key must have a space in it or before the colon (`Notre mission: ...`, `Mission : ...`):
    a field name has none, so `{fr: Bonjour}` stays a mapping given where text is expected.
    """
    for cut in range(len(full), -1, -1):
        pair = doc.one_line_pairs.get(full[:cut])
        if pair is None:
            continue
        if cut == len(full) and kind not in _TEXT_KINDS:
            return None  # the mapping itself is fine where it is (a bullet item's own error)
        return full[:cut] if " " in pair.text.partition(":")[0] else None
    return None
