"""Markdown bodies on a page: the compiled body's link slots filled with URLs relative to the page.

Bodies are compiled once, when their file is read (``reading.markdown``); links to other content
files were checked then too (``reading.references``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from urllib.parse import quote

from ..model.content import Body, Heading

_SLOT = re.compile("\x00(\\d+)\x00")


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: tuple[Heading, ...]

    @property
    def opens_with_heading(self) -> bool:
        """Whether the body starts with its own first heading (a page then shows no title above it)."""
        return self.html.lstrip().startswith("<h1")


def render_body(body: Body, page_url: str, paths: dict[str, str]) -> Rendered:
    """The body's HTML on the page at ``page_url``: each link to a content file becomes a URL relative
    to the page; a broken one (already a warning) is left as written."""
    if not body.links:
        return Rendered(body.html, body.toc)

    def fill(match: re.Match[str]) -> str:
        link = body.links[int(match[1])]
        site_path = paths.get(link.target)
        if site_path is None:
            return attribute(link.href)
        if site_path.startswith(("#", "data:")):  # a place in this document, or an inlined image (the report)
            return attribute(site_path)
        return attribute(relative_url(page_url, site_path) + (f"#{link.fragment}" if link.fragment else ""))

    return Rendered(_SLOT.sub(fill, body.html), body.toc)


def attribute(text: str) -> str:
    """Text as it goes into a double-quoted HTML attribute."""
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


@functools.lru_cache(maxsize=16384)  # every link of every page goes through here: ~90,000 per large build
def url_path(site_path: str) -> str:
    """A site path as it goes into a URL: every character but letters, digits, '/', '-', '_', '.'
    and '~' percent-encoded, so a file named 'a#b.md', '100%.md' or 'javascript:x.md' is linked
    to as itself (and never read as a fragment, a query or a scheme). Remembered: a site has a few
    thousand paths."""
    return quote(site_path, safe="/")


def relative_url(from_page: str, to_path: str) -> str:
    """A link from one page URL ('okrs/a/') to another site path ('kpis/b/'), both relative to the
    root; the one place where the site's own links are made, always relative and encoded."""
    depth = from_page.count("/")
    return "../" * depth + url_path(to_path) if (depth or to_path) else "./"


# A link one file cannot follow (to another page of the site): its text stays, the link goes.
_SITE_LINK = re.compile(r'<a href="(?!#|https?:|mailto:)[^"]*"[^>]*>(.*?)</a>', re.DOTALL)


def without_site_links(rendered: Rendered) -> Rendered:
    """A body for a file read on its own (``okr-pages report``): links to pages of the site become
    their text; links to places in the file and to the web stay."""
    return Rendered(_SITE_LINK.sub(r"\1", rendered.html), rendered.toc)
