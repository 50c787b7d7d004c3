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
from ..model.content import KPI, Number, Point
from ..model.review import ReviewCounts
from ..model.scoring import ScoredCycle, ScoredKPI, ScoredObjective, ScoredTeam
from ..output import write_file
from .formatting import number, words
from .vega import cache_dir

# Mid-luminance colours: each has at least 3:1 contrast on white and on a near-black (#121212) page.
PALETTE = ("#2f7fd8", "#d9730d", "#2e9e5b", "#c2489c", "#8a63d2", "#1a9a9a", "#d64545", "#a0772b")
NEUTRAL = "#888"  # axes, labels, reference lines: readable on light and dark themes
SERIES_COLOUR = PALETTE[0]
ZONES = ("healthy", "watch", "unhealthy")
ZONE_COLOURS = ("#2e9e5b", "#e0a400", "#d64545")
GRADES = ("green", "yellow", "red")
GRADE_COLOURS = ZONE_COLOURS  # green, yellow, red: the same three colours as KPI health
CHART_HEIGHT = 260
SPARK_WIDTH, SPARK_HEIGHT = 160, 40
PACE_LABEL = "expected pace"
VALUE_FORMAT = ",.6~r"  # d3 format: six significant digits, trailing zeros trimmed


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
    x = alt.X("date:T", title=None, axis=alt.Axis(format="%b %-d", labelOverlap="greedy"),
              scale=alt.Scale(type="utc", domain=[_PLACEHOLDER_DAY, _PLACEHOLDER_DAY]))
    y = alt.Y("progress:Q", title="Progress", scale=alt.Scale(domain=[0, 1], nice=False),
              axis=alt.Axis(format=".0%", tickCount=5))
    colour = alt.Color("kr:N", title="Key result",
                       scale=alt.Scale(domain=["a"], range=[PALETTE[0]]),  # set per chart
                       legend=alt.Legend(orient="bottom", direction="vertical"))
    # The pace line gets its own legend entry (a dashed stroke) in the top-left corner, which
    # progress lines rarely reach, so no label is drawn across the lines.
    pace = alt.Chart(alt.NamedData(name="pace")).mark_line(
        color=NEUTRAL, strokeWidth=1.5, aria=False).encode(
        y=y, strokeDash=alt.StrokeDash(
            "label:N", title=None, scale=alt.Scale(domain=[PACE_LABEL], range=[[6, 4]]),
            legend=alt.Legend(orient="top-left", symbolStrokeColor=NEUTRAL, symbolType="stroke",
                              symbolSize=500, symbolStrokeWidth=1.5)),
        tooltip=alt.value("Expected pace: from 0% at the start to 100% at the end"))
    rule = alt.Chart(alt.NamedData(name="as_of")).mark_rule(color=NEUTRAL, strokeWidth=1).encode(
        tooltip=[alt.Tooltip(_DAY, title="Scores as of", format="%Y-%m-%d")])
    rule_label = alt.Chart(alt.NamedData(name="as_of")).mark_text(
        color=NEUTRAL, align="left", baseline="bottom", dx=3, dy=-2, fontSize=11, aria=False,
    ).encode(y=alt.value("height"), text="label:N")
    lines = alt.Chart(alt.NamedData(name="kr")).mark_line(
        strokeWidth=2, clip=True, aria=False).encode(y=y, color=colour)
    points = alt.Chart(alt.NamedData(name="kr")).mark_point(
        filled=True, size=45, opacity=1, clip=True).encode(
        y=y, color=colour, tooltip=[alt.Tooltip(_DAY, title="Date", format="%Y-%m-%d"),
                                    alt.Tooltip("kr:N", title="Key result"),
                                    alt.Tooltip("progress:Q", title="Progress", format=".1~%")])
    # Points last, so they sit above the as-of rule and keep their tooltips.
    return alt.layer(pace, rule, rule_label, lines, points).encode(x=x).properties(
        width="container", height=CHART_HEIGHT, description="",
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))


