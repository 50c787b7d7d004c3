"""The Jinja2 environment of a theme, its filters, and a fingerprint of every template.

A template's fingerprint covers its own text and every template it extends, imports or
includes, so an incremental build re-renders exactly the pages whose templates changed.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import hashlib
import os
import re
from collections.abc import Callable, Iterator
from typing import Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    select_autoescape,
)
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from markupsafe import Markup, escape

from ..diagnostics import Diagnostic, OkrPagesError
from ..model.content import Point
from ..scoring.scores import ScoredKR
from . import formatting
from .formatting import Language, label, words
from .themes import Theme


def _gettext(message: str, /, **variables: Any) -> Markup:
    """A UI string in the reader's language, its values escaped and put in: ``_("Hi %(name)s", name=x)``."""
    return Markup(formatting.gettext(message) % {key: escape(value) for key, value in variables.items()})


def _ngettext(singular: str, plural: str, count: int, /, **variables: Any) -> Markup:
    """The singular or plural of a UI string; ``%(num)s`` is the count (as the locale writes it)
    unless given."""
    variables.setdefault("num", formatting.count(count))
    return Markup(formatting.ngettext(singular, plural, count) % {key: escape(value) for key, value in variables.items()})


def time_tag(day: dt.date | None, table: bool = False) -> Markup:
    """A date as a <time> element, written as prose ('7 Oct 2026') or, in a table, '2026-10-07'."""
    if day is None:
        return Markup(formatting.NONE)
    stamp = day.isoformat()
    return Markup(f'<time datetime="{stamp}">{stamp if table else formatting.long_date(day)}</time>')


def point_time_tag(point: Point, period: str = "start", table: bool = False) -> Markup:
    """A KPI point's date as a <time> element: a month-dated point as its month ('Nov 2026')."""
    stamp = formatting.shown_date(point, period).isoformat()
    return Markup(f'<time datetime="{stamp[:7] if point.month else stamp}">'
                  f"{formatting.point_date(point, period, table)}</time>")


def progress_date(day: dt.date, score: ScoredKR) -> str:
    """A date of a key result's progress, in a table: a point of its KPI written as a month reads as
    that month (as the KPI's page writes it), any other as a table date."""
    return formatting.progress_month(day, score) or formatting.table_date(day)


class _ThemeLoader(FileSystemLoader):
    """Templates from one theme folder, never from a link that leads out of it."""

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        real = os.path.realpath(filename)
        root = os.path.realpath(self.searchpath[0])
        if not real.startswith(root + os.sep):
            raise TemplateNotFound(template)
        return source, filename, uptodate


def make_environment(theme: Theme, language: Language = formatting.ENGLISH) -> Environment:
    """Autoescaped, strict about undefined names, with the formatting filters. Compiled templates
    are kept in the user's cache folder (keyed by each template's source and the language), so a
    build compiles only templates that changed.

    UI strings in templates are written ``{{ _("…") }}``, ``{% trans %}`` or ``ngettext``: Jinja2's
    i18n extension, in ``language``, which must be the language the build speaks
    (``formatting.speaking``) wherever templates are compiled and rendered."""
    env = Environment(
        loader=ChoiceLoader([_ThemeLoader(str(path)) for path in theme.template_dirs]),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, auto_reload=False,
        keep_trailing_newline=True, bytecode_cache=_bytecode_cache(language),
        extensions=["jinja2.ext.i18n", ConstantMessages],
    )
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    # The extension's own _() goes through two context calls per string (a few µs each, tens of
    # thousands of times per build); these do the same (translate, escape the values, format) directly.
    env.globals.update(_=_gettext, gettext=_gettext, ngettext=_ngettext)
    env.globals["fragment"] = functools.partial(_fragment, env)
    env.filters.update(time=time_tag, pointtime=point_time_tag, progressdate=progress_date, num=formatting.number, numpart=formatting.number_in_range, pct=formatting.percent,
                       score=formatting.score, label=label, words=words, longdate=formatting.long_date, ago=formatting.days_ago, tabledate=formatting.table_date,
                       month=formatting.month, pointdate=formatting.point_date, withunit=formatting.with_unit)
    return env


class Fragments:
    """Fragments rendered in one build, for one page depth at a time (links are relative to the page):
    ``fragment("objective_row.html", o, link)`` renders a template for one record once per build and
    page depth, and gives the same markup to every page that shows it (Hugo's ``partialCached``). A
    fragment is keyed by its template, the record's list-row fingerprint and the page's depth, so it
    is what rendering it again would give."""

    def __init__(self, digest: Callable[[Any], str]) -> None:
        self.digest = digest
        self.made: dict[tuple[str, str, int], Markup] = {}
        self.depth = 0  # of the page being rendered


FRAGMENTS: contextvars.ContextVar[Fragments | None] = contextvars.ContextVar("fragments", default=None)


@contextlib.contextmanager
def fragments_of(digest: Callable[[Any], str]) -> Iterator[Fragments]:
    """Fragments are reused while the block runs (one build), keyed by ``digest`` of their record."""
    fragments = Fragments(digest)
    token = FRAGMENTS.set(fragments)
    try:
        yield fragments
    finally:
        FRAGMENTS.reset(token)


def _fragment(env: Environment, name: str, record: Any, link: Callable[[str], str]) -> Markup:
    fragments = FRAGMENTS.get()
    if fragments is None:  # rendered outside a build (a site's own use): no reuse
        return Markup(env.get_template(name).render(o=record, link=link).strip())
    key = (name, fragments.digest(record), fragments.depth)
    made = fragments.made.get(key)
    if made is None:
        made = fragments.made[key] = Markup(env.get_template(name).render(o=record, link=link).strip())
    return made


