"""Markdown bodies → safe HTML with heading anchors, a table of contents, and resolved .md links."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from .diagnostics import Diagnostic
from .load import slugify
from .model import ContentItem, Site


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: tuple[Heading, ...]


def make_markdown(allow_html: bool) -> MarkdownIt:
    """CommonMark plus tables, strikethrough, task lists and heading anchors; raw HTML off by default."""
    md = MarkdownIt("commonmark", {"html": allow_html, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(tasklists_plugin)
    md.use(anchors_plugin, min_level=2, max_level=4, slug_func=lambda text: slugify(text) or "section",
           permalink=False)
    return md


# Maps a content path ("okrs/2026-Q4/x.md") to a site path ("okrs/2026-Q4/x/"), or None if unknown.
Resolver = Callable[[str], "str | None"]


def render_markdown(md: MarkdownIt, body: str, *, source: str, content_rel: str, body_line: int,
                    page_url: str, resolve: Resolver, problems: list[Diagnostic]) -> Rendered:
    """Render one body. Links to other .md files become relative page URLs; broken ones are warnings."""
    tokens = md.parse(body)
    toc: list[Heading] = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.attrs.get("id"):
            inline = tokens[index + 1]
            text = "".join(child.content for child in inline.children or [] if child.type in ("text", "code_inline"))
            toc.append(Heading(int(token.tag[1]), text, str(token.attrs["id"])))
        if token.type == "inline":
            line = body_line + (token.map[0] if token.map else 0)
            for child in token.children or []:
                if child.type == "link_open":
                    _rewrite_link(child, "href", content_rel, page_url, resolve, source, line, problems)
                elif child.type == "image":
                    _rewrite_link(child, "src", content_rel, page_url, resolve, source, line, problems)
    return Rendered(md.renderer.render(tokens, md.options, {}), tuple(toc))


def _rewrite_link(token: Token, attr: str, content_rel: str, page_url: str, resolve: Resolver, source: str,
                  line: int, problems: list[Diagnostic]) -> None:
    """Point a relative link or image at its page or file in the built site.

    Links to .md files and images must exist (else a warning); other relative links to files
    below content/ are rewritten, and any other link is left as written."""
    href = str(token.attrs.get(attr, ""))
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
        return
    target = posixpath.normpath(posixpath.join(posixpath.dirname(content_rel), unquote(parts.path)))
    site_path = resolve(target)
    if site_path is None:
        if attr == "src" or parts.path.endswith(".md"):
            what = "image" if attr == "src" else "link to"
            problems.append(Diagnostic(source, line, 1, "warning", "", f"broken {what} '{parts.path}'",
                                       f"{'link to' if attr == 'href' else 'point at'} an existing file below "
                                       "content/, relative to this one"))
        return
    relative = relative_url(page_url, site_path)
    token.attrs[attr] = relative + (f"#{parts.fragment}" if parts.fragment else "")


def relative_url(from_page: str, to_path: str) -> str:
    """A link from one page URL ('okrs/a/') to another site path ('kpis/b/'), both relative to the root."""
    depth = from_page.count("/")
    return "../" * depth + to_path if (depth or to_path) else "./"


def content_rel(source: str, content_dir: str) -> str:
    """A file's path below the content folder, from its path below the site folder."""
    prefix = content_dir.strip("/") + "/"
    return source.removeprefix(prefix)


def content_paths(site: Site) -> dict[str, str]:
    """Content file path (below content/) → site path, for resolving links and images: a .md file
    becomes its page, any other file is published at its own path."""
    items: list[ContentItem] = [*site.objectives.values(), *site.kpis.values(), *site.pages]
    paths = {rel: rel for rel in site.files}
    paths.update({content_rel(item.source, site.config.content_dir): item.url for item in items})
    return paths


def check_links(site: Site) -> list[Diagnostic]:
    """Broken links between content files, as warnings, without rendering any page."""
    md, paths = make_markdown(site.config.markdown_html), content_paths(site)
    problems: list[Diagnostic] = []
    items: list[ContentItem] = [*site.objectives.values(), *site.kpis.values(), *site.pages]
    for item in items:
        render_markdown(md, item.body, source=item.source, content_rel=content_rel(item.source, site.config.content_dir),
                        body_line=item.body_line, page_url=item.url, resolve=paths.get, problems=problems)
    return problems
