"""Load benchmark: read, validate and score N objective files (issue #2 target: 1,000 in ≤ 1 s).

Generates a site of N objectives (3–4 key results each, of mixed types, with check-ins) and
about 50 KPIs (half inline, half CSV) in a temporary folder, then times

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
import random
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.model.checks import quality_warnings
from generator.model.scoring import score_site
from generator.reading.load import load_site

TEAMS = ["company", "sales", "marketing", "product", "engineering", "platform", "data", "support",
         "customer-success", "finance"]
CYCLES = [("2026-Q3", dt.date(2026, 7, 1)), ("2026-Q4", dt.date(2026, 10, 1))]
AS_OF = dt.date(2026, 11, 15)


def _config() -> str:
    lines = ["title: Benchmark OKRs", "teams:", "  - {id: company, name: Company}"]
    lines += [f"  - {{id: {team}, name: {team.title()}, parent: company}}" for team in TEAMS[1:]]
    return "\n".join(lines) + "\n"


def _checkins(rng: random.Random, start: dt.date, low: float, high: float) -> str:
    out = ["    checkins:"]
    for week in range(rng.randint(2, 5)):
        date = start + dt.timedelta(days=7 + 14 * week)
        value = round(low + (high - low) * rng.random() * (week + 1) / 6, 1)
        confidence = round(rng.uniform(0.3, 0.9), 1)
        out.append(f"      - {{date: {date}, value: {value}, confidence: {confidence}, "
                   f"note: Progress in week {week + 1}}}")
    return "\n".join(out)


def _key_result(rng: random.Random, index: int, start: dt.date, kpis: list[str]) -> str:
    kind = rng.choice(["numeric", "numeric", "numeric", "down", "kpi", "milestones", "done"])
    title = f"  - title: Key result {index} of kind {kind}"
    if kind == "numeric":
        baseline, target = rng.randint(0, 50), rng.randint(60, 200)
        return (f"{title}\n    baseline: {baseline}\n    target: {target}\n    unit: customers\n"
                f"    weight: {rng.choice([1, 1, 2])}\n{_checkins(rng, start, baseline, target)}")
    if kind == "down":
        return (f"{title}\n    baseline: 90\n    target: 60\n    unit: days\n"
                f"{_checkins(rng, start, 90, 60)}")
    if kind == "kpi":
        return f"{title}\n    kpi: {rng.choice(kpis)}\n    baseline: 100\n    target: {rng.randint(110, 150)}"
    if kind == "milestones":
        items = "\n".join(f"      - {{title: Milestone {m}, done: {str(rng.random() < 0.5).lower()}}}"
                          for m in range(rng.randint(2, 4)))
        return f"{title}\n    milestones:\n{items}"
    return f"{title}\n    done: {str(rng.random() < 0.3).lower()}"


def _objective(rng: random.Random, number: int, kpis: list[str], parents: dict[str, list[str]]) -> tuple[str, str]:
    cycle, start = CYCLES[number % 2]
    team = TEAMS[number % len(TEAMS)]
    krs = "\n".join(_key_result(rng, i, start, kpis) for i in range(rng.randint(3, 4)))
    aligns = f"aligns_to: {rng.choice(parents[cycle])}\n" if team != "company" and parents[cycle] else ""
    oid = f"{cycle}/{team}/objective-{number:05d}"
    if team == "company":
        parents[cycle].append(oid)
    text = (f"---\ntitle: Objective number {number} for the {team} team\ncycle: {cycle}\nteam: {team}\n"
            f"owner: Person {number % 37}\n{aligns}commitment: {rng.choice(['aspirational', 'committed'])}\n"
            f"key_results:\n{krs}\n---\nWhy objective {number} matters, in a paragraph of Markdown.\n")
    return f"content/okrs/{oid}.md", text


def _kpi(rng: random.Random, number: int) -> dict[str, str]:
    kid = f"kpi-{number:03d}"
    direction = rng.choice(["up", "down"])
    months = [dt.date(2025 + (m + 11) // 12, (m + 11) % 12 + 1, 1) for m in range(1, 24)]  # 2025-12 … 2027-10
    months = [m for m in months if m <= AS_OF]
    values = [round(100 + 10 * rng.random() + i, 2) for i, _ in enumerate(months)]
    head = (f"---\ntitle: KPI {number}\nteam: {TEAMS[number % len(TEAMS)]}\nunit: '%'\ndirection: {direction}\n"
            f"target: 110\nthresholds: {{green: {110 if direction == 'up' else 100}, "
            f"yellow: {100 if direction == 'up' else 110}}}\ncadence: monthly\n")
    if number % 2:
        rows = "".join(f"{m:%Y-%m},{v}\n" for m, v in zip(months, values))
        return {f"content/kpis/{kid}.md": head + f"series: {kid}.csv\n---\nAbout it.\n",
                f"content/kpis/{kid}.csv": "date,value\n" + rows}
    inline = "".join(f"  {m:%Y-%m}: {v}\n" for m, v in zip(months, values))
    return {f"content/kpis/{kid}.md": head + f"series:\n{inline}---\nAbout it.\n"}


def generate(root: Path, objectives: int, kpis: int, seed: int = 7) -> list[str]:
    """Write the site; returns the front matter texts of the objective files, for the YAML peer."""
    rng = random.Random(seed)
    files: dict[str, str] = {"okr-pages.yaml": _config()}
    for number in range(kpis):
        files.update(_kpi(rng, number))
    kpi_ids = [f"kpi-{n:03d}" for n in range(kpis)]
    parents: dict[str, list[str]] = {cycle: [] for cycle, _ in CYCLES}
    fronts = []
    for number in range(objectives):
        path, text = _objective(rng, number, kpi_ids, parents)
        files[path] = text
        fronts.append(text.split("---\n")[1])
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return fronts


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
