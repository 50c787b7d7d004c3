"""Company scale (SPEC §13, issue #19): light pages on a 2,000-objective organisation, lists capped with
a link to all, the review by team, one cycle's JSON, and the host's limits. Sizes are asserted here,
never times (bench/ measures those)."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest
from conftest import CONFIG, REPO, run_in_process, write_site

MAX_PAGE = 300_000  # bytes of any HTML page of the large organisation
MAX_FILE = 1_000_000  # bytes of any other file outside api/
AS_OF = "2026-11-15"


def _bench_large():
    spec = importlib.util.spec_from_file_location("bench_large", REPO / "bench" / "bench_large.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The benchmark's large organisation (2,000 objectives, 300 KPIs, 100 guide pages), one person
    owning 400 of its objectives, built as of mid-Q4."""
    root = tmp_path_factory.mktemp("large")
    site = root / "site"
    site.mkdir()
    objectives = _bench_large().generate(site, 2000, 300, 100)
    for path in objectives[:400]:
        path.write_text(re.sub(r"^owner: .*$", "owner: Busy Owner", path.read_text(encoding="utf-8"), count=1,
                               flags=re.MULTILINE), encoding="utf-8")
    out = root / "out"
    code, _, err = run_in_process("build", site, "--out", out, "--as-of", AS_OF)
    assert code == 0, err
    return out


@pytest.mark.slow
def test_every_page_of_a_large_organisation_is_light(large: Path) -> None:
    heavy = {path.relative_to(large).as_posix(): path.stat().st_size for path in large.rglob("*.html")
             if path.stat().st_size > MAX_PAGE}
    assert heavy == {}
    big = {path.relative_to(large).as_posix(): path.stat().st_size for path in large.rglob("*")
           if path.is_file() and path.stat().st_size > MAX_FILE and path.relative_to(large).parts[0] != "api"}
    assert big == {}
    # The first search request: the page, its script and the index's entry file.
    first = sum((large / rel).stat().st_size for rel in ("search/index.html", "assets/site.js", "assets/search/index.js"))
    assert first <= MAX_PAGE


@pytest.mark.slow
def test_long_lists_are_capped_with_a_link_to_all(large: Path) -> None:
    home = (large / "index.html").read_text(encoding="utf-8")
    overdue = re.findall(r'<tr><td><a href="okrs/[^"]+#kr-', home)
    assert len(overdue) == 10 and re.search(r'explore/\?cycle=2026-Q4&amp;overdue=1">All [\d,]+ overdue key results', home)
    # a card per team with objectives this cycle (the generator puts the odd teams' in Q4), not every objective
    assert home.count('<li class="team-card') == 5 and home.count('<li class="objective-row">') <= 10
    busy = (large / "people/busy-owner/index.html").read_text(encoding="utf-8")
    assert busy.count('<li class="objective-row">') == 25
    assert 'explore/?owner=Busy%20Owner&amp;cycle=2026-Q4">All 200 in the explorer' in busy
    review = (large / "cycles/2026-Q4/review/index.html").read_text(encoding="utf-8")
    assert 'href="../../../cycles/2026-Q4/review/sales/">Sales</a>' in review and "review-objective" not in review
    team = (large / "cycles/2026-Q4/review/sales/index.html").read_text(encoding="utf-8")
    assert team.count('<article class="review-objective"') == 100 and 'href="../../../../cycles/2026-Q4/review/sales/2/"' in team
    assert (large / "cycles/2026-Q4/review/sales/2/index.html").is_file()


@pytest.mark.slow
def test_one_cycles_json_holds_its_objectives_in_the_shape_of_okrs_json(large: Path) -> None:
    everything = json.loads((large / "api/okrs.json").read_text(encoding="utf-8"))
    q4 = json.loads((large / "api/cycles/2026-Q4.json").read_text(encoding="utf-8"))
    assert set(q4) <= set(everything) and [c["id"] for c in q4["cycles"]] == ["2026-Q4"]
    assert q4["objectives"] == [o for o in everything["objectives"] if o["cycle"] == "2026-Q4"]
    assert q4["teams"] == everything["teams"] and len(q4["objectives"]) == 1000


