"""Markdown bodies, compiled once when their file is read.

A body becomes HTML whose relative links and images are slots, its headings, and its links:
``check`` reports broken links without rendering a page, a build knows which pages a renamed
file affects, and an unchanged file is never parsed again (its compiled body is in the build
record). Each page fills the slots with URLs relative to itself.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from ..model.content import Body, Heading, Link

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
    # Every link is let through here and judged by ``compile_body``, which drops the unsafe ones
    # with a warning (markdown-it would silently turn some into text and keep others).
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    md.enable(["table", "strikethrough"])
    md.use(tasklists_plugin)
    md.use(anchors_plugin, min_level=2, max_level=4, slug_func=lambda text: slugify(text) or "section",
           permalink=False)
    return md


_PARSER: list[MarkdownIt] = []  # without raw HTML, with it


def relative_target(href: str, content_rel: str) -> str | None:
    """The content path a relative link points at ('../kpis/x.md' from 'okrs/a.md' → 'kpis/x.md');
    None for an absolute URL, a bare fragment or a path from the root."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
        return None
    return posixpath.normpath(posixpath.join(posixpath.dirname(content_rel), unquote(parts.path)))


SLOT = "\x00"  # Markdown turns a NUL in the text into U+FFFD: only a slot can hold one
SAFE_SCHEMES = ("http", "https", "mailto")  # besides relative links, the only URLs a page may hold


def unsafe_scheme(href: str) -> str | None:
    """The scheme of a URL that may not be written into a page (javascript:, data:, vbscript:,
    file: and any other than http, https and mailto), or None for a safe one or a relative one."""
    scheme = urlsplit(href.strip()).scheme.lower() if ":" in href else ""
    return scheme if scheme and scheme not in SAFE_SCHEMES else None


def compile_body(body: str, content_rel: str, body_line: int, allow_html: bool,
                 dropped: list[tuple[int, str]] | None = None) -> Body:
    """HTML with slots for relative links and images, the headings (for a table of contents), and
    every relative link with its line. Links and images with an unsafe scheme are dropped (their
    text stays); each is added to ``dropped`` as (line, URL)."""
    if not body.strip():
        return Body()
    md = _parser(allow_html)
    tokens = md.parse(body)
    toc: list[Heading] = []
    links: list[Link] = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.attrs.get("id"):
            inline = tokens[index + 1]
            text = "".join(child.content for child in inline.children or [] if child.type in ("text", "code_inline"))
            toc.append(Heading(int(token.tag[1]), text, str(token.attrs["id"])))
        elif token.type == "inline":
            line = body_line + (token.map[0] if token.map else 0)
            closing = False  # the link_close of a dropped link_open comes next
            for child in token.children or []:
                if child.type in ("softbreak", "hardbreak"):
                    line += 1
                    continue
                if child.type == "link_close" and closing:
                    child.type, child.tag, closing = "text", "", False
                    continue
                if child.type not in ("link_open", "image"):
                    continue
                attr = "href" if child.type == "link_open" else "src"
                href = str(child.attrs.get(attr, ""))
                if unsafe_scheme(href):
                    if dropped is not None:
                        dropped.append((line, href))
                    closing = child.type == "link_open"  # links do not nest: its close is the next one
                    child.type, child.tag, child.attrs, child.children = "text", "", {}, None
                    continue
                target = relative_target(href, content_rel)
                if target is None:
                    continue
                parts = urlsplit(href)
                links.append(Link(target, parts.path, line, child.type == "image", href, parts.fragment))
                child.attrs[attr] = f"{SLOT}{len(links) - 1}{SLOT}"
    return Body(_accessible(md.renderer.render(tokens, md.options, {})), tuple(toc), tuple(links))


_EMPTY_HEADER = re.compile(r"<th( style=\"[^\"]*\")?></th>")
_TABLE = re.compile(r"<table>(.*?)</table>\n?", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


def _accessible(html: str) -> str:
    """Code blocks can be scrolled with the keyboard (they scroll sideways when lines are long); an
    empty header cell (a table's top-left corner) is a plain cell, since a header must name
    something; a table sits in a box that scrolls sideways on a narrow screen (the page never
    does), named by its column headers."""
    if "<pre" in html:
        html = html.replace("<pre>", '<pre tabindex="0">')
    if "<table" in html:
        html = _EMPTY_HEADER.sub(r"<td\1></td>", html)
        names: dict[str, int] = {}

        def box(match: re.Match[str]) -> str:
            head = match[1].split("</thead>", 1)[0] if "</thead>" in match[1] else ""
            headers = [_TAG.sub("", cell).strip() for cell in re.findall(r"<th[^>]*>(.*?)</th>", head, re.DOTALL)]
            # Named by its headers, in the text's own words: a body is compiled once, whatever the UI language.
            name = ", ".join(h for h in headers if h)
            if not name:
                return f'<div class="table-scroll" tabindex="0"><table>{match[1]}</table></div>\n'
            names[name] = names.get(name, 0) + 1
            if names[name] > 1:
                name += f" ({names[name]})"
            label = name.replace('"', "&quot;")
            return (f'<div class="table-scroll" role="region" aria-label="{label}" tabindex="0">'
                    f"<table>{match[1]}</table></div>\n")

        html = _TABLE.sub(box, html)
    return html


def _parser(allow_html: bool) -> MarkdownIt:
    while len(_PARSER) < 2:
        _PARSER.append(None)  # type: ignore[arg-type]
    if _PARSER[allow_html] is None:
        _PARSER[allow_html] = make_markdown(allow_html)
    return _PARSER[allow_html]
