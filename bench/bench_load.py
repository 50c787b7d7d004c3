"""Load benchmark: read, validate and score N objective files (issue #2 target: 1,000 in ≤ 1 s).

Generates the organisation of ``bench_large.py`` with N objectives (4 key results each, of mixed
types, with check-ins) and 50 KPIs (60 monthly points, half inline, half CSV) in a temporary
folder, then times

    load_site + score_site + quality_warnings      (best of --repeat runs)

and, as a peer over the same front matter text, plain ``yaml.load`` with the pure-Python
``SafeLoader`` and with libyaml's ``CSafeLoader``.

    python bench/bench_load.py                 # N = 1000
    python bench/bench_load.py -n 5000 --repeat 5
    python bench/bench_load.py --profile       # cProfile of one run, top 25 by cumulative time
    python bench/bench_load.py --site /tmp/bench-site && time python -m generator check /tmp/bench-site
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_large import generate as generate_org

from generator.reading.load import load_site
from generator.scoring.quality import quality_warnings
from generator.scoring.scores import score_site

AS_OF = dt.date(2026, 11, 15)


def generate(root: Path, objectives: int, kpis: int) -> list[str]:
    """Write the large benchmark's organisation (one guide page, which the objectives link to); returns the front matter texts of
    the objective files, for the YAML peer."""
    return [path.read_text(encoding="utf-8").split("---\n")[1]
            for path in generate_org(root, objectives, kpis, guides=1)]


def run_pipeline(root: Path) -> tuple[int, int, int]:
    loaded = load_site(root)
    scores = score_site(loaded.site, AS_OF)
    warnings = quality_warnings(scores)
    return len(loaded.site.objectives), len(loaded.problems), len(warnings)


def best_of(repeat: int, func, *args) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = func(*args)
        best = min(best, time.perf_counter() - started)
    return best, result


def yaml_all(texts: list[str], loader) -> int:
    return sum(len(yaml.load(text, Loader=loader)) for text in texts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--objectives", type=int, default=1000)
    parser.add_argument("--kpis", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one pipeline run")
    parser.add_argument("--site", type=Path, help="write the site here and keep it (default: a temp folder)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="okr-bench-") as tmp:
        root = args.site or Path(tmp)
        fronts = generate(root, args.objectives, args.kpis)
        size = sum(len(text) for text in fronts)
        print(f"site: {args.objectives} objectives, {args.kpis} KPIs "
              f"({size / 1024:.0f} KiB of objective front matter); cpus: {os.cpu_count()}; "
              f"python {sys.version.split()[0]}, PyYAML {yaml.__version__}, "
              f"libyaml {'yes' if hasattr(yaml, 'CSafeLoader') else 'no'}")
        elapsed, (count, problems, warnings) = best_of(args.repeat, run_pipeline, root)
        assert count == args.objectives, f"only {count} objectives loaded"
        print(f"load_site + score_site + quality_warnings: {elapsed:.3f} s best of {args.repeat} "
              f"({elapsed / args.objectives * 1e3:.3f} ms per objective; {problems} problems, "
              f"{warnings} warnings)")
        verdict = "within" if elapsed <= 1.0 or args.objectives != 1000 else "OVER"
        if args.objectives == 1000:
            print(f"target (1,000 objectives in at most 1 s): {verdict}")
        pure, _ = best_of(args.repeat, yaml_all, fronts, yaml.SafeLoader)
        print(f"peer: yaml.load SafeLoader (pure Python), same front matter: {pure:.3f} s "
              f"(pipeline / this = {elapsed / pure:.2f})")
        if hasattr(yaml, "CSafeLoader"):
            fast, _ = best_of(args.repeat, yaml_all, fronts, yaml.CSafeLoader)
            print(f"peer: yaml.load CSafeLoader (libyaml), same front matter: {fast:.3f} s "
                  f"(pipeline / this = {elapsed / fast:.2f}; SafeLoader / CSafeLoader = {pure / fast:.2f})")
        if args.profile:
            profiler = cProfile.Profile()
            profiler.runcall(run_pipeline, root)
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
            print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
