"""The pipeline: content → model → scores → output files, with every diagnostic collected."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import api
from .checks import quality_warnings
from .diagnostics import Diagnostics
from .load import load_site
from .model import Site
from .output import write_tree
from .scoring import Scores, score_site

Progress = Callable[[int, int], None]


@dataclass
class Checked:
    """A site read, validated and scored."""

    site: Site
    scores: Scores
    diagnostics: Diagnostics


def resolve_as_of(text: str | None, environ: dict[str, str] | None = None) -> dt.date:
    """--as-of, else SOURCE_DATE_EPOCH (UTC), else today. Raises ValueError on a bad value."""
    environ = dict(os.environ) if environ is None else environ
    if text:
        return dt.date.fromisoformat(text)
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.date.today()


def check_site(site_dir: Path, as_of: dt.date) -> Checked:
    """Read, validate and score; quality warnings included."""
    loaded = load_site(site_dir)
    scores = score_site(loaded.site, as_of)
    diagnostics = Diagnostics(list(loaded.problems))
    diagnostics.extend(quality_warnings(loaded.site, scores))
    return Checked(loaded.site, scores, diagnostics)


def render_files(checked: Checked) -> dict[str, bytes]:
    """Every output file, by path relative to the output folder."""
    files = {
        "api/okrs.json": api.dumps(api.okrs_json(checked.site, checked.scores)).encode(),
        "api/kpis.json": api.dumps(api.kpis_json(checked.site, checked.scores)).encode(),
    }
    return files


def build(checked: Checked, out_dir: Path) -> int:
    """Render and write the site atomically; returns the number of files written."""
    files = render_files(checked)
    write_tree(out_dir, files)
    return len(files)
