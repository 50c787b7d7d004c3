"""The Jinja2 environment of a theme, its filters, and a fingerprint of every template.

A template's fingerprint covers its own text and every template it extends, imports or
includes, so an incremental build re-renders exactly the pages whose templates changed.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
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

from ..diagnostics import Diagnostic, OkrPagesError
from . import formatting
from .themes import Theme

LABELS = {
    "on_track": "On track", "at_risk": "At risk", "off_track": "Off track", "final": "Final",
    "missed": "Missed", "red": "Red", "yellow": "Yellow", "green": "Green", "healthy": "Healthy",
    "watch": "Watch", "unhealthy": "Unhealthy", "no_target": "No target", "no_data": "No data",
    "improving": "Improving", "worsening": "Worsening", "flat": "Flat", "unknown": "Unknown",
    "aspirational": "Aspirational", "committed": "Committed", "up": "Higher is better",
    "down": "Lower is better", "numeric": "Numeric", "milestone": "Milestones", "binary": "Done / not done",
    "upcoming": "Upcoming", "running": "Running", "ended": "Ended",
    "met": "Met", "below": "Below the sweet spot", "sweet_spot": "In the sweet spot",
    "above": "Above the sweet spot", "improved": "Improved", "worsened": "Worsened", "unchanged": "Unchanged",
}


class _ThemeLoader(FileSystemLoader):
    """Templates from one theme folder, never from a link that leads out of it."""

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        real = os.path.realpath(filename)
        root = os.path.realpath(self.searchpath[0])
        if not real.startswith(root + os.sep):
            raise TemplateNotFound(template)
        return source, filename, uptodate


def make_environment(theme: Theme) -> Environment:
    """Autoescaped, strict about undefined names, with the formatting filters. Compiled templates
    are kept in the user's cache folder (keyed by each template's source), so a build compiles only
    templates that changed."""
    env = Environment(
        loader=ChoiceLoader([_ThemeLoader(str(path)) for path in theme.template_dirs]),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, auto_reload=False,
        keep_trailing_newline=True, bytecode_cache=_bytecode_cache(),
    )
    env.filters.update(num=formatting.number, pct=formatting.percent, score=formatting.score,
                       label=LABELS.get, longdate=formatting.long_date, ago=formatting.days_ago)
    return env


def _bytecode_cache() -> FileSystemBytecodeCache | None:
    from .vega import cache_dir

    folder = cache_dir() / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # no cache folder: templates are compiled every time, which works too
    return FileSystemBytecodeCache(str(folder))


# Templates a template names, for its fingerprint: {% extends/include/import/from "name" %}.
_REFERENCE = re.compile(r"""\{%-?\s*(?:extends|include|import|from)\s+["']([^"']+)["']""")


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
            referenced = tuple(sorted(set(_REFERENCE.findall(source))))
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
