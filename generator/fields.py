"""Typed reading of YAML nodes against the declarations in ``schema.py``.

Every value keeps the node it came from, so any later check can point at the
file, line and column of the offending value.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

from .diagnostics import Diagnostic, did_you_mean
from .schema import ID_PATTERN, NUMBER_LIMIT, PATH_ID_PATTERN, Field

_constructor = SafeConstructor()
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_NUMBERISH = re.compile(r"^\s*[-+]?(\d[\d_,]*\.?\d*|\.\d+)([eE][-+]?\d+)?\s*%?\s*$")
_EXPONENT = re.compile(r"^[-+]?\d+[eE][-+]?\d+$")  # 1e5: a number to people, text to YAML 1.1
_PLAIN_NUMBER = re.compile(r"[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?")  # [0-9]: \d takes any script
_IDS = {"id": re.compile(ID_PATTERN), "path_id": re.compile(PATH_ID_PATTERN)}
INVALID = object()  # a value that was reported and must be skipped
_STR, _INT, _FLOAT = "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"


@dataclass
class Source:
    """One file being read: its path for diagnostics, line offset, and the collected problems."""

    rel: str
    line_offset: int = 0
    problems: list[Diagnostic] = field(default_factory=list)

    def position(self, node: Any) -> tuple[int, int]:
        mark = node.start_mark
        return mark.line + 1 + self.line_offset, mark.column + 1

    def report(self, severity: str, node: Any, path: str, message: str, hint: str = "") -> None:
        line, column = self.position(node)
        self.problems.append(Diagnostic(self.rel, line, column, severity, path, message, hint))  # type: ignore[arg-type]

    def error(self, node: Any, path: str, message: str, hint: str = "") -> None:
        self.report("error", node, path, message, hint)

    def warning(self, node: Any, path: str, message: str, hint: str = "") -> None:
        self.report("warning", node, path, message, hint)


@dataclass
class Record:
    """A validated mapping: converted values plus the node each came from."""

    node: Any
    path: str
    values: dict[str, Any] = field(default_factory=dict)
    nodes: dict[str, Any] = field(default_factory=dict)
    invalid: set[str] = field(default_factory=set)

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def __contains__(self, key: str) -> bool:
        return key in self.values

    def node_of(self, key: str) -> Any:
        """The value's node, or the mapping's own node when the key is absent."""
        return self.nodes.get(key, self.node)

    def field_path(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key


def scalar_value(node: yaml.ScalarNode) -> Any:
    """The Python value of a scalar node, as the safe loader resolves it."""
    tag, text = node.tag, node.value
    # Fast paths for the common cases, equal to what the constructors give; the rest go to them.
    if tag == _STR:
        return text
    if tag == _INT and text.isascii() and text.isdigit() and (text[0] != "0" or text == "0"):
        return int(text)  # plain decimal: no octal, hex, sign, '_' or ':' to interpret
    if tag == _FLOAT:
        try:
            return float(text)  # YAML's '.inf', '.nan' and 1:30.5 fall through to the constructor
        except ValueError:
            pass
    constructor = _constructor.yaml_constructors.get(node.tag)
    if constructor is None:
        return node.value
    return constructor(_constructor, node)


def describe(node: Any) -> str:
    """How a value looks in a message: 'twenty', a list, a mapping."""
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == "tag:yaml.org,2002:null":
        return "nothing"
    return repr(node.value)


def parse_date_text(text: str) -> dt.date | None:
    """An ISO date or a month (the month's first day); None when it is neither or does not exist."""
    match = _DAY.match(text)
    try:
        if match:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        match = _MONTH.match(text)
        if match:
            return dt.date(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None
    return None


def parse_number_text(text: str) -> int | float | None:
    """A number written plainly in ASCII ('6', '-2.5', '1e3'), within NUMBER_LIMIT; None for anything else.

    Stricter than int() and float(), which also take '1_000', digits of other scripts, 'nan' and 'inf'.
    """
    text = text.strip()
    if not _PLAIN_NUMBER.fullmatch(text):
        return None
    try:
        value: int | float = int(text)
    except ValueError:  # a fraction or an exponent (or more digits than int() will read)
        value = float(text)
    return value if abs(value) <= NUMBER_LIMIT else None  # also None for an overflow to inf


def read_scalar(src: Source, node: Any, spec: Field, path: str) -> Any:
    """Convert one node to the field's type, reporting a problem and returning INVALID if it cannot."""
    kind = spec.type
    if kind in ("record", "records", "series"):
        raise ValueError("containers are read by read_record")
    if not isinstance(node, yaml.ScalarNode):
        src.error(node, path, f"expected {_expected(spec)}, got {describe(node)}", _hint(spec))
        return INVALID
    if kind == "date":
        return read_date(src, node, path)
    try:
        value = scalar_value(node)
    except (ConstructorError, ValueError):
        value = node.value
    if kind in ("text", "id", "path_id"):
        if isinstance(value, (dict, list)) or value is None:
            src.error(node, path, f"expected text, got {describe(node)}", _hint(spec))
            return INVALID
        text = node.value if not isinstance(value, str) else value
        if kind != "text" and not _IDS[kind].match(text):
            src.error(node, path, f"'{text}' is not a valid id", _hint(spec))
            return INVALID
        return text
    if kind in ("number", "fraction", "positive"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            hint = _hint(spec)
            if isinstance(value, str) and _EXPONENT.match(value) and not node.style:
                hint = f"YAML reads {value} as text: write it with a point, e.g. {_with_point(value)}"
            elif isinstance(value, str) and _NUMBERISH.match(value):
                hint = "write the number without quotes, commas or a % sign"
            src.error(node, path, f"expected {_expected(spec)}, got {describe(node)}", hint)
            return INVALID
        if isinstance(value, float) and not math.isfinite(value):
            src.error(node, path, f"expected a finite number, got {node.value}", "write an ordinary number")
            return INVALID
        if abs(value) > NUMBER_LIMIT:
            src.error(node, path, f"number {node.value} is too large", "write a number below 10^15")
            return INVALID
        if kind == "fraction" and not 0 <= value <= 1:
            src.error(node, path, f"expected a number from 0 to 1, got {node.value}",
                      "write it as a fraction: 0.7 means 70%")
            return INVALID
        if kind == "positive" and value <= 0:
            src.error(node, path, f"expected a number above 0, got {node.value}", "use 1 for normal weight")
            return INVALID
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            src.error(node, path, f"expected true or false, got {describe(node)}", "write true or false")
            return INVALID
        return value
    if kind == "choice":
        if value not in spec.choices:
            choices = ", ".join(spec.choices)
            suggestion = did_you_mean(str(node.value), spec.choices)
            src.error(node, path, f"expected one of {choices}, got {describe(node)}",
                      suggestion or f"write one of {choices}")
            return INVALID
        return value
    raise ValueError(f"unknown field type {kind}")


def read_date(src: Source, node: Any, path: str) -> Any:
    """A date written as YYYY-MM-DD or YYYY-MM (meaning the month's first day)."""
    if isinstance(node, yaml.ScalarNode):
        text = str(node.value).strip()
        date = parse_date_text(text)
        if date is not None:
            return date
        if _DAY.match(text) or _MONTH.match(text):
            src.error(node, path, f"date {text} does not exist", "check the month and day")
            return INVALID
        if node.tag == "tag:yaml.org,2002:timestamp":  # a date with a time of day
            try:
                stamp = scalar_value(node)
                return stamp.date() if isinstance(stamp, dt.datetime) else stamp
            except ValueError:
                pass
    src.error(node, path, f"expected a date, got {describe(node)}", "write YYYY-MM-DD, e.g. 2026-10-07")
    return INVALID


def mapping_items(src: Source, node: yaml.MappingNode, path: str) -> list[tuple[Any, Any, Any]]:
    """(key text, key node, value node) for each entry; duplicate and non-text keys reported."""
    seen: dict[Any, Any] = {}
    items = []
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            src.error(key_node, path, "a key must be plain text", "remove the brackets around the key")
            continue
        key = key_node.value  # keys are read as written; callers parse dates themselves
        if key in seen:
            first = seen[key].start_mark.line + 1 + src.line_offset
            src.error(key_node, path, f"key '{key_node.value}' appears twice (first on line {first})",
                      "remove one of them")
            continue
        seen[key] = key_node
        items.append((key, key_node, value_node))
    return items


def read_record(src: Source, node: Any, fields: dict[str, Field], path: str) -> Record | None:
    """Validate a mapping against declared fields; unknown keys are warnings with a suggestion."""
    if not isinstance(node, yaml.MappingNode):
        src.error(node, path, f"expected a mapping of fields, got {describe(node)}",
                  "write 'key: value' pairs")
        return None
    record = Record(node, path)
    for key, key_node, value_node in mapping_items(src, node, path):
        name = str(key)
        spec = fields.get(name)
        sub_path = f"{path}.{name}" if path else name
        if spec is None:
            suggestion = did_you_mean(name, fields)
            src.warning(key_node, path, f"unknown key '{name}'",
                        suggestion or f"known keys: {', '.join(fields)}")
            continue
        record.nodes[name] = value_node
        if is_null(value_node):
            continue  # an empty value counts as absent
        value = read_value(src, value_node, spec, sub_path)
        if value is INVALID:
            record.invalid.add(name)
        else:
            record.values[name] = value
    for name, spec in fields.items():
        if spec.required and name not in record.values and name not in record.invalid:
            at = record.nodes.get(name, node)
            src.error(at, path, f"missing required field '{name}'", f"add '{name}:' — {spec.doc[:1].lower()}{spec.doc[1:].rstrip('.')}")
    return record


def read_value(src: Source, node: Any, spec: Field, path: str) -> Any:
    """Read any declared field: scalars, nested records, lists of records; series stay as nodes."""
    if spec.type == "record":
        record = read_record(src, node, spec.fields, path)
        return INVALID if record is None else record
    if spec.type == "records":
        if not isinstance(node, yaml.SequenceNode):
            src.error(node, path, f"expected a list, got {describe(node)}", "start each item with '- '")
            return INVALID
        items = []
        for index, item in enumerate(node.value):
            record = read_record(src, item, spec.fields, f"{path}[{index}]")
            if record is not None:
                items.append(record)
        return items
    if spec.type == "series":
        return node
    if spec.type == "named":
        return read_named(src, node, spec, path)
    return read_scalar(src, node, spec, path)


def read_named(src: Source, node: Any, spec: Field, path: str) -> Any:
    """A mapping of names (ids) to values of one declared kind, e.g. ``sources: {local: {...}}``."""
    if not isinstance(node, yaml.MappingNode):
        src.error(node, path, f"expected a mapping of names, got {describe(node)}", "write 'name: ...' lines")
        return INVALID
    record = Record(node, path)
    for key, key_node, value_node in mapping_items(src, node, path):
        sub_path = f"{path}.{key}"
        if not _IDS["id"].match(str(key)):
            src.error(key_node, sub_path, f"'{key}' is not a valid name", _hint(Field("id", "")))
            record.invalid.add(str(key))
            continue
        record.nodes[str(key)] = value_node
        value = read_value(src, value_node, spec.fields[""], sub_path)
        if value is INVALID:
            record.invalid.add(str(key))
        else:
            record.values[str(key)] = value
    return record


def _with_point(text: str) -> str:
    mantissa, exponent = re.split("[eE]", text)
    sign = "" if exponent.startswith(("-", "+")) else "+"
    return f"{mantissa}.0e{sign}{exponent}"


def is_null(node: Any) -> bool:
    """Whether a node is YAML's null: empty, '~', or null in any of its spellings."""
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"


def _expected(spec: Field) -> str:
    return {
        "text": "text", "id": "an id", "path_id": "an id", "number": "a number", "fraction": "a number from 0 to 1",
        "positive": "a number above 0", "bool": "true or false", "date": "a date",
        "choice": "one of " + ", ".join(spec.choices),
    }.get(spec.type, spec.type)


def _hint(spec: Field) -> str:
    return {
        "text": "write plain text", "number": "write a number, e.g. 20",
        "id": "use letters, digits, '-', '_' and '.', starting with a letter or digit",
        "path_id": "use letters, digits, '-', '_' and '.', with '/' between parts, each starting with a "
                   "letter or digit",
        "fraction": "write a number such as 0.7", "positive": "write a number such as 1",
        "bool": "write true or false", "choice": "write one of " + ", ".join(spec.choices),
    }.get(spec.type, "")
