"""Read a YAML file safely into plain data, keeping where each value and key sits.

Only plain mappings, sequences and scalars with the standard tags are accepted;
sizes are capped (bytes, values after alias expansion, text after alias expansion,
depth), so a small file cannot explode. Every problem is a :class:`Problem`.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from contract.errors import ScriptError
from contract.problems import FieldPath, Problem, format_path

MAX_SCRIPT_BYTES = 1_000_000
MAX_NODES = 100_000
MAX_DEPTH = 64  # real scripts nest 6 deep; deeper is a mistake or an attack
_YAML = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_YAML}{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")}
_STANDARD_TAGS = _SCALAR_TAGS | {f"{_YAML}seq", f"{_YAML}map", f"{_YAML}merge"}
_TABS = "a tab character is not allowed here; YAML indents with spaces: replace the tab with spaces"

Path_ = FieldPath
MAX_TEXT_CHARS = MAX_SCRIPT_BYTES  # all text after alias expansion: aliases cannot multiply it


@dataclass(frozen=True)
class OneLinePair:
    """A mapping of one unquoted `key: value` on one line: maybe a sentence with a colon in it."""

    line: int  # 1-based, as in messages
    start: int  # 0-based columns of the mapping in that line
    end: int
    text: str  # the source of the pair, from the key to the end of the value

    def corrected(self, source: str) -> str:
        """The line with the pair written as one quoted text."""
        lines = source.splitlines()
        row = lines[self.line - 1] if self.line - 1 < len(lines) else ""
        return (row[: self.start] + double_quoted(self.text) + row[self.end :]).strip()


@dataclass
class Document:
    """A parsed YAML file: plain data plus where each value and key sits."""

    file: Path
    data: Any
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    raw: bytes = b""
    problems: list[Problem] = field(default_factory=list)  # YAML-level problems kept by `keep_going`
    bad: set[Path_] = field(default_factory=set)  # values dropped for those problems
    plain: set[Path_] = field(default_factory=set)  # scalars written without quotes
    flow_lists: set[Path_] = field(default_factory=set)  # lists written as [a, b, c]
    one_line_pairs: dict[Path_, OneLinePair] = field(default_factory=dict)  # `Nous : vous` read as a mapping

    def position(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """(line, column) of the deepest known node on `path` (of its key, with `key`)."""
        table = self.keys if key else self.values
        for cut in range(len(path), -1, -1):
            position = table.get(path[:cut]) or self.values.get(path[:cut])
            if position:
                return position
        return 1, 1

    def where(self, path: Path_, *, key: bool = False) -> str:
        """`file:line:col` of the deepest known node on `path`."""
        line, column = self.position(path, key=key)
        return f"{self.file}:{line}:{column}"

    def problem(self, path: Path_, message: str, hint: str | None = None, *, key: bool = False) -> Problem:
        """A problem with the value (or, with `key`, the field name) at `path`."""
        line, column = self.position(path, key=key)
        return Problem(str(self.file), line, column, format_path(path), message, hint)


def file_problem(
    file: Path, label: str, message: str, hint: str | None = None, at: tuple[int, int] = (1, 1)
) -> Problem:
    """A problem with a file as a whole (`label` is "(file)", "(yaml)" or "(top level)")."""
    return Problem(str(file), at[0], at[1], label, message, hint)


def _fail(*problems: Problem) -> ScriptError:
    return ScriptError(list(problems))


class _Builder:
    """Turns composed YAML nodes into plain data, recording positions."""

    def __init__(self, doc: Document, problems: list[Problem], source: str) -> None:
        self.doc = doc
        self.source = source
        self.problems = problems
        self.count = 0
        self.text = 0  # characters of text, counted each time an alias repeats them
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
            if node.style is None:
                self.doc.plain.add(path)
            value = self._scalar(node, path)
            if isinstance(value, str):
                self.text += len(value)
                if self.text > MAX_TEXT_CHARS:
                    raise _TooMuchText(node, path)
            return None if value is _UNREADABLE else value
        self.stack.append(node)
        try:
            if isinstance(node, yaml.SequenceNode):
                if node.flow_style:
                    self.doc.flow_lists.add(path)
                return [self.build(child, (*path, i)) for i, child in enumerate(node.value)]
            if isinstance(node, yaml.MappingNode):
                self._one_line_pair(node, path)
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

    def _one_line_pair(self, node: yaml.MappingNode, path: Path_) -> None:
        """Remember `Notre mission : vous aider.` read as {Notre mission: vous aider.}."""
        if len(node.value) != 1:
            return
        key, value = node.value[0]
        plain = all(isinstance(n, yaml.ScalarNode) and n.style is None for n in (key, value))
        line = node.start_mark.line
        last = node.end_mark.line if node.flow_style else value.end_mark.line
        if not plain or not value.value or key.start_mark.line != line or last != line:
            return
        text = self.source[key.start_mark.index : value.end_mark.index]
        start = node.start_mark.column
        end = node.end_mark.column if node.flow_style else value.end_mark.column
        self.doc.one_line_pairs[path] = OneLinePair(line + 1, start, end, text)

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

    def _msg(self, node: yaml.Node, path: Path_, message: str) -> Problem:
        line, col = self._at(node)
        return Problem(str(self.doc.file), line, col, format_path(path), message)


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


class _TooMuchText(_TooBig):
    def __init__(self, node: yaml.Node, path: Path_) -> None:
        super().__init__(node)
        self.path = path


_GIVE_YAML = "give the path of a .yaml file"


def _guess_script(file: Path) -> str | None:
    """`render notre-mission` → scripts/notre-mission.yaml, when that exists."""
    stem = file.name.removesuffix(".yaml").removesuffix(".yml")
    for folder in (file.parent, file.parent / "scripts", Path("scripts")):
        for suffix in (".yaml", ".yml"):
            candidate = folder / f"{stem}{suffix}"
            if candidate != file and candidate.is_file():
                return str(display_path(candidate))
    return None


def special_file_kind(path: Path) -> str | None:
    """'a folder', 'a named pipe (FIFO)'... when `path` exists but is not a regular file."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device"


