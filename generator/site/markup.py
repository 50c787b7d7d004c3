"""Markdown bodies → safe HTML with heading anchors, a table of contents, and relative links.

Links to other content files were found and checked while reading (``reading.links`` and
``reading.references``); here each one is pointed at its page in the built site.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..reading.links import make_markdown, relative_target

__all__ = ["Heading", "Rendered", "make_markdown", "relative_url", "render_markdown"]


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: tuple[Heading, ...]


def render_markdown(md: MarkdownIt, body: str, *, content_rel: str, page_url: str,
                    paths: dict[str, str]) -> Rendered:
    """Render one body. Relative links to content files become relative URLs of the built site."""
    tokens = md.parse(body)
    toc: list[Heading] = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.attrs.get("id"):
            inline = tokens[index + 1]
            text = "".join(child.content for child in inline.children or [] if child.type in ("text", "code_inline"))
            toc.append(Heading(int(token.tag[1]), text, str(token.attrs["id"])))
        elif token.type == "inline":
            for child in token.children or []:
                if child.type == "link_open":
                    _rewrite_link(child, "href", content_rel, page_url, paths)
                elif child.type == "image":
                    _rewrite_link(child, "src", content_rel, page_url, paths)
    return Rendered(md.renderer.render(tokens, md.options, {}), tuple(toc))


def _rewrite_link(token: Token, attr: str, content_rel: str, page_url: str, paths: dict[str, str]) -> None:
    """Point a relative link or image at its page or file in the built site; any other link, and a
    broken one (already a warning), is left as written."""
    href = str(token.attrs.get(attr, ""))
    target = relative_target(href, content_rel)
    site_path = paths.get(target) if target is not None else None
    if site_path is None:
        return
    fragment = urlsplit(href).fragment
    token.attrs[attr] = relative_url(page_url, site_path) + (f"#{fragment}" if fragment else "")


def relative_url(from_page: str, to_path: str) -> str:
    """A link from one page URL ('okrs/a/') to another site path ('kpis/b/'), both relative to the root."""
    depth = from_page.count("/")
    return "../" * depth + to_path if (depth or to_path) else "./"