def _kpi_layers(alt: Any) -> Any:
    y = alt.Y("value:Q", title="", scale=alt.Scale(domain=[0, 1], nice=False, zero=False))
    # Month ticks line up with monthly points; overlapping labels are dropped rather than collide.
    x = alt.X("date:T", title=None, scale=alt.Scale(type="utc"),
              axis=alt.Axis(format="%b %Y", tickCount={"interval": "month", "step": 1},
                            labelOverlap="greedy", labelFlush=True))
    bands = alt.Chart(alt.NamedData(name="bands")).mark_rect(opacity=0.16, aria=False).encode(
        x=alt.value(0), x2=alt.value("width"), y2="value2:Q",
        color=alt.Color("zone:N", scale=alt.Scale(domain=list(ZONES), range=list(ZONE_COLOURS)),
                        legend=None),
        tooltip=[alt.Tooltip("label:N", title="Zone")])
    target = alt.Chart(alt.NamedData(name="target")).mark_rule(
        color=NEUTRAL, strokeDash=[4, 4], strokeWidth=1.5).encode(
        tooltip=[alt.Tooltip("label:N", title="Target")])
    target_label = alt.Chart(alt.NamedData(name="target")).mark_text(
        color=NEUTRAL, align="right", baseline="bottom", dy=-3, fontSize=11, aria=False).encode(
        x=alt.value("width"), text="label:N")
    line = alt.Chart(alt.NamedData(name="series")).mark_line(
        color=SERIES_COLOUR, strokeWidth=2, aria=False).encode(x=x)
    points = alt.Chart(alt.NamedData(name="series")).mark_point(
        color=SERIES_COLOUR, filled=True, size=40, opacity=1).encode(
        x=x, tooltip=[alt.Tooltip(_DAY, title="Date", format="%Y-%m-%d"),
                      alt.Tooltip("value:Q", title="Value", format=VALUE_FORMAT)])
    return alt.layer(bands, target, target_label, line, points).encode(y=y).properties(
        width="container", height=CHART_HEIGHT, description="",
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))


def _sparkline_layers(alt: Any) -> Any:
    x = alt.X("date:T", axis=None, scale=alt.Scale(type="utc"))
    y = alt.Y("value:Q", axis=None, scale=alt.Scale(zero=False))
    line = alt.Chart(alt.NamedData(name="series")).mark_line(
        color=SERIES_COLOUR, strokeWidth=1.5).encode(x=x, y=y)
    latest = alt.Chart(alt.NamedData(name="latest")).mark_point(
        color=SERIES_COLOUR, filled=True, size=20, opacity=1).encode(
        x=x, y=y, tooltip=[alt.Tooltip(_DAY, title="Date", format="%Y-%m-%d"),
                           alt.Tooltip("value:Q", title="Latest", format=VALUE_FORMAT)])
    return alt.layer(line, latest).properties(
        width=SPARK_WIDTH, height=SPARK_HEIGHT, description="", padding=3)


def _history_layers(alt: Any) -> Any:
    """Scores across cycles: a line per team (and one for all objectives) over the cycles in order."""
    x = alt.X("cycle:N", title=None, sort=None, scale=alt.Scale(domain=["a"]),  # cycle order: set per chart
              axis=alt.Axis(labelAngle=0, labelOverlap="greedy"))
    y = alt.Y("score:Q", title="Score", scale=alt.Scale(domain=[0, 1], nice=False),
              axis=alt.Axis(format=".1f", tickCount=5))
    colour = alt.Color("series:N", title=None, sort=None,
                       scale=alt.Scale(domain=["a"], range=[PALETTE[0]]),  # set per chart
                       legend=alt.Legend(orient="bottom", direction="horizontal", columns=4))
    # All objectives is the reference: a dashed grey line drawn over the teams' lines.
    dash = alt.condition(alt.datum.series == ALL_OBJECTIVES, alt.value([6, 4]), alt.value([1, 0]))
    lines = alt.Chart(alt.NamedData(name="scores")).mark_line(strokeWidth=2, aria=False).encode(
        x=x, y=y, color=colour, strokeDash=dash)
    points = alt.Chart(alt.NamedData(name="scores")).mark_point(filled=True, size=50, opacity=1).encode(
        x=x, y=y, color=colour, tooltip=[alt.Tooltip("series:N", title="Team"),
                                         alt.Tooltip("cycle:N", title="Cycle"),
                                         alt.Tooltip("score:Q", title="Score", format=".2f"),
                                         alt.Tooltip("note:N", title="Note")])
    return alt.layer(lines, points).properties(
        width="container", height=CHART_HEIGHT, description="",
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))


