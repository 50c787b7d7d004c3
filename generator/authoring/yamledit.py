"""Minimal text edits of YAML front matter at the places its nodes mark.

A file is never re-serialised: the nodes (with their line and column) say where a list or
mapping ends, and one line in the style of its neighbours is inserted there, so comments,
quoting and layout survive and the git diff is a line or two. ``checkin`` and ``rollover`` edit
files through this module.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from ..diagnostics import OkrPagesError
from ..model.content import Number
from ..output import write_file
from ..reading.documents import parse_front
from ..reading.yamlnodes import NULL, is_null


class EditError(OkrPagesError):
    """A file that cannot be edited safely; the message says what to do instead."""


@dataclass
class TextFile:
    """A text file split into lines, keeping its BOM and line endings so unchanged bytes stay unchanged."""

    path: Path
    bom: str
    newline: str
    lines: list[str]

    @classmethod
    def read(cls, path: Path) -> TextFile:
        text = path.read_bytes().decode("utf-8")
        bom = "\ufeff" if text.startswith("\ufeff") else ""
        text = text[len(bom):]
        newline = "\r\n" if "\r\n" in text else ("\r" if "\r" in text else "\n")
        return cls(path, bom, newline, text.split(newline))

    def text(self, lines: list[str] | None = None) -> str:
        return self.bom + self.newline.join(self.lines if lines is None else lines)

    def normalised(self, lines: list[str]) -> str:
        """The text as the loader sees it: no BOM, LF line ends."""
        return "\n".join(lines)


    def write(self, lines: list[str]) -> None:
        """Replace the file with ``lines`` atomically, keeping its BOM, line endings and permissions."""
        write_file(self.path, self.text(lines).encode("utf-8"))


def yaml_number(value: Number) -> str:
    """A number as YAML 1.1 reads it back as a number: no exponent (PyYAML reads '1e-05' as text)."""
    if isinstance(value, int):
        return str(value)
    text = repr(value)
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
        if "." not in text:
            text += ".0"
    return text


def front_of(file: TextFile, rel: str) -> tuple[yaml.MappingNode, int]:
    node, offset, problem = parse_front(file.normalised(file.lines), rel)
    if problem is not None or node is None:
        raise EditError(f"{rel}: front matter cannot be read (run okr-pages check and fix it first)")
    return node, offset


def content_end(node: Any) -> tuple[int, int]:
    """(line, column) just after the node's last character; block collections end at their last child."""
    if isinstance(node, yaml.MappingNode) and not node.flow_style and node.value:
        return content_end(node.value[-1][1] if not is_empty_null(node.value[-1][1]) else node.value[-1][0])
    if isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
        return content_end(node.value[-1])
    mark = node.end_mark
    return mark.line, mark.column


def is_empty_null(node: Any) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == NULL and node.value == ""


def end_line(lines: list[str], node: Any, offset: int) -> int:
    """Index (in ``lines``) of the last line holding the node's text."""
    line, column = content_end(node)
    index = line + offset
    if column == 0 and index > 0:  # a block scalar ends at the start of the next line
        index -= 1
    while index > 0 and not lines[index].strip():
        index -= 1
    return index


def flow_item(item: dict[str, str]) -> str:
    return "{" + ", ".join(f"{key}: {value}" for key, value in item.items()) + "}"


def block_item(item: dict[str, str], dash_column: int, key_column: int) -> list[str]:
    entries = list(item.items())
    first = " " * dash_column + "-" + " " * (key_column - dash_column - 1) + f"{entries[0][0]}: {entries[0][1]}"
    return [first, *(" " * key_column + f"{key}: {value}" for key, value in entries[1:])]


def insert_inline(lines: list[str], line: int, column: int, text: str) -> tuple[list[str], int]:
    """Insert ``text`` into one line at a column (a flow collection gaining an entry)."""
    edited = list(lines)
    edited[line] = edited[line][:column] + text + edited[line][column:]
    return edited, line + 1


def append_entry(lines: list[str], mapping: yaml.MappingNode, offset: int, key: str, value: str,
                  parent_key: Any = None) -> tuple[list[str], int]:
    """A ``key: value`` entry after the mapping's last one, in its style."""
    if mapping.flow_style:
        if not mapping.value:
            return fill_empty_flow(lines, mapping, offset, f"{key}: {value}", parent_key)
        line, column = content_end(mapping.value[-1][1])
        return insert_inline(lines, line + offset, column, f", {key}: {value}")
    last_key = mapping.value[-1][0]
    index = end_line(lines, mapping, offset)
    edited = list(lines)
    edited.insert(index + 1, " " * last_key.start_mark.column + f"{key}: {value}")
    return edited, index + 2


def append_item(lines: list[str], sequence: yaml.SequenceNode, offset: int, item: dict[str, str],
                 parent_key: Any = None) -> tuple[list[str], int]:
    """A list item after the sequence's last one, in the last item's style (flow ``{…}`` or block)."""
    if sequence.flow_style:
        if not sequence.value:
            return fill_empty_flow(lines, sequence, offset, flow_item(item), parent_key, item_dash=True)
        line, column = content_end(sequence.value[-1])
        return insert_inline(lines, line + offset, column, ", " + flow_item(item))
    last = sequence.value[-1]
    dash = dash_column_of(lines, last, offset)
    index = end_line(lines, sequence, offset)
    if isinstance(last, yaml.MappingNode) and not last.flow_style:
        new = block_item(item, dash, last.start_mark.column)
    else:
        new = [" " * dash + "- " + flow_item(item)]
    edited = list(lines)
    edited[index + 1:index + 1] = new
    return edited, index + 2


