"""The site renderer: Markdown safety and links, theme overrides, SVG charts, parallel rendering."""

from __future__ import annotations

from pathlib import Path

from conftest import CONFIG, write_site

from generator.cli import main

OBJECTIVE = """\
---
title: Grow {n}
cycle: 2026-Q4
team: sales
owner: Dana Reyes
key_results:
  - title: Sign customers
    baseline: 0
    target: 10
    checkins:
      - {{date: 2026-10-20, value: 4, confidence: 0.6}}
  - title: Launch portal
    done: false
---
Body of objective {n} with <script>alert(1)</script> and [a link](../../kpis/leads.md).
"""

KPI = """\
---
title: Leads
team: sales
direction: up
target: 100
series: {2026-09: 80, 2026-10: 90, 2026-11: 95}
---
Leads per month.
"""


def make_site(root: Path, objectives: int = 1, config: str = CONFIG, extra: dict[str, str] | None = None) -> Path:
    files = {"okr-pages.yaml": config, "content/kpis/leads.md": KPI}
    for n in range(objectives):
        files[f"content/okrs/2026-Q4/grow-{n}.md"] = OBJECTIVE.format(n=n)
    return write_site(root, {**files, **(extra or {})})


def build(site: Path, out: Path, *extra: str) -> dict[str, bytes]:
    assert main(["build", str(site), "--out", str(out), "--as-of", "2026-11-15", *extra]) == 0
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def test_raw_html_is_escaped_by_default(tmp_path: Path) -> None:
    files = build(make_site(tmp_path / "site"), tmp_path / "out")
    page = files["okrs/2026-Q4/grow-0/index.html"].decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="../../../kpis/leads/"' in page  # a .md link becomes the page's URL, relative


