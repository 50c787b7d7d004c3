"""The large-organisation benchmark (issue #12): okr-pages against Hugo on the same Markdown pages.

Generates an organisation of 2,000 objectives (4 key results each), 300 KPIs (60 monthly points
each, half in CSVs) and 100 guide pages, about 2,500 pages, then measures, each as a whole
command in a fresh process, best of --repeat:

- the cold build (``okr-pages build --clean``), and Hugo (Debian's ``hugo``) rendering the same
  Markdown files with a minimal layout, in the same run: their ratio;
- the rebuild after one edited objective (a new check-in), as a share of the cold build;
- ``okr-pages serve``: from saving that edit to the changed page being served, reloaded;
- ``okr-pages check``;
- peak memory (RSS) of a cold build, and of a cold build of an organisation 4x the size;
- an ``aligns_to`` chain 1,000 levels deep: builds, and the loop check stays linear.

    python bench/bench_large.py                 # the whole benchmark, about two minutes
    python bench/bench_large.py --objectives 500 --repeat 1      # a quick look
    python bench/bench_large.py --keep /tmp/large                # keep the generated site
"""

from __future__ import annotations

import argparse
import datetime as dt
import fcntl
import json
import os
import random
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
AS_OF = "2026-11-15"
TEAMS = ["company", "sales", "marketing", "product", "engineering", "platform", "data", "support",
         "customer-success", "finance"]
CYCLES = [("2026-Q3", dt.date(2026, 7, 1)), ("2026-Q4", dt.date(2026, 10, 1))]
PYTHON = sys.executable


# -- the organisation ---------------------------------------------------------------------------------

def _months(count: int, last: dt.date) -> list[dt.date]:
    months = []
    year, month = last.year, last.month
    for _ in range(count):
        months.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def _key_result(rng: random.Random, index: int, start: dt.date, kpis: list[str]) -> str:
    kind = ["numeric", "down", "kpi", "milestones"][index % 4] if rng.random() < 0.8 else "done"
    title = f"  - title: Key result {index + 1}, {kind}"
    if kind in ("numeric", "down"):
        baseline, target = (rng.randint(0, 50), rng.randint(60, 200)) if kind == "numeric" else (90, 60)
        checkins = "\n".join(
            f"      - {{date: {start + dt.timedelta(days=7 + 14 * week)}, "
            f"value: {round(baseline + (target - baseline) * rng.random() * (week + 1) / 6, 1)}, "
            f"confidence: {round(rng.uniform(0.3, 0.9), 1)}, note: Progress in week {week + 1}}}"
            for week in range(rng.randint(2, 5)))
        return f"{title}\n    baseline: {baseline}\n    target: {target}\n    unit: customers\n    checkins:\n{checkins}"
    if kind == "kpi":
        return f"{title}\n    kpi: {rng.choice(kpis)}\n    baseline: 100\n    target: {rng.randint(110, 150)}"
    if kind == "milestones":
        items = "\n".join(f"      - {{title: Milestone {m}, done: {str(rng.random() < 0.5).lower()}}}"
                          for m in range(rng.randint(2, 4)))
        return f"{title}\n    milestones:\n{items}"
    return f"{title}\n    done: {str(rng.random() < 0.3).lower()}"


