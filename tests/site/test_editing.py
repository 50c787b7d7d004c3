"""SPEC §9 links: edit and history links from repo_url and edit_uri (as MkDocs reads them), the
check-in command of each key result, and a link preview (meta description, Open Graph) on every page."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from generator.cli import main
from generator.model.content import Config, KeyResult, Objective
from generator.site.editing import SourceLinks, checkin_command, history_uri, source_links

CONFIG = """\
title: Links Co
teams:
  - {id: sales, name: Sales, lead: Dana Reyes}
"""

FILES = {
    "content/okrs/2026-Q4/sales/win big.md": """\
        ---
        title: Win the <north>
        cycle: 2026-Q4
        team: sales
        owner: Dana Reyes
        key_results:
          - title: Sign 10 customers
            baseline: 0
            target: 10
            checkins:
              - {date: 2026-10-20, value: 4}
          - title: Cut churn to 5%
            kpi: churn
            target: 5
          - title: Launch the portal
            done: false
        ---
        Why it matters.
        """,
    "content/kpis/churn.md": """\
        ---
        title: Churn
        direction: down
        target: 5
        owner: Priya Nair
        series: {2026-09: 8, 2026-10: 7.5, 2026-11: 7}
        ---
        """,
    "content/guide/intro.md": "# How we work\n\nWe write OKRs in **Markdown** & review them weekly.\n",
}


GUIDE = {"content/guide/a.md": "# A\n"}


def build(site, tmp_path: Path, config: str) -> dict[str, str]:
    out = tmp_path / "out"
    assert main(["build", str(site(FILES, config=config)), "--out", str(out), "--as-of", "2026-11-15"]) == 0
    return {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in out.rglob("*.html")}


def links_of(page: str) -> list[str]:
    found = re.search(r'<p class="source-links">(.*?)</p>', page)
    return re.findall(r'href="([^"]+)"', found[1]) if found else []


def test_no_repository_no_edit_links(site, tmp_path: Path) -> None:
    pages = build(site, tmp_path, CONFIG)
    assert not any("source-links" in page for page in pages.values())


def test_github_edit_and_history_links_on_objective_kpi_and_guide_pages(site, tmp_path: Path) -> None:
    pages = build(site, tmp_path, CONFIG + "repo_url: https://github.com/acme/okrs/\n")  # edit_uri defaults to edit/main/
    base = "https://github.com/acme/okrs"
    assert links_of(pages["okrs/2026-Q4/sales/win big/index.html"]) == [
        f"{base}/edit/main/content/okrs/2026-Q4/sales/win%20big.md",
        f"{base}/commits/main/content/okrs/2026-Q4/sales/win%20big.md"]
    assert links_of(pages["kpis/churn/index.html"]) == [
        f"{base}/edit/main/content/kpis/churn.md", f"{base}/commits/main/content/kpis/churn.md"]
    assert links_of(pages["guide/intro/index.html"]) == [
        f"{base}/edit/main/content/guide/intro.md", f"{base}/commits/main/content/guide/intro.md"]
    assert links_of(pages["index.html"]) == [] and links_of(pages["people/dana-reyes/index.html"]) == []


def test_edit_uri_gitlab_a_subfolder_a_whole_url_and_history_uri() -> None:
    gitlab = Config(repo_url="https://gitlab.example.com/acme/okrs")  # a GitLab host: -/edit/main/
    assert source_links(gitlab, "content/kpis/a.md") == source_links(
        Config(repo_url="https://gitlab.example.com/acme/okrs", edit_uri="-/edit/main/"), "content/kpis/a.md")
    links = source_links(gitlab, "content/kpis/a.md")
    assert links is not None
    assert links.edit == "https://gitlab.example.com/acme/okrs/-/edit/main/content/kpis/a.md"
    assert links.history == "https://gitlab.example.com/acme/okrs/-/commits/main/content/kpis/a.md"
    # The site in a folder of the repository, on a branch with a slash in its name.
    sub = Config(repo_url="https://github.com/acme/mono", edit_uri="edit/release/2026/okr-site/")
    assert history_uri(sub) == "commits/release/2026/okr-site/"
    # A whole URL for edit_uri; a history_uri of its own; no history when it cannot be told.
    whole = Config(repo_url="https://github.com/acme/okrs", edit_uri="https://github.com/acme/okrs/blob/main/")
    assert source_links(whole, "content/x.md") == source_links(
        Config(repo_url="https://github.com/acme/okrs", edit_uri="blob/main/"), "content/x.md")
    gitea = Config(repo_url="https://git.acme.org/okrs", edit_uri="_edit/main/", history_uri="commits/branch/main/")
    links = source_links(gitea, "content/x.md")
    assert links is not None and links.history == "https://git.acme.org/okrs/commits/branch/main/content/x.md"
    assert source_links(Config(repo_url="https://git.acme.org/okrs", edit_uri="_edit/main/"), "x.md") == SourceLinks(
        "https://git.acme.org/okrs/_edit/main/x.md", None)
    # An empty edit_uri turns the links off, as in MkDocs.
    assert source_links(Config(repo_url="https://github.com/acme/okrs", edit_uri=""), "x.md") is None
    assert source_links(Config(), "x.md") is None


@pytest.mark.parametrize(("line", "message"), [
    ("repo_url: ftp://acme.com/okrs", ("2:11: error: repo_url: expected an http or https URL, got 'ftp://acme.com/okrs' "
     "(write the whole address, e.g. https://github.com/acme/okrs)")),
    ("repo_url: javascript:alert(1)", ("2:11: error: repo_url: expected an http or https URL, got 'javascript:alert(1)' "
     "(write the whole address, e.g. https://github.com/acme/okrs)")),
])
def test_only_http_repository_urls(site, line: str, message: str, expect) -> None:
    root = site(GUIDE, config=f"title: X\n{line}\n")
    expect(root, [f"okr-pages.yaml:{message}"])


def test_edit_uri_must_not_carry_another_scheme(site, expect) -> None:
    root = site(GUIDE, config="title: X\nrepo_url: https://github.com/a/b\nedit_uri: javascript:alert(1)\n")
    expect(root, [("okr-pages.yaml:3:11: error: edit_uri: 'javascript:alert(1)' is not an http or https URL "
                  "(write a path below repo_url such as edit/main/, or a whole https:// URL)")])
    root = site(GUIDE, config="title: X\nedit_uri: edit/main/\n")
    expect(root, [("okr-pages.yaml:2:11: warning: edit_uri: edit_uri has no effect without repo_url (add repo_url: "
                  "with the repository's web address, e.g. https://github.com/acme/okrs)")], 0)


def test_checkin_every_and_changes_window_are_whole_days(site, expect) -> None:
    root = site(GUIDE, config="title: X\ncheckin_every: 0\nchanges_window: 2.5\n")
    expect(root, [
        ("okr-pages.yaml:2:16: error: checkin_every: expected a whole number of days from 1 to 3660, got 0 "
        "(write a number of days such as 14)"),
        ("okr-pages.yaml:3:17: error: changes_window: expected a whole number of days from 1 to 3660, got 2.5 "
        "(write a number of days such as 14)")])


def test_the_checkin_command_of_each_key_result(site, tmp_path: Path) -> None:
    objective = Objective("2026-Q4/it's", "T", "2026-Q4", None, None, None, "aspirational", ())
    assert checkin_command(objective, KeyResult("kr", "kr", "numeric", baseline=0, target=1)) == (
        "okr-pages checkin '2026-Q4/it'\"'\"'s#kr' VALUE")  # quoted for the shell, whatever the id
    assert checkin_command(objective, KeyResult("m", "m", "milestone")) is None
    pages = build(site, tmp_path, CONFIG)
    page = pages["okrs/2026-Q4/sales/win big/index.html"]
    commands = [html.unescape(c) for c in re.findall(r"<code>(okr-pages checkin [^<]*)</code>", page)]
    assert commands == ["okr-pages checkin '2026-Q4/sales/win big#sign-10-customers' VALUE",
                        "okr-pages checkin churn VALUE"]  # the KPI KR takes its value from the KPI


def meta(page: str, attribute: str, name: str) -> str | None:
    found = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', page)
    return html.unescape(found[1]) if found else None


def test_every_page_has_a_description_and_open_graph_tags(site, tmp_path: Path) -> None:
    pages = build(site, tmp_path, CONFIG)
    for rel, page in pages.items():
        description = meta(page, "name", "description")
        assert description, rel
        assert meta(page, "property", "og:description") == description, rel
        assert meta(page, "property", "og:title"), rel
        assert meta(page, "property", "og:type") == ("website" if rel == "index.html" else "article"), rel
        assert meta(page, "property", "og:site_name") == "Links Co", rel
    objective = pages["okrs/2026-Q4/sales/win big/index.html"]
    # Sign: 4/10 = 0.4, checked in 26 days ago: overdue. Churn: baseline 7.5 (the point of 1 Oct, the
    # cycle's start), now 7 (1 Nov): (7 - 7.5) / (5 - 7.5) = 0.2. Portal: 0. Score 0.6 / 3 = 0.2, red;
    # expected 45/91 = 0.49: gap -0.29, at risk.
    assert meta(objective, "property", "og:title") == "Win the <north>"
    assert meta(objective, "name", "description") == (
        "Score 0.20 (Red), at risk (expected 0.49). Owner: Dana Reyes. Sales · 2026-Q4 · 3 key results, 1 overdue.")
    assert 'content="Win the &lt;north&gt;"' in objective  # escaped in the attribute
    assert meta(pages["kpis/churn/index.html"], "name", "description") == (
        "Latest 7 on 1 Nov 2026: unhealthy, improving. Target 5. Owner: Priya Nair.")
    assert meta(pages["guide/intro/index.html"], "name", "description") == (
        "We write OKRs in Markdown & review them weekly.")
    assert meta(pages["people/dana-reyes/index.html"], "name", "description") == (
        "Dana Reyes owns 1 objective and 3 key results in 2026-Q4 (1 overdue); leads Sales.")
    assert meta(pages["index.html"], "name", "description") == (
        "2026-Q4: company score 0.20 (Red), 49% of the cycle elapsed; 1 objective, 1 key result overdue; 1 KPI.")