def parse_yaml(file: Path, *, what: str = "script", keep_going: bool = False) -> Document:
    """Read and parse a YAML file safely; raise ScriptError with positions.

    With `keep_going`, problems that leave usable data (a forbidden tag, a duplicate
    key) are kept in `Document.problems` instead of raised, so later checks still run.
    """
    shown = display_path(file)
    doc = Document(file=shown, data=None)
    doc.raw = _read(file, shown, what)
    source = _decode(doc.raw, shown)
    root = _compose(source, shown, what)
    fields = "title:, scenes:, ..." if what == "script" else "primary:, font:, logo:, ..."
    if root is None:
        raise _fail(file_problem(shown, "(top level)", f"the {what} is empty", f"write its fields ({fields})"))
    problems: list[Problem] = []
    try:
        doc.data = _Builder(doc, problems, source).build(root, ())
    except _TooBig as big:
        raise _fail(_too_big(big, shown, what)) from None
    if problems and not (keep_going and isinstance(doc.data, dict)):
        raise _fail(*problems)
    doc.problems = problems
    if not isinstance(doc.data, dict):
        kind = type(doc.data).__name__ if doc.data is not None else "empty"
        raise _fail(
            file_problem(shown, "(top level)", f"the {what} must be a mapping of fields ({fields}), not {_kind(kind)}")
        )
    return doc


def _read(file: Path, shown: Path, what: str) -> bytes:
    special = special_file_kind(file)
    if special and special != "a folder":  # reading a pipe or a device could block for ever
        raise _fail(file_problem(shown, "(file)", f"this is {special}, not a {what} file", _GIVE_YAML))
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        guess = _guess_script(file) if what == "script" else None
        if guess:
            raise _fail(file_problem(shown, "(file)", f"no such {what} file (did you mean {guess}?)")) from None
        raise _fail(file_problem(shown, "(file)", f"no such {what} file", "check the name and the folder")) from None
    except IsADirectoryError:
        raise _fail(file_problem(shown, "(file)", f"this is a folder, not a {what} file", _GIVE_YAML)) from None
    except PermissionError:
        raise _fail(
            file_problem(
                shown,
                "(file)",
                f"cannot read this {what} file (permission denied)",
                "check its permissions (chmod a+r)",
            )
        ) from None
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise _fail(
            file_problem(shown, "(file)", f"cannot read this {what} file ({reason})", "check the path")
        ) from None
    if len(raw) > MAX_SCRIPT_BYTES:
        raise _fail(
            file_problem(
                shown,
                "(file)",
                f"the {what} file is {len(raw):,} bytes",
                f"the limit is {MAX_SCRIPT_BYTES:,} bytes: is it the right file?",
            )
        )
    if b"\x00" in raw:
        raise _fail(file_problem(shown, "(file)", f"this is a binary file, not a YAML {what}", _GIVE_YAML))
    return raw


