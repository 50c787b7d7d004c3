"""SPEC §9 people: one slug per person, everyone who owns or leads, their pages and JSON, and the
warning for a name that is one typo away from a name used more often."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from generator.cli import main
from generator.model.names import near_duplicates, person_slug

AS_OF = "2026-11-15"


@pytest.mark.parametrize(("name", "slug"), [
    ("Dana Reyes", "dana-reyes"),
    ("dana  reyes", "dana-reyes"),  # case and runs of spaces
    (" DANA\tREYES ", "dana-reyes"),
    ("Tomás Ferreira", "tomas-ferreira"),  # accents folded
    ("Tomas Ferreira", "tomas-ferreira"),
    ("Søren Ølgaard", "soren-olgaard"),  # letters Unicode does not decompose
    ("Zoë d'Arc-Nuñez", "zoe-d-arc-nunez"),  # punctuation is a separator
    ("J. R. R. Tolkien", "j-r-r-tolkien"),
    ("李 明", "李-明"),  # other scripts are kept
    ("ｄａｎａ", "dana"),  # full-width letters (NFKD)
])
def test_person_slug(name: str, slug: str) -> None:
    assert person_slug(name) == slug


def test_a_name_with_no_letter_still_gets_a_page() -> None:
    assert person_slug("—").startswith("person-") and person_slug("—") == person_slug("—")
    assert person_slug("—") != person_slug("?")


def test_a_very_long_name_gets_a_slug_that_fits_a_folder_name() -> None:
    slug = person_slug("Ünïcødé " * 60)
    assert len(slug.encode()) <= 120 and slug.startswith("unicode-unicode-")
    assert person_slug("Ünïcødé " * 60) != person_slug("Ünïcødé " * 61)


def test_near_duplicates_one_edit_apart() -> None:
    uses = {"dana-reyes": 3, "dana-reys": 1, "danareyes": 1, "dana-reeys": 1, "dana-ross": 2, "ana-li": 1, "al": 1,
            "ali": 1}
    # one letter missing, the space missing, two letters swapped; 'dana-ross' is two edits away;
    # 'ana-li' has no neighbour; slugs under five letters are not compared.
    assert near_duplicates(uses, set()) == {"dana-reys": "dana-reyes", "danareyes": "dana-reyes",
                                            "dana-reeys": "dana-reyes"}


def test_near_duplicates_ties_and_known_names() -> None:
    assert near_duplicates({"jon-smith": 2, "john-smith": 2}, set()) == {"jon-smith": "john-smith"}  # tie: alphabet
    assert near_duplicates({"analyst-1": 3, "analyst-2": 1, "analyst-12": 1}, set()) == {}  # numbered on purpose
    assert near_duplicates({"jon-smith": 5, "john-smith": 1}, {"john-smith"}) == {"jon-smith": "john-smith"}
    assert near_duplicates({"jon-smith": 2, "john-smith": 2}, {"jon-smith", "john-smith"}) == {}
    # a misspelling of a misspelling points at the name used most
    assert near_duplicates({"mia-sato": 5, "mia-satoo": 2, "mia-satooo": 1}, set()) == {
        "mia-satoo": "mia-sato", "mia-satooo": "mia-sato"}


def test_near_duplicates_compare_neighbours_only() -> None:
    rng = random.Random(8)
    names = {"".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(12)): 1 for _ in range(5000)}
    names["dana-reyes"], names["dana-reys"] = 4, 1
    found = near_duplicates(names, set())
    # 5,000 random names have no neighbour (a collision would need 11 equal letters): only the typo.
    assert found == {"dana-reys": "dana-reyes"}


OBJECTIVE = """\
---
title: Win {n}
cycle: {cycle}
team: sales
owner: {owner}
key_results:
  - title: Sign customers
    owner: {kr_owner}
    baseline: 0
    target: 10
    checkins:
      - {{date: 2026-10-20, value: 4}}
  - title: Launch portal
    done: false
---
"""


def objective(n: int, owner: str, kr_owner: str, cycle: str = "2026-Q4") -> str:
    return OBJECTIVE.format(n=n, owner=owner, kr_owner=kr_owner, cycle=cycle)


CONFIG = """\
title: People Co
teams:
  - {id: company, name: Company, lead: Maya Lindqvist}
  - {id: sales, name: Sales, parent: company, lead: DANA REYES}
