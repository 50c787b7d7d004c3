"""Vega-Lite specs for objective and KPI charts, their JSON and SVG forms, and the Vega bundle.

Each chart kind is built once as a real Altair chart (validated at first use) whose layers read
named datasets; a chart is then a copy of that template with its own datasets, domains and
description filled in, so building one costs microseconds, not the 20-30 ms of a fresh Altair chart.
Charts only show figures computed in ``scoring``; nothing here scores anything.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import functools
import json
import math
import multiprocessing
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .model import KPI, Cycle, Number, Objective, Point
from .scoring import KPIStatus, ObjectiveScore

# Mid-luminance colours: each has at least 3:1 contrast on white and on a near-black (#121212) page.
PALETTE = ("#2f7fd8", "#d9730d", "#2e9e5b", "#c2489c", "#8a63d2", "#1a9a9a", "#d64545", "#a0772b")
NEUTRAL = "#888"  # axes, labels, reference lines: readable on light and dark themes
SERIES_COLOUR = PALETTE[0]
ZONES = ("healthy", "watch", "unhealthy")
ZONE_COLOURS = ("#2e9e5b", "#e0a400", "#d64545")
CHART_HEIGHT = 260
SPARK_WIDTH, SPARK_HEIGHT = 160, 40
STATIC_WIDTH = 640  # the width given to "container" charts when they are rendered to SVG
PACE_LABEL = "expected pace"
VALUE_FORMAT = ",.6~r"  # d3 format: six significant digits, trailing zeros trimmed

BUNDLE_FORMAT = 1  # bump when the wrapper changes, so stale cached bundles are rebuilt
_SVG_PREFIX = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")


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


# ISO days parse as UTC midnight in browsers: UTC scales and UTC time units keep them on their day
# in every time zone (local time would show 2026-10-07 as Oct 6 west of Greenwich).
_DAY = "utcyearmonthdate(date):T"
_PLACEHOLDER_DAY = {"year": 2000, "month": 1, "date": 1, "utc": True}
_BUILDERS = {"objective": _objective_layers, "kpi": _kpi_layers, "sparkline": _sparkline_layers}


@functools.cache
def _template(kind: str) -> str:
    """The Vega-Lite JSON of one chart kind, built with Altair and validated once, whose layers
    read named datasets that each chart fills in."""
    import altair as alt  # imported on first use: it costs about half a second

    spec = _config(_BUILDERS[kind](alt)).to_dict(validate=True)
    return json.dumps(spec)


def _fill(kind: str, description: str, datasets: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """A fresh copy of the template (json.loads is a fast deep copy) with this chart's data;
    layers whose dataset is not given are left out."""
    spec: dict[str, Any] = json.loads(_template(kind))
    spec["description"] = description
    spec["layer"] = [layer for layer in spec["layer"] if layer["data"]["name"] in datasets]
    spec["datasets"] = datasets
    return spec


def _utc_day(day: dt.date) -> dict[str, Any]:
    return {"year": day.year, "month": day.month, "date": day.day, "utc": True}


# -- objective progress ---------------------------------------------------------------------------

def objective_chart(objective: Objective, score: ObjectiveScore, cycle: Cycle | None,
                    as_of: dt.date) -> dict | None:
    """Vega-Lite spec of each KR's progress over the cycle against the expected-pace line;
    None when the objective has no cycle."""
    if cycle is None:
        return None
    titles = _unique(kr.title for kr in objective.key_results)
    rows = [{"date": day.isoformat(), "kr": title, "progress": progress}
            for title, kr_score in zip(titles, score.key_results, strict=True)
            for day, progress in kr_score.progress]
    datasets: dict[str, list[dict[str, Any]]] = {
        "pace": [{"date": cycle.start.isoformat(), "progress": 0, "label": PACE_LABEL},
                 {"date": cycle.end.isoformat(), "progress": 1, "label": PACE_LABEL}],
        "kr": rows,
    }
    if cycle.start <= as_of <= cycle.end:
        datasets["as_of"] = [{"date": as_of.isoformat(), "label": f"as of {as_of.isoformat()}"}]
    description = _objective_description(objective, score, cycle, as_of, titles)
    spec = _fill("objective", description, datasets)
    spec["encoding"]["x"]["scale"]["domain"] = [_utc_day(cycle.start), _utc_day(cycle.end)]
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(titles))]
    for layer in spec["layer"]:
        colour = layer["encoding"].get("color")
        if colour:  # KR order, not alphabetical order, decides each line's colour
            colour["scale"] = {"domain": titles, "range": colours}
    return spec


def _objective_description(objective: Objective, score: ObjectiveScore, cycle: Cycle,
                           as_of: dt.date, titles: list[str]) -> str:
    results = "; ".join(f"{title} {kr.score:.0%}"
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

def kpi_chart(kpi: KPI, status: KPIStatus) -> dict | None:
    """Vega-Lite spec of the KPI's series with its target line and direction-aware threshold bands;
    None when there are no points."""
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
                               "label": f"target {_with_unit(kpi.target, kpi.unit)}"}]
    datasets["series"] = _series_rows(status.series)
    spec = _fill("kpi", _kpi_description(kpi, status), datasets)
    y = spec["encoding"]["y"]
    y["scale"]["domain"] = [low, high]
    y["title"] = f"{kpi.title} ({kpi.unit})" if kpi.unit else kpi.title
    return spec


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
             "label": f"healthy: at or below {_with_unit(green, unit)}"},
            {"zone": "watch", "value": green, "value2": yellow,
             "label": f"watch: {_with_unit(green, unit)} to {_with_unit(yellow, unit)}"},
            {"zone": "unhealthy", "value": yellow, "value2": high,
             "label": f"unhealthy: above {_with_unit(yellow, unit)}"},
        ]
    yellow = min(yellow, green)
    return [
        {"zone": "unhealthy", "value": low, "value2": yellow,
         "label": f"unhealthy: below {_with_unit(yellow, unit)}"},
        {"zone": "watch", "value": yellow, "value2": green,
         "label": f"watch: {_with_unit(yellow, unit)} to {_with_unit(green, unit)}"},
        {"zone": "healthy", "value": green, "value2": high,
         "label": f"healthy: at or above {_with_unit(green, unit)}"},
    ]


def sparkline(kpi: KPI, status: KPIStatus) -> dict | None:
    """A 160×40 line with no axes, for the KPI dashboard; None when there are no points."""
    if not status.series:
        return None
    rows = _series_rows(status.series)
    first, last = status.series[0], status.series[-1]
    count = len(rows)
    description = (f"Sparkline of {kpi.title}: {count} point{'' if count == 1 else 's'} from "
                   f"{first.date.isoformat()} to {last.date.isoformat()}, latest "
                   f"{_with_unit(last.value, kpi.unit)}, {_words(status.health)}, trend "
                   f"{_words(status.trend)}.")
    return _fill("sparkline", description, {"series": rows, "latest": rows[-1:]})


def _series_rows(series: tuple[Point, ...]) -> list[dict[str, Any]]:
    return [{"date": p.date.isoformat(), "value": p.value} for p in series]


def _kpi_description(kpi: KPI, status: KPIStatus) -> str:
    first, latest = status.series[0], status.series[-1]
    count = len(status.series)
    text = (f"Line chart of {kpi.title}{f' in {kpi.unit}' if kpi.unit else ''}: {count} "
            f"point{'' if count == 1 else 's'} from {first.date.isoformat()} to "
            f"{latest.date.isoformat()}; latest {_with_unit(latest.value, kpi.unit)} on "
            f"{latest.date.isoformat()}, {_words(status.health)}, trend {_words(status.trend)}"
            f"{', stale' if status.stale else ''}. "
            f"{'Lower' if kpi.direction == 'down' else 'Higher'} is better.")
    if kpi.target is not None:
        text += f" Target {_with_unit(kpi.target, kpi.unit)}."
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


def _fmt(value: Number) -> str:
    """A figure for words: integers with separators, others to about six significant digits."""
    if float(value).is_integer():
        return f"{int(value):,}"
    digits = max(0, 6 - len(str(int(abs(value)))))
    return f"{value:,.{digits}f}".rstrip("0").rstrip(".")


def _with_unit(value: Number, unit: str | None) -> str:
    if not unit:
        return _fmt(value)
    return f"{_fmt(value)}{unit}" if unit == "%" else f"{_fmt(value)} {unit}"


def _words(code: str) -> str:
    return code.replace("_", " ")


# -- JSON for <script type="application/json"> ----------------------------------------------------

def chart_json(spec: dict) -> str:
    """Compact JSON with sorted keys (key order carries no meaning; list order is kept), so equal
    specs give identical bytes; safe inside a <script> element."""
    text = json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)
    # "</" could close the script element and "<!--" could open an escaped state; U+2028/2029 are
    # line terminators to older JavaScript parsers. All of these occur only inside JSON strings.
    return (text.replace("</", "<\\/").replace("<!--", "\\u003c!--")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


# -- vl-convert: the script bundle and static SVG ------------------------------------------------
# vl-convert's runtime hangs in any process forked after it started, and the build (or its callers)
# may fork. So this process never calls it: every call runs in a spawned worker process.

def _spawn_pool(workers: int) -> concurrent.futures.ProcessPoolExecutor:
    return concurrent.futures.ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("spawn"))


# vl-convert bundles this snippet with everything it references into one ES module.
_BUNDLE_SNIPPET = "window.vegaEmbed = vegaEmbed; window.vega = vega; window.vegaLite = vegaLite;\n"


def _bundle_worker() -> tuple[str, str]:
    """In a spawned process: the library versions and the bundle."""
    import vl_convert

    versions = (f"Vega {vl_convert.get_vega_version()}, "
                f"Vega-Lite {vl_convert.get_vegalite_versions()[-1]}, "
                f"vega-embed {vl_convert.get_vega_embed_version()}")
    return versions, vl_convert.javascript_bundle(_BUNDLE_SNIPPET)


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / "okr-pages"


def _bundle_header() -> str:
    import vl_convert

    version = getattr(vl_convert, "__version__", "unknown")
    return f"/* okr-pages vega bundle, format {BUNDLE_FORMAT}, vl-convert {version}: "


@functools.cache
def javascript_bundle() -> str:
    """Vega, Vega-Lite and vega-embed as one classic script that sets window.vegaEmbed.

    Built once per vl-convert version (about 2 s) and kept in memory and in
    ``$XDG_CACHE_HOME/okr-pages/vega-bundle-<version>.js`` (written atomically)."""
    import vl_convert

    header = _bundle_header()
    path = _cache_dir() / f"vega-bundle-{getattr(vl_convert, '__version__', 'unknown')}.js"
    try:
        cached = path.read_text(encoding="utf-8")
        if cached.startswith(header):
            return cached
    except OSError:
        pass
    with _spawn_pool(1) as pool:
        versions, module_text = pool.submit(_bundle_worker).result()
    # vl-convert emits module code with no import/export but hundreds of top-level const and
    # function declarations (n, t, e, ...). Loaded as a classic script those would become page
    # globals and could clash; a strict-mode function wrapper keeps the module's semantics and
    # leaves only window.vegaEmbed, window.vega and window.vegaLite.
    text = (f"{header}{versions}, wrapped as a classic script */\n"
            f"(function () {{\n\"use strict\";\n{module_text}\n}})();\n")
    try:
        _write_atomically(path, text)
    except OSError:  # an unwritable cache only costs the next build the same 2 s
        pass
    return text


def _write_atomically(path: Path, text: str) -> None:
    """Write to a temporary file beside ``path``, then rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".vega-bundle-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)  # mkstemp makes files private; a cache needs no secrecy
        os.replace(temp, path)
    except BaseException:
        os.unlink(temp)
        raise