def _decode(raw: bytes, shown: Path) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        col = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        message = f"the file is not UTF-8 (byte 0x{raw[error.start]:02x})"
        raise _fail(file_problem(shown, "(file)", message, "save it as UTF-8 in your editor", (line, col))) from None


def _compose(text: str, shown: Path, what: str) -> yaml.Node | None:
    """The single document's root node (None when empty)."""
    try:
        nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.MarkedYAMLError as error:
        line, col, message = _yaml_problem(error, text)
        raise _fail(file_problem(shown, "(yaml)", message, at=(line, col))) from None
    except yaml.reader.ReaderError as error:
        before = text[: error.position]
        at = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
        message = f"the file holds a control character (#x{error.character:04x}) that YAML does not allow"
        raise _fail(file_problem(shown, "(yaml)", message, "delete it", at)) from None
    except yaml.YAMLError as error:
        raise _fail(file_problem(shown, "(yaml)", str(error))) from None
    except RecursionError:
        message = f"the {what} is nested too deeply (brackets inside brackets?)"
        raise _fail(file_problem(shown, "(yaml)", message, "write it out plainly")) from None
    if len(nodes) > 1:
        mark = nodes[1].start_mark
        raise _fail(
            file_problem(
                shown,
                "(yaml)",
                f"one {what} per file",
                "remove the '---' separator and what follows, or move it to its own file",
                (mark.line + 1, mark.column + 1),
            )
        )
    return nodes[0] if nodes else None


def _too_big(big: _TooBig, shown: Path, what: str) -> Problem:
    at = big.node.start_mark.line + 1, big.node.start_mark.column + 1
    if isinstance(big, _TooDeep):
        return file_problem(shown, "(yaml)", f"the {what} is nested more than {MAX_DEPTH} levels deep", _PLAINLY, at)
    if isinstance(big, _TooMuchText):
        # name the field where the limit was crossed: the alias to look at is there
        return Problem(
            str(shown),
            *at,
            format_path(big.path),
            f"the {what}'s text expands to more than {MAX_TEXT_CHARS:,} characters (aliases repeating long texts?)",
            _PLAINLY,
        )
    message = f"the {what} expands to more than {MAX_NODES:,} values (aliases repeating aliases?)"
    return file_problem(shown, "(yaml)", message, _PLAINLY, at)


_PLAINLY = "write it out plainly"


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
    french = _punctuation_message(problem, context, text, mark)
    if "'\\t'" in problem or _tab_at(text, mark):
        message = _TABS
    elif french:
        message = french
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
    elif "expected ',' or ']'" in problem or "expected ',' or '}'" in problem:
        mark = error.context_mark or mark
        message = (
            "this [list] is not closed properly; check the commas and the closing ']'"
            if "']'" in problem
            else "this {mapping} is not closed properly; check the commas and the closing '}'"
        )
    elif "undefined alias" in problem:
        message = f"{problem}: '*name' needs an '&name' anchor above it; define the anchor or remove the alias"
    elif "that cannot start any token" in problem:
        message = f"{problem}; put the value in quotes"
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return line, col, message


def _punctuation_message(problem: str, context: str, text: str, mark: Any) -> str | None:
    """A French ' : ' or an apostrophe read as YAML syntax: the message with the line written right."""
    if "mapping values are not allowed" in problem or ("flow mapping" in context and "got ':'" in problem):
        return colon_message(text, mark)
    if "'<scalar>'" in problem:
        return quote_message(text, mark)
    return None


def _tab_at(text: str, mark: Any) -> bool:
    if mark is None:
        return False
    lines = text.splitlines()
    return mark.line < len(lines) and "\t" in lines[mark.line][: mark.column + 1]


def display_path(file: Path) -> Path:
    """The path as the user would write it: relative to here when inside, else absolute."""
    try:
        relative = Path(os.path.relpath(file))
    except ValueError:
        return file
    return Path(os.path.abspath(file)) if relative.parts[:1] == ("..",) else relative


def display_folder(folder: Path) -> str:
    shown = str(display_path(folder))
    return "./" if shown == "." else shown.rstrip("/") + "/"


# --- French punctuation: a ' : ' or an apostrophe that YAML reads as syntax -------------------

