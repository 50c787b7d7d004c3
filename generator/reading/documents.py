"""A content file's bytes → a document: its text, YAML front matter as located nodes, Markdown body."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

import yaml

from ..diagnostics import Diagnostic
from .yamlnodes import parse_yaml

Kind = Literal["objective", "kpi", "page"]
KIND_FOLDERS: dict[str, Kind] = {"okrs": "objective", "kpis": "kpi"}
KIND_ROOTS: dict[Kind, str] = {"objective": "okrs", "kpi": "kpis", "page": ""}


@dataclass(frozen=True)
class Document:
    """One content file, split but not yet interpreted."""

    rel: str  # path shown in diagnostics, relative to the site folder
    content_rel: str  # path below content/, posix, e.g. "okrs/2026-Q4/sales/x.md"
    front: yaml.MappingNode | None  # None when the file has no front matter
    line_offset: int  # lines before the front matter's first line
    body: str
    body_line: int  # 1-based line where the body starts
    front_digest: str = ""  # of the front matter's text: what changes when only the body does not


    @property
    def top_folder(self) -> str:
        parts = PurePosixPath(self.content_rel).parts
        return parts[0] if len(parts) > 1 else ""


def decode_text(data: bytes, rel: str) -> tuple[str | None, Diagnostic | None]:
    """UTF-8 text (a BOM is allowed) with line endings normalised, or where it is not UTF-8."""
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
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, None


def read_text(path: Path, rel: str) -> tuple[str | None, Diagnostic | None]:
    """Read a UTF-8 file (a BOM is allowed), normalising line endings."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, Diagnostic(rel, 1, 1, "error", "", f"cannot read file: {exc.strerror}",
                                "check the file's permissions")
    return decode_text(data, rel)


def split_front_matter(text: str, rel: str) -> tuple[str | None, int, str, int, Diagnostic | None]:
    """Split ``---`` front matter from the body.

    Returns (front matter text or None, its line offset, body, body's first line, problem).
    """
    if not text.startswith("---"):
        return None, 0, text, 1, None
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return None, 0, text, 1, None
    for index in range(1, len(lines)):
        line = lines[index]
        if line.startswith(("---", "...")) and line.rstrip() in ("---", "..."):
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


def load_document(data: bytes, rel: str, content_rel: str) -> tuple[Document | None, Diagnostic | None]:
    """One Markdown file's bytes as a Document, or the problem that stops it being read."""
    text, problem = decode_text(data, rel)
    if text is None:
        return None, problem
    # Split here rather than through parse_front: the body comes from the same split.
    front_text, offset, body, body_line, problem = split_front_matter(text, rel)
    if problem:
        return None, problem
    front: yaml.MappingNode | None = None
    if front_text is not None:
        front, problem = _front_mapping(front_text, rel, offset)
        if problem:
            return None, problem
    front_digest = hashlib.blake2b((front_text or "").encode(), digest_size=16).hexdigest()
    return Document(rel, content_rel, front, offset, body, body_line, front_digest), None
