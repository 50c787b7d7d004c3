"""The benchmarks still run: each script on a small organisation, once (timings are not checked here;
bench/README.md records them). A benchmark that broke with the code would otherwise be noticed only
when someone next measures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

BENCH = Path(__file__).resolve().parents[1] / "bench"


def run(script: str, *args: str) -> str:
    done = subprocess.run([sys.executable, str(BENCH / script), *args], capture_output=True, text=True,
                          timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    return done.stdout


def test_bench_large_measures_every_target_on_a_small_organisation() -> None:
    out = run("bench_large.py", "--objectives", "40", "--kpis", "6", "--guides", "3", "--repeat", "1")
    for line in ("okr-pages build (cold):", "rebuild after one edited objective:", "okr-pages check:",
                 "serve, save to reloaded page:", "peak RSS, cold build:", "peak RSS, 4x organisation:",
                 "aligns_to chain 1000 levels deep: builds in"):
        assert line in out, out
    assert "ratio cold build / hugo:" in out or "hugo not found" in out


def test_bench_load_compares_with_both_yaml_loaders() -> None:
    out = run("bench_load.py", "-n", "40", "--kpis", "5", "--repeat", "1")
    assert "load_site + score_site + quality_warnings:" in out and "; 0 problems," in out, out
    assert "peer: yaml.load SafeLoader" in out and "peer: yaml.load CSafeLoader" in out, out


def test_bench_charts_compares_templates_with_fresh_altair_charts() -> None:
    out = run("bench_charts.py")
    assert "ratio: template fill is" in out and "render_svgs:" in out, out
