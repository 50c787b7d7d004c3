"""The site in German, in Chromium (issue #9): the browser's charts write numbers and dates as the
pages do (the d3 locale in each spec), search counts its results in German, and axe-core still
finds nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import EXAMPLE_AS_OF as AS_OF
from conftest import (
    axe_violations,
    copy_example,
    require_axe,
    require_chromium,
    serving,
    wait_for_charts,
)

from generator.cli import main as cli_main

pytestmark = pytest.mark.browser

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def german_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_chromium()
    root = tmp_path_factory.mktemp("german")
    site = copy_example(root, "language: de\n")
    assert cli_main(["build", str(site), "--out", str(root / "out"), "--as-of", AS_OF]) == 0
    return root / "out"


@pytest.fixture(scope="module")
def german_server(german_site: Path) -> Iterator[str]:
    """The German site over HTTP under PREFIX, as axe-core reads style sheets with requests."""
    with serving(german_site) as url:
        yield url


def _open(opened, site: Path, rel: str) -> None:
    opened.page.goto((site / rel / "index.html").as_uri())
    opened.page.wait_for_load_state("load")
    wait_for_charts(opened.page)


def _axis_labels(page) -> list[str]:
    return page.evaluate("""() => Array.from(document.querySelectorAll('.chart-canvas .role-axis-label text'))
        .map(t => t.textContent)""")


def test_kpi_chart_axes_and_tooltips_write_german_numbers_and_months(new_page, german_site):
    opened = new_page()
    page = opened.page
    _open(opened, german_site, "kpis/mrr")
    labels = _axis_labels(page)
    assert any(re.fullmatch(r"(Jan\.|Feb\.|März|Apr\.|Mai|Juni|Juli|Aug\.|Sept\.|Okt\.|Nov\.|Dez\.) 20\d\d", label)
               for label in labels), labels
    assert any(re.fullmatch(r"\d\.\d{3}", label) for label in labels), labels  # 1.000: German thousands
    assert not any(re.search(r"\b(Oct|Dec|May)\b|\d,\d{3}", label) for label in labels), labels
    page.locator(".chart-canvas .mark-symbol.role-mark path").last.hover(force=True)
    tip = page.locator("#vg-tooltip-element")
    tip.wait_for(state="visible")
    # mrr's latest point, dated 2026-11 with period: end, is October's: 1,031 k USD in English
    assert re.search(r"Datum\s+Okt\. 2026\s+Wert \(k USD\)\s+1\.031\b", tip.inner_text()), tip.inner_text()
    assert opened.errors == []


def test_objective_chart_writes_german_days_and_percentages(new_page, german_site):
    opened = new_page()
    page = opened.page
    _open(opened, german_site, "okrs/2026-Q4/sales/enterprise")
    labels = _axis_labels(page)
    assert any(re.fullmatch(r"\d{1,2}\. (Okt\.|Nov\.|Dez\.)", label) for label in labels), labels
    assert f"50{NBSP}%" in labels or f"100{NBSP}%" in labels, labels
    page.locator(".chart-canvas .mark-symbol.role-mark path").last.hover(force=True)
    tip = page.locator("#vg-tooltip-element")
    tip.wait_for(state="visible")
    assert re.search(rf"Datum\s+\d{{1,2}}\. (Okt|Nov|Dez)\. 2026\s+Key Result\s+.+\s+Fortschritt\s+\d+{NBSP}%",
                     tip.inner_text()), tip.inner_text()
    assert opened.errors == []


def test_search_counts_its_results_in_german(new_page, german_site):
    opened = new_page()
    page = opened.page
    page.goto((german_site / "search" / "index.html").as_uri() + "?q=churn")
    status = page.locator("#search-status")
    page.wait_for_function("() => /Treffer/.test(document.getElementById('search-status').textContent)")
    assert re.fullmatch(r"\d+ Treffer für „churn“", status.inner_text()), status.inner_text()
    assert page.title() == "„churn“ – Suche · Northwind Labs OKRs"
    assert page.locator("#search-results .kind").first.inner_text() in {"Ziel", "KPI", "Team", "Person", "Leitfaden"}
    assert opened.errors == []


def test_axe_finds_nothing_on_german_pages(new_page, german_server):
    axe = require_axe()
    opened = new_page()
    found = {}
    for rel in ("", "okrs/2026-Q4/sales/enterprise/", "kpis/mrr/", "kpis/", "cycles/2026-Q3/review/", "people/",
                "changes/", "teams/company/", "search/index.html?q=umsatz"):
        opened.page.goto(german_server + rel)
        opened.page.wait_for_load_state("load")
        wait_for_charts(opened.page)
        assert opened.page.evaluate("() => document.documentElement.lang") == "de"
        violations = axe_violations(opened.page, axe)
        if violations:
            found[rel] = violations
    assert found == {}
    assert opened.errors == []