def _svg_worker(spec_text: str) -> str:
    import vl_convert

    return vl_convert.vegalite_to_svg(spec_text)


def render_svgs(specs: list[dict], prefixes: list[str]) -> list[str]:
    """Static SVG for each spec (for ``charts: svg``), each id prefixed so SVGs can share a page.

    Conversions run in spawned worker processes (see above), which start in about half a second
    each; as with any spawn pool, a calling script must guard its work with
    ``if __name__ == "__main__"``. The same spec always gives the same bytes."""
    if len(specs) != len(prefixes):
        raise ValueError("render_svgs needs one prefix per spec")
    if len(set(prefixes)) != len(prefixes):
        raise ValueError("render_svgs needs distinct prefixes")
    for prefix in prefixes:
        if not _SVG_PREFIX.match(prefix):
            raise ValueError(f"SVG id prefix {prefix!r} must start with a letter and hold only "
                             "letters, digits, '-' and '_'")
    if not specs:
        return []
    texts = [json.dumps(_static(spec)) for spec in specs]
    workers = max(1, min(len(texts) // 25 + 1, os.cpu_count() or 1, 4))  # a worker costs ~0.5 s
    with _spawn_pool(workers) as pool:
        svgs = list(pool.map(_svg_worker, texts, chunksize=math.ceil(len(texts) / workers)))
    return [_finish_svg(svg, prefix, spec.get("description", ""))
            for svg, prefix, spec in zip(svgs, prefixes, specs, strict=True)]


def _static(spec: dict) -> dict:
    """No container to measure in a static render: give responsive charts a fixed width."""
    if spec.get("width") == "container":
        spec = {**spec, "width": STATIC_WIDTH}
    return spec


_ID = re.compile(r'(?<![\w:-])id="([^"]+)"')


def _finish_svg(svg: str, prefix: str, description: str) -> str:
    """Rename every id to prefix + a per-chart number (vl-convert numbers clip paths with a counter
    that runs on across conversions in one worker, so its ids depend on what ran before) and
    every reference to one (url(#…), href="#…"); make the root an accessible image labelled with
    the chart's description."""
    names: dict[str, str] = {}
    counters: dict[str, int] = {}
    for old in _ID.findall(svg):
        if old not in names:
            base = old.rstrip("0123456789") or "id"
            counters[base] = counters.get(base, 0) + 1
            names[old] = f"{prefix}{base}{counters[base]}"
    if names:
        svg = _ID.sub(lambda m: f'id="{names[m[1]]}"', svg)
        svg = re.sub(r"url\((['\"]?)#([^)'\"]+)\1\)",
                     lambda m: f"url({m[1]}#{names[m[2]]}{m[1]})" if m[2] in names else m[0], svg)
        svg = re.sub(r'(?<![\w-])((?:xlink:)?href)="#([^"]+)"',
                     lambda m: f'{m[1]}="#{names[m[2]]}"' if m[2] in names else m[0], svg)
    start = svg.index("<svg")
    end = svg.index(">", start)
    root = re.sub(r'\s(role|aria-label|aria-roledescription)="[^"]*"', "", svg[start:end])
    label = (description.replace("&", "&amp;").replace('"', "&quot;")
             .replace("<", "&lt;").replace(">", "&gt;"))
    root += f' role="img" aria-label="{label}"' if label else ' role="img"'
    return svg[:start] + root + svg[end:]
