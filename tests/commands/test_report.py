"""``okr-pages report``: a cycle's review as one self-contained HTML file, or a PDF (SPEC §10), and the
review page as it prints.

The HTML is opened offline in Chromium with every request intercepted; the PDF is read back with
pdftotext and pdfinfo (Debian's poppler-utils, which .ci/run installs).
"""


from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import REPO, missing_tool

AS_OF = "2026-11-22"
Q3_TITLES = ["Keep the customers we already won", "Prove that self-serve can be a growth engine",
             "Stop losing new accounts in their first 90 days", "Ship safely every working day",
             "Break into the mid-market", "Answer every customer while they still care"]
TEAMS = ["Northwind Labs", "Engineering", "Sales", "Customer Success", "Support"]  # 2026-Q3's, in tree order


def require_poppler() -> None:
    """pdftotext and pdfinfo: CI installs poppler-utils and fails without it; elsewhere skip with the command."""
    if shutil.which("pdftotext") and shutil.which("pdfinfo"):
        return
    message = "pdftotext not found: install it with 'apt-get install poppler-utils'"
    missing_tool(message)


@pytest.fixture(scope="module")
def html_report(tmp_path_factory) -> Path:
    from conftest import run_cli

    out = tmp_path_factory.mktemp("report") / "q3.html"
    run = run_cli("report", "2026-Q3", "--site-dir", REPO, "--as-of", AS_OF, "--out", out)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith(f"wrote {out} (2026-Q3 review, HTML, ")
    return out


@pytest.fixture(scope="module")
def pdf_report(tmp_path_factory) -> Path:
    from conftest import run_cli

    out = tmp_path_factory.mktemp("report") / "q3.pdf"
    run = run_cli("report", "2026-Q3", "--site-dir", REPO, "--as-of", AS_OF, "--out", out, "--pdf")
    assert run.returncode == 0, run.stderr
    assert re.match(rf"wrote {re.escape(str(out))} \(2026-Q3 review, PDF, [\d,]+ bytes, \d+ pages; as of {AS_OF}\)",
                    run.stdout)
    return out


def test_html_report_holds_everything_it_shows(html_report: Path) -> None:
    html = html_report.read_text(encoding="utf-8")
    assert 'http-equiv="Content-Security-Policy" content="default-src \'none\'' in html
    assert "<script" not in html and "<link rel=\"stylesheet\"" not in html
    assert not re.search(r"""(src|href)=["'](https?:|//|[^"'#d])""", html.replace('href="data:,"', "")), \
        "no link or source may point outside the file"
    assert html.count("<svg") == 2 and "<style>" in html and ".review-objective" in html
    for title in Q3_TITLES:
        assert title in html
    assert "reviewed 0.70, computed 0.76" in html  # a reviewed score, set against the computed one
    assert "Two large accounts signed in August left in week 11" in html  # a retrospective
    assert "Reach $1.1M in monthly recurring revenue with customers who stay" in html  # a follow-up
    # a link in a retrospective to a KPI points at the KPI's row in the file
    assert '(see the <a href="#k-churn-rate">churn KPI</a>)' in html and 'id="k-churn-rate"' in html


def test_html_report_is_deterministic_and_defaults_to_the_current_folder(html_report: Path, tmp_path: Path,
                                                                         cli) -> None:
    run = cli("report", "2026-Q3", "--site-dir", REPO, "--as-of", AS_OF, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "2026-Q3-review.html").read_bytes() == html_report.read_bytes()


def test_unknown_cycle_says_did_you_mean(cli) -> None:
    run = cli("report", "2026-Q5", "--site-dir", REPO, "--as-of", AS_OF)
    assert run.returncode == 1
    assert run.stderr.strip() == "okr-pages: error: unknown cycle '2026-Q5' (did you mean '2026-Q4'?)"


def test_upcoming_cycle_and_broken_site_are_refused(site, cli, tmp_path) -> None:
    root = site({"content/okrs/2027-Q1/a.md": "---\ntitle: Later\ncycle: 2027-Q1\nteam: sales\nowner: Ann\n"
                 "key_results:\n  - {title: A, baseline: 0, target: 2}\n  - {title: B, baseline: 0, target: 2}\n---\n"})
    run = cli("report", "2027-Q1", "--site-dir", root, "--as-of", AS_OF, cwd=tmp_path)
    assert run.returncode == 1
    assert "cycle 2027-Q1 has not started (it starts on 2027-01-01): nothing to review yet" in run.stderr
    (root / "content/okrs/2027-Q1/a.md").write_text("---\ntitle: Later\ncycle: 2027-Q1\nteam: nope\n---\n")
    run = cli("report", "2027-Q1", "--site-dir", root, "--as-of", AS_OF, cwd=tmp_path)
    assert run.returncode == 1 and "the site has 2 error(s), e.g. content/okrs/2027-Q1/a.md:" in run.stderr
    assert list(tmp_path.glob("*review*")) == []