def generate(root: Path, objectives: int, kpis: int, guides: int, seed: int = 12) -> list[Path]:
    """Write the organisation; returns the objective files."""
    rng = random.Random(seed)
    config = ["title: Large Org OKRs", "teams:", "  - {id: company, name: Company, lead: Ada Lovelace}"]
    config += [f"  - {{id: {t}, name: {t.replace('-', ' ').title()}, parent: company, lead: Lead {i}}}"
               for i, t in enumerate(TEAMS[1:])]
    (root / "okr-pages.yaml").write_text("\n".join(config) + "\n", encoding="utf-8")
    kpi_ids = [f"kpi-{n:03d}" for n in range(kpis)]
    months = _months(60, dt.date(2026, 11, 1))
    for n, kid in enumerate(kpi_ids):
        direction = "up" if n % 2 else "down"
        values = [round(100 + 10 * rng.random() + i * (0.5 if direction == "up" else -0.3), 2)
                  for i in range(len(months))]
        head = (f"---\ntitle: KPI number {n}\nteam: {TEAMS[n % len(TEAMS)]}\nowner: Person {n % 53}\nunit: '%'\n"
                f"direction: {direction}\ntarget: 110\nthresholds: {{green: {110 if direction == 'up' else 100}, "
                f"yellow: {100 if direction == 'up' else 110}}}\ncadence: monthly\n")
        folder = root / "content" / "kpis"
        folder.mkdir(parents=True, exist_ok=True)
        about = f"---\nHow KPI {n} is measured, where its number comes from, and who reviews it monthly.\n"
        if n % 2:
            (folder / f"{kid}.csv").write_text(
                "date,value\n" + "".join(f"{m:%Y-%m},{v}\n" for m, v in zip(months, values)), encoding="utf-8")
            (folder / f"{kid}.md").write_text(head + f"series: {kid}.csv\n" + about, encoding="utf-8")
        else:
            inline = "".join(f"  {m:%Y-%m}: {v}\n" for m, v in zip(months, values))
            (folder / f"{kid}.md").write_text(head + f"series:\n{inline}" + about, encoding="utf-8")
    parents: dict[str, list[str]] = {cycle: [] for cycle, _ in CYCLES}
    written = []
    for n in range(objectives):
        cycle, start = CYCLES[n % 2]
        team = TEAMS[n % len(TEAMS)]
        oid = f"{cycle}/{team}/objective-{n:05d}"
        aligns = f"aligns_to: {rng.choice(parents[cycle])}\n" if team != "company" and parents[cycle] else ""
        if team == "company":
            parents[cycle].append(oid)
        krs = "\n".join(_key_result(rng, i, start, kpi_ids) for i in range(4))
        text = (f"---\ntitle: Objective number {n} for the {team} team\ncycle: {cycle}\nteam: {team}\n"
                f"owner: Person {n % 53}\n{aligns}commitment: {rng.choice(['aspirational', 'committed'])}\n"
                f"key_results:\n{krs}\n---\nWhy objective {n} matters now, in a paragraph of Markdown with "
                f"*emphasis* and a [link to the guide](../../../guide/page-{n % max(guides, 1):03d}.md).\n")
        path = root / "content" / "okrs" / f"{oid}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    for n in range(guides):
        path = root / "content" / "guide" / f"page-{n:03d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        section = ("Teams agree their objectives in the first week of the cycle. " * 12 + "\n\n"
                   "## Check-ins\n\n- Every week, each key result gets a value.\n- Confidence says how likely "
                   "it is.\n\n```\nokr-pages checkin 2026-Q4/sales/objective-00001#key-result-1-numeric 12\n```\n\n")
        path.write_text(f"---\ntitle: Guide page {n}\norder: {n}\n---\n# Guide page {n}\n\n{section * 3}",
                        encoding="utf-8")
    return written


def chain(root: Path, depth: int) -> None:
    """An organisation whose objectives align in one chain ``depth`` levels deep."""
    (root / "content" / "okrs").mkdir(parents=True)
    for n in range(depth):
        aligns = f"aligns_to: level-{n - 1:04d}\n" if n else ""
        (root / "content" / "okrs" / f"level-{n:04d}.md").write_text(
            f"---\ntitle: Level {n}\ncycle: 2026-Q4\nteam: t\nowner: O\n{aligns}key_results:\n"
            f"  - {{title: One, baseline: 0, target: 10, current: {n % 10}}}\n"
            f"  - {{title: Two, done: {str(n % 2 == 0).lower()}}}\n---\n", encoding="utf-8")


# -- Hugo: the same Markdown pages ----------------------------------------------------------------------

HUGO_SINGLE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title>
<link rel="stylesheet" href="/style.css"></head><body><header><nav><a href="/">Home</a></nav></header>
<main><h1>{{ .Title }}</h1>{{ .Content }}</main><footer>Built with Hugo</footer></body></html>
"""
HUGO_LIST = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body>
<main><h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
</main></body></html>
"""


def hugo_site(site: Path, root: Path) -> Path:
    hugo = root / "hugo"
    shutil.rmtree(hugo, ignore_errors=True)  # a kept folder from an earlier run (--keep)
    shutil.copytree(site / "content", hugo / "content", ignore=shutil.ignore_patterns("*.csv"))
    (hugo / "layouts" / "_default").mkdir(parents=True)
    (hugo / "layouts" / "_default" / "single.html").write_text(HUGO_SINGLE, encoding="utf-8")
    (hugo / "layouts" / "_default" / "list.html").write_text(HUGO_LIST, encoding="utf-8")
    (hugo / "config.yaml").write_text("baseURL: /\ntitle: Large Org\ndisableKinds: [taxonomy, term, RSS, sitemap]\n"
                                      "markup: {goldmark: {renderer: {unsafe: false}}}\n", encoding="utf-8")
    return hugo


