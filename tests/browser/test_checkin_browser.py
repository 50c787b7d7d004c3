"""The Check in link in Chromium (issue #24, item 7): a reader without git follows it from a key
result or a KPI to GitHub's new-issue page with the form's fields filled in; the command for authors
stays folded until asked for. GitHub itself is played by a route that answers for it: no request
leaves the machine."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import EXAMPLE_AS_OF, copy_example, require_chromium

from generator.cli import main as cli_main

pytestmark = pytest.mark.browser

KR = "2026-Q4/sales/enterprise#sign-8-new-enterprise-customers"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example (repo_url on github.com), and a German build of it."""
    require_chromium()
    root = tmp_path_factory.mktemp("checkin-link")
    site = copy_example(root)
    assert cli_main(["build", str(site), "--out", str(root / "en"), "--as-of", EXAMPLE_AS_OF]) == 0
    shutil.rmtree(site)
    site = copy_example(root, "language: de\n")
    assert cli_main(["build", str(site), "--out", str(root / "de"), "--as-of", EXAMPLE_AS_OF]) == 0
    return root


def follow(opened, page_url: str, name: str) -> dict[str, list[str]]:
    """Click the link named ``name`` and return the query GitHub was asked for."""
    page = opened.page
    asked: list[str] = []

    def github(route):
        asked.append(route.request.url)
        route.fulfill(status=200, content_type="text/html",  # an icon of its own: no favicon.ico to fetch
                      body='<link rel="icon" href="data:,"><title>New issue</title><h1>New issue</h1>')

    page.route("https://github.com/**", github)
    page.goto(page_url)
    link = page.get_by_role("link", name=name, exact=True)
    assert link.is_visible()
    box = link.bounding_box()
    assert box and box["width"] >= 40 and box["height"] >= 20  # a target a finger can hit
    assert opened.errors == []  # the site's page, before leaving it
    link.click()
    page.wait_for_url("https://github.com/**")
    assert page.title() == "New issue"
    (url,) = asked
    parts = urlsplit(url)
    assert (parts.netloc, parts.path) == ("github.com", "/northwind-labs/okrs/issues/new")
    return parse_qs(parts.query, strict_parsing=True)


def test_a_key_results_link_opens_the_filled_in_form(built, new_page):
    opened = new_page()
    page_url = (built / "en/okrs/2026-Q4/sales/enterprise/index.html").as_uri()
    assert follow(opened, page_url, "Check in: Sign 8 new enterprise customers") == {
        "template": ["checkin.yml"], "title": ["Check-in: Sign 8 new enterprise customers"], "target": [KR]}


def test_the_command_is_folded_until_asked_for(built, new_page):
    page = new_page().page
    page.goto((built / "en/okrs/2026-Q4/sales/enterprise/index.html").as_uri())
    block = page.locator("#kr-sign-8-new-enterprise-customers .checkin")
    command = block.locator("code")
    assert not command.is_visible()
    block.get_by_text("From the command line").click()
    assert command.is_visible()
    assert command.inner_text() == f"okr-pages checkin '{KR}' VALUE"


def test_a_kpis_link_opens_the_form_for_the_kpi(built, new_page):
    query = follow(new_page(), (built / "en/kpis/churn-rate/index.html").as_uri(), "Check in: Churn rate")
    assert query == {"template": ["checkin.yml"], "title": ["Check-in: Churn rate"], "target": ["churn-rate"]}


def test_the_german_link_fills_in_the_same_fields(built, new_page):
    query = follow(new_page(), (built / "de/okrs/2026-Q4/sales/enterprise/index.html").as_uri(),
                   "Check-in: Sign 8 new enterprise customers")
    assert query["target"] == [KR] and query["template"] == ["checkin.yml"]


def test_the_link_fits_a_phone(built, new_page):
    page = new_page().page
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto((built / "en/okrs/2026-Q4/sales/enterprise/index.html").as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    link = page.get_by_role("link", name="Check in: Sign 8 new enterprise customers", exact=True)
    box = link.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 320
