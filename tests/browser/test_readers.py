"""Every reader (issue #9), in Chromium: phones, print, forced colours, axe-core, honest units and
dates in tooltips, the 404 page away from its base_url, search, and ``charts: svg``.

The bundled example is built once as in test_browser.py and served under a sub-path. axe-core comes
from npm (tests/axe/package.json; .ci/run installs it); pdftoppm (poppler-utils) rasterises printed
pages to look for the progress bars.
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import (
    EXAMPLE_AS_OF as AS_OF,
)
from conftest import (
    TIMEOUT_MS,
    axe_violations,
    contrast,
    copy_example,
    luminance,
    missing_tool,
    require_axe,
    require_chromium,
    wait_for_charts,
)

from generator.cli import main as cli_main

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
# One page of every kind the site makes.
PAGE_TYPES = {
    "home": "",
    "objective": "okrs/2026-Q4/sales/enterprise/",
    "kpi": "kpis/mrr/",
    "dashboard": "kpis/",
    "teams": "teams/",
    "team": "teams/company/",
    "alignment": "alignment/",
    "archive": "cycles/",
    "cycle": "cycles/2026-Q3/",
    "guide": "guide/how-we-run-okrs/",
    "guide with a wide table": "guide/authoring-workflow/",
    "search": "search/index.html?q=churn",
    "not found": "404.html",
    "review": "cycles/2026-Q3/review/",
    "people": "people/",
    "person": "people/dana-reyes/",
    "changes": "changes/",
}
CHARTS = {"objective", "kpi", "dashboard", "review"}


def _open(opened, server: str, kind: str) -> None:
    opened.page.goto(server + PAGE_TYPES[kind])
    opened.page.wait_for_load_state("load")
    if kind in CHARTS:
        wait_for_charts(opened.page)


# --------------------------------------------------------------------------------------------
# Phones: every page reads without sideways scrolling (WCAG 1.4.10)
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("width", [390, 320])
def test_no_page_scrolls_sideways_on_a_phone(browser, server, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        for kind, rel in PAGE_TYPES.items():
            page.goto(server + rel)
            page.wait_for_load_state("load")
            if kind in CHARTS:
                page.wait_for_function("() => Array.from(document.querySelectorAll('.chart-canvas'))"
                                       ".every(el => el.querySelector('svg'))")
            scroll, inner = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
            assert scroll <= inner, f"{kind} lays out {scroll} px wide at {width} px"
            header = page.evaluate("() => document.querySelector('.site-header').getBoundingClientRect().height")
            assert header <= 100, f"{kind}: the header takes {header} px at {width} px"
            # a date never breaks inside: every <time> is one line
            broken = page.evaluate("""() => Array.from(document.querySelectorAll('main time, main td.date'))
                .filter(t => { const r = document.createRange(); r.selectNodeContents(t);
                               return new Set(Array.from(r.getClientRects()).map(b => Math.round(b.top))).size > 1; })
                .map(t => t.textContent)""")
            assert broken == [], f"{kind}: dates broken over lines at {width} px: {broken}"
    finally:
        context.close()


def test_wide_tables_scroll_in_their_own_box(browser, server):
    context = browser.new_context(viewport={"width": 320, "height": 800})
    try:
        page = context.new_page()
        page.goto(server + PAGE_TYPES["guide with a wide table"])
        boxes = page.evaluate("""() => Array.from(document.querySelectorAll('.table-scroll')).map(box => [
            box.scrollWidth > box.clientWidth, box.getAttribute('tabindex'), box.getAttribute('role'),
            box.getAttribute('aria-label')])""")
        wide = [box for box in boxes if box[0]]
        assert wide, boxes
        # a box that scrolls takes keyboard focus and is named for a screen reader
        assert all(tabindex == "0" and role == "region" and label for _, tabindex, role, label in wide), wide
        narrow = [box for box in boxes if not box[0]]
        assert all(tabindex is None for _, tabindex, _, _ in narrow), narrow  # no needless tab stops
    finally:
        context.close()


# --------------------------------------------------------------------------------------------
# Print: legible from dark mode; bars and dots without background graphics; no footer-only page
# --------------------------------------------------------------------------------------------

def _print_colours(page) -> tuple[float, float]:
    background, colour = page.evaluate("""() => [getComputedStyle(document.body).backgroundColor,
                                                 getComputedStyle(document.querySelector('main p, main li, main td')).color]""")
    if re.fullmatch(r"rgba\(0, 0, 0, 0\)|transparent", background):
        background = page.evaluate("() => getComputedStyle(document.documentElement).backgroundColor")
    return luminance(background), luminance(colour)


@pytest.mark.parametrize("how", ["system", "toggle"])
def test_printing_from_dark_mode_prints_dark_text_on_white(new_page, server, how):
    opened = new_page(color_scheme="dark" if how == "system" else "light")
    page = opened.page
    if how == "toggle":  # the reader chose dark with the toggle; the choice is kept in localStorage
        page.goto(server)
        page.locator("#theme-toggle").click()
        assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
    for kind in ("home", "objective", "kpi", "dashboard"):
        _open(opened, server, kind)
        page.emulate_media(media="screen")
        assert _print_colours(page)[0] < 0.1, "the screen is dark"
        page.emulate_media(media="print")
        background, text = _print_colours(page)
        assert background > 0.9 and text < 0.05, (kind, background, text)
        if kind in ("objective", "kpi"):
            label = page.evaluate("""() => getComputedStyle(document.querySelector(
                '.chart-canvas .role-axis-label text')).fill""")
            assert luminance(label) < 0.1, f"{kind}: chart labels print light ({label})"
    page.emulate_media(media="screen")
    assert opened.errors == []


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


def test_the_printed_home_page_ends_with_content_not_a_lone_footer(new_page, server):
    opened = new_page()
    page = opened.page
    _open(opened, server, "home")
    page.emulate_media(media="print")
    with_footer = _pdf_pages(page.pdf(format="A4"))
    page.add_style_tag(content=".site-footer { display: none !important; }")
    without = _pdf_pages(page.pdf(format="A4"))
    assert with_footer == without >= 1


def _require_pdftoppm() -> str:
    found = shutil.which("pdftoppm")
    if found:
        return found
    message = "pdftoppm not found: install it with 'apt-get install poppler-utils'"
    missing_tool(message)


def _tone_pixels(pdftoppm: str, pdf: bytes, folder: Path, colour: tuple[int, int, int]) -> int:
    """Pixels of every printed page within a small distance of ``colour``."""
    path = folder / "page.pdf"
    path.write_bytes(pdf)
    subprocess.run([pdftoppm, "-r", "60", str(path), str(folder / "page")], check=True, timeout=60)
    count = 0
    for image in sorted(folder.glob("page*.ppm")):
        data = image.read_bytes()
        header = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)
        assert header
        pixels = data[header.end():]
        for i in range(0, len(pixels) - 2, 3):
            if abs(pixels[i] - colour[0]) + abs(pixels[i + 1] - colour[1]) + abs(pixels[i + 2] - colour[2]) < 60:
                count += 1
    for leftover in folder.glob("page*"):
        leftover.unlink()
    return count


def test_progress_bars_print_without_background_graphics(new_page, server, tmp_path):
    pdftoppm = _require_pdftoppm()
    opened = new_page()
    page = opened.page
    _open(opened, server, "home")
    page.emulate_media(media="print")
    yellow = (0x8a, 0x5a, 0x00)  # the yellow grade's colour, most bars on the example's home page
    # Chromium's own print dialog default: no background graphics
    with_bars = _tone_pixels(pdftoppm, page.pdf(format="A4", print_background=False), tmp_path, yellow)
    page.add_style_tag(content=".bar { visibility: hidden !important; }")
    without = _tone_pixels(pdftoppm, page.pdf(format="A4", print_background=False), tmp_path, yellow)
    assert with_bars - without > 100, (with_bars, without)


def test_bars_dots_and_sparklines_keep_their_meaning_in_forced_colours(new_page, server):
    opened = new_page()
    page = opened.page
    _open(opened, server, "home")
    page.emulate_media(forced_colors="active")
    fill, bar, dot = page.evaluate("""() => {
        const s = e => getComputedStyle(document.querySelector(e));
        return [[s('.bar .fill').borderTopWidth, s('.bar .fill').borderTopColor],
                [s('.bar').backgroundColor], [s('.badge .dot').borderTopWidth, s('.badge .dot').borderTopColor]];
    }""")
    assert float(fill[0].removesuffix("px")) > 5 and contrast(luminance(fill[1]), luminance(bar[0])) > 3
    assert float(dot[0].removesuffix("px")) > 2 and contrast(luminance(dot[1]), luminance(bar[0])) > 3
    _open(opened, server, "dashboard")
    page.emulate_media(forced_colors="active")
    stroke, background = page.evaluate("""() => [getComputedStyle(document.querySelector('.spark-series')).stroke,
                                                  getComputedStyle(document.body).backgroundColor]""")
    assert contrast(luminance(stroke), luminance(background)) > 3
    assert opened.errors == []


# --------------------------------------------------------------------------------------------
# axe-core: no violation on any page, light or dark
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violation_on_any_page(new_page, server, scheme):
    axe = require_axe()
    opened = new_page(color_scheme=scheme)
    found = {}
    for kind in PAGE_TYPES:
        _open(opened, server, kind)
        violations = axe_violations(opened.page, axe)
        if violations:
            found[kind] = violations
    assert found == {}
    assert opened.errors == []


def test_the_theme_toggle_says_which_theme_is_on(new_page, server):
    opened = new_page(color_scheme="dark")
    page = opened.page
    page.goto(server)
    toggle = page.get_by_role("button", name="Dark theme")
    assert toggle.get_attribute("aria-pressed") == "true"  # the system's dark theme is on
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "false"
    assert page.evaluate("() => document.documentElement.dataset.theme") == "light"
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"


def test_code_blocks_take_keyboard_focus(new_page, server):
    opened = new_page()
    opened.page.goto(server + "guide/kpi-data-sources/")
    assert opened.page.evaluate("() => Array.from(document.querySelectorAll('main pre')).every(p => p.tabIndex === 0)")


# --------------------------------------------------------------------------------------------
# Figures: units and months in charts and tables; the dashboard without the Vega runtime
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_kpi_tooltips_show_the_unit_and_the_month_in_the_theme(new_page, server, scheme):
    opened = new_page(color_scheme=scheme)
    page = opened.page
    _open(opened, server, "kpi")
    page.locator(".chart-canvas .mark-symbol.role-mark path").last.hover(force=True)
    tip = page.locator("#vg-tooltip-element")
    tip.wait_for(state="visible")
    # mrr is written in months with period: end; its latest point, dated 2026-11, closes October
    assert re.search(r"Date\s+Oct 2026\s+Value \(k USD\)\s+1,031\b", tip.inner_text()), tip.inner_text()
    assert f"{scheme}-theme" in tip.get_attribute("class")
    background = page.evaluate("() => getComputedStyle(document.getElementById('vg-tooltip-element')).backgroundColor")
    assert (luminance(background) < 0.1) == (scheme == "dark")
    assert opened.errors == []


def test_month_points_read_as_months_and_kpi_linked_krs_carry_the_kpis_unit(new_page, server):
    opened = new_page()
    page = opened.page
    _open(opened, server, "kpi")
    dates = page.locator("table.series tbody tr td:first-child").all_inner_texts()
    assert dates[:3] == ["Oct 2026", "Sep 2026", "Aug 2026"]
    assert page.locator(".big-score .label").inner_text() == "Latest (Oct 2026)"
    page.goto(server + "okrs/2026-Q4/company/grow-arr/")
    journey = page.locator("#kr-grow-mrr-to-1-1m .journey").inner_text()
    assert re.match(r"\d[\d,]* → [\d,]+ → 1,100 k USD", journey), journey


def test_the_dashboard_draws_sparklines_without_the_vega_runtime(new_page, server):
    opened = new_page()
    page = opened.page
    _open(opened, server, "dashboard")
    assert not any(url.endswith("vega.js") for url in opened.requests), opened.requests
    sparks = page.locator(".sparkline svg")
    assert sparks.count() == 9
    # each one shows its target and healthy band, and the cards use the page's width
    assert page.locator(".sparkline .spark-target").count() >= 8 and page.locator(".sparkline .spark-band").count() >= 8
    used = page.evaluate("""() => { const main = document.querySelector('main').getBoundingClientRect();
        const cards = Array.from(document.querySelectorAll('.kpi-card')).map(c => c.getBoundingClientRect());
        return [Math.max(...cards.map(c => c.right)) - main.left, main.width, new Set(cards.map(c => c.top)).size]; }""")
    assert used[0] > 0.8 * used[1], used
    assert used[2] <= 4, f"cards on {used[2]} rows: the width is not used"
    assert opened.errors == []


# --------------------------------------------------------------------------------------------
# The 404 page away from base_url: file://, another prefix
# --------------------------------------------------------------------------------------------

def test_404_page_works_from_file_and_other_prefixes(new_page, site_dir, server):
    for url, root in ((server + "no/such/page/", server), ((site_dir / "404.html").as_uri(), site_dir.as_uri() + "/")):
        opened = new_page()
        page = opened.page
        if url.startswith("http") and "no/such" in url:
            # GitHub Pages answers a missing address with 404.html's bytes: so does this route
            page.route(url, lambda route: route.fulfill(status=404, path=str(site_dir / "404.html"),
                                                        content_type="text/html"))
        page.goto(url)
        page.wait_for_load_state("load")
        assert page.evaluate("() => getComputedStyle(document.querySelector('.site-header')).display") == "flex"
        archive = page.locator("main a", has_text="cycle archive")
        expected = root + "cycles/" + ("index.html" if root.startswith("file:") else "")
        assert page.evaluate("a => a.href", archive.element_handle()) == expected
        assert page.evaluate("() => document.querySelector('.skip-link').href") == page.url.split("#")[0] + "#main"
        assert [e for e in opened.errors if "no/such/page" not in e] == []  # the page itself is a 404


def test_404_page_at_another_prefix(browser, tmp_path):
    """The same build served at /other/ (say, a fork's Pages site): the page points at its own folder."""
    import functools
    import http.server
    import threading

    out = tmp_path / "root" / "other"
    assert cli_main(["build", str(REPO), "--out", str(out), "--as-of", AS_OF]) == 0

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                            functools.partial(Quiet, directory=str(tmp_path / "root")))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    context = browser.new_context()
    try:
        host, port = httpd.server_address[:2]
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"http://{host}:{port}/other/404.html")
        assert page.evaluate("() => getComputedStyle(document.querySelector('.site-header')).display") == "flex"
        assert page.evaluate("() => document.querySelector('nav a[href=\"kpis/\"]').href") == \
            f"http://{host}:{port}/other/kpis/"
        assert errors == []
    finally:
        context.close()
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