def test_raw_html_allowed_when_configured(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", config=CONFIG + "markdown: {html: true}\n")
    page = build(site, tmp_path / "out")["okrs/2026-Q4/grow-0/index.html"].decode()
    assert "<script>alert(1)</script>" in page


def test_broken_link_is_a_warning_at_its_line_and_strict_fails(tmp_path: Path, capsys) -> None:
    broken = {"content/guide/howto.md": "# How to\n\nIntro.\n\nSee [missing](nope.md).\n"}
    site = make_site(tmp_path / "site", extra=broken)
    assert main(["check", str(site), "--as-of", "2026-11-15"]) == 0
    out = capsys.readouterr().out
    assert ("content/guide/howto.md:5:1: warning: broken link to 'nope.md' "
            "(link to an existing file below content/, relative to this one)") in out
    assert main(["build", str(site), "--out", str(tmp_path / "out"), "--as-of", "2026-11-15", "--strict"]) == 1
    assert not (tmp_path / "out").exists()


def test_site_overrides_a_template_and_a_static_file(tmp_path: Path) -> None:
    extra = {
        "themes/404.html": "custom not found for {{ config.title }}\n",
        "themes/static/style.css": "body { color: red; }\n",
        "themes/static/logo.txt": "extra asset\n",
    }
    files = build(make_site(tmp_path / "site", extra=extra), tmp_path / "out")
    assert files["404.html"] == b"custom not found for Test OKRs\n"
    assert files["assets/style.css"] == b"body { color: red; }\n"
    assert files["assets/logo.txt"] == b"extra asset\n"
    assert b"assets/site.js" in files["index.html"]  # the other templates still come from the theme


def test_404_links_start_from_base_url(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", config=CONFIG + "base_url: /acme/\n")
    page = build(site, tmp_path / "out")["404.html"].decode()
    # Links from the site root, resolved against base_url; a script moves the base elsewhere.
    assert '<base href="/acme/">' in page
    assert page.index("<base") < page.index('href="assets/style.css"')
    assert 'href="cycles/"' in page and 'src="assets/site.js"' in page


def test_a_whole_url_as_base_url_gives_its_path_with_a_warning(tmp_path: Path, capsys) -> None:
    site = make_site(tmp_path / "site", config=CONFIG + "base_url: https://example.org/acme\n")
    page = build(site, tmp_path / "out")["404.html"].decode()
    assert '<base href="/acme/">' in page
    assert ("okr-pages.yaml:6:11: warning: base_url: expected the path the site is published under, "
            "not a whole URL: using '/acme/' (write base_url: /acme/)") in capsys.readouterr().err
    write_site(site, {"okr-pages.yaml": CONFIG + "base_url: /my okrs/\n"})
    assert main(["check", str(site), "--as-of", "2026-11-15"]) == 0
    assert "okr-pages.yaml:6:11: warning: base_url: '/my okrs/' holds characters a URL path cannot" in (
        capsys.readouterr().out)


def test_svg_charts_are_inline_with_unique_ids_and_no_bundle(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", objectives=2, config=CONFIG + "charts: svg\n")
    files = build(site, tmp_path / "out")
    assert "assets/vega.js" not in files
    page = files["kpis/index.html"].decode()
    assert "<svg" in page and "vega-spec" not in page
    objective = files["okrs/2026-Q4/grow-0/index.html"].decode()
    # drawn for a wide column and for a phone's; the stylesheet shows one
    assert objective.count("<svg") == 2 and 'role="img"' in objective
    assert objective.index('<div class="svg-wide"><svg') < objective.index('<div class="svg-narrow"><svg')


def test_parallel_rendering_gives_the_same_bytes(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", objectives=210)  # above the parallel minimum of 200 items
    one = build(site, tmp_path / "one")
    two = build(site, tmp_path / "two", "--jobs", "2")
    assert one.keys() == two.keys() and len(one) > 210
    assert [rel for rel in one if one[rel] != two[rel]] == []


def test_a_rebuild_of_a_few_large_pages_forks_by_their_last_cost_and_gives_the_same_bytes(tmp_path: Path,
                                                                                           monkeypatch) -> None:
    """Fewer pages than the parallel minimum, but listing many records (home, the reviews, the
    alignment tree after one check-in): split over the workers by the time each took to render in
    the last build (kept in its record), with the same bytes as a cold build."""
    from generator import pipeline
    from generator.buildrecord import engine_fingerprint, load_record

    site = make_site(tmp_path / "site", objectives=30)
    build(site, tmp_path / "inc")
    record = load_record(site, tmp_path / "inc", engine_fingerprint())
    assert record is not None and record.costs.keys() <= record.outputs.keys()
    assert "index.html" in record.costs and all(seconds >= 0 for seconds in record.costs.values())
    objective = site / "content/okrs/2026-Q4/grow-7.md"
    objective.write_text(objective.read_text().replace("value: 4,", "value: 9,"))
    splits: list[list[list[str]]] = []
    weights: list[dict[str, float]] = []

    def balance(items, parts, weight):
        chunks = parallel_balance(items, parts, weight)
        splits.append([[job.path for job in chunk] for chunk in chunks])
        weights.append({job.path: weight(job) for job in items})
        return chunks

    parallel_balance = pipeline.balance
    monkeypatch.setattr(pipeline, "PARALLEL_WEIGHT", 1)
    monkeypatch.setattr(pipeline, "balance", balance)
    rebuilt = build(site, tmp_path / "inc", "--jobs", "2")
    assert len(splits) == 1 and len(splits[0]) == 2 and all(splits[0])  # two workers, each with pages
    rendered = splits[0][0] + splits[0][1]
    assert {"index.html", "okrs/2026-Q4/grow-7/index.html", "alignment/index.html"} <= set(rendered)
    assert len(rendered) == len(set(rendered))
    assert weights[0] == {path: record.costs[path] for path in rendered}
    cold = build(site, tmp_path / "cold", "--clean", "--jobs", "1")
    assert rebuilt.keys() - {".okr-pages"} == cold.keys() - {".okr-pages"}
    assert [rel for rel in cold if rebuilt.get(rel) != cold[rel]] == []


def test_pages_never_rendered_before_are_weighed_by_the_records_they_list() -> None:
    from generator.pipeline import _expected_cost
    from generator.site.jobs import Job

    home, new = Job("index.html", "home.html", weight=4), Job("new/index.html", "page.html")
    assert _expected_cost([home], {"index.html": 0.25})(home) == 0.25
    weight = _expected_cost([home, new], {"index.html": 0.25})  # one page has no time yet: weights for all
    assert (weight(home), weight(new)) == (4, 1)


def test_when_this_process_fails_its_share_the_workers_end_without_a_word(capfd, monkeypatch) -> None:
    """The workers' results are not read any more: each one ends quietly (no traceback, no broken
    pipe), and the error the user sees is this process's own."""
    import signal
    import sys

    import pytest

    from generator import parallel
    from generator.diagnostics import OkrPagesError
    from generator.parallel import fork_map

    if not sys.platform.startswith("linux"):
        pytest.skip("this system renders in one process")
    # The test session may have threads of its own (a browser's): the workers here touch no lock.
    monkeypatch.setattr(parallel, "can_fork", lambda: True)

    def work(chunk: list[int]) -> bytes:
        if chunk == [0]:
            raise OkrPagesError("this share failed")
        return b"x" * 1_000_000  # more than a pipe holds: the worker is still writing when nobody reads

    def too_long(*_: object) -> None:
        raise TimeoutError("a worker never ended (it kept a sibling's pipe open?)")

    before = signal.signal(signal.SIGALRM, too_long)
    signal.alarm(60)
    try:
        with pytest.raises(OkrPagesError, match="this share failed"):
            fork_map(work, [[0], [1], [2]])  # two workers: the second must not hold the first one's pipe
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, before)
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")


def test_balance_deals_the_heaviest_first_to_the_lightest_part() -> None:
    from generator.parallel import balance

    assert balance([1, 9, 3, 4, 2], 2, lambda n: n) == [[9, 1], [4, 3, 2]]
    assert balance([5, 5, 5, 5], 2, lambda n: n) == [[5, 5], [5, 5]]
    assert balance([1], 3, lambda n: n) == [[1]]


def test_jobs_must_be_positive(tmp_path: Path, capsys) -> None:
    site = make_site(tmp_path / "site")
    try:
        main(["build", str(site), "--jobs", "0"])
    except SystemExit as exc:
        assert exc.code == 2
    assert "expected a whole number of at least 1, got '0'" in capsys.readouterr().err


def test_a_page_cannot_take_the_url_of_a_generated_page_or_an_objective(tmp_path, capsys) -> None:
    extra = {
        "content/search.md": "# My search\n",
        "content/teams/sales.md": "# Sales notes\n",
        "content/notes/x.md": "---\nid: okrs/2026-Q4/grow-0\n---\nHijack\n",
        "content/assets/style.md": "# Style\n",
    }
    site = make_site(tmp_path / "site", extra=extra)
    assert main(["check", str(site), "--as-of", "2026-11-15"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [
        ("content/assets/style.md:1:1: error: page URL 'assets/style/' is already used by the site's own files "
        "(rename the file or set a different 'id:')"),
        ("content/notes/x.md:1:1: error: page URL 'okrs/2026-Q4/grow-0/' is already used by "
        "content/okrs/2026-Q4/grow-0.md (rename the file or set a different 'id:')"),
        ("content/search.md:1:1: error: page URL 'search/' is already used by the search page "
        "(rename the file or set a different 'id:')"),
        ("content/teams/sales.md:1:1: error: page URL 'teams/sales/' is already used by the page of team 'sales' "
        "(rename the file or set a different 'id:')"),
    ]


def test_images_and_files_beside_the_markdown_are_published_and_linked(tmp_path: Path, capsys) -> None:
    extra = {
        "content/guide/howto.md": "# How to\n\n![Flow](img/flow.svg)\n\n[Template](files/plan.xlsx)\n\n"
                                  "![Missing](img/none.png)\n",
        "content/guide/img/flow.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
        "content/guide/files/plan.xlsx": "not really a spreadsheet",
    }
    site = make_site(tmp_path / "site", extra=extra)
    assert main(["check", str(site), "--as-of", "2026-11-15"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        ("content/guide/howto.md:7:1: warning: broken image 'img/none.png' "
        "(point at an existing file below content/, relative to this one)")]
    files = build(site, tmp_path / "out")
    assert files["guide/img/flow.svg"] == b"<svg xmlns='http://www.w3.org/2000/svg'/>"
    assert files["guide/files/plan.xlsx"] == b"not really a spreadsheet"
    page = files["guide/howto/index.html"].decode()
    assert 'src="../../guide/img/flow.svg"' in page and 'href="../../guide/files/plan.xlsx"' in page
