"""The Markdown dialect of bodies, and the relative links and images a body holds.

Links are found while a file is read, so ``check`` reports broken ones without rendering a page,
and a build knows which pages a renamed file affects.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from ..model.content import Link

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """A URL-safe id from a title: 'Reduce churn to 5%' → 'reduce-churn-to-5'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _SLUG.sub("-", ascii_text.lower()).strip("-")


def make_markdown(allow_html: bool) -> MarkdownIt:
    """CommonMark plus tables, strikethrough, task lists and heading anchors; raw HTML off by default."""
    from markdown_it import (
        MarkdownIt,  # imported on first use: a check of bodies with no links never needs it
    )
    from mdit_py_plugins.anchors import anchors_plugin
    from mdit_py_plugins.tasklists import tasklists_plugin

    md = MarkdownIt("commonmark", {"html": allow_html, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(tasklists_plugin)
    md.use(anchors_plugin, min_level=2, max_level=4, slug_func=lambda text: slugify(text) or "section",
           permalink=False)
    return md


_PARSER: list[MarkdownIt] = []


def relative_target(href: str, content_rel: str) -> str | None:
    """The content path a relative link points at ('../kpis/x.md' from 'okrs/a.md' → 'kpis/x.md');
    None for an absolute URL, a bare fragment or a path from the root."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
        return None
    return posixpath.normpath(posixpath.join(posixpath.dirname(content_rel), unquote(parts.path)))


def find_links(body: str, content_rel: str, body_line: int) -> tuple[Link, ...]:
    """Every relative link and image of a Markdown body, with its line."""
    if "](" not in body and "]:" not in body:
        return ()  # no inline link, image or reference definition: nothing to parse
    if not _PARSER:
        _PARSER.append(make_markdown(False))
    found = []
    for token in _PARSER[0].parse(body):
        if token.type != "inline":
            continue
        line = body_line + (token.map[0] if token.map else 0)
        for child in token.children or []:
            if child.type not in ("link_open", "image"):
                continue
            written = str(child.attrs.get("href" if child.type == "link_open" else "src", ""))
            target = relative_target(written, content_rel)
            if target is not None:
                found.append(Link(target, urlsplit(written).path, line, child.type == "image"))
    return tuple(found)