class ConstantMessages(Extension):
    """``_("literal")`` with no values is translated once, as its template compiles: ``{{ _("x") }}``
    becomes the text itself, escaped, and ``_("x")`` inside an expression a string constant. Tens of
    thousands of UI strings per build then cost nothing to render. (A message that holds markup is
    written ``{% trans %}``.) Compiled templates are therefore kept per language (``COMPILED``)."""

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        tokens = list(stream)  # a template's tokens: a few thousand at most
        index = 0
        while index < len(tokens):
            token = tokens[index]
            if token.type == "variable_begin" and index + 5 < len(tokens) and tokens[index + 5].type == "variable_end":
                text = _constant_message(tokens, index + 1)
                if text is not None:  # {{ _("x") }}: the output is the text itself
                    yield Token(token.lineno, "data", str(escape(text)))
                    index += 6
                    continue
            text = _constant_message(tokens, index)
            if text is not None:
                yield Token(token.lineno, "string", text)
                index += 4
                continue
            yield token
            index += 1


def _constant_message(tokens: list[Token], index: int) -> str | None:
    """The translated text of ``_("literal")`` starting at ``tokens[index]``, or None."""
    if index + 3 >= len(tokens):
        return None
    name, open_, text, close = tokens[index:index + 4]
    if not (name.type == "name" and name.value == "_" and open_.type == "lparen" and text.type == "string"
            and close.type == "rparen"):
        return None
    try:  # as the newstyle gettext does: always a format string (so '%%' is '%')
        return str(formatting.gettext(text.value) % {})
    except (KeyError, TypeError, ValueError):
        return None  # a message that needs values: left for the runtime to report


COMPILED = "constant-messages-1"  # what compiled templates depend on besides their source and language


class _BytecodeCache(FileSystemBytecodeCache):
    def __init__(self, folder: str, language: Language) -> None:
        super().__init__(folder)
        self.key = f"{COMPILED}|{language.key}"

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return super().get_cache_key(f"{self.key}|{name}", filename)


def _bytecode_cache(language: Language) -> FileSystemBytecodeCache | None:
    from .vega import cache_dir

    folder = cache_dir() / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # no cache folder: templates are compiled every time, which works too
    return _BytecodeCache(str(folder), language)


# Templates a template names, for its fingerprint: {% extends/include/import/from "name" %}, and the
# fragments it renders, fragment("name", ...).
_REFERENCE = re.compile(r"""\{%-?\s*(?:extends|include|import|from)\s+["']([^"']+)["']|fragment\(\s*["']([^"']+)["']""")


class TemplateDigests:
    """Fingerprints of templates by name, each computed once per build."""

    def __init__(self, env: Environment) -> None:
        self.env = env
        self._own: dict[str, tuple[str, tuple[str, ...]]] = {}
        self._closed: dict[str, str] = {}

    def _read(self, name: str) -> tuple[str, tuple[str, ...]]:
        """A template's own digest and the templates it names."""
        if name not in self._own:
            assert self.env.loader is not None
            try:
                source, _, _ = self.env.loader.get_source(self.env, name)
            except TemplateNotFound:
                self._own[name] = ("missing", ())
                return self._own[name]
            referenced = tuple(sorted({tag or call for tag, call in _REFERENCE.findall(source)}))
            self._own[name] = (hashlib.blake2b(source.encode(), digest_size=16).hexdigest(), referenced)
        return self._own[name]

    def __getitem__(self, name: str) -> str:
        """The digest of a template and everything it extends, imports or includes."""
        if name not in self._closed:
            seen: set[str] = set()
            stack = [name]
            parts: list[str] = []
            while stack:
                current = stack.pop()
                if current in seen:
                    continue
                seen.add(current)
                own, referenced = self._read(current)
                parts.append(f"{current}:{own}")
                stack.extend(referenced)
            self._closed[name] = hashlib.blake2b("|".join(sorted(parts)).encode(), digest_size=16).hexdigest()
        return self._closed[name]


class TemplateFailure(OkrPagesError):
    """A theme template that cannot be compiled or rendered, located in the template."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.text())
        self.diagnostic = diagnostic

    def __reduce__(self) -> Any:  # raised in a forked renderer, re-raised in the parent
        return (TemplateFailure, (self.diagnostic,))


def template_failure(exc: TemplateError, name: str) -> TemplateFailure:
    """A template's error as a diagnostic at the template's file and line (``name``: the template
    being rendered, when the error does not say which file)."""
    filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if not isinstance(exc, TemplateSyntaxError):
        tb = exc.__traceback__
        while tb is not None:  # Jinja maps the frames of templates to their files and lines
            if tb.tb_frame.f_code.co_filename.endswith((".html", ".xml")):
                filename, line = tb.tb_frame.f_code.co_filename, tb.tb_lineno
            tb = tb.tb_next
    where = os.path.abspath(filename) if filename and os.sep in filename else name  # made site-relative by the pipeline
    message = str(exc.message if isinstance(exc, TemplateNotFound) else exc)
    what = f"template '{message}' not found" if isinstance(exc, TemplateNotFound) else " ".join(message.split())
    return TemplateFailure(Diagnostic(where.replace(os.sep, "/"), line or 1, 1, "error", "template", what,
                                      "fix the theme template, or remove it to use the default theme's"))


def render(env: Environment, name: str, context: dict[str, Any]) -> str:
    return env.get_template(name).render(context)
