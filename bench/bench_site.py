"""Site benchmark (issue #3): render 1,000 objective pages and 300 KPI pages, and time each stage.

Generates the site with bench_load's generator, then times, in one process:

    check_site (read, validate, score)  →  render_site (pages, charts, search, feed)  →  write_tree

and reports pages per second and the amortized chart cost (chart specs are built from templates,
so a chart must cost at most 1 ms). As a peer in the same run it times the same number of fresh,
validated Altair charts for a sample, the approach the templates replace.

    python bench/bench_site.py                    # 1,000 objectives, 300 KPIs
    python bench/bench_site.py -n 2000 -k 500
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bench_load import AS_OF, generate
from generator.render import Renderer

from generator import charts
from generator.output import write_tree
from generator.pipeline import check_site
from generator.site.themes import load_theme


def fresh_altair_chart_ms(sample: int) -> float:
    """The peer: a fresh, validated Altair chart per KPI, as a naive renderer would build it."""
    import altair as alt

    started = time.perf_counter()
    for index in range(sample):
        values = [{"date": f"2026-{m:02d}-01", "value": index + m} for m in range(1, 13)]
        chart = alt.Chart(alt.Data(values=values)).mark_line(point=True).encode(
            x="date:T", y="value:Q", tooltip=["date:T", "value:Q"])
        chart.to_dict(validate=True)
    return (time.perf_counter() - started) * 1000 / sample


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--objectives", type=int, default=1000)
    parser.add_argument("-k", "--kpis", type=int, default=300)
    args = parser.parse_args()
    charts.javascript_bundle()  # warm the on-disk bundle cache: its first call is a one-off 1.6 s
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "site"
        generate(root, args.objectives, args.kpis)
        t0 = time.perf_counter()
        checked = check_site(root, AS_OF, links=False)
        t1 = time.perf_counter()
        renderer = Renderer(checked.site, checked.scores, root, load_theme(root))
        renderer.prepare_charts()  # cold: imports Altair and builds the three chart templates once
        t_cold = time.perf_counter()
        renderer.prepare_charts()
        t2 = time.perf_counter()
        output = renderer.render_all()
        t3 = time.perf_counter()
        write_tree(Path(tmp) / "out", output.files)
        t4 = time.perf_counter()
    chart_count = len(renderer.chart_html)
    warm = t2 - t_cold
    # render_all prepares the charts again; count that once, from the warm timing above.
    render = (t3 - t2) - warm
    total = (t1 - t0) + (t_cold - t1) + render + (t4 - t3)
    print(f"site: {args.objectives} objectives, {args.kpis} KPIs → {output.pages} pages, "
          f"{len(output.files)} files, {chart_count} charts; as of {AS_OF}")
    print(f"check_site (read, validate, score): {t1 - t0:6.2f} s")
    print(f"chart specs, first pass (Altair import, templates built once): {t_cold - t1:6.2f} s = "
          f"{(t_cold - t1) * 1000 / chart_count:.3f} ms per chart amortized")
    print(f"chart specs, warm (templates filled):                          {warm:6.2f} s = "
          f"{warm * 1000 / chart_count:.3f} ms per chart")
    print(f"pages (Jinja2, Markdown, search):   {render:6.2f} s = {render * 1000 / output.pages:.2f} ms per page")
    print(f"write_tree (atomic):                {t4 - t3:6.2f} s")
    print(f"total:                              {total:6.2f} s = {output.pages / total:.0f} pages/s")
    peer = fresh_altair_chart_ms(30)
    per_chart = (t_cold - t1) * 1000 / chart_count
    print(f"peer: fresh validated Altair chart {peer:.1f} ms each; templates are {peer / per_chart:.0f}x faster")
    print(f"target (at most 1 ms per chart amortized): {'met' if per_chart <= 1 else 'OVER'}")


if __name__ == "__main__":
    main()
