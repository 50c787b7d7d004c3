"""Vega-Lite specs for objective and KPI charts, and their JSON form.

Each chart kind is built once as a real Altair chart (validated) whose layers read named
datasets, and kept in the user's cache folder; a chart is then that template with its own
datasets, domains and description put in place, sharing every part it does not change (no deep
copy), so building one costs microseconds, not the 20-30 ms of a fresh Altair chart.
Charts only show figures computed in ``scoring``; nothing here scores anything.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import math
from collections.abc import Iterable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import orjson

from ..diagnostics import OkrPagesError
from ..model.content import KPI, Number
from ..output import write_file
from ..scoring.review import ReviewCounts
from ..scoring.scores import ScoredCycle, ScoredKPI, ScoredObjective, ScoredTeam
from .formatting import (
    N_,
    current,
    d3_formats,
    d3_locale,
    label,
    long_date,
    ngettext,
    number,
    percent,
    point_date,
    progress_month,
    score,
    shown_date,
    with_unit,
    words,
)
from .formatting import gettext as _
from .markup import attribute
from .vega import cache_dir

# Mid-luminance colours: each has at least 3:1 contrast on white and on a near-black (#121212) page.
PALETTE = ("#2f7fd8", "#d9730d", "#2e9e5b", "#c2489c", "#8a63d2", "#1a9a9a", "#d64545", "#a0772b")
# Axes, labels and reference lines. No grey reads at 4.5:1 on both a white and a near-black page, so
# the theme's stylesheet colours chart text per theme (--chart-text); this one, 5.9:1 on white, is
# for an SVG seen without the stylesheet.
NEUTRAL = "#5c6573"
SERIES_COLOUR = PALETTE[0]
ZONES = ("healthy", "watch", "unhealthy")
ZONE_COLOURS = ("#2e9e5b", "#e0a400", "#d64545")
GRADES = ("green", "yellow", "red")
GRADE_COLOURS = ZONE_COLOURS  # green, yellow, red: the same three colours as KPI health
CHART_HEIGHT = 260
PACE_LABEL = N_("expected pace")
EDGE_PADDING = 8  # pixels kept free at each end of an axis, so points on the edges (cycle start and end, 0%) show whole
LABEL_SPACE = {"day": 64, "month": 76}  # pixels an axis label needs, with room around it
MAX_DAY_TICKS = 8  # an objective's axis: weekly, fortnightly... never more labels than this


# -- templates -----------------------------------------------------------------------------------

def _config(chart: Any) -> Any:
    """Transparent background and neutral grey text, so one spec reads on light and dark pages."""
    return (chart.configure(background="transparent", font="system-ui, sans-serif")
            .configure_view(stroke=None)
            .configure_axis(labelColor=NEUTRAL, titleColor=NEUTRAL, domainColor=NEUTRAL,
                            tickColor=NEUTRAL, gridColor=NEUTRAL, gridOpacity=0.25,
                            labelFontSize=11, titleFontSize=11, titleFontWeight="normal")
            .configure_legend(labelColor=NEUTRAL, titleColor=NEUTRAL, labelFontSize=11,
                              titleFontSize=11, titleFontWeight="normal", labelLimit=480))


def _objective_layers(alt: Any) -> Any:
    formats = d3_formats()
    # Ticks and their format are set per chart (``_time_axis``), from the cycle's length.
    x = alt.X("date:T", title=None, axis=alt.Axis(format=formats["short_day"], labelOverlap="greedy"),
              scale=alt.Scale(type="utc", domain=[_PLACEHOLDER_DAY, _PLACEHOLDER_DAY], range=_INSET))
    y = alt.Y("progress:Q", title=_("Progress"), scale=alt.Scale(domain=[0, 1], nice=False,
                                                                 range=[{"expr": f"height - {EDGE_PADDING}"}, EDGE_PADDING]),
              axis=alt.Axis(format=".0%", tickCount=5))
    colour = alt.Color("kr:N", title=_("Key result"),
                       scale=alt.Scale(domain=["a"], range=[PALETTE[0]]),  # set per chart
                       # long KR titles are cut at the chart's width, not past it
                       legend=alt.Legend(orient="bottom", direction="vertical",
                                         labelLimit=alt.ExprRef("max(80, width - 60)")))
    # The pace line gets its own legend entry (a dashed stroke) in the top-left corner, which
    # progress lines rarely reach, so no label is drawn across the lines.
    pace = alt.Chart(alt.NamedData(name="pace")).mark_line(
        color=NEUTRAL, strokeWidth=1.5, aria=False).encode(
        y=y, strokeDash=alt.StrokeDash(
            "label:N", title=None, scale=alt.Scale(domain=[_(PACE_LABEL)], range=[[6, 4]]),
            legend=alt.Legend(orient="top-left", symbolStrokeColor=NEUTRAL, symbolType="stroke",
                              symbolSize=500, symbolStrokeWidth=1.5)),
        tooltip=alt.value(_("Expected pace: from 0% at the start to 100% at the end")))
    rule = alt.Chart(alt.NamedData(name="as_of")).mark_rule(color=NEUTRAL, strokeWidth=1).encode(
        tooltip=[alt.Tooltip(_DAY, title=_("Scores as of"), format=formats["day"])])
    rule_label = alt.Chart(alt.NamedData(name="as_of")).mark_text(
        color=NEUTRAL, align="left", baseline="bottom", dx=3, dy=-2, fontSize=11, aria=False,
    ).encode(y=alt.value("height"), text="label:N")
    lines = alt.Chart(alt.NamedData(name="kr")).mark_line(
        strokeWidth=2, clip=True, aria=False).encode(y=y, color=colour)
    # A point's date in its tooltip: the month it stands for (a KPI value written as a month), else its day
    points = alt.Chart(alt.NamedData(name="kr")).mark_point(
        filled=True, size=45, opacity=1, clip=True).transform_calculate(
        when=f"isValid(datum.month) ? datum.month : utcFormat(toDate(datum.date), {json.dumps(formats['day'])})",
    ).encode(
        y=y, color=colour, tooltip=[alt.Tooltip("when:N", title=_("Date")),
                                    alt.Tooltip("kr:N", title=_("Key result")),
                                    alt.Tooltip("progress:Q", title=_("Progress"), format=formats["percent"])])
    # Points last, so they sit above the as-of rule and keep their tooltips.
    return alt.layer(pace, rule, rule_label, lines, points).encode(x=x).properties(
        width="container", height=CHART_HEIGHT, description="",
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))


def _kpi_layers(alt: Any) -> Any:
    formats = d3_formats()
    y = alt.Y("value:Q", title="", scale=alt.Scale(domain=[0, 1], nice=False, zero=False))
    # Ticks and their format are set per chart (``_time_axis``); overlapping labels are dropped
    # rather than collide (on a phone's width).
    x = alt.X("date:T", title=None, scale=alt.Scale(type="utc", range=_INSET),
              axis=alt.Axis(format=formats["month"], labelOverlap="greedy"))
    bands = alt.Chart(alt.NamedData(name="bands")).mark_rect(opacity=0.16, aria=False).encode(
        x=alt.value(0), x2=alt.value("width"), y2="value2:Q",
        color=alt.Color("zone:N", scale=alt.Scale(domain=list(ZONES), range=list(ZONE_COLOURS)),
                        legend=None),
        tooltip=[alt.Tooltip("label:N", title=_("Zone"))])
    target = alt.Chart(alt.NamedData(name="target")).mark_rule(
        color=NEUTRAL, strokeDash=[4, 4], strokeWidth=1.5).encode(
        tooltip=[alt.Tooltip("label:N", title=_("Target"))])
    target_label = alt.Chart(alt.NamedData(name="target")).mark_text(
        color=NEUTRAL, align="right", baseline="bottom", dy=-3, fontSize=11, aria=False).encode(
        x=alt.value("width"), text="label:N")
    line = alt.Chart(alt.NamedData(name="series")).mark_line(
        color=SERIES_COLOUR, strokeWidth=2, aria=False).encode(x=x)
    points = alt.Chart(alt.NamedData(name="series")).mark_point(
        color=SERIES_COLOUR, filled=True, size=40, opacity=1).encode(
        x=x, tooltip=[alt.Tooltip(_DAY, title=_("Date"), format=formats["day"]),  # per chart: months, the unit
                      alt.Tooltip("value:Q", title=_("Value"), format=formats["number"])])
    return alt.layer(bands, target, target_label, line, points).encode(y=y).properties(
        width="container", height=CHART_HEIGHT, description="",
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))


def _history_layers(alt: Any) -> Any:
    """Scores across cycles: a line per team (and one for all objectives) over the cycles in order."""
    x = alt.X("cycle:N", title=None, sort=None, scale=alt.Scale(domain=["a"]),  # cycle order: set per chart
              axis=alt.Axis(labelAngle=0, labelOverlap="greedy"))
    y = alt.Y("score:Q", title=_("Score"), scale=alt.Scale(domain=[0, 1], nice=False),
              axis=alt.Axis(format=".1f", tickCount=5))
    colour = alt.Color("series:N", title=None, sort=None,
                       scale=alt.Scale(domain=["a"], range=[PALETTE[0]]),  # set per chart
                       legend=alt.Legend(orient="bottom", direction="horizontal", columns=4))
    # All objectives is the reference: a dashed grey line drawn over the teams' lines.
    dash = alt.condition(alt.datum.series == _(ALL_OBJECTIVES), alt.value([6, 4]), alt.value([1, 0]))
    lines = alt.Chart(alt.NamedData(name="scores")).mark_line(strokeWidth=2, aria=False).encode(
        x=x, y=y, color=colour, strokeDash=dash)
    points = alt.Chart(alt.NamedData(name="scores")).mark_point(filled=True, size=50, opacity=1).encode(
        x=x, y=y, color=colour, tooltip=[alt.Tooltip("series:N", title=_("Team")),
                                         alt.Tooltip("cycle:N", title=_("Cycle")),
                                         alt.Tooltip("score:Q", title=_("Score"), format=".2f"),
                                         alt.Tooltip("note:N", title=_("Note"))])
    return alt.layer(lines, points).properties(
        width="container", height=CHART_HEIGHT, description="",
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))


# Room around the bars for labels: a static SVG measures text in vl-convert's font, and a reader's
# wider system font would otherwise run past the edge.
_LABEL_ROOM = {"left": 24, "top": 5, "right": 72, "bottom": 5}


def _team_bar_layers(alt: Any) -> Any:
    """A cycle's score by team: one bar each, coloured by grade, on a 0–1 scale."""
    y = alt.Y("team:N", title=None, sort=None, axis=alt.Axis(labelLimit=220))
    x = alt.X("score:Q", title=_("Score"), scale=alt.Scale(domain=[0, 1], nice=False),
              axis=alt.Axis(format=".1f", tickCount=5))
    bars = alt.Chart(alt.NamedData(name="teams")).mark_bar(height={"band": 0.7}).encode(
        x=x, y=y, color=alt.Color("grade:N", legend=None, scale=alt.Scale(domain=list(GRADES),
                                                                          range=list(GRADE_COLOURS))),
        tooltip=[alt.Tooltip("team:N", title=_("Team")), alt.Tooltip("score:Q", title=_("Score"), format=".2f"),
                 alt.Tooltip("note:N", title=_("Note"))])
    labels = alt.Chart(alt.NamedData(name="teams")).mark_text(
        align="left", dx=4, color=NEUTRAL, fontSize=11, aria=False).encode(x=x, y=y, text="label:N")
    return alt.layer(bars, labels).properties(width="container", height={"step": 26}, description="",
                                              padding=_LABEL_ROOM,
                                              autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))