def dash_column_of(lines: list[str], item: Any, offset: int) -> int:
    line = lines[item.start_mark.line + offset]
    dash = line.rfind("-", 0, item.start_mark.column)
    return dash if dash >= 0 else max(item.start_mark.column - 2, 0)


def fill_empty_flow(lines: list[str], node: Any, offset: int, entry: str, parent_key: Any,
                     item_dash: bool = False) -> tuple[list[str], int]:
    """An empty ``{}`` or ``[]`` under a block key becomes a block with one entry; elsewhere it is filled."""
    start, end = node.start_mark, node.end_mark
    line = start.line + offset
    text = lines[line]
    if parent_key is None or start.line != end.line or parent_key.start_mark.line != start.line:
        return insert_inline(lines, line, start.column + 1, entry)
    before, after = text[:start.column].rstrip(), text[end.column:]
    edited = list(lines)
    edited[line] = before + (after if after.strip() else "")
    indent = " " * (parent_key.start_mark.column + 2)
    edited.insert(line + 1, indent + ("- " if item_dash else "") + entry)
    return edited, line + 2


def key_node_of(mapping: Any, key: str) -> Any:
    """The key node of ``key`` in a block mapping (None in a flow mapping, where edits stay inline)."""
    if isinstance(mapping, yaml.MappingNode) and not mapping.flow_style:
        for key_node, _ in mapping.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return key_node
    return None


def add_key(lines: list[str], mapping: yaml.MappingNode, existing: Any, offset: int, key: str,
             item: dict[str, str]) -> tuple[list[str], int]:
    """A new ``key:`` holding a one-item list; or the item under an existing empty ``key:``."""
    if mapping.flow_style:
        if existing is not None:
            raise EditError(f"an empty '{key}:' inside a {{…}} key result cannot be edited safely "
                               "(write the check-in by hand)")
        line, column = content_end(mapping.value[-1][1])
        return insert_inline(lines, line + offset, column, f", {key}: [{flow_item(item)}]")
    edited = list(lines)
    if existing is not None:
        key_node = key_node_of(mapping, key)
        index = key_node.start_mark.line + offset
        if existing.value:  # a written null ('~', 'null'): the list takes its place
            line, start, end = existing.start_mark.line + offset, existing.start_mark.column, existing.end_mark.column
            edited[line] = edited[line][:start].rstrip() + edited[line][end:]
        edited.insert(index + 1, " " * (key_node.start_mark.column + 2) + "- " + flow_item(item))
        return edited, index + 2
    column = mapping.value[-1][0].start_mark.column
    index = end_line(lines, mapping, offset)
    edited[index + 1:index + 1] = [" " * column + f"{key}:", " " * (column + 2) + "- " + flow_item(item)]
    return edited, index + 2


def quote(text: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are YAML's), with unprintable characters escaped."""
    quoted = json.dumps(text, ensure_ascii=False)
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in quoted)


def set_entry(lines: list[str], mapping: yaml.MappingNode, offset: int, key: str, value: str) -> tuple[list[str], int]:
    """``key: value`` in a block mapping: written into an empty ``key:`` where there is one, else added
    after the last entry. Returns the lines and the (1-based) line that holds it."""
    node = None
    for key_node, value_node in mapping.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            node = (key_node, value_node)
    if node is None:
        return append_entry(lines, mapping, offset, key, value)
    key_node, value_node = node
    if not is_null(value_node) or key_node.start_mark.line != value_node.start_mark.line:
        raise EditError(f"'{key}:' already holds a value (edit it by hand)")
    index = key_node.start_mark.line + offset
    edited = list(lines)
    text = edited[index]
    if value_node.value:  # '~' or 'null' written out: the value takes its place
        start, end = value_node.start_mark.column, value_node.end_mark.column
        edited[index] = text[:start] + value + text[end:]
    else:
        colon = text.index(":", key_node.end_mark.column)
        edited[index] = text[:colon + 1] + " " + value + text[colon + 1:].rstrip(" ")
    return edited, index + 1


def replace_scalar(lines: list[str], node: Any, offset: int, value: str) -> tuple[list[str], int]:
    """The text of one scalar (a value written on one line, plain or quoted, in a block or a flow
    collection) replaced by ``value``; what stands around it on the line (a comment) is kept.
    Returns the lines and the (1-based) line edited."""
    if not isinstance(node, yaml.ScalarNode) or node.style in ("|", ">") \
            or node.start_mark.line != node.end_mark.line:
        raise EditError("the value is not written on one line (edit it by hand)")
    if is_empty_null(node):
        raise EditError("the value is empty (fill it with set_entry)")
    index = node.start_mark.line + offset
    text = lines[index]
    start, end = node.start_mark.column, node.end_mark.column
    edited = list(lines)
    edited[index] = text[:start] + value + text[end:]
    return edited, index + 1