"""


def test_spellings_of_one_name_are_one_person(site, tmp_path: Path) -> None:
    root = site({
        "content/okrs/2026-Q4/a.md": objective(1, "Dana Reyes", "Marcus Lee"),
        "content/okrs/2026-Q4/b.md": objective(2, "Marcus Lee", "dana  reyes"),
        "content/okrs/2026-Q3/c.md": objective(3, "Dana Reyes", "Dana Reyes", cycle="2026-Q3"),
        "content/kpis/churn.md": "---\ntitle: Churn\nowner: Dana Reyes\nseries: {2026-10: 5}\n---\n",
    }, config=CONFIG)
    out = tmp_path / "out"
    assert main(["build", str(root), "--out", str(out), "--as-of", AS_OF]) == 0
    people = json.loads((out / "api/okrs.json").read_text(encoding="utf-8"))["people"]
    assert [p["slug"] for p in people] == ["dana-reyes", "marcus-lee", "maya-lindqvist"]  # by name
    dana = people[0]
    assert dana == {
        "slug": "dana-reyes", "name": "Dana Reyes", "names": ["Dana Reyes", "DANA REYES", "dana  reyes"],
        "url": "people/dana-reyes/", "objectives": ["2026-Q4/a"],
        # her own objective's KR without an owner, and Marcus's objective's KR she owns
        "key_results": ["2026-Q4/a#launch-portal", "2026-Q4/b#sign-customers"],
        "overdue": ["2026-Q4/b#sign-customers"],  # its check-in of 20 Oct is 26 days old on 15 Nov
        "past_objectives": ["2026-Q3/c"], "kpis": ["churn"], "teams": ["sales"]}
    assert people[2]["teams"] == ["company"] and people[2]["objectives"] == []
    page = (out / "people/dana-reyes/index.html").read_text(encoding="utf-8")
    assert "<h1>Dana Reyes</h1>" in page
    assert "<dt>Also written</dt><dd>DANA REYES, dana  reyes</dd>" in page
    assert '<a href="../../okrs/2026-Q4/b/#kr-sign-customers">Sign customers</a>' in page
    assert '<a href="../../okrs/2026-Q3/c/">Win 3</a>' in page  # other cycles, with final scores
    assert '<a href="../../kpis/churn/"><span class="kpi-name">Churn</span>' in page
    index = (out / "people/index.html").read_text(encoding="utf-8")
    assert index.count('<a href="../people/dana-reyes/">Dana Reyes</a>') == 1
    # Owners link to their page wherever they appear.
    objective_page = (out / "okrs/2026-Q4/b/index.html").read_text(encoding="utf-8")
    assert '<dd><a class="person" href="../../../people/marcus-lee/">Marcus Lee</a></dd>' in objective_page
    assert 'Owner <a class="person" href="../../../people/dana-reyes/">dana  reyes</a>' in objective_page
    assert '<a class="person" href="../../people/dana-reyes/">Dana Reyes</a>' in (out / "kpis/churn/index.html").read_text(
        encoding="utf-8")
    assert '<a class="person" href="../../people/dana-reyes/">DANA REYES</a>' in (
        out / "teams/sales/index.html").read_text(encoding="utf-8")
    assert '<a class="person" href="people/marcus-lee/">Marcus Lee</a>' in (out / "index.html").read_text(
        encoding="utf-8")
    kr = json.loads((out / "api/okrs.json").read_text(encoding="utf-8"))["objectives"][1]["key_results"]
    assert [(k["id"], k["owner"]) for k in kr] == [("sign-customers", "Marcus Lee"), ("launch-portal", "Dana Reyes")]


def test_the_near_duplicate_warning_is_at_the_rarer_spelling(site, expect) -> None:
    root = site({
        "content/okrs/2026-Q4/a.md": objective(1, "Dana Reyes", "Dana Reyes"),
        "content/okrs/2026-Q4/b.md": objective(2, "Marcus Lee", "Dana Reys"),
    }, config=CONFIG)
    # 'Dana Reyes' is written three times (a.md twice, the sales lead), 'Dana Reys' once: line 8, column 12.
    expect(root, [("content/okrs/2026-Q4/b.md:8:12: warning: key_results[0].owner: 'Dana Reys' looks like a "
                  "misspelling of 'Dana Reyes' (written 3 times) (did you mean 'Dana Reyes'? If they are two "
                  "people, list both under people: in okr-pages.yaml)")], 0)
    expect(root, [("content/okrs/2026-Q4/b.md:8:12: warning: key_results[0].owner: 'Dana Reys' looks like a "
                  "misspelling of 'Dana Reyes' (written 3 times) (did you mean 'Dana Reyes'? If they are two "
                  "people, list both under people: in okr-pages.yaml)")], 1, "--strict")


def test_a_team_lead_in_the_config_is_warned_at_its_line(site, expect) -> None:
    root = site({
        "content/okrs/2026-Q4/a.md": objective(1, "Dana Reyes", "Dana Reyes"),
    }, config=CONFIG.replace("lead: DANA REYES", "lead: Dana Reyess"))
    expect(root, [("okr-pages.yaml:4:53: warning: lead: 'Dana Reyess' looks like a misspelling of 'Dana Reyes' "
                  "(written 2 times) (did you mean 'Dana Reyes'? If they are two people, list both under people: "
                  "in okr-pages.yaml)")], 0)


def test_people_listed_in_the_config_are_never_near_duplicates(site, expect) -> None:
    files = {"content/okrs/2026-Q4/a.md": objective(1, "Jon Smith", "Jon Smith"),
             "content/okrs/2026-Q4/b.md": objective(2, "John Smith", "John Smith")}
    root = site(files, config=CONFIG + "people:\n  - {name: Jon Smith}\n  - {name: John Smith}\n")
    expect(root, [], 0, "--strict")
    # Listed alone, John Smith is the right spelling, however often Jon Smith is written.
    root = site(files, config=CONFIG + "people:\n  - {name: John Smith}\n")
    expect(root, [f"content/okrs/2026-Q4/a.md:{line}:{column}: warning: {field}: 'Jon Smith' looks like a misspelling "
                  "of 'John Smith' (written 2 times) (did you mean 'John Smith'? If they are two people, list both "
                  "under people: in okr-pages.yaml)" for line, column, field in ((5, 8, "owner"),
                                                                               (8, 12, "key_results[0].owner"))], 0)


def test_a_guide_page_cannot_take_a_person_page(site, expect) -> None:
    root = site({"content/okrs/2026-Q4/a.md": objective(1, "Dana Reyes", "Dana Reyes"),
                 "content/people/dana-reyes.md": "# Dana's notes\n",
                 "content/changes.md": "# Changelog\n"}, config=CONFIG)
    expect(root, [
        ("content/changes.md:1:1: error: page URL 'changes/' is already used by the changes page "
        "(rename the file or set a different 'id:')"),
        ("content/people/dana-reyes.md:1:1: error: page URL 'people/dana-reyes/' is already used by the page of "
        "Dana Reyes (rename the file or set a different 'id:')")])


def test_person_and_people_pages_with_overdue_marks(site, tmp_path: Path) -> None:
    late = objective(1, "Dana Reyes", "Marcus Lee")  # Marcus's check-in of 20 Oct: 26 days on 15 Nov
    root = site({"content/okrs/2026-Q4/a.md": late}, config=CONFIG)
    out = tmp_path / "out"
    assert main(["build", str(root), "--out", str(out), "--as-of", AS_OF]) == 0
    marcus = (out / "people/marcus-lee/index.html").read_text(encoding="utf-8")
    assert '<tr class="is-overdue"><td><a href="../../okrs/2026-Q4/a/#kr-sign-customers">Sign customers</a>' in marcus
    assert ('<time datetime="2026-10-20">20 Oct 2026</time> <span class="muted">(26 days ago)</span> '
            '<span class="badge overdue">Overdue</span>') in marcus
    index = (out / "people/index.html").read_text(encoding="utf-8")
    assert index.count('<span class="badge overdue"') == 1  # Marcus; Dana's yes/no KR is never overdue
    # Home lists it; the team page marks its objective; the cycle page (not a reader's weekly view) does not.
    assert '<h2 id="overdue-heading">Overdue check-ins</h2>' in (out / "index.html").read_text(encoding="utf-8")
    assert "1 overdue</span>" in (out / "teams/sales/index.html").read_text(encoding="utf-8")
    assert "overdue" not in (out / "cycles/2026-Q4/index.html").read_text(encoding="utf-8")


def test_names_are_escaped_everywhere(site, tmp_path: Path) -> None:
    root = site({"content/okrs/2026-Q4/a.md": objective(1, '"<b>Eve</b>"', "Ann")}, config=CONFIG)
    out = tmp_path / "out"
    assert main(["build", str(root), "--out", str(out), "--as-of", AS_OF]) == 0
    for rel in ("people/b-eve-b/index.html", "people/index.html", "okrs/2026-Q4/a/index.html", "teams/sales/index.html"):
        page = (out / rel).read_text(encoding="utf-8")
        assert "<b>Eve</b>" not in page and "&lt;b&gt;Eve&lt;/b&gt;" in page, rel