def _grade_layers(alt: Any) -> Any:
    """The distribution of grades: per commitment, how many objectives ended green, yellow and red."""
    bars = alt.Chart(alt.NamedData(name="grades")).mark_bar(height={"band": 0.7}).encode(
        y=alt.Y("commitment:N", title=None, sort=None),
        x=alt.X("count:Q", title=_("Objectives"), axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("grade:N", title=_("Grade"), sort=None,
                        scale=alt.Scale(domain=list(GRADES), range=list(GRADE_COLOURS)),
                        # the legend names each grade code in the reader's words
                        legend=alt.Legend(orient="bottom", direction="horizontal", labelExpr=_grade_names())),
        order=alt.Order("rank:Q"),
        tooltip=[alt.Tooltip("commitment:N", title=_("Commitment")), alt.Tooltip("label:N", title=_("Grade")),
                 alt.Tooltip("count:Q", title=_("Objectives"))])
    return alt.layer(bars).properties(width="container", height={"step": 30}, description="", padding=_LABEL_ROOM,
                                      autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))


def _grade_names() -> str:
    """A Vega expression naming a grade code as its label: {"green": "Green", ...}[datum.value]."""
    return orjson.dumps({grade: label(grade) for grade in GRADES}).decode() + "[datum.value]"


