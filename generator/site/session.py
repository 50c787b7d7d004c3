"""One render session: a site's theme, language and template environment, opened once.

``build``, ``serve`` and ``report`` all render through a session, so a page and the report made of
the same records say the same thing: the same templates, the same filters, the same language.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..diagnostics import Diagnostic
from .formatting import Language, speaking
from .templates import TemplateDigests, make_environment
from .themes import Theme, load_theme
from .translations import load_language

if TYPE_CHECKING:
    from jinja2 import Environment

    from ..model.content import Config
    from ..scoring.scores import ScoredSite
    from .jobs import Job, SiteView


@dataclass
class RenderSession:
    """The theme (the site's ``themes/`` over the default), the site's language with its catalogs,
    and the Jinja2 environment in that language, with the digests of its templates."""

    theme: Theme
    language: Language
    problems: tuple[Diagnostic, ...] = ()  # of the theme's files and the site's catalogs
    _env: Environment | None = field(default=None, repr=False)
    _digests: TemplateDigests | None = field(default=None, repr=False)

    @property
    def env(self) -> Environment:
        """The template environment (made on first use: ``check`` never needs it)."""
        if self._env is None:
            self._env = make_environment(self.theme, self.language)
        return self._env

    @property
    def templates(self) -> TemplateDigests:
        """Each template's digest, with everything it extends, imports or includes."""
        if self._digests is None:
            self._digests = TemplateDigests(self.env)
        return self._digests

    @contextlib.contextmanager
    def speaking(self) -> Iterator[None]:
        """Every word, number and date in the site's language while the block runs."""
        with speaking(self.language):
            yield

    def view(self, scored: ScoredSite, paths: dict[str, str], drawn: bool = False) -> SiteView:
        """What the page jobs read, in this session's language (``drawn``: charts as static SVG)."""
        from .jobs import SiteView

        return SiteView(scored, paths, language=self.language, drawn=drawn)

    def render(self, view: SiteView, job: Job, extra: dict[str, Any] | None = None) -> bytes:
        """A job's output file (``extra``: more for its template, such as the report's inline style)."""
        from .render import render_job

        return render_job(self.env, view, job, extra)


def open_session(site_dir: Path, config: Config) -> RenderSession:
    """The session of a site: its theme and its language (problems as diagnostics, not raised)."""
    theme = load_theme(site_dir)
    language, problems = load_language(theme, site_dir, config.language)
    return RenderSession(theme, language, (*theme.problems, *problems))
