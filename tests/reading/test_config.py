"""okr-pages.yaml (SPEC §2.1): defaults, cycles, teams, scoring bands and pace."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.model.content import Bands, Config, Cycle, PaceLimits, Team
from generator.reading.config import implicit_cycle, load_config
from generator.reading.load import load_site
from generator.scoring.scores import score_site


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def objective(cycle="2026-Q4", team="sales", krs=None):
    krs = krs or "  - {title: A, baseline: 0, target: 10, current: 5}\n  - {title: B, done: false}\n"
    return f"---\ntitle: Win\ncycle: {cycle}\nteam: {team}\nowner: Dana\nkey_results:\n{krs}---\n"


def test_defaults_without_config_file(tmp_path):
    config, problems = load_config(tmp_path)
    assert problems == []
    assert config == Config()
    assert (config.title, config.base_url, config.content_dir) == ("OKRs", "/", "content")
    assert config.bands == Bands(yellow=0.4, green=0.7)
    assert config.pace == PaceLimits(at_risk=-0.15, off_track=-0.3)
    assert (config.cycles, config.teams, config.markdown_html) == ((), (), False)


def test_site_without_config_loads_and_makes_teams_from_content(site):
    root = site({"content/okrs/2026-Q4/a.md": objective(team="customer-success")}, config=None)
    loaded = load_site(root)
    assert loaded.problems == []
    assert loaded.site.teams == {"customer-success": Team("customer-success", "Customer success")}
    assert list(loaded.site.cycles) == ["2026-Q4"]


def test_empty_config_file_is_defaults(site):
    root = site({}, config="")
    assert load_config(root) == (Config(), [])


@pytest.mark.parametrize("cycle_id, start, end", [
    ("2026-Q1", "2026-01-01", "2026-03-31"),
    ("2026-Q2", "2026-04-01", "2026-06-30"),
    ("2026-Q3", "2026-07-01", "2026-09-30"),
    ("2026-Q4", "2026-10-01", "2026-12-31"),
    ("2028-Q1", "2028-01-01", "2028-03-31"),
    ("2026-H1", "2026-01-01", "2026-06-30"),
    ("2026-H2", "2026-07-01", "2026-12-31"),
    ("2026", "2026-01-01", "2026-12-31"),
])
def test_implicit_calendar_cycles(cycle_id, start, end):
    assert implicit_cycle(cycle_id) == Cycle(cycle_id, d(start), d(end))


@pytest.mark.parametrize("cycle_id", ["2026-Q5", "2026-Q0", "2026-H3", "Q4-2026", "FY27-Q1", "26-Q1"])
def test_not_implicit_cycles(cycle_id):
    assert implicit_cycle(cycle_id) is None


def test_implicit_cycle_from_objective(site):
    loaded = load_site(site({"content/okrs/a.md": objective("2026-Q4")}))
    assert loaded.site.cycles == {"2026-Q4": Cycle("2026-Q4", d("2026-10-01"), d("2026-12-31"))}


def test_explicit_cycles_and_order_by_start(site):
    config = ("cycles:\n"
              "  - {id: FY27-Q2, start: 2026-11-01, end: 2027-01-31, name: Second}\n"
              "  - {id: FY27-Q1, start: 2026-08-01, end: 2026-10-31}\n"
              "teams:\n  - {id: sales, name: Sales}\n")
    root = site({"content/okrs/a.md": objective("FY27-Q1"), "content/okrs/b.md": objective("2026-H1")}, config)
    loaded = load_site(root)
    assert loaded.problems == []
    assert loaded.site.cycles == {
        "2026-H1": Cycle("2026-H1", d("2026-01-01"), d("2026-06-30")),
        "FY27-Q1": Cycle("FY27-Q1", d("2026-08-01"), d("2026-10-31")),
        "FY27-Q2": Cycle("FY27-Q2", d("2026-11-01"), d("2027-01-31"), "Second"),
    }


def test_explicit_cycle_overrides_implicit_dates(site):
    config = "cycles:\n  - {id: 2026-Q4, start: 2026-09-15, end: 2026-12-15}\n"
    loaded = load_site(site({"content/okrs/a.md": objective("2026-Q4")}, config))
    assert loaded.site.cycles["2026-Q4"] == Cycle("2026-Q4", d("2026-09-15"), d("2026-12-15"))


def test_explicit_cycle_decides_expected_progress(site):
    # FY27-Q1: 2026-08-01 → 2026-10-31 is 91 days; 2026-08-01 → 2026-09-15 is 45 days
    config = "cycles:\n  - {id: FY27-Q1, start: 2026-08-01, end: 2026-10-31}\n"
    loaded = load_site(site({"content/okrs/a.md": objective("FY27-Q1")}, config))
    scores = score_site(loaded.site, d("2026-09-15"))
    assert scores.objectives["a"].expected == 45 / 91
    assert scores.current_cycle == "FY27-Q1"


def test_teams_tree(site):
    config = ("teams:\n"
              "  - {id: company, name: Acme}\n"
              "  - {id: sales, name: Sales, parent: company, lead: Dana Reyes}\n"
              "  - {id: emea, name: EMEA sales, parent: sales}\n"
              "  - {id: ops}\n")
    config_value, problems = load_config(site({}, config))
    assert problems == []
    assert config_value.teams == (
        Team("company", "Acme"),
        Team("sales", "Sales", "company", "Dana Reyes"),
        Team("emea", "EMEA sales", "sales"),
        Team("ops", "ops"),  # name defaults to the id
    )


def test_configured_teams_make_unknown_content_teams_errors(site):
    config = "teams:\n  - {id: company, name: Acme}\n"
    loaded = load_site(site({"content/okrs/a.md": objective(team="sales")}, config))
    assert [d.text() for d in loaded.problems] == [
        "content/okrs/a.md:4:7: error: team: unknown team 'sales' (add the team under teams: in okr-pages.yaml)"]


def test_unknown_parent_team(site):
    config = "teams:\n  - {id: company, name: Acme}\n  - {id: sales, parent: compny}\n"
    _, problems = load_config(site({}, config))
    # line 3 "  - {id: sales, parent: compny}": '  - {id: sales, ' 16 + 'parent: ' 8 → column 25
    assert [p.text() for p in problems] == [
        "okr-pages.yaml:3:25: error: teams[1].parent: unknown team 'compny' (did you mean 'company'?)"]


def test_duplicate_team_and_cycle_ids(site):
    config = ("cycles:\n  - {id: X, start: 2026-01-01, end: 2026-02-01}\n"
              "  - {id: X, start: 2026-03-01, end: 2026-04-01}\n"
              "teams:\n  - {id: a}\n  - {id: a}\n")
    # '  - {' is 5 characters and 'id: ' 4 more: the second id's value is at column 10
    config_value, problems = load_config(site({}, config))
    assert [p.text() for p in problems] == [
        "okr-pages.yaml:3:10: error: cycles[1].id: duplicate cycle id 'X' (give each cycle its own id)",
        "okr-pages.yaml:6:10: error: teams[1].id: duplicate team id 'a' (give each team its own id)"]
    assert len(config_value.cycles) == 1 and len(config_value.teams) == 1


def test_base_url_normalised(site):
    assert load_config(site({}, "base_url: acme-okrs\n"))[0].base_url == "/acme-okrs/"
    assert load_config(site({}, "base_url: /acme-okrs\n"))[0].base_url == "/acme-okrs/"
    assert load_config(site({}, "base_url: /\n"))[0].base_url == "/"


def test_content_dir_setting(site):
    root = site({"pages/okrs/a.md": objective()}, "content_dir: pages\n")
    loaded = load_site(root)
    assert loaded.problems == []
    assert list(loaded.site.objectives) == ["a"]


def test_unknown_config_key_warns(site):
    _, problems = load_config(site({}, "titel: Acme\n"))
    assert [p.text() for p in problems] == [
        "okr-pages.yaml:1:1: warning: unknown key 'titel' (did you mean 'title'?)"]


def test_custom_bands_change_grades(site):
    krs_half = "  - {title: A, baseline: 0, target: 10, current: 5}\n  - {title: B, baseline: 0, target: 4, current: 2}\n"
    files = {"content/okrs/half.md": objective(krs=krs_half)}  # (0.5 + 0.5) / 2 = 0.5
    default = load_site(site(files, config=None))
    as_of = d("2026-11-15")
    assert score_site(default.site, as_of).objectives["half"].grade == "yellow"  # 0.4 ≤ 0.5 < 0.7
    custom = load_site(site(files, config="scoring:\n  bands: {yellow: 0.3, green: 0.5}\n"))
    assert custom.problems == []
    assert custom.site.config.bands == Bands(0.3, 0.5)
    assert score_site(custom.site, as_of).objectives["half"].grade == "green"  # 0.5 ≥ green 0.5


def test_custom_pace_changes_pace(site):
    # 2026-11-15 in Q4: expected 45/91 = 0.4945; score 0.25 → gap -0.2445
    krs = "  - {title: A, baseline: 0, target: 10, current: 5}\n  - {title: B, done: false}\n"
    files = {"content/okrs/o.md": objective(krs=krs)}  # (0.5 + 0) / 2 = 0.25
    as_of = d("2026-11-15")
    default = load_site(site(files, config=None))
    assert score_site(default.site, as_of).objectives["o"].pace == "at_risk"  # -0.3 ≤ -0.2445 < -0.15
    loose = load_site(site(files, config="scoring:\n  pace: {at_risk: -0.25, off_track: -0.5}\n"))
    assert loose.problems == []
    assert score_site(loose.site, as_of).objectives["o"].pace == "on_track"  # -0.2445 ≥ -0.25
    strict = load_site(site(files, config="scoring:\n  pace: {at_risk: -0.1, off_track: -0.2}\n"))
    assert score_site(strict.site, as_of).objectives["o"].pace == "off_track"  # -0.2445 < -0.2


def test_partial_bands_keep_other_default(site):
    config_value, problems = load_config(site({}, "scoring:\n  bands: {green: 0.8}\n"))
    assert problems == []
    assert config_value.bands == Bands(0.4, 0.8)
