"""SPEC §9 Check in without git: with repo_url on GitHub, every key result that takes a value and every
KPI page links to the Check in issue form with its fields filled in; the command stays, folded away."""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from generator.authoring.issueform import form_labels
from generator.cli import main

FILES = {
    "content/okrs/2026-Q4/sales/win & grow.md": """\
        ---
        title: Win the north
        cycle: 2026-Q4
        team: sales
        owner: Dana Reyes
        key_results:
          - title: "Sign 10 customers & 2 partners? #1"
            id: sign
            baseline: 0
            target: 10
          - title: Cut churn to 5%
            kpi: churn
            target: 5
          - title: Launch the portal
            done: false
        ---
        """,
    "content/kpis/churn.md": """\
        ---
        title: Churn (été)
        direction: down
        target: 5
        series: {2026-09: 8, 2026-10: 7.5}
        ---
        """,
}


def build(site, tmp_path: Path, config: str) -> tuple[str, str]:
    root = site(FILES, config=config)
    assert main(["build", str(root), "--out", str(tmp_path / "out"), "--as-of", "2026-11-15"]) == 0
    objective = (tmp_path / "out/okrs/2026-Q4/sales/win & grow/index.html").read_text(encoding="utf-8")
    kpi = (tmp_path / "out/kpis/churn/index.html").read_text(encoding="utf-8")
    return objective, kpi


def links(page: str) -> list[dict[str, list[str]]]:
    """The query of each Check in link on a page, decoded."""
    found = []
    for href in re.findall(r'<a class="checkin-link" href="([^"]+)"', page):
        url = urlsplit(html.unescape(href))
        assert (url.scheme, url.netloc, url.path) == ("https", "github.com", "/acme/okrs/issues/new")
        found.append(parse_qs(url.query, strict_parsing=True))
    return found


def test_key_results_and_kpis_link_to_the_filled_in_form(site, tmp_path):
    objective, kpi = build(site, tmp_path, "title: X\nrepo_url: https://github.com/acme/okrs/\n")
    assert links(objective) == [
        {"template": ["checkin.yml"], "title": ["Check-in: Sign 10 customers & 2 partners? #1"],
         "target": ["2026-Q4/sales/win & grow#sign"]},
        {"template": ["checkin.yml"], "title": ["Check-in: Churn (été)"], "target": ["churn"]},  # the KPI it reads
    ]  # the yes/no key result takes no value: no link
    assert links(kpi) == [{"template": ["checkin.yml"], "title": ["Check-in: Churn (été)"], "target": ["churn"]}]
    href = re.search(r'<a class="checkin-link" href="([^"]+)"', objective)[1]
    assert "&amp;target=2026-Q4%2Fsales%2Fwin%20%26%20grow%23sign" in href  # every value percent-encoded
    for query in links(objective):
        assert set(query) - {"template", "title"} <= set(form_labels())  # the fields are the form's ids
    # The command is still there for authors, folded under the link.
    assert ("<details class=\"checkin-command\"><summary>From the command line</summary><code>okr-pages checkin "
            "&#39;2026-Q4/sales/win &amp; grow#sign&#39; VALUE</code></details>") in objective
    assert "<summary>From the command line</summary><code>okr-pages checkin churn VALUE</code>" in kpi
    assert '<span class="muted">adds a value to KPI Churn (été)</span>' in objective
    assert 'aria-label="Check in: Sign 10 customers &amp; 2 partners? #1">Check in</a>' in objective


def test_a_github_enterprise_host_gets_the_link_too(site, tmp_path):
    objective, _ = build(site, tmp_path, "title: X\nrepo_url: https://github.acme.internal/okrs/site\n")
    assert 'href="https://github.acme.internal/okrs/site/issues/new?template=checkin.yml&amp;' in objective


@pytest.mark.parametrize("config", ["title: X\n", "title: X\nrepo_url: https://gitlab.com/acme/okrs\n"])
def test_without_a_github_repository_the_command_is_shown_as_before(site, tmp_path, config):
    objective, kpi = build(site, tmp_path, config)
    assert "checkin-link" not in objective + kpi and "issues/new" not in objective + kpi
    assert ('<p class="checkin-command"><span class="muted">Check in:</span> <code>okr-pages checkin '
            "&#39;2026-Q4/sales/win &amp; grow#sign&#39; VALUE</code></p>") in objective


def test_the_link_is_translated(site, tmp_path):
    objective, kpi = build(site, tmp_path, "title: X\nlanguage: de\nrepo_url: https://github.com/acme/okrs\n")
    assert 'aria-label="Check-in: Sign 10 customers &amp; 2 partners? #1">Check-in</a>' in objective
    assert "<summary>Über die Kommandozeile</summary>" in kpi
    assert "fügt diesem KPI einen Wert hinzu" in kpi
    assert links(objective)[0]["title"] == ["Check-in: Sign 10 customers & 2 partners? #1"]  # the workflow's key
