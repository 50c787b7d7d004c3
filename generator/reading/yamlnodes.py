"""Located YAML: text → nodes that keep their line and column, with libyaml doing the parsing.

Only the safe tags are resolved, and no Python object is ever built from a tag: values are read
from the nodes by ``fields`` against the declared field types.
"""

from __future__ import annotations

import bisect
import functools
from typing import Any

import yaml

from ..diagnostics import Diagnostic

# libyaml's parser: 8x faster than the pure-Python one.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RESOLVER = yaml.resolver.Resolver()
STR, INT, FLOAT, NULL = ("tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
                         "tag:yaml.org,2002:null")


@functools.lru_cache(maxsize=65536)
def _plain_scalar_tag(value: str) -> str:
    """The implicit tag of a plain scalar; keys and small values repeat, and the resolver is Python."""
    return _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The safe loader, with the Python work it does per node cut down.

    The parser calls back into Python for every node: tag resolution of plain scalars (a regex
    loop) is memoised, and the path-resolver hooks, which no tag of ours uses, do nothing."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is yaml.ScalarNode and implicit[0]:
            return _plain_scalar_tag(value)
        return super().resolve(kind, value, implicit)

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


MAX_DEPTH = 100  # lists and mappings nested deeper than this are refused before composing
_STRUCTURE = "[{-?:"  # every level of nesting needs one of these characters
_YAML_BREAKS = ("\x85", "\u2028", "\u2029")  # line breaks to YAML 1.1, not to editors or git
_MALFORMED_HINT = "check the indentation, and quote values that contain ': ' or start with a symbol"


def parse_yaml(text: str, rel: str, line_offset: int = 0) -> tuple[yaml.Node | None, Diagnostic | None]:
    """Compose YAML into nodes that keep their line and column, or say where it breaks.

    Lines and columns count '\n' line breaks only, as editors and git do (YAML also breaks lines
    at U+0085, U+2028 and U+2029, which would shift every later line)."""
    lines = _Lines(text) if any(brk in text for brk in _YAML_BREAKS) else None
    try:
        deep = _too_deep(text)
        if deep is not None:
            line, column = _place(deep, lines)
            return None, Diagnostic(rel, line + 1 + line_offset, column + 1, "error", "",
                                    f"malformed YAML: lists and mappings nested more than {MAX_DEPTH} deep",
                                    "flatten the nesting")
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = _place(mark, lines) if mark else (0, 0)
        problem = " ".join((exc.problem or exc.context or "cannot be parsed").split())
        return None, Diagnostic(rel, line + 1 + line_offset, column + 1, "error", "", f"malformed YAML: {problem}",
                                _MALFORMED_HINT)
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (a control character)
        index = _character_index(text, exc.position)
        line, column = (lines or _Lines(text)).place(index)
        return None, Diagnostic(rel, line + 1 + line_offset, column + 1, "error", "",
                                f"malformed YAML: unprintable character U+{exc.character:04X}",
                                "remove it, or write it as an escape such as \\x01 inside double quotes")
    except yaml.YAMLError as exc:
        return None, Diagnostic(rel, 1 + line_offset, 1, "error", "",
                                f"malformed YAML: {' '.join(str(exc).split())}", _MALFORMED_HINT)
    if lines is not None and node is not None:
        _relocate(node, lines)
    return node, None


def _too_deep(text: str) -> Any:
    """Where the nesting first goes deeper than MAX_DEPTH, or None.

    libyaml composes nodes recursively: tens of thousands of nested brackets overflow the C stack
    and end the process. Its parser is not recursive, so the events are counted first, but only
    when the depth could exceed MAX_DEPTH: every level needs a structural character, and every
    second block level a column to the right (a list may stand at its mapping key's column), so
    ordinary front matter is never parsed twice."""
    if sum(text.count(char) for char in _STRUCTURE) <= MAX_DEPTH:
        return None
    if text.count("[") + text.count("{") + 2 * (max(map(len, text.split("\n"))) + 1) <= MAX_DEPTH:
        return None
    try:
        return _deeper_than_max(text, _Loader)
    except yaml.YAMLError:
        # libyaml's scanner reads ahead and, since PyYAML 6.0.4, refuses flow nesting deeper than its
        # own limit before it yields the events we count: count them again with the pure-Python
        # parser (iterative, with no limit), so the message and its place are ours in every version.
        # Only broken or absurdly nested text gets here.
        try:
            return _deeper_than_max(text, yaml.SafeLoader)
        except yaml.YAMLError:
            return None  # composing reports it, having gone no deeper than here


def _deeper_than_max(text: str, loader: Any) -> Any:
    """The start mark of the first list or mapping nested deeper than MAX_DEPTH, or None."""
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                return event.start_mark
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
    return None


class _Lines:
    """Line and column of a character index, counting '\n' line breaks only."""

    def __init__(self, text: str) -> None:
        self.starts = [0]
        index = text.find("\n")
        while index >= 0:
            self.starts.append(index + 1)
            index = text.find("\n", index + 1)

    def place(self, index: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, index) - 1
        return line, index - self.starts[line]


def _place(mark: Any, lines: _Lines | None) -> tuple[int, int]:
    """0-based (line, column) of a mark."""
    return lines.place(mark.index) if lines is not None else (mark.line, mark.column)


def _character_index(text: str, position: int) -> int:
    """libyaml reports a reader error at a byte offset of the UTF-8 text: the character index."""
    if text.isascii() or _BaseLoader is yaml.SafeLoader:  # the pure-Python reader counts characters
        return position
    return len(text.encode("utf-8")[:position].decode("utf-8", "ignore"))


def _relocate(root: yaml.Node, lines: _Lines) -> None:
    """Give every node marks counted by '\n' line breaks (see ``parse_yaml``)."""
    stack: list[Any] = [root]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:  # an alias shares its anchor's node
            continue
        seen.add(id(node))
        for name in ("start_mark", "end_mark"):
            mark = getattr(node, name)
            line, column = lines.place(mark.index)
            setattr(node, name, yaml.Mark(mark.name, mark.index, line, column, None, None))  # type: ignore[arg-type]
        if isinstance(node, yaml.MappingNode):
            stack.extend(part for pair in node.value for part in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def value_of(mapping: Any, key: str) -> Any:
    """The value node of ``key`` in a mapping node, or None."""
    if isinstance(mapping, yaml.MappingNode):
        for key_node, value_node in mapping.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return value_node
    return None


def is_null(node: Any) -> bool:
    """Whether a node is YAML's null: empty, '~', or null in any of its spellings."""
    return isinstance(node, yaml.ScalarNode) and node.tag == NULL