COLON_CAUSE = "this text holds ': ' (a colon and a space), which YAML reads as the start of a new field"
_KEY_VALUE = re.compile(r"^(?P<lead>\s*(?:-\s+)*)(?P<key>[^\s#'\"\[{-][^#]*?):\s+(?P<value>.*)$")


def double_quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def single_quoted(text: str) -> str:
    """`text` as a YAML single-quoted scalar."""
    return "'" + text.replace("'", "''") + "'"


def _line_at(text: str, mark: Any) -> str | None:
    lines = text.splitlines()
    return lines[mark.line] if mark is not None and mark.line < len(lines) else None


def _without_comment(value: str) -> tuple[str, str]:
    """('Notre mission : vous', '  # note') from 'Notre mission : vous  # note'."""
    found = re.search(r"\s+#", value)
    return (value[: found.start()], value[found.start() :]) if found else (value.rstrip(), "")


def colon_message(text: str, mark: Any) -> str:
    """`narration: Notre mission : vous aider.`: say to quote it, with the line written right."""
    line = _line_at(text, mark)
    corrected = _colon_fixed(line, mark.column) if line is not None else None
    if corrected is None:
        return f'{COLON_CAUSE}; put the sentence in double quotes, for example text: "Notre mission : vous aider."'
    return f"{COLON_CAUSE}; put the sentence in double quotes, write it as: {corrected}"


def _colon_fixed(line: str, column: int) -> str | None:
    """The line with its value quoted, when the colon at `column` is inside the value."""
    flow = _flow_value(line, column)
    if flow is not None:
        start, end = flow
        return (line[:start] + double_quoted(line[start:end].strip()) + line[end:]).strip()
    match = _KEY_VALUE.match(line)
    if match is None or match.start("value") > column:
        return None
    value, comment = _without_comment(match.group("value"))
    if value[:1] in "'\"[{|>&*!" or not value:
        return None
    return f"{match.group('lead').lstrip()}{match.group('key')}: {double_quoted(value)}{comment}"


def _flow_value(line: str, column: int) -> tuple[int, int] | None:
    """The span of the value around `column` inside `{ ... }` on this line, if it is in one."""
    opening = line.rfind("{", 0, column)
    if opening < 0 or line.find("}", column) < 0:
        return None
    starts = [line.rfind(sep, opening, column) + len(sep) for sep in (": ", ", ") if sep in line[opening:column]]
    start = max(starts, default=opening + 1)
    if start >= column:
        return None
    ends = [end for sep in (",", "}") if (end := line.find(sep, column)) >= 0]
    return start, min(ends)


def quote_message(text: str, mark: Any) -> str | None:
    """`title: 'L'agence'`: the apostrophe closed the quotes; say which quotes to use, with the line."""
    line = _line_at(text, mark)
    if line is None:
        return None
    before = line[: mark.column].rstrip()
    quote = before[-1:]
    if quote not in ("'", '"'):
        return None
    opening = _opening_quote(line, len(before) - 2, quote)
    if opening is None:
        return None
    closing = _closing_quote(line, mark.column, quote)
    ends = "ends the text there"
    if closing is None:  # `"Bonjour" dit Claire.`: the quotes were part of the text
        ends = "ends the text, and YAML cannot read what follows"
        inner, tail = _without_comment(line[opening:])
    else:
        inner, tail = line[opening + 1 : closing], line[closing + 1 :]
        inner = inner.replace("''", "'") if quote == "'" else inner
    fixed = double_quoted(inner) if quote == "'" else single_quoted(inner)
    corrected = (line[:opening] + fixed + tail).strip()
    if quote == "'":
        cause = f"an apostrophe inside single quotes {ends}"
        advice = "put the sentence in double quotes"
    else:
        cause = f"a double quote inside double quotes {ends}"
        advice = "put the sentence in single quotes (or use « »)"
    return f"{cause}; {advice}, write it as: {corrected}"


def _opening_quote(line: str, last: int, quote: str) -> int | None:
    """Where the quoted text began: a quote right after ': ', '- ', '[', '{' or ', '."""
    for index in range(last, -1, -1):
        if line[index] == quote and (index == 0 or line[index - 1] in " \t[{,"):
            return index
    return None


def _closing_quote(line: str, start: int, quote: str) -> int | None:
    """The quote that ends the value: the last one before a comment, a ',', ']', '}' or the line's end."""
    for index in range(len(line) - 1, start - 1, -1):
        if line[index] == quote and re.fullmatch(r"\s*(?:#.*|[,\]}].*)?", line[index + 1 :]):
            return index
    return None
