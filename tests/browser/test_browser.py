"""Browser tests: the built example site in Chromium, from file:// and over HTTP at a sub-path.

Playwright drives Debian's Chromium (/usr/bin/chromium); Playwright's own browser download is
not available here. CI installs Chromium with apt-get in .ci/run, so a missing browser is a
failure, not a skip.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import PREFIX, contrast, luminance, wait_for_charts

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
HOME = ""
OBJECTIVE = "okrs/2026-Q4/sales/enterprise/"
OBJECTIVE_TITLE = "Win the enterprise segment"
KPI = "kpis/churn-rate/"
DASHBOARD = "kpis/"
SEARCH = "search/"
REVIEW = "cycles/2026-Q3/review/"  # closing a cycle: grades and scores by team
ARCHIVE = "cycles/"  # scores across cycles
TEAM = "teams/sales/"
PERSON = "people/dana-reyes/"
CHANGES = "changes/"
CHART_PAGES = [OBJECTIVE, KPI, DASHBOARD, REVIEW, ARCHIVE, TEAM]
ALL_PAGES = [HOME, OBJECTIVE, KPI, DASHBOARD, SEARCH, REVIEW, PERSON, CHANGES]
SEARCH_TIMEOUT_MS = 4_000  # the index is a local script: results appear at once or not at all


# --------------------------------------------------------------------------------------------
# Fixtures: one build, one HTTP server, one browser for the whole module.
# --------------------------------------------------------------------------------------------

def file_url(site_dir: Path, rel: str) -> str:
    return (site_dir / rel / "index.html").as_uri() if not rel.endswith(".html") else (site_dir / rel).as_uri()


def http_url(server: str, rel: str) -> str:
    return server + rel


def urls_for(mode: str, site_dir: Path, server: str, rel: str) -> str:
    return file_url(site_dir, rel) if mode == "file" else http_url(server, rel)


MODES = ["file", "http"]


# --------------------------------------------------------------------------------------------
# 1. Pages load without errors
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("rel", [HOME, OBJECTIVE, PERSON, CHANGES])
def test_pages_load_without_errors(new_page, site_dir, server, mode, rel):
    opened = new_page()
    response = opened.page.goto(urls_for(mode, site_dir, server, rel))
    if mode == "http":
        assert response is not None and response.status == 200
    opened.page.wait_for_load_state("load")
    if rel == OBJECTIVE:
        wait_for_charts(opened.page)
        assert opened.page.locator("h1").inner_text() == OBJECTIVE_TITLE
    else:
        assert opened.page.locator("h1").count() == 1
    # The stylesheet loaded and applies: style.css lays the header out as a flex row.
    assert opened.page.evaluate(
        "() => getComputedStyle(document.querySelector('.site-header')).display") == "flex"
    assert opened.errors == []


def test_server_serves_only_the_sub_path(new_page, server):
    opened = new_page()
    origin = server[: -len(PREFIX)]
    assert opened.page.goto(origin + "/index.html").status == 404
    assert opened.page.goto(server).status == 200


# --------------------------------------------------------------------------------------------
# 2. Every chart is drawn
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("rel", CHART_PAGES)
def test_every_chart_is_drawn(new_page, site_dir, server, mode, rel):
    opened = new_page()
    opened.page.goto(urls_for(mode, site_dir, server, rel))
    count = wait_for_charts(opened.page)
    assert count >= (5 if rel == DASHBOARD else 1)
    # Drawn charts are real: they contain marks, not just an empty svg.
    marks = opened.page.evaluate(
        """() => Array.from(document.querySelectorAll('.chart-canvas svg, .sparkline svg'))
                 .map(svg => svg.querySelectorAll('path, line, rect, circle, text').length)""")
    assert marks and min(marks) > 0, marks
    assert opened.errors == []


# --------------------------------------------------------------------------------------------
# 3. Nothing is loaded from anywhere but the site itself
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", MODES)
def test_no_request_leaves_the_site(new_page, site_dir, server, mode):
    origin = server[: -len(PREFIX)] + "/" if mode == "http" else "file://"
    opened = new_page()
    for rel in ALL_PAGES:
        opened.requests.clear()
        opened.page.goto(urls_for(mode, site_dir, server, rel))
        opened.page.wait_for_load_state("load")  # every script and style is a static tag
        if rel in CHART_PAGES:
            wait_for_charts(opened.page)
        assert any(url.endswith("assets/style.css") for url in opened.requests), opened.requests
        assert any(url.endswith("assets/site.js") for url in opened.requests), opened.requests
        outside = [url for url in opened.requests if not url.startswith(origin)]
        assert outside == [], f"{rel or 'home'} requested {outside}"
        if mode == "http":
            assert all(urlsplit(url).path.startswith(PREFIX) for url in opened.requests), opened.requests
    assert opened.errors == []


# --------------------------------------------------------------------------------------------
# 4. Navigation
# --------------------------------------------------------------------------------------------

def test_nav_link_from_file_opens_index_html(new_page, site_dir):
    opened = new_page()
    page = opened.page
    page.goto(file_url(site_dir, HOME))
    link = page.locator('nav[aria-label="Main"] a', has_text=re.compile(r"^KPIs$"))
    assert link.get_attribute("href").endswith("kpis/index.html")
    with page.expect_navigation():
        link.click()
    assert page.url.endswith("kpis/index.html"), page.url
    assert page.locator("h1").inner_text() == "KPIs"
    assert opened.errors == []


def test_nav_link_over_http_opens_folder(new_page, server):
    opened = new_page()
    page = opened.page
    page.goto(server)
    with page.expect_navigation():
        page.locator('nav[aria-label="Main"] a', has_text=re.compile(r"^KPIs$")).click()
    assert page.url == server + "kpis/", page.url
    assert page.locator("h1").inner_text() == "KPIs"
    assert opened.errors == []


# --------------------------------------------------------------------------------------------
# 5. Search
# --------------------------------------------------------------------------------------------

def _search_hit(page):
    return page.locator("#search-results a", has_text=OBJECTIVE_TITLE)


@pytest.mark.parametrize("mode", MODES)
def test_search_finds_objective_by_title_word(new_page, site_dir, server, mode):
    opened = new_page()
    page = opened.page
    page.goto(urls_for(mode, site_dir, server, "search/index.html") + "?q=enterprise")
    hit = _search_hit(page).first
    hit.wait_for(state="visible", timeout=SEARCH_TIMEOUT_MS)
    assert page.locator("#search-input").input_value() == "enterprise"
    with page.expect_navigation():
        hit.click()
    assert page.locator("h1").inner_text() == OBJECTIVE_TITLE
    expected = "okrs/2026-Q4/sales/enterprise/" + ("index.html" if mode == "file" else "")
    assert page.url.endswith(expected), page.url
    assert opened.errors == []


@pytest.mark.parametrize("mode", MODES)
def test_header_search_box_submits_to_results(new_page, site_dir, server, mode):
    opened = new_page()
    page = opened.page
    page.goto(urls_for(mode, site_dir, server, HOME))
    box = page.locator("#site-search")
    box.fill("enterprise")
    with page.expect_navigation():
        box.press("Enter")
    assert "search/index.html?q=enterprise" in page.url, page.url
    _search_hit(page).first.wait_for(state="visible", timeout=SEARCH_TIMEOUT_MS)
    assert "result" in page.locator("#search-status").inner_text()
    assert opened.errors == []


# --------------------------------------------------------------------------------------------
# 6. Dark and light themes
# --------------------------------------------------------------------------------------------

def _body_colours(page) -> tuple[float, float]:
    background, colour = page.evaluate(
        """() => { const s = getComputedStyle(document.body); return [s.backgroundColor, s.color]; }""")
    if re.fullmatch(r"rgba\(0, 0, 0, 0\)|transparent", background):  # body transparent: use <html>
        background = page.evaluate("() => getComputedStyle(document.documentElement).backgroundColor")
    return luminance(background), luminance(colour)


def test_dark_mode_and_toggle(new_page, server):
    opened = new_page(color_scheme="dark")
    page = opened.page
    page.goto(server)
    background, text = _body_colours(page)
    assert background < 0.1, f"dark background expected, luminance {background:.3f}"
    assert text > 0.5, f"light text expected, luminance {text:.3f}"
    assert contrast(background, text) >= 7

    page.locator("#theme-toggle").click()
    assert page.evaluate("() => document.documentElement.dataset.theme") == "light"
    background, text = _body_colours(page)
    assert background > 0.8, f"light background expected after toggle, luminance {background:.3f}"
    assert text < 0.2, f"dark text expected after toggle, luminance {text:.3f}"
    # The choice is remembered on the next page.
    page.goto(server + OBJECTIVE)
    assert page.evaluate("() => document.documentElement.dataset.theme") == "light"
    assert _body_colours(page)[0] > 0.8
    assert opened.errors == []


def test_light_mode(new_page, server):
    opened = new_page(color_scheme="light")
    page = opened.page
    page.goto(server)
    background, text = _body_colours(page)
    assert background > 0.8, f"light background expected, luminance {background:.3f}"
    assert text < 0.2, f"dark text expected, luminance {text:.3f}"
    assert contrast(background, text) >= 7
    page.locator("#theme-toggle").click()
    assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
    assert _body_colours(page)[0] < 0.1
    assert opened.errors == []


# --------------------------------------------------------------------------------------------
# 7. Accessibility basics
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("rel", ALL_PAGES)
def test_accessibility_basics(new_page, server, rel):
    opened = new_page()
    page = opened.page
    page.goto(server + rel)
    if rel in CHART_PAGES:
        wait_for_charts(page)
    assert page.locator("h1").count() == 1
    assert page.locator("main").count() == 1
    assert page.locator('nav[aria-label="Main"]').count() == 1
    unnamed = page.evaluate(
        """() => Array.from(document.querySelectorAll('img, [role=img]'))
                 .filter(el => !((el.getAttribute('aria-label') || '').trim()
                                 || (el.getAttribute('alt') || '').trim()
                                 || (el.getAttribute('aria-labelledby') || '').trim()))
                 .map(el => el.outerHTML.slice(0, 120))""")
    assert unnamed == [], unnamed
    grades = page.evaluate(
        """() => Array.from(document.querySelectorAll('[class*="badge grade-"], [class^="badge grade-"]'))
                 .map(el => el.textContent.trim())""")
    if rel in (HOME, OBJECTIVE):
        assert grades, "expected grade badges"
    assert all(grades), f"grade badge without text: {grades}"
    assert page.locator("html").get_attribute("lang") == "en"
    assert opened.errors == []


# --------------------------------------------------------------------------------------------
# 8. Print stylesheet
# --------------------------------------------------------------------------------------------

def test_print_hides_chrome_keeps_tables(new_page, server):
    opened = new_page()
    page = opened.page
    page.goto(server + OBJECTIVE)
    wait_for_charts(page)
    page.emulate_media(media="print")
    display = page.evaluate(
        """() => ['nav[aria-label="Main"]', 'form.search-form', '#theme-toggle']
                 .map(sel => getComputedStyle(document.querySelector(sel)).display)""")
    assert display[:2] == ["none", "none"], display
    tables = page.locator("table.data")
    assert tables.count() >= 2
    for i in range(tables.count()):
        assert tables.nth(i).is_visible()
        assert page.evaluate("t => getComputedStyle(t).display", tables.nth(i).element_handle()) != "none"
    assert page.locator("h1").is_visible()
    page.emulate_media(media="screen")
    assert page.locator('nav[aria-label="Main"]').is_visible()


# --------------------------------------------------------------------------------------------
# 9. Screenshots for a human (and an assistant) to look at
# --------------------------------------------------------------------------------------------

def test_screenshots(new_page, server):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shots = [("home-light.png", "light", HOME), ("home-dark.png", "dark", HOME),
             ("objective-light.png", "light", OBJECTIVE), ("objective-dark.png", "dark", OBJECTIVE)]
    for name, scheme, rel in shots:
        opened = new_page(color_scheme=scheme)
        opened.page.goto(server + rel)
        if rel in CHART_PAGES:
            wait_for_charts(opened.page)
        path = ARTIFACTS / name
        opened.page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 10_000
        assert opened.errors == []


# --------------------------------------------------------------------------------------------
# 10. Reader views (SPEC §9): people, changes, owners' links, opened from disk
# --------------------------------------------------------------------------------------------

def test_person_and_changes_pages_from_disk(new_page, site_dir):
    opened = new_page()
    page = opened.page
    page.goto(file_url(site_dir, PERSON))
    assert page.locator("h1").inner_text() == "Dana Reyes"
    rows = page.locator("table.data tbody tr")
    assert rows.count() >= 2
    assert page.locator("tr.is-overdue .badge.overdue").first.is_visible()  # a KR with no check-in for 27 days
    with page.expect_navigation():
        page.locator('nav[aria-label="Breadcrumb"] a', has_text="People").click()
    assert page.url.endswith("people/index.html")
    page.goto(file_url(site_dir, CHANGES))
    assert page.locator("h1").inner_text() == "What changed"
    assert page.locator("table.moves tbody tr").count() >= 1
    # An owner's name leads to their page, from disk too.
    with page.expect_navigation():
        page.locator("table.moves a.person", has_text="Dana Reyes").first.click()
    assert page.url.endswith("people/dana-reyes/index.html")
    assert opened.errors == []


def test_a_kpi_value_of_a_month_reads_as_that_month_in_the_progress_chart(new_page, site_dir):
    """grow-arr's first key result reads MRR, whose points are months (2026-11 with period: end is
    October's): its points say so in the tooltip and to a screen reader, as the table beside it
    does; a check-in keeps its day."""
    opened = new_page()
    page = opened.page
    page.goto(file_url(site_dir, "okrs/2026-Q4/company/grow-arr/"))
    wait_for_charts(page)
    labels = page.evaluate("""() => Array.from(document.querySelectorAll('.chart-canvas .mark-symbol.role-mark path'))
        .map(p => p.getAttribute('aria-label'))""")
    mrr = [label for label in labels if "Key result: Grow MRR to $1.1M;" in label]
    assert mrr and all(re.search(r"Date: (Sep|Oct|Nov) 2026$", label) for label in mrr), mrr
    table = page.locator("table.data", has_text="Progress at each dated value").inner_text()
    assert all(label.rsplit("Date: ", 1)[1] in table for label in mrr), table
    checkins = [label for label in labels if "Key result: Grow enterprise customers" in label]
    assert any(label.endswith("Date: 5 Oct 2026") for label in checkins), checkins
    point = page.locator(".chart-canvas .mark-symbol.role-mark path[aria-label*='Grow MRR']").last
    point.hover(force=True)
    tip = page.locator("#vg-tooltip-element")
    tip.wait_for(state="visible")
    assert re.search(r"Date\s+(Sep|Oct|Nov) 2026\s+Key result\s+Grow MRR", tip.inner_text()), tip.inner_text()
    assert opened.errors == []