def test_a_broken_site_is_refused_with_an_error_as_its_example(site, cli, tmp_path) -> None:
    """A warning that sorts before the first error (an earlier file) is not shown as the example."""
    warned = "---\ntitle: Sooner\ncycle: 2026-Q4\nteam: sales\nowner: Ann\nkey_results:\n  - {title: A, done: true}\n---\n"
    root = site({"content/okrs/2026-Q4/a.md": warned, "content/okrs/2026-Q4/b.md": "---\ntitle: Later\n---\n"})
    run = cli("report", "2026-Q4", "--site-dir", root, "--as-of", AS_OF, cwd=tmp_path)
    assert run.returncode == 1 and "e.g. content/okrs/2026-Q4/b.md:" in run.stderr and ": error:" in run.stderr
    assert "warning" not in run.stderr, run.stderr


def test_pdf_without_weasyprint_says_what_to_install(tmp_path: Path, cli) -> None:
    fake = tmp_path / "fake" / "weasyprint"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ModuleNotFoundError(\"No module named 'weasyprint'\")\n")
    run = cli("report", "2026-Q3", "--site-dir", REPO, "--pdf", env={"PYTHONPATH": f"{fake.parent}:{REPO}"},
              cwd=tmp_path)
    assert run.returncode == 1
    assert run.stderr.startswith("okr-pages: error: --pdf needs WeasyPrint, which is not installed: "
                                 "pip install 'okr-pages[pdf]' (on Debian or Ubuntu it also needs: apt-get install ")
    assert not (tmp_path / "2026-Q3-review.pdf").exists()


def pdf_pages(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    return text.split("\f")[:-1]  # a form feed ends each page


def pdf_info(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in out.splitlines())}


def test_pdf_pages_and_text(pdf_report: Path) -> None:
    require_poppler()
    info = pdf_info(pdf_report)
    pages = pdf_pages(pdf_report)
    # The summary flows from page to page with no half-empty pages (2 pages: headline, grades and the
    # start of the scores by team; the rest and the committed and aspirational objectives), the KPIs
    # and signals on a page of their own, then one page per team (Northwind Labs' two objectives take two).
    assert info["Pages"] == str(len(pages)) == "9"
    assert all(len(page.strip().splitlines()) > 30 for page in pages[:2]), [len(p.splitlines()) for p in pages[:2]]
    assert info["Page size"].startswith("595.") and "(A4)" in info["Page size"]
    assert info["Title"] == "2026-Q3 review · Northwind Labs OKRs"
    assert "2026" in info["CreationDate"] and "Nov 22" in info["CreationDate"]  # the as-of date, not the clock
    assert "2026-Q3 review" in pages[0] and "Company score" in pages[0]
    # Page breaks between teams: each team's section starts a page with its name.
    team_pages = [next(n for n, page in enumerate(pages) if page.strip().startswith(team)) for team in TEAMS]
    assert team_pages == sorted(team_pages) and len(set(team_pages)) == len(TEAMS)
    kpis = next(n for n, page in enumerate(pages) if page.strip().startswith("KPIs over the cycle"))
    assert "Signals raised during the cycle" in pages[kpis] and kpis < team_pages[0]
    text = "\n".join(pages)
    for title in Q3_TITLES:
        assert title in text
    assert "Northwind Labs OKRs · 2026-Q3 review" in pages[1] and re.search(r"\b2\s*/\s*9\b", pages[1])  # the page footer
    assert re.search(r"Computed score\s+Reviewed score\s+Grade", text)


def test_pdf_is_deterministic_and_letter_sized_on_request(pdf_report: Path, tmp_path: Path, cli) -> None:
    require_poppler()
    again = tmp_path / "again.pdf"
    assert cli("report", "2026-Q3", "--site-dir", REPO, "--as-of", AS_OF, "--out", again, "--pdf").returncode == 0
    assert again.read_bytes() == pdf_report.read_bytes()
    letter = tmp_path / "letter.pdf"
    assert cli("report", "2026-Q3", "--site-dir", REPO, "--as-of", AS_OF, "--out", letter, "--pdf",
               "--paper", "letter").returncode == 0
    assert "(letter)" in pdf_info(letter)["Page size"]


# --------------------------------------------------------------------------------------------
# In Chromium: the report offline, and the site's review page in print
# --------------------------------------------------------------------------------------------