# ISO days parse as UTC midnight in browsers: UTC scales and UTC time units keep them on their day
# in every time zone (local time would show 2026-10-07 as Oct 6 west of Greenwich).
_DAY = "utcyearmonthdate(date):T"
# A time axis drawn inset from the plot's edges, so points on the first and last day show whole and
# no tick falls outside the data's dates (as scale padding would make).
_INSET = [EDGE_PADDING, {"expr": f"width - {EDGE_PADDING}"}]
_PLACEHOLDER_DAY = {"year": 2000, "month": 1, "date": 1, "utc": True}
_BUILDERS = {"objective": _objective_layers, "kpi": _kpi_layers, "history": _history_layers,
             "teams": _team_bar_layers, "grades": _grade_layers}


def _templates_key(language: str) -> str:
    """Cached templates are good for this Altair, this file's code and the language (their titles,
    formats and d3 locale): any of them changing makes new ones."""
    try:
        altair = version("altair")
    except PackageNotFoundError:
        altair = "unknown"
    code = hashlib.blake2b(Path(__file__).read_bytes(), digest_size=8).hexdigest()
    words = hashlib.blake2b(language.encode(), digest_size=8).hexdigest()
    return f"{altair}-{code}-{words}"


def _templates() -> dict[str, dict[str, Any]]:
    """The chart templates in the language the build speaks."""
    return _templates_in(current().key)


