"""The pipeline: content → model → scores → output files, with every diagnostic collected."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import api
from .checks import quality_warnings
from .config import with_base_url
from .diagnostics import Diagnostics
from .load import load_site
from .markup import check_links
from .model import Site
from .output import write_tree
from .scoring import Scores, score_site

if TYPE_CHECKING:
    from .render import Output

Progress = Callable[[int, int], None]
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class Checked:
    """A site read, validated and scored."""

    site: Site
    scores: Scores
    diagnostics: Diagnostics
    site_dir: Path


def parse_day(text: str) -> dt.date:
    """A strict YYYY-MM-DD date (Python alone would also take 20261115 or 2026-W46-7)."""
    if not _ISO_DAY.match(text):
        raise ValueError(f"expected a date YYYY-MM-DD, got '{text}'")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"date {text} does not exist") from None


def resolve_as_of(text: str | None, environ: dict[str, str] | None = None) -> dt.date:
    """--as-of, else SOURCE_DATE_EPOCH (UTC), else today. Raises ValueError with a message."""
    environ = dict(os.environ) if environ is None else environ
    if text:
        return parse_day(text)
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        if not epoch.isdigit():
            raise ValueError(f"SOURCE_DATE_EPOCH: expected whole seconds since 1970, got '{epoch}'")
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.date.today()


def check_site(site_dir: Path, as_of: dt.date, links: bool = True) -> Checked:
    """Read, validate and score; quality warnings included, and broken links unless ``links`` is off
    (a build finds those while rendering)."""
    loaded = load_site(site_dir)
    scores = score_site(loaded.site, as_of)
    diagnostics = Diagnostics(list(loaded.problems))
    diagnostics.extend(quality_warnings(loaded.site, scores))
    if links:
        diagnostics.extend(check_links(loaded.site))
    return Checked(loaded.site, scores, diagnostics, site_dir)


def render_files(checked: Checked, progress: Progress | None = None, jobs: int = 1) -> Output:
    """Every output file by path relative to the output folder; rendering warnings join the diagnostics."""
    from .render import render_site  # Jinja2 and the charts load only when a build renders

    output = render_site(checked.site, checked.scores, checked.site_dir, progress, jobs)
    output.files["api/okrs.json"] = api.dumps(api.okrs_json(checked.site, checked.scores)).encode()
    output.files["api/kpis.json"] = api.dumps(api.kpis_json(checked.site, checked.scores)).encode()
    checked.diagnostics.extend(output.problems)
    return output


def check_and_render(site_dir: Path, as_of: dt.date, *, base_url: str | None = None,
                     progress: Progress | None = None, jobs: int = 1) -> tuple[Checked, Output | None]:
    """What ``build`` and ``serve`` share: check the site and, when it has no errors, render it.

    ``base_url`` overrides the config's (``--base-url``; ``serve`` serves from the root). The
    rendering's warnings join ``checked.diagnostics``; writing is the caller's to decide."""
    checked = check_site(site_dir, as_of, links=False)
    if base_url is not None:
        checked.site = with_base_url(checked.site, base_url)
    output = None if checked.diagnostics.errors else render_files(checked, progress, jobs)
    return checked, output


def write_output(output: Output, out_dir: Path) -> None:
    """Write the rendered files atomically into ``out_dir``."""
    write_tree(out_dir, output.files)

