"""The bundled example organisation (content/ at the repo root) is clean and shows every feature."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.reading.load import load_site
from generator.scoring.quality import quality_warnings
from generator.scoring.scores import score_site

REPO = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2026, 11, 22)


@pytest.fixture(scope="module")
def example():
    loaded = load_site(REPO)
    return loaded, score_site(loaded.site, AS_OF)


def test_example_checks_clean_with_no_errors_and_no_warnings(cli):
    run = cli("check", REPO, "--as-of", AS_OF.isoformat(), "--strict")
    assert run.lines == []
    assert run.returncode == 0
    assert "0 error(s), 0 warning(s)" in run.stderr


def test_example_model_has_no_problems(example):
    loaded, scores = example
    assert [d.text() for d in loaded.problems] == []
    assert [d.text() for d in quality_warnings(scores)] == []


def test_example_teams_form_a_tree(example):
    teams = example[0].site.teams
    assert len(teams) >= 4
    roots = [t for t in teams.values() if t.parent is None]
    assert len(roots) == 1
    assert all(t.parent in teams for t in teams.values() if t.parent is not None)
    depth = {t.id: 0 for t in roots}
    for _ in teams:  # walk down the tree
        for team in teams.values():
            if team.parent in depth:
                depth[team.id] = depth[team.parent] + 1
    assert max(depth.values()) >= 2  # at least company → department → team


def test_example_has_two_cycles_and_at_least_ten_objectives(example):
    site = example[0].site
    assert len(site.cycles) >= 2
    assert len(site.objectives) >= 10
    assert {o.cycle for o in site.objectives.values()} >= set(list(site.cycles)[:2])
    assert example[1].current_cycle == "2026-Q4"


def test_example_uses_every_kind_of_key_result(example):
    site = example[0].site
    krs = [kr for o in site.objectives.values() for kr in o.key_results]
    assert {kr.type for kr in krs} == {"numeric", "milestone", "binary"}
    assert any(kr.kpi for kr in krs), "a KR reads a KPI"
    assert any(kr.checkins for kr in krs), "check-ins"
    assert any(c.confidence is not None for kr in krs for c in kr.checkins), "confidence"
    assert any(o.aligns_to for o in site.objectives.values()), "alignment"
    assert {o.commitment for o in site.objectives.values()} == {"aspirational", "committed"}


def test_example_kpis_show_both_series_forms_and_directions(example):
    kpis = example[0].site.kpis
    assert len(kpis) >= 6
    assert any(k.series_file for k in kpis.values()), "a CSV series"
    assert any(k.series_file is None and k.series for k in kpis.values()), "an inline series"
    assert {k.direction for k in kpis.values()} == {"up", "down"}


def test_example_has_a_signal(example):
    scores = example[1]
    assert len(scores.signals) >= 1
    assert {scores.kpis[k].health for k in scores.kpis} >= {"healthy"}