# -- the host's limits ------------------------------------------------------------------------------

OBJECTIVE = """\
---
title: Win enterprise
cycle: 2026-Q4
team: sales
owner: Dana
key_results:
  - title: Sign customers
    baseline: 4
    target: 20
    current: 11
  - title: Launch portal
    done: false
---
"""


def test_the_hosts_limits_warn_naming_the_file_or_the_count(tmp_path: Path) -> None:
    config = CONFIG + "limits: {site_files: 10, file_bytes: 60 kB, site_bytes: 100 kB}\n"
    root = write_site(tmp_path / "site", {"okr-pages.yaml": config, "content/okrs/2026-Q4/a.md": OBJECTIVE,
                                          "content/okrs/2026-Q4/poster.png": b"\x89PNG" + b"\0" * 70_000})
    code, out, err = run_in_process("check", root, "--as-of", AS_OF)
    assert code == 0, out
    assert out.splitlines() == [
        ("content/okrs/2026-Q4/poster.png:1:1: warning: limits.file_bytes: 70,004 bytes is more than the host's "
        "limit of 60,000 bytes per file (make it smaller (split it, or leave it out of content/), or raise "
        "limits.file_bytes if your host allows it)")]
    code, _, err = run_in_process("build", root, "--as-of", AS_OF)
    assert code == 0, err
    lines = [line for line in err.splitlines() if ": warning: " in line]
    files = len([p for p in (root / "_site").rglob("*") if p.is_file() and p.name != ".okr-pages"])
    assert "_site/okrs/2026-Q4/poster.png:1:1: warning: limits.file_bytes: 70,004 bytes" in "\n".join(lines)
    assert any(line.startswith(f"_site:1:1: warning: limits.site_files: the site has {files:,} files, more than "
                               "the host's limit of 10 (") for line in lines), lines
    assert any(line.startswith("_site:1:1: warning: limits.site_bytes: the site is ") for line in lines), lines


def test_under_strict_a_site_past_the_hosts_limits_is_not_written(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", {"okr-pages.yaml": CONFIG, "content/okrs/2026-Q4/a.md": OBJECTIVE})
    assert run_in_process("build", root, "--as-of", AS_OF)[0] == 0
    before = {p: p.read_bytes() for p in (root / "_site").rglob("*") if p.is_file()}
    (root / "okr-pages.yaml").write_text(CONFIG + "limits: {site_files: 5}\n", encoding="utf-8")
    (root / "content/okrs/2026-Q4/a.md").write_text(OBJECTIVE.replace("current: 11", "current: 12"), encoding="utf-8")
    code, _, err = run_in_process("build", root, "--as-of", AS_OF, "--strict")
    assert code == 1 and "warning: limits.site_files" in err and "nothing written" in err
    assert {p: p.read_bytes() for p in (root / "_site").rglob("*") if p.is_file()} == before


@pytest.mark.slow
@pytest.mark.browser
def test_search_on_a_large_organisation_loads_only_the_parts_it_needs(browser, large: Path) -> None:
    """From file://: the first result shows, and only the entry file, the word lists of the typed words
    and the fragments of the results shown are loaded (not the thousands of other parts)."""
    page = browser.new_page()
    loaded: list[str] = []
    page.on("request", lambda request: loaded.append(request.url))
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto((large / "search/index.html").as_uri() + "?q=objective%201234")
    first = page.locator("#search-results li a").first
    first.wait_for(state="visible", timeout=10_000)
    assert first.inner_text() == "Objective number 1234 for the engineering team"
    parts = [url for url in loaded if "/assets/search/" in url]
    total = sum(1 for _ in (large / "assets/search").rglob("*.js"))
    assert parts[0].endswith("/assets/search/index.js") and len(parts) <= 60 < total, (len(parts), total)
    assert sum(1 for url in parts if "/assets/search/w/" in url) == 2  # 'ob' and '12'
    assert errors == []
    page.close()