@functools.cache
def _templates_in(language: str) -> dict[str, dict[str, Any]]:
    """The Vega-Lite spec of each chart kind, built with Altair and validated once per version and
    language (the one the build speaks, whose key is ``language``), whose layers read named datasets
    that each chart fills in."""
    path = cache_dir() / f"chart-templates-{_templates_key(language)}.json"
    try:
        cached = json.loads(path.read_bytes())
        if isinstance(cached, dict) and cached.keys() == _BUILDERS.keys():
            return cached
    except (OSError, ValueError):
        pass
    import altair as alt  # about a second to import and validate: only when the cache is cold

    built = {kind: _config(builder(alt)).to_dict(validate=True) for kind, builder in _BUILDERS.items()}
    locale = d3_locale()
    if locale is not None:  # Vega formats numbers and dates of axes and tooltips with it
        for spec in built.values():
            spec["config"] = {**spec["config"], "locale": locale}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_file(path, json.dumps(built, sort_keys=True).encode())
    except (OSError, OkrPagesError):  # an unwritable cache only costs the next build the same second
        pass
    return built


def _fill(kind: str, description: str, datasets: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """The template with this chart's description and data (a new top level sharing everything
    else); layers whose dataset is not given are left out."""
    template = _templates()[kind]
    spec = dict(template)
    spec["description"] = description
    shared = template.get("data", {})  # Altair moves a dataset every layer reads to the top
    spec["layer"] = [layer for layer in template["layer"] if layer.get("data", shared).get("name") in datasets]
    spec["datasets"] = datasets
    return spec


def _put(tree: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    """``tree`` with ``value`` at ``path``: the dicts along the path are copied, the rest shared."""
    top = dict(tree)
    node = top
    for key in path[:-1]:
        node[key] = dict(node[key])
        node = node[key]
    node[path[-1]] = value
    return top


def _utc_day(day: dt.date) -> dict[str, Any]:
    return {"year": day.year, "month": day.month, "date": day.day, "utc": True}


def _time_axis(spec: dict[str, Any], first: dt.date, last: dt.date, months: bool) -> dict[str, Any]:
    """Ticks for a time axis from ``first`` to ``last``, as many as the chart's width leaves room
    for (Vega expressions of ``width``, so a phone gets fewer): months labelled 'Nov 2026' for
    monthly points or a long span, every 1, 2, 3, 6 or 12 months (steps that divide a year, so ticks
    stay evenly spaced); else weeks labelled '5 Oct', at most eight."""
    days = max((last - first).days, 1)
    if months or days > 120:
        count = max(1, (last.year - first.year) * 12 + last.month - first.month)
        per_label = f"{count} / max(1, floor(width / {LABEL_SPACE['month']}))"
        step = "q <= 1 ? 1 : q <= 2 ? 2 : q <= 3 ? 3 : q <= 6 ? 6 : 12"
        unit, text = "month", d3_formats()["month"]
    else:
        weeks = math.ceil(days / 7)
        per_label = f"{weeks} / max(1, min({MAX_DAY_TICKS}, floor(width / {LABEL_SPACE['day']})))"
        step = "max(1, ceil(q))"  # weeks count from a fixed day: any step keeps them evenly spaced
        unit, text = "week", d3_formats()["short_day"]
    tick_count = {"expr": f"{{interval: '{unit}', step: {step}}}"}
    spec = {**spec, "params": [{"name": "q", "expr": per_label}]}  # intervals per label, at this width
    if "x" in spec.get("encoding", {}):
        return _put(spec, ("encoding", "x", "axis"), {**spec["encoding"]["x"]["axis"], "format": text,
                                                    "tickCount": tick_count})
    # x is encoded per layer (the KPI chart's bands and target span the width instead)
    layers = [_put(layer, ("encoding", "x", "axis"), {**layer["encoding"]["x"]["axis"], "format": text,
                                                     "tickCount": tick_count})
              if layer["encoding"].get("x", {}).get("field") == "date" else layer for layer in spec["layer"]]
    return {**spec, "layer": layers}


# -- objective progress ---------------------------------------------------------------------------

def objective_chart(score: ScoredObjective, as_of: dt.date) -> dict | None:
    """Vega-Lite spec of each KR's progress over the cycle against the expected-pace line;
    None when the objective has no cycle or none of its key results has a dated value."""
    cycle, objective = score.cycle, score.objective
    if cycle is None:
        return None
    titles = _unique(kr.title for kr in objective.key_results)
    # A point that is a KPI value written as a month carries that month, for its tooltip (as the table)
    rows = [{"date": day.isoformat(), "kr": title, "progress": progress,
             **({"month": month} if (month := progress_month(day, kr_score)) else {})}
            for title, kr_score in zip(titles, score.key_results, strict=True)
            for day, progress in kr_score.progress]
    if not rows:
        return None  # no key result has a dated value: nothing to draw (the table says so)
    pace = _(PACE_LABEL)
    datasets: dict[str, list[dict[str, Any]]] = {
        "pace": [{"date": cycle.start.isoformat(), "progress": 0, "label": pace},
                 {"date": cycle.end.isoformat(), "progress": 1, "label": pace}],
        "kr": rows,
    }
    if cycle.start <= as_of <= cycle.end:
        datasets["as_of"] = [{"date": as_of.isoformat(), "label": _("as of %(date)s") % {"date": long_date(as_of)}}]
    description = _objective_description(score, as_of, titles)
    spec = _fill("objective", description, datasets)
    spec = _put(spec, ("encoding", "x", "scale", "domain"), [_utc_day(cycle.start), _utc_day(cycle.end)])
    spec = _time_axis(spec, cycle.start, cycle.end, months=False)
    # Only KRs with dated values get a line and a legend entry; each keeps the colour of its place.
    drawn = [i for i, kr_score in enumerate(score.key_results) if kr_score.progress]
    colours = {"domain": [titles[i] for i in drawn], "range": [PALETTE[i % len(PALETTE)] for i in drawn]}
    # KR order, not alphabetical order, decides each line's colour
    spec["layer"] = [_put(layer, ("encoding", "color", "scale"), colours) if "color" in layer["encoding"]
                     else layer for layer in spec["layer"]]
    return spec


def _objective_description(score: ScoredObjective, as_of: dt.date, titles: list[str]) -> str:
    objective, cycle = score.objective, score.cycle
    assert cycle is not None
    results = "; ".join(f"{title} {percent(kr.score)}" + ("" if kr.progress else " " + _("(no dated value, not drawn)"))
                        for title, kr in zip(titles, score.key_results, strict=True))
    count = len(titles)
    values = {"count": count, "title": objective.title, "cycle": cycle.name or cycle.id,
              "start": long_date(cycle.start), "end": long_date(cycle.end), "as_of": long_date(as_of)}
    text = (ngettext("Line chart of the progress of %(count)s key result of “%(title)s” over %(cycle)s, "
                     "%(start)s to %(end)s", "Line chart of the progress of %(count)s key results of "
                     "“%(title)s” over %(cycle)s, %(start)s to %(end)s", count) % values)
    text += ", " + (_("final") if as_of > cycle.end else _("as of %(as_of)s") % values)
    text += f": {results}." if results else "."
    text += " " + _("Objective score %(score)s") % {"score": percent(score.score)}
    if cycle.start <= as_of <= cycle.end:
        text += " " + _("against an expected pace of %(share)s") % {"share": percent(score.expected)}
    return text + "."


def _unique(titles: Iterable[str]) -> list[str]:
    """KR titles as legend labels; a repeated title gets a number so two KRs never share a line."""
    seen: set[str] = set()
    result = []
    for title in titles:
        label, n = title, 1
        while label in seen:
            n += 1
            label = f"{title} ({n})"
        seen.add(label)
        result.append(label)
    return result


# -- KPIs -----------------------------------------------------------------------------------------

def kpi_chart(status: ScoredKPI) -> dict | None:
    """Vega-Lite spec of the KPI's series with its target line and direction-aware threshold bands;
    None when there are no points. Month-dated points are placed and labelled as the months they
    stand for (``period``)."""
    kpi = status.kpi
    if not status.series:
        return None
    marks = [p.value for p in status.series]
    if kpi.target is not None:
        marks.append(kpi.target)
    if kpi.thresholds is not None:
        marks += [kpi.thresholds.green, kpi.thresholds.yellow]
    low, high = nice_domain(min(marks), max(marks))
    datasets: dict[str, list[dict[str, Any]]] = {}
    if kpi.thresholds is not None:
        datasets["bands"] = threshold_bands(kpi, low, high)
    if kpi.target is not None:
        datasets["target"] = [{"value": kpi.target,
                               "label": _("target %(value)s") % {"value": number(kpi.target, kpi.unit)}}]
    period = kpi.period
    datasets["series"] = [{"date": shown_date(p, period).isoformat(), "value": p.value} for p in status.series]
    spec = _fill("kpi", _kpi_description(status), datasets)
    spec = _put(spec, ("encoding", "y", "scale", "domain"), [low, high])
    first, last = status.series[0], status.series[-1]
    months = all(p.month for p in status.series)
    spec = _time_axis(spec, shown_date(first, period), shown_date(last, period), months=months)
    # Tooltips: the date as the table writes it (a month as a month), the unit with the title.
    formats = d3_formats()
    tooltip = [{**tip, "format": formats["month"] if months else formats["day"]} if tip["field"] == "date" else
               {**tip, "title": with_unit(tip["title"], kpi.unit)} for tip in _series_tooltip(spec)]
    spec["layer"] = [_put(layer, ("encoding", "tooltip"), tooltip) if "tooltip" in layer["encoding"]
                     and layer["data"]["name"] == "series" else layer for layer in spec["layer"]]
    return _put(spec, ("encoding", "y", "title"), with_unit(kpi.title, kpi.unit))


def _series_tooltip(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The tooltip of the series points' layer."""
    return next(layer["encoding"]["tooltip"] for layer in spec["layer"]
                if layer["data"]["name"] == "series" and "tooltip" in layer["encoding"])


def threshold_bands(kpi: KPI, low: float, high: float) -> list[dict[str, Any]]:
    """Healthy / watch / unhealthy zones from ``low`` to ``high``, read with the KPI's direction
    (the same reading as ``scoring.health``: down means at or below green is healthy)."""
    assert kpi.thresholds is not None
    green, yellow = kpi.thresholds.green, kpi.thresholds.yellow
    unit = kpi.unit
    if kpi.direction == "down":
        yellow = max(yellow, green)
        return [
            {"zone": "healthy", "value": low, "value2": green,
             "label": _("healthy: at or below %(value)s") % {"value": number(green, unit)}},
            {"zone": "watch", "value": green, "value2": yellow,
             "label": _("watch: %(low)s to %(high)s") % {"low": number(green, unit), "high": number(yellow, unit)}},
            {"zone": "unhealthy", "value": yellow, "value2": high,
             "label": _("unhealthy: above %(value)s") % {"value": number(yellow, unit)}},
        ]
    yellow = min(yellow, green)
    return [
        {"zone": "unhealthy", "value": low, "value2": yellow,
         "label": _("unhealthy: below %(value)s") % {"value": number(yellow, unit)}},
        {"zone": "watch", "value": yellow, "value2": green,
         "label": _("watch: %(low)s to %(high)s") % {"low": number(yellow, unit), "high": number(green, unit)}},
        {"zone": "healthy", "value": green, "value2": high,
         "label": _("healthy: at or above %(value)s") % {"value": number(green, unit)}},
    ]


def _kpi_description(status: ScoredKPI) -> str:
    kpi = status.kpi
    first, latest = status.series[0], status.series[-1]
    count = len(status.series)
    values = {"title": kpi.title, "unit": kpi.unit, "count": count,
              "first": point_date(first, kpi.period), "last": point_date(latest, kpi.period),
              "latest": number(latest.value, kpi.unit), "health": words(status.health),
              "trend": words(status.trend)}
    text = (_("Line chart of %(title)s in %(unit)s") if kpi.unit else _("Line chart of %(title)s")) % values
    text += ": " + _points(count) % values
    text += "; " + _("latest %(latest)s (%(last)s), %(health)s, trend %(trend)s") % values
    if status.stale:
        text += ", " + _("stale")
    text += ". " + (_("Lower is better.") if kpi.direction == "down" else _("Higher is better."))
    if kpi.target is not None:
        text += " " + _("Target %(value)s.") % {"value": number(kpi.target, kpi.unit)}
    if kpi.thresholds is not None:
        zones = threshold_bands(kpi, 0, 0)
        text += " " + _("Zones: %(zones)s.") % {"zones": "; ".join(zone["label"] for zone in zones)}
    return text


def _points(count: int) -> str:
    """How many points a series has and when ('%(count)s', '%(first)s', '%(last)s' to put in)."""
    if count == 1:
        return _("1 point on %(first)s")
    return ngettext("%(count)s point from %(first)s to %(last)s", "%(count)s points from %(first)s to %(last)s",
                    count)


# -- sparklines: static SVG, drawn here ----------------------------------------------------------
# A sparkline is a polyline, a dashed target line and a shaded healthy band: a few lines of SVG per
# KPI, drawn in microseconds, where a Vega-Lite spec needs the 900 KB runtime in the browser and
# a vl-convert render costs ~80 ms (bench/bench_charts.py). Colours come from the stylesheet
# (classes), with attributes for an SVG seen without it.

SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 240, 56, 4


def sparkline(status: ScoredKPI) -> str | None:
    """The KPI's series as a small inline SVG with its target line and healthy band, scaled to the
    width of its container; None when there are no points."""
    kpi = status.kpi
    if not status.series:
        return None
    period = kpi.period
    days = [shown_date(p, period).toordinal() for p in status.series]
    values = [float(p.value) for p in status.series]
    healthy_from = _healthy_edge(kpi)
    marks = values + [v for v in (kpi.target, healthy_from) if v is not None]
    low, high = min(marks), max(marks)
    if high == low:
        low, high = low - (abs(low) or 1) / 2, high + (abs(high) or 1) / 2
    inner_w, inner_h = SPARK_WIDTH - 2 * SPARK_PAD, SPARK_HEIGHT - 2 * SPARK_PAD
    span = days[-1] - days[0]

    def x(day: int) -> float:
        return SPARK_PAD + (inner_w * (day - days[0]) / span if span else inner_w / 2)

    def y(value: float) -> float:
        return SPARK_PAD + inner_h * (high - value) / (high - low)

    parts = [(f'<svg class="spark" viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}" width="100%" '
             f'role="img" aria-label="{attribute(_sparkline_description(status))}" focusable="false">')]
    if healthy_from is not None:
        edge = y(float(healthy_from))
        top, bottom = (0.0, edge) if kpi.direction == "up" else (edge, float(SPARK_HEIGHT))
        parts.append(f'<rect class="spark-band" x="0" y="{_n(top)}" width="{SPARK_WIDTH}" '
                     f'height="{_n(bottom - top)}" fill="{ZONE_COLOURS[0]}" fill-opacity="0.16"/>')
    if kpi.target is not None:
        level = _n(y(float(kpi.target)))
        parts.append(f'<line class="spark-target" x1="0" x2="{SPARK_WIDTH}" y1="{level}" y2="{level}" '
                     f'stroke="{NEUTRAL}" stroke-width="1.5" stroke-dasharray="5 3"/>')
    points = " ".join(f"{_n(x(day))},{_n(y(value))}" for day, value in zip(days, values))
    parts.append(f'<polyline class="spark-series" points="{points}" fill="none" stroke="{SERIES_COLOUR}" '
                 'stroke-width="2" stroke-linejoin="round" stroke-linecap="round"/>')
    parts.append(f'<circle class="spark-latest" cx="{_n(x(days[-1]))}" cy="{_n(y(values[-1]))}" r="3" '
                 f'fill="{SERIES_COLOUR}"/></svg>')
    return "".join(parts)


def _healthy_edge(kpi: KPI) -> Number | None:
    """Where the healthy range begins: the green threshold, else the target (SPEC §3's health)."""
    if kpi.thresholds is not None:
        return kpi.thresholds.green
    return kpi.target


def _n(value: float) -> str:
    """A coordinate to one decimal, without a trailing '.0'."""
    text = f"{value:.1f}"
    return text.removesuffix(".0")


def _sparkline_description(status: ScoredKPI) -> str:
    kpi = status.kpi
    first, last = status.series[0], status.series[-1]
    count = len(status.series)
    values = {"title": kpi.title, "count": count, "first": point_date(first, kpi.period),
              "last": point_date(last, kpi.period), "latest": number(last.value, kpi.unit),
              "health": words(status.health), "trend": words(status.trend)}
    text = _("Sparkline of %(title)s") % values + ": "
    text += _points(count) % values
    text += ", " + _("latest %(latest)s, %(health)s, trend %(trend)s.") % values
    edge = _healthy_edge(kpi)
    if edge is not None:
        higher = kpi.direction == "up"
        text += " " + (_("The shaded band is the healthy range, at or above %(value)s.") if higher else
                       _("The shaded band is the healthy range, at or below %(value)s.")) % {
            "value": number(edge, kpi.unit)}
    if kpi.target is not None:
        text += " " + _("The dashed line is the target, %(value)s.") % {"value": number(kpi.target, kpi.unit)}
    return text


def nice_domain(low: Number, high: Number) -> tuple[float, float]:
    """A y domain holding ``low``..``high`` with a little room, ending on round numbers."""
    low, high = float(low), float(high)
    span = high - low
    if span == 0:
        span = abs(high) or 1.0
        low, high = low - span / 2, high + span / 2
    pad = span * 0.05
    step = _nice_step((span + 2 * pad) / 5)
    nice_low = math.floor((low - pad) / step) * step
    nice_high = math.ceil((high + pad) / step) * step
    if low >= 0 > nice_low:  # never invent negative room for a non-negative measure
        nice_low = 0.0
    return round(nice_low, 12), round(nice_high, 12)


def _nice_step(raw: float) -> float:
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


# -- scores across cycles, and a cycle's review ------------------------------------------------------

ALL_OBJECTIVES = N_("All objectives")
HISTORY_DEPTH = 1  # the archive chart draws the top teams and their departments; its table lists every team


def _cycle_note(cycle: ScoredCycle, reviewed: bool, as_of: dt.date) -> str:
    if cycle.state == "running":
        return _("running, as of %(date)s") % {"date": long_date(as_of)}
    return _("includes reviewed scores") if reviewed else ""


def history_chart(cycles: list[ScoredCycle], teams: list[ScoredTeam], as_of: dt.date) -> dict | None:
    """Vega-Lite spec of cycle scores over time: each team's own objectives, and all objectives as a
    dashed grey reference, cycles in start order; None when nothing has a score."""
    everything = _(ALL_OBJECTIVES)
    drawn = [team for team in teams if team.history]
    labels = _unique([everything, *(team.name for team in drawn)])[1:]  # no team takes the reference's name
    rows: list[dict[str, Any]] = [
        {"series": label, "cycle": entry.cycle.name, "score": entry.score,
         "note": _cycle_note(entry.cycle, entry.reviewed, as_of)}
        for label, team in zip(labels, drawn, strict=True) for entry in team.history]
    names = list(labels)
    if any(cycle.score is not None for cycle in cycles):
        rows += [{"series": everything, "cycle": cycle.name, "score": cycle.score,
                  "note": _cycle_note(cycle, cycle.reviewed, as_of)} for cycle in cycles if cycle.score is not None]
        names.append(everything)  # last, so it is drawn over the teams' lines
    if not rows:
        return None
    shown = {row["cycle"] for row in rows}
    order = [cycle.name for cycle in cycles if cycle.name in shown]
    latest = {row["series"]: row for row in rows}  # rows run in cycle order within each series
    description = ngettext("Line chart of cycle scores over %(num)s cycle, %(first)s to %(last)s, for %(series)s.",
                           "Line chart of cycle scores over %(num)s cycles, %(first)s to %(last)s, for %(series)s.",
                           len(order)) % {"num": len(order), "first": order[0], "last": order[-1],
                                          "series": ", ".join(names)}
    description += " " + _("Latest: %(scores)s.") % {"scores": "; ".join(
        _("%(series)s %(score)s in %(cycle)s") % {"series": name, "score": score(latest[name]["score"]),
                                                   "cycle": latest[name]["cycle"]} for name in names)}
    spec = _fill("history", description, {"scores": rows})
    colours = {"domain": names, "range": [NEUTRAL if name == everything else PALETTE[i % len(PALETTE)]
                                          for i, name in enumerate(names)]}
    spec["layer"] = [_put(_put(layer, ("encoding", "color", "scale"), colours), ("encoding", "x", "scale", "domain"),
                          order) for layer in spec["layer"]]
    return spec


def team_scores_chart(cycle: ScoredCycle, teams: list[ScoredTeam]) -> dict | None:
    """Vega-Lite spec of a cycle's score for all objectives and for each team that has objectives in
    it, as bars coloured by grade."""
    rows: list[dict[str, Any]] = []
    reviewed_note = _("includes reviewed scores")
    if cycle.score is not None and cycle.grade is not None:
        rows.append({"team": _(ALL_OBJECTIVES), "score": cycle.score, "grade": cycle.grade,
                     "label": _bar_label(cycle.score, cycle.reviewed),
                     "note": reviewed_note if cycle.reviewed else ""})
    for team in teams:
        if (entry := team.in_cycle(cycle.id)) is not None:
            rows.append({"team": team.name, "score": entry.score, "grade": entry.grade,
                         "label": _bar_label(entry.score, entry.reviewed),
                         "note": reviewed_note if entry.reviewed else ""})
    if not rows:
        return None
    for row, name in zip(rows, _unique(row["team"] for row in rows), strict=True):
        row["team"] = name
    description = _("Bar chart of the scores of %(cycle)s by team: %(scores)s.") % {
        "cycle": cycle.name,
        "scores": "; ".join(f"{row['team']} {score(row['score'])} ({words(row['grade'])})" for row in rows)}
    return _fill("teams", description, {"teams": rows})


def _bar_label(value: float, reviewed: bool) -> str:
    return _("%(score)s reviewed") % {"score": score(value)} if reviewed else score(value)


def grades_chart(cycle: ScoredCycle, counts: ReviewCounts) -> dict | None:
    """Vega-Lite spec of how many objectives ended green, yellow and red, per commitment."""
    rows: list[dict[str, Any]] = []
    for commitment, grades in counts.grades_by_commitment.items():
        for rank, grade in enumerate(GRADES):
            if grades[grade]:
                rows.append({"commitment": label(commitment), "grade": grade, "label": label(grade),
                             "count": grades[grade], "rank": rank})
    if not rows:
        return None
    parts = [_("%(commitment)s %(green)s green, %(yellow)s yellow, %(red)s red") % {
        "commitment": words(commitment), **{grade: grades[grade] for grade in GRADES}}
        for commitment, grades in counts.grades_by_commitment.items() if sum(grades.values())]
    description = ngettext("Stacked bar chart of the grades of %(cycle)s's %(num)s objective: %(grades)s.",
                           "Stacked bar chart of the grades of %(cycle)s's %(num)s objectives: %(grades)s.",
                           counts.objectives) % {"cycle": cycle.name, "num": counts.objectives,
                                                 "grades": "; ".join(parts)}
    return _fill("grades", description, {"grades": rows})


# -- JSON for <script type="application/json"> ----------------------------------------------------

def chart_json(spec: dict) -> str:
    """Compact JSON with sorted keys (key order carries no meaning; list order is kept), so equal
    specs give identical bytes; safe inside a <script> element."""
    text = orjson.dumps(spec, option=orjson.OPT_SORT_KEYS).decode()
    # "</" could close the script element and "<!--" could open an escaped state; U+2028/2029 are
    # line terminators to older JavaScript parsers. All of these occur only inside JSON strings.
    if "<" in text:  # rare in chart data: skip the passes over the text when there is none
        text = text.replace("</", "<\\/").replace("<!--", "\\u003c!--")
    if "\u2028" in text or "\u2029" in text:
        text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return text


def short_id(key: str) -> str:
    """A stable, short id for a chart key, to prefix the ids inside its SVG (so SVGs can share a page
    and a page's bytes do not depend on which other charts were drawn in the same batch)."""
    return hashlib.blake2b(key.encode(), digest_size=5).hexdigest()
