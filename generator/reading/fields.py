"""Typed reading of YAML nodes against the declarations in ``schema.py``.

Every value keeps the node it came from while its file is read, so any check can point at the
file, line and column of the offending value. What a type accepts and how a problem is worded
comes from ``fieldtypes.TYPES``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..diagnostics import Diagnostic, did_you_mean
from ..model.content import Limits
from .fieldtypes import ID_PATTERN, TYPES, Invalid, describe, not_a
from .schema import Field
from .yamlnodes import NULL

INVALID = object()  # a value that was reported and must be skipped
_SCALAR, _MAPPING, _SEQUENCE = yaml.ScalarNode, yaml.MappingNode, yaml.SequenceNode
_DATE = Field(TYPES["date"], "A date.")
_NAME = re.compile(ID_PATTERN)


@dataclass
class Source:
    """One file being read: its path for diagnostics, line offset, and the collected problems."""

    rel: str
    line_offset: int = 0
    problems: list[Diagnostic] = field(default_factory=list)
    limits: Limits = field(default_factory=Limits)

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

    def reject(self, node: Any, path: str, problem: Invalid) -> None:
        self.error(node, path, problem.message, problem.hint)


class Record:
    """A validated mapping: converted values plus the node each came from."""

    __slots__ = ("invalid", "node", "nodes", "path", "values")

    def __init__(self, node: Any, path: str) -> None:
        self.node = node
        self.path = path
        self.values: dict[str, Any] = {}
        self.nodes: dict[str, Any] = {}
        self.invalid: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def __contains__(self, key: str) -> bool:
        return key in self.values

    def node_of(self, key: str) -> Any:
        """The value's node, or the mapping's own node when the key is absent."""
        return self.nodes.get(key, self.node)

    def field_path(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key


_TITLES = ("title", "name")  # fields held to the title length; other text to the text length


def length_message(what: str, text: str, limit: int) -> str:
    return f"{what} is {len(text):,} characters long, more than {limit:,}"


def too_long(src: Source, node: Any, path: str, value: Any) -> bool:
    """Whether a text value is longer than its limit (reported): a title or a name is shown on many
    pages, so its length multiplies the output."""
    if not isinstance(value, str):
        return False
    key = path.rsplit(".", 1)[-1]
    limit, what = (src.limits.title, "title") if key in _TITLES else (src.limits.text, "text")
    if len(value) <= limit:
        return False
    src.error(node, path, length_message(what, value, limit), f"shorten it, or raise limits.{what} in okr-pages.yaml")
    return True


def read_scalar(src: Source, node: Any, spec: Field, path: str) -> Any:
    """Convert one node to the field's type, reporting a problem and returning INVALID if it cannot."""
    convert = spec.type.convert
    if convert is None:
        raise ValueError("containers are read by read_record")
    if not isinstance(node, _SCALAR):
        src.reject(node, path, not_a(node, spec))
        return INVALID
    try:
        value = convert(node, spec)
    except Invalid as problem:
        src.reject(node, path, problem)
        return INVALID
    return INVALID if spec.type.name == "text" and too_long(src, node, path, value) else value


def read_date(src: Source, node: Any, path: str) -> Any:
    """A date written as YYYY-MM-DD or YYYY-MM (meaning the month's first day)."""
    return read_scalar(src, node, _DATE, path)


def mapping_items(src: Source, node: yaml.MappingNode, path: str) -> list[tuple[Any, Any, Any]]:
    """(key text, key node, value node) for each entry; duplicate and non-text keys reported."""
    seen: dict[Any, Any] = {}
    items = []
    for key_node, value_node in node.value:
        if not isinstance(key_node, _SCALAR):
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
    if not isinstance(node, _MAPPING):
        src.error(node, path, f"expected a mapping of fields, got {describe(node)}", "write 'key: value' pairs")
        return None
    record = Record(node, path)
    values, nodes = record.values, record.nodes
    seen: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, _SCALAR):
            src.error(key_node, path, "a key must be plain text", "remove the brackets around the key")
            continue
        name = key_node.value
        if name in seen:
            first = seen[name].start_mark.line + 1 + src.line_offset
            src.error(key_node, path, f"key '{name}' appears twice (first on line {first})", "remove one of them")
            continue
        seen[name] = key_node
        spec = fields.get(name)
        if spec is None:
            suggestion = did_you_mean(name, fields)
            src.warning(key_node, path, f"unknown key '{name}'", suggestion or f"known keys: {', '.join(fields)}")
            continue
        nodes[name] = value_node
        if isinstance(value_node, _SCALAR) and value_node.tag == NULL:
            continue  # an empty value counts as absent
        # A value of a scalar type goes straight to read_scalar (most fields are one)
        reader = read_scalar if spec.type.convert is not None else read_value
        value = reader(src, value_node, spec, f"{path}.{name}" if path else name)
        if value is INVALID:
            record.invalid.add(name)
        else:
            values[name] = value
    for name, spec in fields.items():
        if spec.required and name not in values and name not in record.invalid:
            at = nodes.get(name, node)
            src.error(at, path, f"missing required field '{name}'",
                      f"add '{name}:' — {spec.doc[:1].lower()}{spec.doc[1:].rstrip('.')}")
    return record


def read_value(src: Source, node: Any, spec: Field, path: str) -> Any:
    """Read any declared field: scalars, nested records, lists of records; series stay as nodes."""
    kind = spec.type.name
    if kind == "record":
        record = read_record(src, node, spec.fields, path)
        return INVALID if record is None else record
    if kind == "records":
        if not isinstance(node, _SEQUENCE):
            src.reject(node, path, not_a(node, spec))
            return INVALID
        items = []
        for index, item in enumerate(node.value):
            record = read_record(src, item, spec.fields, f"{path}[{index}]")
            if record is not None:
                items.append(record)
        return items
    if kind == "series":
        return node
    if kind == "named":
        return read_named(src, node, spec, path)
    return read_scalar(src, node, spec, path)


def read_named(src: Source, node: Any, spec: Field, path: str) -> Any:
    """A mapping of names (ids) to values of one declared kind, e.g. ``sources: {local: {...}}``."""
    if not isinstance(node, _MAPPING):
        src.reject(node, path, not_a(node, spec))
        return INVALID
    record = Record(node, path)
    id_type = TYPES["id"]
    for key, key_node, value_node in mapping_items(src, node, path):
        sub_path = f"{path}.{key}"
        if not _NAME.match(str(key)):
            src.error(key_node, sub_path, f"'{key}' is not a valid name", id_type.hint_text)
            record.invalid.add(str(key))
            continue
        record.nodes[str(key)] = value_node
        value = read_value(src, value_node, spec.fields[""], sub_path)
        if value is INVALID:
            record.invalid.add(str(key))
        else:
            record.values[str(key)] = value
    return record
