"""Content files → documents: text, YAML front matter as located nodes, Markdown body."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal

import yaml

from .diagnostics import Diagnostic

Kind = Literal["objective", "kpi", "page"]
KIND_FOLDERS: dict[str, Kind] = {"okrs": "objective", "kpis": "kpi"}
KIND_ROOTS: dict[Kind, str] = {"objective": "okrs", "kpi": "kpis", "page": ""}

# Resolve YAML with libyaml: 8x faster than the pure-Python loader.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RESOLVER = yaml.resolver.Resolver()


@functools.lru_cache(maxsize=65536)
def _plain_scalar_tag(value: str) -> str:
    """The implicit tag of a plain scalar; keys and small values repeat, and the resolver is Python."""
    return _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The safe loader, with the tag resolution of plain scalars (a Python regex loop) memoised."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is yaml.ScalarNode and implicit[0]:
            return _plain_scalar_tag(value)
        return super().resolve(kind, value, implicit)


@dataclass(frozen=True)
class Document:
    """One content file, split but not yet interpreted."""

    path: Path  # absolute path on disk
    rel: str  # path shown in diagnostics, relative to the site folder
    content_rel: str  # path below content/, posix, e.g. "okrs/2026-Q4/sales/x.md"
    front: yaml.MappingNode | None  # None when the file has no front matter
    line_offset: int  # lines before the front matter's first line
    body: str
    body_line: int  # 1-based line where the body starts

    @property
    def top_folder(self) -> str:
        parts = PurePosixPath(self.content_rel).parts
        return parts[0] if len(parts) > 1 else ""


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


def read_text(path: Path, rel: str) -> tuple[str | None, Diagnostic | None]:
    """Read a UTF-8 file (a BOM is allowed), normalising line endings."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, Diagnostic(rel, 1, 1, "error", "", f"cannot read file: {exc.strerror}",
                                "check the file's permissions")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        return None, Diagnostic(rel, line, column, "error", "",
                                f"file is not UTF-8 text (byte 0x{data[exc.start]:02x})",
                                "save the file as UTF-8")
    return text.replace("\r\n", "\n").replace("\r", "\n"), None


def split_front_matter(text: str, rel: str) -> tuple[str | None, int, str, int, Diagnostic | None]:
    """Split ``---`` front matter from the body.

    Returns (front matter text or None, its line offset, body, body's first line, problem).
    """
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None, 0, text, 1, None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            front = "\n".join(lines[1:index]) + "\n"
            body = "\n".join(lines[index + 1:])
            return front, 1, body, index + 2, None
    return None, 0, text, 1, Diagnostic(
        rel, 1, 1, "error", "", "front matter is not closed",
        "end the front matter with a line holding only '---'",
    )


def parse_front(text: str, rel: str) -> tuple[yaml.MappingNode | None, int, Diagnostic | None]:
    """The front matter of a file's text as a mapping node, its line offset, and any problem.

    The node is None when the file has no front matter or it cannot be read; empty front matter
    is an empty mapping.
    """
    front_text, offset, _, _, problem = split_front_matter(text, rel)
    if problem or front_text is None:
        return None, offset, problem
    node, problem = _front_mapping(front_text, rel, offset)
    return node, offset, problem


def _front_mapping(front_text: str, rel: str, offset: int) -> tuple[yaml.MappingNode | None, Diagnostic | None]:
    """Parse split-off front matter and check that it is a mapping."""
    node, problem = parse_yaml(front_text, rel, offset)
    if problem:
        return None, problem
    if node is None:
        start = yaml.Mark(rel, 0, 0, 0, "", 0)  # empty front matter: a mapping with no fields
        return yaml.MappingNode("tag:yaml.org,2002:map", [], start, start), None
    if not isinstance(node, yaml.MappingNode):
        mark = node.start_mark
        return None, Diagnostic(rel, mark.line + 1 + offset, mark.column + 1, "error", "",
                                "front matter must be a mapping of 'key: value' lines",
                                "write fields such as 'title: ...', one per line")
    return node, None


def load_document(path: Path, site_dir: Path, content_dir: Path) -> tuple[Document | None, list[Diagnostic]]:
    """Read one Markdown file into a Document, with every problem found on the way."""
    rel = os.path.relpath(path, site_dir).replace(os.sep, "/")
    content_rel = path.relative_to(content_dir).as_posix()
    text, problem = read_text(path, rel)
    if text is None:
        return None, [problem] if problem else []
    # Split here rather than through parse_front: the body comes from the same split.
    front_text, offset, body, body_line, problem = split_front_matter(text, rel)
    if problem:
        return None, [problem]
    front: yaml.MappingNode | None = None
    if front_text is not None:
        front, problem = _front_mapping(front_text, rel, offset)
        if problem:
            return None, [problem]
    return Document(path, rel, content_rel, front, offset, body, body_line), []


def discover(content_dir: Path) -> tuple[list[Path], list[Path]]:
    """Every Markdown file below content/, and every other file (images, CSVs, downloads),
    in a stable order; hidden files and folders skipped."""
    markdown: list[Path] = []
    others: list[Path] = []
    for root, dirs, files in os.walk(content_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
        for name in sorted(files):
            if not name.startswith("."):
                (markdown if name.endswith(".md") else others).append(Path(root) / name)
    return markdown, others