# -- measuring ------------------------------------------------------------------------------------------

def run(args: list[str], cwd: Path | None = None) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0,):
        raise SystemExit(f"{' '.join(map(str, args))} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return elapsed, done.stdout + done.stderr


def settle(site: Path, out: Path) -> float:
    """Wait until what a build left to finish after it ended (its record, written by a detached
    process under a lock; the previous tree, removed in the background) is done, so that each timed
    command starts on a quiet machine as a user's would; returns how long that took."""
    from generator.buildrecord import record_path

    started = time.perf_counter()
    lock = record_path(site, out).with_suffix(".lock")
    if lock.exists():
        with open(lock, "rb") as handle:
            fcntl.flock(handle, fcntl.LOCK_SH)  # granted once the writer is done
    while any(out.parent.glob(f".{out.name}.old-*")) and time.perf_counter() - started < 300:
        time.sleep(0.01)
    return time.perf_counter() - started


def okr(*args: str | Path) -> list[str]:
    return [PYTHON, "-m", "generator", *map(str, args)]


MEASURE_RSS = """
import resource, sys
from generator.cli import main
code = main(sys.argv[1:])
self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
children_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"RSS {self_kb} {children_kb}", file=sys.stderr)
sys.exit(code)
"""


def peak_rss(*args: str | Path) -> tuple[float, float]:
    """Peak RSS in MB of the build process, and of the largest worker it started."""
    _, out = run([PYTHON, "-c", MEASURE_RSS, *map(str, args)])
    match = re.search(r"RSS (\d+) (\d+)", out)
    assert match, out
    return int(match[1]) / 1024, int(match[2]) / 1024


def summary(output: str) -> str:
    """The build's own summary line ("wrote ... (25 of 2645 files rebuilt, 20 changed) in ..."), not a warning."""
    lines = output.strip().splitlines()
    return next((line for line in reversed(lines) if line.startswith("wrote ")), lines[-1] if lines else "")


def best(repeat: int, func) -> float:
    return min(func() for _ in range(repeat))


def add_checkin(path: Path, n: int) -> None:
    """A check-in as a user makes one: dated the as-of day, so it is the key result's latest and moves
    its score (and the objective's, its team's and the cycle's)."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    checkins:\n", f"    checkins:\n      - {{date: {AS_OF}, "
                                                    f"value: {40 + n}, note: bench edit {n}}}\n", 1), encoding="utf-8")


def serve_latency(site: Path, objective: Path, repeat: int) -> float:
    """Seconds from saving an edit to the open page being served again with the change (serve
    writes the pages a browser has open first, then the others)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    server = subprocess.Popen(okr("serve", site, "--port", "0", "--as-of", AS_OF), stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        ready, _, _ = select.select([server.stdout], [], [], 300)
        line = server.stdout.readline() if ready and server.stdout else ""
        match = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert match, line
        url = match[0]
        page = url + "okrs/" + objective.relative_to(site / "content" / "okrs").with_suffix("").as_posix() + "/"
        with urllib.request.urlopen(page, timeout=10) as response:  # the page is open, as in a browser
            response.read()
        times = []
        for n in range(repeat):
            with urllib.request.urlopen(url + "__status", timeout=10) as response:
                version = json.load(response)["version"]
            time.sleep(0.5)  # let the watcher settle
            started = time.perf_counter()
            add_checkin(objective, 100 + n)
            marker = f"bench edit {100 + n}"
            while True:
                with urllib.request.urlopen(url + "__status", timeout=10) as response:
                    status = json.load(response)
                if status["version"] > version:
                    with urllib.request.urlopen(page, timeout=10) as response:
                        if marker in response.read().decode():
                            break
                if time.perf_counter() - started > 60:
                    raise SystemExit("serve did not show the change within 60 s")
                time.sleep(0.005)
            times.append(time.perf_counter() - started)
        return min(times)
    finally:
        server.terminate()
        server.wait(timeout=10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objectives", type=int, default=2000)
    parser.add_argument("--kpis", type=int, default=300)
    parser.add_argument("--guides", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="generate the site here and keep it")
    parser.add_argument("--no-scale", action="store_true", help="skip the 4x organisation and the deep chain")
    args = parser.parse_args(argv)
    hugo = shutil.which("hugo")
    with tempfile.TemporaryDirectory(prefix="okr-large-") as tmp:
        root = args.keep or Path(tmp)
        site = root / "site"
        shutil.rmtree(site, ignore_errors=True)
        site.mkdir(parents=True)
        objectives = generate(site, args.objectives, args.kpis, args.guides)
        files = sum(1 for p in (site / "content").rglob("*") if p.is_file())
        print(f"organisation: {args.objectives} objectives x 4 KRs, {args.kpis} KPIs x 60 points, "
              f"{args.guides} guide pages ({files} files); {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
        out = root / "out"
        def cold_build() -> tuple[float, str]:
            settle(site, out)
            return run(okr("build", site, "--out", out, "--as-of", AS_OF, "--clean"))

        cold = best(args.repeat, lambda: cold_build()[0])
        _, text = cold_build()
        print(f"okr-pages build (cold): {cold:.2f} s  [{summary(text)}]")
        print(f"  its detached work (writing the build record, removing the previous tree) ended "
              f"{settle(site, out):.2f} s after the command (not counted)")
        if hugo:
            hugo_dir = hugo_site(site, root)
            hugo_time = best(args.repeat, lambda: run([hugo, "--quiet", "-d", str(root / "hugo-out")],
                                                      cwd=hugo_dir)[0])
            pages = sum(1 for _ in (root / "hugo-out").rglob("*.html"))
            print(f"hugo {subprocess.run([hugo, 'version'], capture_output=True, text=True, check=False).stdout.split()[1]} "
                  f"on the same Markdown ({pages} pages): {hugo_time:.2f} s")
            print(f"  ratio cold build / hugo: {cold / hugo_time:.2f}x   (target <= 2.0x)")
        else:
            print("hugo not found (apt-get install hugo): no peer to compare with")
        rebuilds = []
        for n in range(args.repeat):
            add_checkin(objectives[n * 2 + 1], n)
            settle(site, out)
            elapsed, text = run(okr("build", site, "--out", out, "--as-of", AS_OF))
            rebuilds.append(elapsed)
        rebuild = min(rebuilds)
        print(f"rebuild after one edited objective: {rebuild:.3f} s = {rebuild / cold:.1%} of cold "
              f"(target <= 10%)  [{summary(text)}]")
        settle(site, out)
        check = best(args.repeat, lambda: run(okr("check", site, "--as-of", AS_OF))[0])
        print(f"okr-pages check: {check:.2f} s   (target <= 1.0 s)")
        latency = serve_latency(site, objectives[5], args.repeat)
        print(f"serve, save to reloaded page: {latency:.3f} s   (target <= 0.5 s)")
        main_rss, worker_rss = peak_rss("build", site, "--out", root / "rss-out", "--as-of", AS_OF, "--clean")
        print(f"peak RSS, cold build: {main_rss:.0f} MB (largest worker {worker_rss:.0f} MB)   (target <= 300 MB)")
        if not args.no_scale:
            big = root / "big"
            shutil.rmtree(big, ignore_errors=True)
            big.mkdir()
            generate(big, args.objectives * 4, args.kpis * 4, args.guides * 4, seed=13)
            big_rss, big_worker = peak_rss("build", big, "--out", root / "big-out", "--as-of", AS_OF, "--clean")
            print(f"peak RSS, 4x organisation: {big_rss:.0f} MB = {big_rss / main_rss:.2f}x the memory "
                  f"(largest worker {big_worker:.0f} MB)   (target < 4x)")
            for depth in (250, 1000):
                deep = root / f"chain-{depth}"
                shutil.rmtree(deep, ignore_errors=True)
                chain(deep, depth)
                elapsed, _ = run(okr("build", deep, "--out", root / f"chain-{depth}-out", "--as-of", AS_OF))
                checked = best(args.repeat, lambda deep=deep: run(okr("check", deep, "--as-of", AS_OF))[0])
                print(f"aligns_to chain {depth} levels deep: builds in {elapsed:.2f} s, checks in {checked:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
