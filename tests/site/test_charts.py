"""generator/site/charts.py and vega.py: Vega-Lite specs from a small model, their JSON, SVG and the bundle."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import altair as alt
import pytest

from generator.model.content import KPI, CheckIn, Cycle, KeyResult, Objective, Point, Thresholds
from generator.scoring.scores import ScoredKPI, ScoredKR, ScoredObjective
from generator.site import charts, vega

REPO = Path(__file__).resolve().parents[2]


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


CYCLE = Cycle("2026-Q4", d("2026-10-01"), d("2026-12-31"), "Q4 2026")
AS_OF = d("2026-11-22")


def objective(cycle: Cycle | None = CYCLE) -> ScoredObjective:
    krs = (
        KeyResult("pilots", "Sign 8 pilots", "numeric", baseline=0, target=8,
                  checkins=(CheckIn(d("2026-10-07"), 1), CheckIn(d("2026-11-18"), 5))),
        KeyResult("resellers", "Launch resellers </script>", "binary", done=True),
    )
    scores = (
        ScoredKR(krs[0], 0.625, 5, 0, None, False, (), ((d("2026-10-01"), 0.0), (d("2026-10-07"), 0.125),
                                                         (d("2026-11-18"), 0.625))),
        ScoredKR(krs[1], 1.0, None, None, None, False, (), ((AS_OF, 1.0),)),
    )
    obj = Objective("2026-Q4/sales/win", "Win enterprise", "2026-Q4", "sales", None, None,
                    "committed", krs)
    return ScoredObjective(obj, 0.8125, "green", 0.5714, "on_track", None, scores, cycle)


DOWN_THRESHOLDS = Thresholds(300, 400)


def kpi(direction: str = "down", thresholds: Thresholds | None = DOWN_THRESHOLDS,
        target: float | None = 250,
        values: tuple[float, ...] = (410, 380, 292), months: bool = False, period: str = "start") -> ScoredKPI:
    series = tuple(Point(dt.date(2026, 8 + i, 1), v, months) for i, v in enumerate(values))
    model = KPI("latency", "API latency", "eng", None, "ms",
                direction, target, thresholds, "monthly", series, period=period)  # type: ignore[arg-type]
    latest = series[-1] if series else None
    return ScoredKPI(model, series, latest, "healthy", "improving", False, (), False)


def layer(spec: dict, data_name: str, mark: str | None = None) -> dict:
    found = [layer for layer in spec["layer"] if layer["data"]["name"] == data_name
             and (mark is None or layer["mark"]["type"] == mark)]
    assert len(found) == 1, (data_name, mark)
    return found[0]


# -- specs ---------------------------------------------------------------------------------------

def test_filled_specs_are_valid_vega_lite() -> None:
    score = objective()
    status = kpi()
    for spec in (charts.objective_chart(score, AS_OF), charts.kpi_chart(status),
                 charts.kpi_chart(kpi(months=True, period="end"))):
        assert spec is not None
        alt.LayerChart.from_dict(json.loads(charts.chart_json(spec)), validate=True)


def test_objective_chart_holds_each_kr_progress_in_kr_order() -> None:
    score = objective()
    spec = charts.objective_chart(score, AS_OF)
    assert spec is not None
    assert spec["datasets"]["kr"] == [
        {"date": "2026-10-01", "kr": "Sign 8 pilots", "progress": 0.0},
        {"date": "2026-10-07", "kr": "Sign 8 pilots", "progress": 0.125},
        {"date": "2026-11-18", "kr": "Sign 8 pilots", "progress": 0.625},
        {"date": "2026-11-22", "kr": "Launch resellers </script>", "progress": 1.0},
    ]
    colour = layer(spec, "kr", "line")["encoding"]["color"]
    assert colour["field"] == "kr"
    assert colour["scale"]["domain"] == ["Sign 8 pilots", "Launch resellers </script>"]
    assert spec["encoding"]["x"]["type"] == "temporal"
    assert spec["encoding"]["x"]["scale"]["domain"] == [
        {"year": 2026, "month": 10, "date": 1, "utc": True},
        {"year": 2026, "month": 12, "date": 31, "utc": True}]
    y = layer(spec, "kr", "point")["encoding"]["y"]
    assert y["scale"]["domain"] == [0, 1] and y["axis"]["format"].endswith("%")
    points = layer(spec, "kr", "point")
    tips = [(tip["field"], tip["title"], tip.get("format")) for tip in points["encoding"]["tooltip"]]
    # the browser writes dates and shares as the page does: the formats come from formatting
    assert tips == [("when", "Date", None), ("kr", "Key result", None), ("progress", "Progress", ".0%")]
    [when] = points["transform"]
    assert when["as"] == "when" and '"%-d %b %Y"' in when["calculate"] and "datum.month" in when["calculate"]
    assert spec["width"] == "container" and spec["height"] == charts.CHART_HEIGHT
    assert spec["config"]["background"] == "transparent"
    assert "title" not in spec
    assert "Sign 8 pilots 63%" in spec["description"] and "Win enterprise" in spec["description"]


def test_a_kpi_value_written_as_a_month_shows_its_month_in_the_tooltip_as_in_the_table() -> None:
    """A key result that reads a KPI of monthly values: its points are months, not days (2026-11
    with ``period: end`` is October's value), in the chart's tooltip as in the table beside it."""
    import dataclasses

    from generator.site.templates import progress_date

    monthly = kpi(direction="up", months=True, period="end").kpi
    score = objective()
    reads = dataclasses.replace(score.key_results[0], kpi=monthly,
                                progress=((d("2026-10-01"), 0.5), (d("2026-11-18"), 0.625)),
                                month_points=frozenset({d("2026-10-01")}))
    score = dataclasses.replace(score, key_results=(reads, score.key_results[1]))
    spec = charts.objective_chart(score, AS_OF)
    assert spec is not None
    rows = spec["datasets"]["kr"]
    assert rows[0] == {"date": "2026-10-01", "kr": "Sign 8 pilots", "progress": 0.5, "month": "Sep 2026"}
    assert rows[0]["month"] == progress_date(d("2026-10-01"), reads)
    assert "month" not in rows[1]  # a check-in's day stays a day


def test_expected_pace_line_runs_from_zero_at_start_to_one_at_end() -> None:
    score = objective()
    spec = charts.objective_chart(score, AS_OF)
    assert spec is not None
    pace = [(row["date"], row["progress"]) for row in spec["datasets"]["pace"]]
    assert pace == [("2026-10-01", 0), ("2026-12-31", 1)]
    assert layer(spec, "pace")["encoding"]["strokeDash"]["scale"]["range"] == [[6, 4]]


def test_as_of_rule_only_inside_the_cycle_and_no_chart_without_a_cycle() -> None:
    score = objective()
    inside = charts.objective_chart(score, AS_OF)
    after = charts.objective_chart(score, d("2027-01-15"))
    assert inside is not None and after is not None
    assert inside["datasets"]["as_of"][0]["date"] == "2026-11-22"
    assert layer(inside, "as_of", "rule")
    assert "as_of" not in after["datasets"]
    assert all(layer["data"]["name"] != "as_of" for layer in after["layer"])
    assert charts.objective_chart(objective(None), AS_OF) is None


def test_kpi_chart_series_target_and_unit() -> None:
    status = kpi()
    spec = charts.kpi_chart(status)
    assert spec is not None
    assert spec["datasets"]["series"] == [{"date": "2026-08-01", "value": 410},
                                          {"date": "2026-09-01", "value": 380},
                                          {"date": "2026-10-01", "value": 292}]
    tips = [(tip["field"], tip["title"], tip["format"]) for tip in layer(spec, "series", "point")["encoding"]["tooltip"]]
    # the unit with the title, as the table's header has it; days as the page writes them
    assert tips == [("date", "Date", "%-d %b %Y"), ("value", "Value (ms)", ",.6~r")]
    assert spec["datasets"]["target"][0]["value"] == 250
    assert layer(spec, "target", "rule")
    assert spec["encoding"]["y"]["title"] == "API latency (ms)"
    low, high = spec["encoding"]["y"]["scale"]["domain"]
    assert low <= 250 and high >= 410  # target and every point are in view
    assert "292 ms" in spec["description"]


def test_threshold_bands_follow_the_direction() -> None:
    status = kpi("down", Thresholds(300, 400))
    spec = charts.kpi_chart(status)
    assert spec is not None
    low, high = spec["encoding"]["y"]["scale"]["domain"]
    zones = {row["zone"]: (row["value"], row["value2"]) for row in spec["datasets"]["bands"]}
    assert zones == {"healthy": (low, 300), "watch": (300, 400), "unhealthy": (400, high)}

    status = kpi("up", Thresholds(green=90, yellow=80), target=95, values=(70, 85, 92))
    spec = charts.kpi_chart(status)
    assert spec is not None
    low, high = spec["encoding"]["y"]["scale"]["domain"]
    zones = {row["zone"]: (row["value"], row["value2"]) for row in spec["datasets"]["bands"]}
    assert zones == {"unhealthy": (low, 80), "watch": (80, 90), "healthy": (90, high)}


def test_kpi_without_thresholds_or_target_has_only_the_series() -> None:
    status = kpi(thresholds=None, target=None)
    spec = charts.kpi_chart(status)
    assert spec is not None
    assert set(spec["datasets"]) == {"series"}
    assert {layer["data"]["name"] for layer in spec["layer"]} == {"series"}


def test_no_points_no_chart() -> None:
    status = kpi(values=())
    assert charts.kpi_chart(status) is None
    assert charts.sparkline(status) is None


def test_month_points_are_drawn_and_labelled_as_months() -> None:
    spec = charts.kpi_chart(kpi(months=True))
    assert spec is not None
    assert [row["date"] for row in spec["datasets"]["series"]] == ["2026-08-01", "2026-09-01", "2026-10-01"]
    assert layer(spec, "series", "point")["encoding"]["tooltip"][0]["format"] == "%b %Y"  # a month as a month
    assert "3 points from Aug 2026 to Oct 2026" in spec["description"]
    x = layer(spec, "series", "point")["encoding"]["x"]
    assert x["axis"]["format"] == "%b %Y" and "interval: 'month'" in x["axis"]["tickCount"]["expr"]
    # period: end, a point dated 2026-09 is the close of August: drawn and shown as August
    spec = charts.kpi_chart(kpi(months=True, period="end"))
    assert spec is not None
    assert [row["date"] for row in spec["datasets"]["series"]] == ["2026-07-01", "2026-08-01", "2026-09-01"]
    assert "3 points from Jul 2026 to Sep 2026" in spec["description"]


def test_sparkline_is_static_svg_with_target_and_band() -> None:
    status = kpi()  # lower is better: healthy at or below 300, target 250
    svg = charts.sparkline(status)
    assert svg is not None and svg.startswith('<svg class="spark" viewBox="0 0 240 56" width="100%" role="img"')
    assert "<script" not in svg and "vega" not in svg
    assert svg.count("<polyline") == 1 and svg.count("<circle") == 1
    band = re.search(r'<rect class="spark-band" x="0" y="([\d.]+)" width="240" height="([\d.]+)"', svg)
    target = re.search(r'<line class="spark-target" x1="0" x2="240" y1="([\d.]+)"', svg)
    assert band and target
    top, height = float(band[1]), float(band[2])
    assert top + height == 56  # the band runs from the green threshold down to the bottom
    assert float(target[1]) > top  # the target (250) lies inside the healthy band, below 300
    assert 'aria-label="Sparkline of API latency: 3 points from 1 Aug 2026 to 1 Oct 2026' in svg
    assert "healthy range, at or below 300 ms" in svg and "target, 250 ms" in svg
    # every point in view, the last one on the right edge
    points = [tuple(map(float, p.split(","))) for p in re.search(r'points="([^"]+)"', svg)[1].split()]
    assert points[0][0] == charts.SPARK_PAD and points[-1][0] == 240 - charts.SPARK_PAD
    assert all(charts.SPARK_PAD <= y <= 56 - charts.SPARK_PAD for _, y in points)
    up = charts.sparkline(kpi("up", Thresholds(green=90, yellow=80), target=95, values=(70, 85, 92)))
    assert up is not None and '<rect class="spark-band" x="0" y="0"' in up  # healthy is above


def test_charts_do_not_share_state() -> None:
    status = kpi()
    first = charts.kpi_chart(status)
    assert first is not None
    first["layer"].clear()
    second = charts.kpi_chart(status)
    assert second is not None and second["layer"]


# -- JSON -----------------------------------------------------------------------------------------

def test_chart_json_is_deterministic_and_safe_in_a_script_element() -> None:
    score = objective()
    spec = charts.objective_chart(score, AS_OF)
    assert spec is not None
    text = charts.chart_json(spec)
    assert text == charts.chart_json(json.loads(json.dumps(spec)))
    assert text == charts.chart_json(dict(reversed(list(spec.items()))))  # key order is no meaning
    assert "</" not in text and "<\\/script>" in text
    assert json.loads(text) == spec
    assert not re.search(r"param_\d|view_\d|data-[0-9a-f]{8}", text)  # no Altair auto names
    odd = charts.chart_json({"description": "a\u2028b\u2029c <!-- d"})
    assert "\u2028" not in odd and "\u2029" not in odd and "<!--" not in odd
    assert json.loads(odd) == {"description": "a\u2028b\u2029c <!-- d"}


def test_chart_json_is_identical_in_a_fresh_process() -> None:
    code = ("import sys; sys.path.insert(0, 'tests/site');"
            "from test_charts import objective, AS_OF;"
            "from generator.site import charts;"
            "sys.stdout.write(charts.chart_json(charts.objective_chart(objective(), AS_OF)))")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                          encoding="utf-8", timeout=60, check=True)
    assert done.stdout == charts.chart_json(charts.objective_chart(objective(), AS_OF) or {})


# -- SVG and the bundle (these call vl-convert, in spawned processes) -----------------------------

def test_render_svgs_prefixes_ids_and_is_deterministic() -> None:
    score = objective()
    spec = charts.objective_chart(score, AS_OF)
    assert spec is not None
    first, second = vega.render_svgs([spec, spec], ["c0-", "c1-"])
    ids = [re.findall(r'\sid="([^"]+)"', svg) for svg in (first, second)]
    assert ids[0] and all(name.startswith("c0-") for name in ids[0])
    assert all(name.startswith("c1-") for name in ids[1])
    assert not set(ids[0]) & set(ids[1])
    for svg, prefix in ((first, "c0-"), (second, "c1-")):
        refs = re.findall(r'url\(#([^)]+)\)|href="#([^"]+)"', svg)
        assert refs and all((a or b).startswith(prefix) for a, b in refs)
        root = svg[svg.index("<svg"):svg.index(">", svg.index("<svg"))]
        assert 'role="img"' in root and 'aria-label="Line chart of the progress' in root
    # Same spec, same bytes, though the second ran after the first in the same worker.
    assert first.replace("c0-", "") == second.replace("c1-", "")


def _x_labels(svg: str) -> list[str]:
    """The x axis's labels in a rendered chart (the first axis group Vega draws is x)."""
    axis = re.search(r'class="mark-text role-axis-label".*?</g>', svg, re.DOTALL)
    assert axis
    return re.findall(r">([^<]+)</text>", axis[0])


def test_time_axis_labels_fit_the_width() -> None:
    # An objective's 92-day cycle: at most 8 labels where there is room, fewer on a phone; a KPI's
    # 25 months: a label every few months, as many as fit.
    objective_spec = charts.objective_chart(objective(), AS_OF)
    months = tuple(float(v) for v in range(25))
    series = tuple(Point(dt.date(2024 + (8 + i) // 12, (8 + i) % 12 + 1, 1), v, True) for i, v in enumerate(months))
    long_kpi = ScoredKPI(KPI("k", "K", None, None, None, "up", None, None, "monthly", series), series,
                         series[-1], "no_target", "improving", False, (), False)
    kpi_spec = charts.kpi_chart(long_kpi)
    assert objective_spec is not None and kpi_spec is not None
    specs = [{**spec, "width": width} for spec in (objective_spec, kpi_spec) for width in (800, 330)]
    wide_objective, narrow_objective, wide_kpi, narrow_kpi = (
        _x_labels(svg) for svg in vega.render_svgs(specs, ["a-", "b-", "c-", "d-"]))
    assert 5 <= len(wide_objective) <= 8 and wide_objective[0] == "4 Oct"
    assert 2 <= len(narrow_objective) <= 330 // charts.LABEL_SPACE["day"]
    assert 6 <= len(wide_kpi) <= 800 // charts.LABEL_SPACE["month"] and wide_kpi[0].endswith("2024")
    assert 2 <= len(narrow_kpi) <= 330 // charts.LABEL_SPACE["month"]
    assert all(re.fullmatch(r"[A-Z][a-z]{2} \d{4}", label) for label in wide_kpi + narrow_kpi)


def test_svg_ids_and_references_get_the_prefix() -> None:
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" role="graphics-document"><defs>'
           '<linearGradient id="gradient_0"/><clipPath id="clip7"/></defs>'
           '<rect fill="url(#gradient_0)" clip-path="url(#clip7)" data-id="x"/>'
           '<use xlink:href="#clip7"/><use href="#clip7"/><a href="#elsewhere"/></svg>')
    out = vega._finish_svg(svg, "k-", 'A "chart" & <more>')
    assert 'id="k-gradient_1"' in out and 'id="k-clip1"' in out
    assert 'fill="url(#k-gradient_1)"' in out and 'clip-path="url(#k-clip1)"' in out
    assert 'xlink:href="#k-clip1"' in out and '<use href="#k-clip1"' in out
    assert 'href="#elsewhere"' in out and 'data-id="x"' in out  # not ids of this SVG
    assert out.startswith('<svg xmlns="http://www.w3.org/2000/svg" width="100%" role="img" '
                          'aria-label="A &quot;chart&quot; &amp; &lt;more&gt;">')


def test_render_svgs_checks_its_prefixes() -> None:
    with pytest.raises(ValueError):
        vega.render_svgs([{}], [])
    with pytest.raises(ValueError):
        vega.render_svgs([{}, {}], ["a", "a"])
    with pytest.raises(ValueError):
        vega.render_svgs([{}], ['x"'])
    assert vega.render_svgs([], []) == []


def test_javascript_bundle_is_a_cached_classic_script(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    vega.javascript_bundle.cache_clear()
    try:
        bundle = vega.javascript_bundle()
        assert "window.vegaEmbed" in bundle
        assert not re.search(r"^\s*(export|import)[\s{*]", bundle, re.MULTILINE)
        assert bundle.startswith("/* okr-pages vega bundle") and "(function () {" in bundle
        version = vega.vl_convert_version()
        cached = tmp_path / "okr-pages" / f"vega-bundle-{version}.js"
        assert cached.read_text(encoding="utf-8") == bundle
        assert list(cached.parent.iterdir()) == [cached]  # no temporary file left behind
        assert vega.javascript_bundle() is bundle  # in-process cache
        vega.javascript_bundle.cache_clear()
        monkeypatch.setattr(vega, "_spawn_pool", None)  # from disk this time: vl-convert is not asked
        assert vega.javascript_bundle() == bundle
        node = shutil.which("node")
        if node:  # a classic script must parse outside a module: vm.Script rejects import/export
            check = ("new (require('vm').Script)"
                     "(require('fs').readFileSync(process.argv[1], 'utf8'))")
            subprocess.run([node, "-e", check, str(cached)], check=True, timeout=60)
    finally:
        vega.javascript_bundle.cache_clear()
