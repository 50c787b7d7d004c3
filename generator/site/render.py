"""Running page jobs: a job → the bytes of its output file."""

from __future__ import annotations

import re
from typing import Any

from jinja2 import Environment, TemplateError
from markupsafe import Markup

from ..scoring.scores import ScoredSite
from . import charts, vega
from .jobs import Job, SiteView, chart_spec, frame_context
from .templates import FRAGMENTS, template_failure


def render_job(env: Environment, view: SiteView, job: Job, extra: dict[str, Any] | None = None) -> bytes:
    """The output file's bytes: its template rendered with the frame, the records it is handed and
    what is derived from them (and ``extra``), or its data."""
    if job.data is not None:
        return job.data()
    assert job.template is not None
    context = frame_context(view, job)
    context.update(job.context())
    fragments = FRAGMENTS.get()
    if fragments is not None:
        fragments.depth = 0 if job.base is not None else job.url.count("/")  # its links start from here
    if extra:
        context.update(extra)
    try:
        text = env.get_template(job.template).render(context)
    except TemplateError as exc:
        raise template_failure(exc, job.template) from None
    if job.path.endswith(".xml"):
        text = xml_text(text)
    return text.encode("utf-8")


# Characters XML 1.0 does not allow anywhere, even escaped: a title with "\x01" in it (a YAML escape)
# would make the whole feed unreadable to a feed reader.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """XML output with each character XML 1.0 forbids replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def draw_svg_charts(view: SiteView, jobs: list[Job]) -> None:
    """``charts: svg``: draw the charts of the pages about to render, in one batch of workers.

    Each chart is drawn twice, for a wide column and for a phone's (a static drawing cannot
    rearrange itself, and one drawn wide would shrink its text to a few pixels); the stylesheet
    shows the one that fits its column."""
    keys = sorted({key for job in jobs for key in job.charts} - view.chart_html.keys())
    view.chart_html.update({
        key: Markup('<div class="svg-wide">') + large + Markup('</div><div class="svg-narrow">') + small
        + Markup("</div>") for key, (large, small) in svg_charts(view.scored, keys, phones=True).items()})


def svg_charts(scored: ScoredSite, keys: list[str], phones: bool = False) -> dict[str, tuple[Markup, ...]]:
    """Static SVG drawings of charts (keys without a chart left out), in one batch of workers: each
    as wide as its column, and with ``phones`` also as wide as a phone's screen, second."""
    specs = {key: spec for key in keys if (spec := chart_spec(scored, key)) is not None}
    if not specs:
        return {}
    names = list(specs)
    drawn = [specs[key] for key in names]
    prefixes = [f"c{charts.short_id(key)}-" for key in names]
    if phones:
        drawn += [{**spec, "width": vega.NARROW_WIDTH} if spec.get("width") == "container" else spec for spec in drawn]
        prefixes += [f"n{charts.short_id(key)}-" for key in names]
    svgs = [Markup(svg) for svg in vega.render_svgs(drawn, prefixes)]
    return {key: tuple(svgs[index::len(names)]) for index, key in enumerate(names)}