# --------------------------------------------------------------------------------------------
# Search: a typo, a snippet, the query in the title
# --------------------------------------------------------------------------------------------

def test_search_forgives_a_typo_shows_a_snippet_and_names_the_query(new_page, server):
    opened = new_page()
    page = opened.page
    page.goto(server + "search/index.html?q=enterprize")
    hit = page.locator("#search-results li", has_text="Win the enterprise segment").first
    hit.wait_for(state="visible")
    assert "enterprize" in page.title() and "Search" in page.title()
    page.goto(server + "search/index.html?q=procurement")
    first = page.locator("#search-results li").first
    first.wait_for(state="visible")
    snippet = first.locator(".snippet")
    assert "procurement" in snippet.locator("mark").first.inner_text().lower()
    assert len(snippet.inner_text()) > 30
    page.fill("#search-input", "")
    assert page.title() == "Search · Northwind Labs OKRs"
    assert opened.errors == []


# --------------------------------------------------------------------------------------------
# charts: svg: charts fill their column; axis text reads at 4.5:1 in both themes
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def svg_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    require_chromium()
    root = tmp_path_factory.mktemp("svg-mode")
    site = copy_example(root, "charts: svg\n")
    assert cli_main(["build", str(site), "--out", str(root / "out"), "--as-of", AS_OF]) == 0
    yield root / "out"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_svg_charts_fill_the_column_and_their_text_reads(new_page, svg_site, scheme):
    opened = new_page(color_scheme=scheme)
    page = opened.page
    for rel in ("kpis/mrr/index.html", "okrs/2026-Q4/sales/enterprise/index.html"):
        page.goto((svg_site / rel).as_uri())
        svg_width, column = page.evaluate("""() => [document.querySelector('.chart-canvas svg').getBoundingClientRect().width,
                                                    document.querySelector('main section').getBoundingClientRect().width]""")
        assert svg_width > 0.95 * column, (svg_width, column)
        background = page.evaluate("() => getComputedStyle(document.documentElement).backgroundColor")
        fills = page.evaluate("""() => Array.from(document.querySelectorAll(
            '.chart-canvas .role-axis-label text, .chart-canvas .role-axis-title text, .chart-canvas .mark-text.role-mark text'))
            .map(t => getComputedStyle(t).fill)""")
        assert fills
        worst = min(contrast(luminance(fill), luminance(background)) for fill in fills)
        assert worst >= 4.5, f"{rel}: chart text {worst:.2f}:1 in {scheme}"
        labels = page.evaluate("""() => Array.from(document.querySelectorAll('.chart-canvas .role-axis-label'))[0]
            .querySelectorAll('text').length""")
        assert labels <= 13
        # no two x labels overlap
        boxes = page.evaluate("""() => Array.from(document.querySelector('.chart-canvas .role-axis-label')
            .querySelectorAll('text')).map(t => { const r = t.getBoundingClientRect(); return [r.left, r.right]; })""")
        boxes.sort()
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(boxes)), boxes
    # On a phone the chart drawn for a narrow column shows instead, its text at full size.
    page.set_viewport_size({"width": 390, "height": 800})
    shown = page.evaluate("""() => Array.from(document.querySelectorAll('.chart-canvas svg'))
        .filter(svg => svg.getBoundingClientRect().width > 0).map(svg => svg.parentNode.className)""")
    assert shown == ["svg-narrow"]
    size = page.evaluate("""() => { const svg = document.querySelector('.svg-narrow svg');
        const text = svg.querySelector('.role-axis-label text');
        return text.getBoundingClientRect().height; }""")
    assert size >= 9, f"axis labels {size:.1f} px high on a phone"
    assert page.evaluate("() => document.documentElement.scrollWidth <= innerWidth")
    assert opened.errors == []
