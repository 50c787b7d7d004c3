"""``okr-pages report CYCLE``: a cycle's review (SPEC §10) as one self-contained HTML file, or a PDF.

The file holds everything it shows, to be mailed or archived: the theme's style sheet inline,
charts as inline SVG (drawn by vl-convert in spawned workers, like ``charts: svg``), images of
retrospectives as data URIs, and a Content-Security-Policy that forbids every request, so it reads
the same offline, years later. ``--pdf`` prints that same HTML with WeasyPrint (the optional extra
``okr-pages[pdf]``); the PDF's dates are the as-of date, so the same input gives the same bytes.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup

from ..diagnostics import OkrPagesError, did_you_mean
from ..output import write_file
from ..pipeline import Checked, check_site, refuse_errors
from ..scoring.review import review_cycle
from ..scoring.scores import ScoredSite
from ..site.formatting import gettext
from ..site.jobs import review_job
from ..site.render import svg_charts
from ..site.session import RenderSession, open_session

PDF_EXTRA = "pip install 'okr-pages[pdf]'"
# What WeasyPrint's wheels need from the system on Debian and Ubuntu (Pango, HarfBuzz, fonts).
PDF_SYSTEM = ("apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 "
              "libfontconfig1 fonts-dejavu-core")
PAPER = {"a4": "A4", "letter": "letter"}
MAX_IMAGE = 5_000_000  # bytes of one image inlined into a report


class ReportError(OkrPagesError):
    """A report that cannot be made; the message says why and what to do."""


@dataclass(frozen=True)
class Report:
    """What was written."""

    path: Path
    cycle: str
    kind: str  # html | pdf
    size: int
    pages: int | None = None  # a PDF's pages


def default_out(cycle_id: str, pdf: bool, team: str | None = None) -> Path:
    """``<cycle>-review.html`` (``<cycle>-<team>-review.html`` for one team; or ``.pdf``) in the
    current folder."""
    return Path(f"{cycle_id}{f'-{team}' if team else ''}-review.{'pdf' if pdf else 'html'}")


def report(site_dir: Path, cycle_id: str, as_of: dt.date, out: Path | None = None, pdf: bool = False,
           paper: str = "a4", team: str | None = None) -> Report:
    """Write the review of ``cycle_id`` as one HTML file (or a PDF): the whole cycle, or one ``team``'s
    part of it; raises ReportError when refused."""
    weasyprint = load_weasyprint() if pdf else None  # before any work: say at once what is missing
    checked = check_site(site_dir, as_of)
    refuse_errors(checked, ReportError, "run okr-pages check and fix them; nothing was written")
    scored = checked.scored
    cycle = scored.cycles.get(cycle_id)
    if cycle is None:
        hint = did_you_mean(cycle_id, scored.cycles) or (
            f"known cycles: {', '.join(scored.cycles)}" if scored.cycles else "this site has no cycles yet")
        raise ReportError(f"unknown cycle '{cycle_id}' ({hint})")
    if cycle.state == "upcoming":
        raise ReportError(f"cycle {cycle_id} has not started (it starts on {cycle.cycle.start}): nothing to review "
                          "yet (pass --as-of with a later date to preview it)")
    session = open_session(site_dir, scored.site.config)
    if session.problems:
        first = session.problems[0]
        raise ReportError(f"the site's theme or catalogs have {len(session.problems)} error(s), e.g. {first.text()} "
                          "(run okr-pages build to see them all; nothing was written)")
    with session.speaking():  # the site's language, as on the site's review page
        html = report_html(checked, session, site_dir, cycle_id, team)
        label = f"{scored.site.config.title} · " + gettext("%(cycle)s review") % {"cycle": cycle.name}
    target = out or default_out(cycle_id, pdf, team)
    pages = None
    if weasyprint is not None:
        data, pages = print_pdf(weasyprint, html, paper, label)
    else:
        data = html.encode("utf-8")
    try:
        if target.parent != Path():
            target.parent.mkdir(parents=True, exist_ok=True)
        write_file(target, data)
    except OSError as exc:
        raise ReportError(f"cannot write {target}: {exc.strerror or exc}") from exc
    return Report(target, cycle_id, "pdf" if pdf else "html", len(data), pages)


def report_html(checked: Checked, session: RenderSession, site_dir: Path, cycle_id: str,
                team: str | None = None) -> str:
    """The review of one cycle as a self-contained HTML document: the site's review job, rendered by
    the site's render session with the report's template, its links turned into anchors and data
    URIs, its charts drawn as inline SVG (in the language the caller speaks: ``session.speaking``)."""
    scored = checked.scored
    view = session.view(scored, _report_paths(scored, site_dir, cycle_id), drawn=True)
    view.chart_html.update({key: wide for key, (wide,) in svg_charts(
        scored, [f"grades:{cycle_id}", f"teams:{cycle_id}"]).items()})
    review = review_cycle(scored, cycle_id)
    only = None
    if team is not None:
        only = next((part for part in review.teams if part.slug == team), None)
        if only is None:
            known = [part.slug for part in review.teams if part.team is not None]
            hint = did_you_mean(team, known) or (f"teams with objectives in {cycle_id}: {', '.join(known)}"
                                                  if known else f"no team has objectives in {cycle_id}")
            raise ReportError(f"team '{team}' has no objectives in {cycle_id} ({hint})")
    job = review_job(view, scored.cycles[cycle_id], review, standalone=True, only=only)
    html = session.render(view, job, {"css": _inline_css(session.theme.static.get("assets/style.css"))})
    return html.decode("utf-8")


def _inline_css(entry: Any) -> Markup:
    if entry is None:
        return Markup("")
    try:
        text = Path(entry.path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportError(f"cannot read the theme's style sheet {entry.path}: {exc}") from exc
    return Markup(text.replace("</", "<\\/"))  # nothing in a style sheet may close the <style> element


def _report_paths(scored: ScoredSite, site_dir: Path, cycle_id: str) -> dict[str, str]:
    """Where links in retrospectives point inside the file: objectives and KPIs of this review become
    anchors, images become data URIs; other links are dropped (their text stays)."""
    config = scored.site.config
    prefix = config.content_dir.strip("/") + "/"
    paths = {score.objective.source.removeprefix(prefix): f"#o-{score.id}"
             for score in scored.cycles[cycle_id].objectives}
    paths.update({status.kpi.source.removeprefix(prefix): f"#k-{status.id}" for status in scored.kpis.values()})
    files = set(scored.site.files)
    for score in scored.cycles[cycle_id].objectives:
        for link in score.objective.retro.links:
            if link.image and link.target in files and link.target not in paths:
                uri = _data_uri(site_dir / config.content_dir / link.target)
                if uri:
                    paths[link.target] = uri
    return paths


def _data_uri(path: Path) -> str | None:
    kind = mimetypes.guess_type(path.name)[0]
    try:
        if kind is None or not kind.startswith("image/") or path.stat().st_size > MAX_IMAGE:
            return None
        return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"
    except OSError:
        return None


# -- PDF ------------------------------------------------------------------------------------------

def load_weasyprint() -> Any:
    """The weasyprint module, or a ReportError that says exactly what to install."""
    try:
        import weasyprint
    except ImportError:
        raise ReportError(f"--pdf needs WeasyPrint, which is not installed: {PDF_EXTRA} "
                          f"(on Debian or Ubuntu it also needs: {PDF_SYSTEM})") from None
    except OSError as exc:  # the Python package is there, but Pango or HarfBuzz is not
        raise ReportError(f"--pdf: WeasyPrint cannot load a system library ({exc}); on Debian or Ubuntu: "
                          f"{PDF_SYSTEM}") from None
    return weasyprint


def print_pdf(weasyprint: Any, html: str, paper: str, label: str = "") -> tuple[bytes, int]:
    """The HTML printed to PDF: nothing fetched but data: URIs, dates from the document's as-of date,
    each page footed with ``label`` and its number."""
    fetcher = weasyprint.urls.URLFetcher(allowed_protocols=("data",))
    footer = "font: 8pt sans-serif; color: #555;"
    page = weasyprint.CSS(string=(
        f"@page {{ size: {PAPER[paper]}; @bottom-left {{ content: {_css_string(label)}; {footer} }} "
        f"@bottom-right {{ content: counter(page) ' / ' counter(pages); {footer} }} }}"), url_fetcher=fetcher)
    quiet: Callable[[], None] = _quiet_weasyprint()
    try:
        document = weasyprint.HTML(string=html, url_fetcher=fetcher, media_type="print").render(stylesheets=[page])
        data = document.write_pdf()
    finally:
        quiet()
    return data, len(document.pages)


def _css_string(text: str) -> str:
    """A CSS string literal: quotes, backslashes and line ends escaped."""
    escaped = "".join(c if c.isprintable() and c not in "\\\"" else f"\\{ord(c):x} " for c in text)
    return f'"{escaped}"'


def _quiet_weasyprint() -> Callable[[], None]:
    """WeasyPrint logs a warning for each CSS property it does not support (the site's style sheet is
    written for browsers); keep them out of the command's output. Returns the undo."""
    logger = logging.getLogger("weasyprint")
    level, propagate = logger.level, logger.propagate
    logger.setLevel(logging.ERROR)
    logger.propagate = False

    def undo() -> None:
        logger.setLevel(level)
        logger.propagate = propagate
    return undo