# Room around the bars for labels: a static SVG measures text in vl-convert's font, and a reader's
# wider system font would otherwise run past the edge.
_LABEL_ROOM = {"left": 24, "top": 5, "right": 72, "bottom": 5}


def _team_bar_layers(alt: Any) -> Any:
    """A cycle's score by team: one bar each, coloured by grade, on a 0–1 scale."""
    y = alt.Y("team:N", title=None, sort=None, axis=alt.Axis(labelLimit=220))
    x = alt.X("score:Q", title="Score", scale=alt.Scale(domain=[0, 1], nice=False),
              axis=alt.Axis(format=".1f", tickCount=5))
    bars = alt.Chart(alt.NamedData(name="teams")).mark_bar(height={"band": 0.7}).encode(
        x=x, y=y, color=alt.Color("grade:N", legend=None, scale=alt.Scale(domain=list(GRADES),
                                                                          range=list(GRADE_COLOURS))),
        tooltip=[alt.Tooltip("team:N", title="Team"), alt.Tooltip("score:Q", title="Score", format=".2f"),
                 alt.Tooltip("note:N", title="Note")])
    labels = alt.Chart(alt.NamedData(name="teams")).mark_text(
        align="left", dx=4, color=NEUTRAL, fontSize=11, aria=False).encode(x=x, y=y, text="label:N")
    return alt.layer(bars, labels).properties(width="container", height={"step": 26}, description="",
                                              padding=_LABEL_ROOM,
                                              autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))


def _grade_layers(alt: Any) -> Any:
    """The distribution of grades: per commitment, how many objectives ended green, yellow and red."""
    bars = alt.Chart(alt.NamedData(name="grades")).mark_bar(height={"band": 0.7}).encode(
        y=alt.Y("commitment:N", title=None, sort=None),
        x=alt.X("count:Q", title="Objectives", axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("grade:N", title="Grade", sort=None,
                        scale=alt.Scale(domain=list(GRADES), range=list(GRADE_COLOURS)),
                        legend=alt.Legend(orient="bottom", direction="horizontal",
                                          labelExpr="upper(slice(datum.label, 0, 1)) + slice(datum.label, 1)")),
        order=alt.Order("rank:Q"),
        tooltip=[alt.Tooltip("commitment:N", title="Commitment"), alt.Tooltip("label:N", title="Grade"),
                 alt.Tooltip("count:Q", title="Objectives")])
    return alt.layer(bars).properties(width="container", height={"step": 30}, description="", padding=_LABEL_ROOM,
                                      autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))


# ISO days parse as UTC midnight in browsers: UTC scales and UTC time units keep them on their day
# in every time zone (local time would show 2026-10-07 as Oct 6 west of Greenwich).
_DAY = "utcyearmonthdate(date):T"
_PLACEHOLDER_DAY = {"year": 2000, "month": 1, "date": 1, "utc": True}
_BUILDERS = {"objective": _objective_layers, "kpi": _kpi_layers, "sparkline": _sparkline_layers,
             "history": _history_layers, "teams": _team_bar_layers, "grades": _grade_layers}


