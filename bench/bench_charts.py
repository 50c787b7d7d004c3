"""Chart building cost: filled templates against fresh Altair charts, the bundle, static SVG.

    python bench/bench_charts.py

Synthetic data: 300 KPIs (24 monthly points, thresholds and a target), 1,000 objectives with
3-5 KRs of 6 progress points each.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.model.content import KPI, Cycle, KeyResult, Objective, Point, Thresholds
from generator.scoring.scores import ScoredKPI, ScoredKR, ScoredObjective
from generator.site import charts, vega

CYCLE = Cycle("2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31), "Q4 2026")
AS_OF = dt.date(2026, 11, 22)


def synthetic_kpis(count: int, rng: random.Random) -> list[ScoredKPI]:
    result = []
    for n in range(count):
        level = rng.uniform(50, 500)
        series = tuple(Point(dt.date(2025 + (m + 11) // 12, (m + 11) % 12 + 1, 1),
                             round(level * rng.uniform(0.8, 1.2), 3)) for m in range(24))
        down = n % 2 == 0
        low, high = level * 0.9, level * 1.1
        thresholds = Thresholds(low, high) if down else Thresholds(high, low)
        kpi = KPI(f"kpi-{n}", f"KPI number {n}", "team", None, "ms" if down else "%",
                  "down" if down else "up", level, thresholds, "monthly", series)
        result.append(ScoredKPI(kpi, series, series[-1], "watch", "flat", False, (), False))
    return result


def synthetic_objectives(count: int, rng: random.Random) -> list[ScoredObjective]:
    result = []
    for n in range(count):
        krs: list[KeyResult] = []
        scores = []
        for k in range(3 + n % 3):
            krs.append(KeyResult(f"kr-{k}", f"Key result {k} of objective {n}", "numeric",
                                 baseline=0, target=10))
            days = sorted(rng.sample(range(52), 5))
            progress = ((CYCLE.start, 0.0),) + tuple(
                (CYCLE.start + dt.timedelta(days=day), min(1.0, (i + 1) * rng.uniform(0.05, 0.2)))
                for i, day in enumerate(days))
            scores.append(ScoredKR(krs[-1], progress[-1][1], None, 0, None, False, (), progress))
        objective = Objective(f"2026-Q4/team/o{n}", f"Objective {n}", CYCLE.id, "team", None, None,
                              "committed", tuple(krs))
        result.append(ScoredObjective(objective, 0.5, "yellow", 0.57, "on_track", None, tuple(scores), CYCLE))
    return result


def fresh_altair(kind: str, spec: dict) -> dict:
    """The peer: a new Altair chart of the same kind, with this chart's data, validated."""
    import altair as alt

    chart = charts._config(charts._BUILDERS[kind](alt))
    chart.datasets = spec["datasets"]
    chart.description = spec["description"]
    return chart.to_dict(validate=True)


def per_chart_ms(seconds: float, count: int) -> float:
    return seconds / count * 1000


def main() -> None:
    rng = random.Random(7)
    kpis = synthetic_kpis(300, rng)
    objectives = synthetic_objectives(1000, rng)

    with tempfile.TemporaryDirectory() as cache:  # a cold cache: Altair builds and validates the templates
        os.environ["XDG_CACHE_HOME"] = cache
        charts._templates_in.cache_clear()
        start = time.perf_counter()
        charts._templates()
        print(f"templates: {len(charts._BUILDERS)} kinds built with Altair and validated (incl. importing altair) "
              f"{time.perf_counter() - start:.2f} s")
        charts._templates_in.cache_clear()
        start = time.perf_counter()
        charts._templates()
        print(f"templates: read back from the cache {(time.perf_counter() - start) * 1000:.1f} ms")

    start = time.perf_counter()
    kpi_specs = [charts.kpi_chart(status) for status in kpis]
    kpi_time = time.perf_counter() - start
    start = time.perf_counter()
    sparklines = [charts.sparkline(status) for status in kpis]  # static SVG, drawn in Python
    spark_time = time.perf_counter() - start
    start = time.perf_counter()
    objective_specs = [charts.objective_chart(o, AS_OF) for o in objectives]
    objective_time = time.perf_counter() - start
    total = kpi_time + objective_time
    count = len(kpi_specs) + len(objective_specs)
    print(f"template fill: {len(kpi_specs)} KPI charts {per_chart_ms(kpi_time, 300):.3f} ms each, "
          f"{len(objective_specs)} objective charts "
          f"{per_chart_ms(objective_time, 1000):.3f} ms each")
    print(f"sparklines: {len(sparklines)} static SVGs in {spark_time * 1000:.1f} ms = "
          f"{per_chart_ms(spark_time, len(sparklines)):.3f} ms each, "
          f"{sum(len(s or '') for s in sparklines) / len(sparklines) / 1024:.1f} KiB average")
    template_ms = per_chart_ms(total, count)
    print(f"template fill: {count} charts in {total * 1000:.0f} ms = "
          f"{template_ms:.3f} ms per chart")

    specs = [s for s in kpi_specs + objective_specs if s]
    start = time.perf_counter()
    texts = [charts.chart_json(spec) for spec in specs]
    json_time = time.perf_counter() - start
    print(f"chart_json: {per_chart_ms(json_time, len(texts)):.3f} ms per chart, "
          f"{sum(map(len, texts)) / len(texts) / 1024:.1f} KiB average")

    peers = [("kpi", s) for s in kpi_specs[:10]] + [("objective", s) for s in objective_specs[:10]]
    start = time.perf_counter()
    for kind, spec in peers:
        fresh_altair(kind, spec)  # type: ignore[arg-type]
    fresh_ms = per_chart_ms(time.perf_counter() - start, len(peers))
    print(f"fresh Altair (peer): {len(peers)} validated charts, {fresh_ms:.2f} ms per chart")
    print(f"ratio: template fill is {fresh_ms / template_ms:.0f}x faster "
          f"(target at most 1 ms per chart: {'met' if template_ms <= 1 else 'MISSED'})")

    with tempfile.TemporaryDirectory() as cache:
        os.environ["XDG_CACHE_HOME"] = cache
        vega.javascript_bundle.cache_clear()
        start = time.perf_counter()
        bundle = vega.javascript_bundle()
        cold = time.perf_counter() - start
        start = time.perf_counter()
        vega.javascript_bundle()
        memory = time.perf_counter() - start
        vega.javascript_bundle.cache_clear()
        start = time.perf_counter()
        vega.javascript_bundle()
        disk = time.perf_counter() - start
        vega.javascript_bundle.cache_clear()
    print(f"javascript_bundle: cold {cold:.2f} s (spawned worker + vl-convert), warm from disk "
          f"{disk * 1000:.1f} ms, warm in memory {memory * 1e6:.1f} µs; "
          f"{len(bundle) / 1024:.0f} KiB")

    svg_specs = [s for s in objective_specs[:10] + kpi_specs[:10] if s]
    start = time.perf_counter()
    svgs = vega.render_svgs(svg_specs, [f"c{i}-" for i in range(len(svg_specs))])
    svg_time = time.perf_counter() - start
    print(f"render_svgs: {len(svgs)} charts in {svg_time:.2f} s "
          f"({per_chart_ms(svg_time, len(svgs)):.0f} ms per chart incl. process start)")


if __name__ == "__main__":  # spawned workers re-import this file: only run when executed
    main()