@pytest.mark.browser
def test_report_opens_offline_with_no_request_and_draws_its_charts(browser, html_report: Path) -> None:
    context = browser.new_context(offline=True)
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []

    def intercept(route) -> None:
        requests.append(route.request.url)
        if route.request.url == html_report.as_uri():
            route.continue_()
        else:
            route.abort()

    page.route("**/*", intercept)
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(html_report.as_uri())
    page.wait_for_load_state("load")
    assert requests == [html_report.as_uri()]
    assert errors == []
    charts = page.evaluate("""() => Array.from(document.querySelectorAll('.chart-canvas svg')).map(svg => {
        const box = svg.getBoundingClientRect();
        return [Math.round(box.width), Math.round(box.height), svg.querySelectorAll('path').length];
    })""")
    assert len(charts) == 2 and all(width > 300 and height > 50 and marks > 3 for width, height, marks in charts)
    # the style sheet applies: the theme's boxes, and the light palette whatever the system's
    assert page.evaluate("getComputedStyle(document.querySelector('.review-objective')).borderTopStyle") == "solid"
    assert page.evaluate("getComputedStyle(document.documentElement).backgroundColor") == "rgb(255, 255, 255)"
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_review_page_prints_on_a4_and_letter(browser, site_dir: Path, tmp_path: Path, paper: str) -> None:
    require_poppler()
    context = browser.new_context(color_scheme="dark")  # a reader in dark mode prints it
    page = context.new_page()
    page.goto((site_dir / "cycles/2026-Q3/review/index.html").as_uri())
    page.wait_for_function("() => Array.from(document.querySelectorAll('.chart-canvas')).every(c => c.querySelector('svg'))")
    page.emulate_media(media="print")
    style = page.evaluate("""() => {
        const css = (selector, property) => getComputedStyle(document.querySelector(selector))[property];
        return {background: css('html', 'backgroundColor'), text: css('body', 'color'),
                chart: css('.chart', 'breakInside'), nav: css('.site-nav', 'display')};
    }""")
    assert style == {"background": "rgb(255, 255, 255)", "text": "rgb(0, 0, 0)", "chart": "avoid", "nav": "none"}
    out = tmp_path / f"review-{paper}.pdf"
    page.pdf(path=str(out), format=paper)
    pages = pdf_pages(out)
    for team in TEAMS:  # the summary names every team, with a link to its part
        assert any(team in p for p in pages), team
    # A team's part prints from its own page, with no page left empty before it.
    page.goto((site_dir / "cycles/2026-Q3/review/sales/index.html").as_uri())
    page.emulate_media(media="print")
    assert page.evaluate("() => getComputedStyle(document.querySelector('.review-team')).breakBefore") != "page"
    assert page.evaluate("() => getComputedStyle(document.querySelector('.review-objective')).breakInside") == "avoid"
    team_pdf = tmp_path / f"sales-{paper}.pdf"
    page.pdf(path=str(team_pdf), format=paper)
    context.close()
    team_pages = pdf_pages(team_pdf)
    assert "Sales" in team_pages[0] and "Break into the mid-market" in team_pages[0]
    # no chart is cut: each chart's axis title sits on the same page as its first label
    for first, last in (("Aspirational", "Objectives"), ("All objectives", "Score")):
        assert any(first in p and last in p for p in pages), (first, last)


def test_a_kpi_linked_key_result_reads_the_same_on_its_page_the_review_and_the_report(site_dir, html_report) -> None:
    """One render session makes all three: a key result that reads the churn KPI and names no unit of its
    own is shown in the KPI's unit everywhere (the review once showed the bare numbers)."""
    import html as entities

    def journey(page: str) -> str:
        # the key result's 'baseline → current → target', tags dropped, as a reader sees it
        row = page[page.index("Cut monthly revenue churn to 2%"):]
        found = re.search(r"([\d.]+%?)\s*(?:<[^>]+>\s*)*→\s*(?:<[^>]+>\s*)*([\d.]+%?)\s*(?:<[^>]+>\s*)*→"
                          r"\s*(?:<[^>]+>\s*)*([\d.]+%?)", row)
        assert found is not None
        return " → ".join(found.groups())

    objective = (site_dir / "okrs/2026-Q3/company/keep-customers/index.html").read_text(encoding="utf-8")
    review = (site_dir / "cycles/2026-Q3/review/company/index.html").read_text(encoding="utf-8")
    report = entities.unescape(html_report.read_text(encoding="utf-8"))
    assert journey(objective) == journey(review) == journey(report)
    assert journey(objective).endswith("%") and journey(objective).count("%") == 3
