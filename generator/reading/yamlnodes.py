"""Located YAML: text → nodes that keep their line and column, with libyaml doing the parsing.

Only the safe tags are resolved, and no Python object is ever built from a tag: values are read
from the nodes by ``fields`` against the declared field types.
"""

from __future__ import annotations

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


def parse_yaml(text: str, rel: str, line_offset: int = 0) -> tuple[yaml.Node | None, Diagnostic | None]:
    """Compose YAML into nodes that keep their line and column, or say where it breaks."""
    try:
        return yaml.compose(text, Loader=_Loader), None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + line_offset) if mark else 1 + line_offset
        column = (mark.column + 1) if mark else 1
        problem = exc.problem or exc.context or "cannot be parsed"
        return None, Diagnostic(
            rel, line, column, "error", "", f"malformed YAML: {problem}",
            "check the indentation, and quote values that contain ': ' or start with a symbol",
        )
    except yaml.YAMLError as exc:  # reader errors: control characters and the like
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "mark", None)
        line = (mark.line + 1 + line_offset) if mark else 1 + line_offset
        column = (mark.column + 1) if mark else 1
        return None, Diagnostic(rel, line, column, "error", "", f"malformed YAML: {exc}",
                                "remove the unprintable character")


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