def _templates_key() -> str:
    """Cached templates are good for this Altair and this file's code: either changing makes new ones."""
    try:
        altair = version("altair")
    except PackageNotFoundError:
        altair = "unknown"
    code = hashlib.blake2b(Path(__file__).read_bytes(), digest_size=8).hexdigest()
    return f"{altair}-{code}"


@functools.cache
def _templates() -> dict[str, dict[str, Any]]:
    """The Vega-Lite spec of each chart kind, built with Altair and validated once per version,
    whose layers read named datasets that each chart fills in."""
    path = cache_dir() / f"chart-templates-{_templates_key()}.json"
    try:
        cached = json.loads(path.read_bytes())
        if isinstance(cached, dict) and cached.keys() == _BUILDERS.keys():
            return cached
    except (OSError, ValueError):
        pass
    import altair as alt  # about a second to import and validate: only when the cache is cold

    built = {kind: _config(builder(alt)).to_dict(validate=True) for kind, builder in _BUILDERS.items()}
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


# -- objective progress ---------------------------------------------------------------------------

def objective_chart(score: ScoredObjective, as_of: dt.date) -> dict | None:
    """Vega-Lite spec of each KR's progress over the cycle against the expected-pace line;
    None when the objective has no cycle or none of its key results has a dated value."""
    cycle, objective = score.cycle, score.objective
    if cycle is None:
        return None
    titles = _unique(kr.title for kr in objective.key_results)
    rows = [{"date": day.isoformat(), "kr": title, "progress": progress}
            for title, kr_score in zip(titles, score.key_results, strict=True)
            for day, progress in kr_score.progress]
    if not rows:
        return None  # no key result has a dated value: nothing to draw (the table says so)
    datasets: dict[str, list[dict[str, Any]]] = {
        "pace": [{"date": cycle.start.isoformat(), "progress": 0, "label": PACE_LABEL},
                 {"date": cycle.end.isoformat(), "progress": 1, "label": PACE_LABEL}],
        "kr": rows,
    }
    if cycle.start <= as_of <= cycle.end:
        datasets["as_of"] = [{"date": as_of.isoformat(), "label": f"as of {as_of.isoformat()}"}]
    description = _objective_description(score, as_of, titles)
    spec = _fill("objective", description, datasets)
    spec = _put(spec, ("encoding", "x", "scale", "domain"), [_utc_day(cycle.start), _utc_day(cycle.end)])
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
    results = "; ".join(f"{title} {kr.score:.0%}" + ("" if kr.progress else " (no dated value, not drawn)")
                        for title, kr in zip(titles, score.key_results, strict=True))
    count = len(titles)
    when = "final" if as_of > cycle.end else f"as of {as_of.isoformat()}"
    text = (f"Line chart of the progress of {count} key result{'' if count == 1 else 's'} of "
            f"“{objective.title}” over {cycle.name or cycle.id}, {cycle.start.isoformat()} to "
            f"{cycle.end.isoformat()}, {when}")
    text += f": {results}." if results else "."
    text += f" Objective score {score.score:.0%}"
    if cycle.start <= as_of <= cycle.end:
        text += f" against an expected pace of {score.expected:.0%}"
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
    None when there are no points."""
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
                               "label": f"target {number(kpi.target, kpi.unit)}"}]
    datasets["series"] = _series_rows(status.series)
    spec = _fill("kpi", _kpi_description(status), datasets)
    spec = _put(spec, ("encoding", "y", "scale", "domain"), [low, high])
    return _put(spec, ("encoding", "y", "title"), f"{kpi.title} ({kpi.unit})" if kpi.unit else kpi.title)


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
             "label": f"healthy: at or below {number(green, unit)}"},
            {"zone": "watch", "value": green, "value2": yellow,
             "label": f"watch: {number(green, unit)} to {number(yellow, unit)}"},
            {"zone": "unhealthy", "value": yellow, "value2": high,
             "label": f"unhealthy: above {number(yellow, unit)}"},
        ]
    yellow = min(yellow, green)
    return [
        {"zone": "unhealthy", "value": low, "value2": yellow,
         "label": f"unhealthy: below {number(yellow, unit)}"},
        {"zone": "watch", "value": yellow, "value2": green,
         "label": f"watch: {number(yellow, unit)} to {number(green, unit)}"},
        {"zone": "healthy", "value": green, "value2": high,
         "label": f"healthy: at or above {number(green, unit)}"},
    ]


def sparkline(status: ScoredKPI) -> dict | None:
    """A 160×40 line with no axes, for the KPI dashboard; None when there are no points."""
    kpi = status.kpi
    if not status.series:
        return None
    rows = _series_rows(status.series)
    first, last = status.series[0], status.series[-1]
    count = len(rows)
    description = (f"Sparkline of {kpi.title}: {count} point{'' if count == 1 else 's'} from "
                   f"{first.date.isoformat()} to {last.date.isoformat()}, latest "
                   f"{number(last.value, kpi.unit)}, {words(status.health)}, trend "
                   f"{words(status.trend)}.")
    return _fill("sparkline", description, {"series": rows, "latest": rows[-1:]})


def _series_rows(series: tuple[Point, ...]) -> list[dict[str, Any]]:
    return [{"date": p.date.isoformat(), "value": p.value} for p in series]


def _kpi_description(status: ScoredKPI) -> str:
    kpi = status.kpi
    first, latest = status.series[0], status.series[-1]
    count = len(status.series)
    text = (f"Line chart of {kpi.title}{f' in {kpi.unit}' if kpi.unit else ''}: {count} "
            f"point{'' if count == 1 else 's'} from {first.date.isoformat()} to "
            f"{latest.date.isoformat()}; latest {number(latest.value, kpi.unit)} on "
            f"{latest.date.isoformat()}, {words(status.health)}, trend {words(status.trend)}"
            f"{', stale' if status.stale else ''}. "
            f"{'Lower' if kpi.direction == 'down' else 'Higher'} is better.")
    if kpi.target is not None:
        text += f" Target {number(kpi.target, kpi.unit)}."
    if kpi.thresholds is not None:
        zones = threshold_bands(kpi, 0, 0)
        text += " Zones: " + "; ".join(zone["label"] for zone in zones) + "."
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

ALL_OBJECTIVES = "All objectives"
HISTORY_DEPTH = 1  # the archive chart draws the top teams and their departments; its table lists every team


def _cycle_note(cycle: ScoredCycle, reviewed: bool, as_of: dt.date) -> str:
    if cycle.state == "running":
        return f"running, as of {as_of.isoformat()}"
    return "includes reviewed scores" if reviewed else ""


def history_chart(cycles: list[ScoredCycle], teams: list[ScoredTeam], overall: bool, as_of: dt.date) -> dict | None:
    """Vega-Lite spec of cycle scores over time: each team's own objectives, and all objectives
    (``overall``) as a dashed grey reference, cycles in start order; None when nothing has a score."""
    drawn = [team for team in teams if team.history]
    labels = _unique([ALL_OBJECTIVES, *(team.name for team in drawn)])[1:]  # no team takes the reference's name
    rows: list[dict[str, Any]] = [
        {"series": label, "cycle": entry.cycle.name, "score": entry.score,
         "note": _cycle_note(entry.cycle, entry.reviewed, as_of)}
        for label, team in zip(labels, drawn, strict=True) for entry in team.history]
    names = list(labels)
    if overall and any(cycle.score is not None for cycle in cycles):
        rows += [{"series": ALL_OBJECTIVES, "cycle": cycle.name, "score": cycle.score,
                  "note": _cycle_note(cycle, cycle.reviewed, as_of)} for cycle in cycles if cycle.score is not None]
        names.append(ALL_OBJECTIVES)  # last, so it is drawn over the teams' lines
    if not rows:
        return None
    shown = {row["cycle"] for row in rows}
    order = [cycle.name for cycle in cycles if cycle.name in shown]
    latest = {row["series"]: row for row in rows}  # rows run in cycle order within each series
    description = (f"Line chart of cycle scores over {len(order)} cycle{'' if len(order) == 1 else 's'}, "
                   f"{order[0]} to {order[-1]}, for {', '.join(names)}. Latest: "
                   + "; ".join(f"{name} {latest[name]['score']:.2f} in {latest[name]['cycle']}" for name in names) + ".")
    spec = _fill("history", description, {"scores": rows})
    colours = {"domain": names, "range": [NEUTRAL if name == ALL_OBJECTIVES else PALETTE[i % len(PALETTE)]
                                          for i, name in enumerate(names)]}
    spec["layer"] = [_put(_put(layer, ("encoding", "color", "scale"), colours), ("encoding", "x", "scale", "domain"),
                          order) for layer in spec["layer"]]
    return spec


def team_scores_chart(cycle: ScoredCycle, teams: list[ScoredTeam]) -> dict | None:
    """Vega-Lite spec of a cycle's score for all objectives and for each team that has objectives in
    it, as bars coloured by grade."""
    rows: list[dict[str, Any]] = []
    if cycle.score is not None and cycle.grade is not None:
        rows.append({"team": ALL_OBJECTIVES, "score": cycle.score, "grade": cycle.grade,
                     "label": _bar_label(cycle.score, cycle.reviewed),
                     "note": "includes reviewed scores" if cycle.reviewed else ""})
    for team in teams:
        for entry in team.history:
            if entry.cycle.id == cycle.id:
                rows.append({"team": team.name, "score": entry.score, "grade": entry.grade,
                             "label": _bar_label(entry.score, entry.reviewed),
                             "note": "includes reviewed scores" if entry.reviewed else ""})
    if not rows:
        return None
    for row, name in zip(rows, _unique(row["team"] for row in rows), strict=True):
        row["team"] = name
    description = (f"Bar chart of the scores of {cycle.name} by team: "
                   + "; ".join(f"{row['team']} {row['score']:.2f} ({row['grade']})" for row in rows) + ".")
    return _fill("teams", description, {"teams": rows})


def _bar_label(score: float, reviewed: bool) -> str:
    return f"{score:.2f}{' reviewed' if reviewed else ''}"


def grades_chart(cycle: ScoredCycle, counts: ReviewCounts) -> dict | None:
    """Vega-Lite spec of how many objectives ended green, yellow and red, per commitment."""
    rows: list[dict[str, Any]] = []
    for commitment, grades in counts.grades_by_commitment.items():
        for rank, grade in enumerate(GRADES):
            if grades[grade]:
                rows.append({"commitment": commitment.capitalize(), "grade": grade, "label": grade.capitalize(),
                             "count": grades[grade], "rank": rank})
    if not rows:
        return None
    description = (f"Stacked bar chart of the grades of {cycle.name}'s {counts.objectives} "
                   "objectives: " + "; ".join(
                       f"{commitment} " + ", ".join(f"{grades[g]} {g}" for g in GRADES)
                       for commitment, grades in counts.grades_by_commitment.items()
                       if sum(grades.values())) + ".")
    return _fill("grades", description, {"grades": rows})


# -- JSON for <script type="application/json"> ----------------------------------------------------

def chart_json(spec: dict) -> str:
    """Compact JSON with sorted keys (key order carries no meaning; list order is kept), so equal
    specs give identical bytes; safe inside a <script> element."""
    text = orjson.dumps(spec, option=orjson.OPT_SORT_KEYS).decode()
    # "</" could close the script element and "<!--" could open an escaped state; U+2028/2029 are
    # line terminators to older JavaScript parsers. All of these occur only inside JSON strings.
    return (text.replace("</", "<\\/").replace("<!--", "\\u003c!--")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def short_id(key: str) -> str:
    """A stable, short id for a chart key, to prefix the ids inside its SVG (so SVGs can share a page
    and a page's bytes do not depend on which other charts were drawn in the same batch)."""
    return hashlib.blake2b(key.encode(), digest_size=5).hexdigest()
