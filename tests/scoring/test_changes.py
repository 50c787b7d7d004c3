"""SPEC §9 "what changed": the site scored as of as_of and as of as_of - changes_window, from the
same files, against a fixture whose figures are worked out by hand below."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.cli import main
from generator.pipeline import check_site
from generator.scoring.changes import changes_since
from generator.scoring.scores import score_site

AS_OF = dt.date(2026, 11, 15)  # the window is the default 7 days: after 8 Nov, up to 15 Nov

CONFIG = """\
title: Changes Co
teams:
  - {id: company, name: Company}
  - {id: sales, name: Sales, parent: company}
cycles:
  - {id: sprint-46, name: Sprint 46, start: 2026-11-09, end: 2026-11-22}
"""

FILES = {
    # A: 0.3 as of 8 Nov (KR1 3/10, KR2 3/10) → 0.4 on 15 Nov (KR1 5/10): red → yellow, a band crossed.
    # Pace: expected 38/91 = 0.418 then 45/91 = 0.495; gaps -0.118 and -0.095: on track both times.
    "content/okrs/2026-Q4/sales/a.md": """\
        ---
        title: Win the north
        cycle: 2026-Q4
        team: sales
        owner: Dana Reyes
        key_results:
          - title: Sign ten customers
            baseline: 0
            target: 10
            checkins:
              - {date: 2026-10-20, value: 3, confidence: 0.5}
              - {date: 2026-11-12, value: 5, confidence: 0.6, note: Two more signed}
          - title: Ten partners
            baseline: 0
            target: 10
            current: 3
        ---
        """,
    # B: 0.45 both times (40/100 and half the milestones); on track both times: no move.
    "content/okrs/2026-Q4/company/b.md": """\
        ---
        title: Grow
        cycle: 2026-Q4
        team: company
        owner: Maya Lindqvist
        key_results:
          - title: Revenue to 100
            baseline: 0
            target: 100
            checkins:
              - {date: 2026-10-05, value: 40}
          - title: Launch
            milestones:
              - {title: Design, done: true}
              - {title: Build, done: false}
        ---
        """,
    # C: its cycle starts on 9 Nov, inside the window: added. As of 8 Nov its check-in of 10 Nov does
    # not exist yet: 0.0, red, and nothing is expected before the start: on track. On 15 Nov it
    # scores (0.5 + 0) / 2 = 0.25, still red; expected 6/13 = 0.462: gap -0.212, at risk.
    "content/okrs/sprint-46/c.md": """\
        ---
        title: Ship the sprint
        cycle: sprint-46
        team: sales
        owner: Dana Reyes
        key_results:
          - title: Close ten tickets
            baseline: 0
            target: 10
            checkins:
              - {date: 2026-11-10, value: 5}
          - title: Demo done
            done: false
        ---
        """,
    # Churn, lower is better, read by no key result. As of 8 Nov: latest 7.9 (Oct), watch; its last
    # three steps are -0.2, +0.4, +0.7: not all the wrong way; no signal. On 15 Nov: 8.4 (10 Nov),
    # above yellow 8: unhealthy, and a signal. Trend worsening both times (fitted rise of 0.92 over
    # Jul-Oct against 2% of 7.2 = 0.14; more with November).
    "content/kpis/churn.md": """\
        ---
        title: Churn
        direction: down
        thresholds: {green: 6, yellow: 8}
        series:
          2026-07: 7.0
          2026-08: 6.8
          2026-09: 7.2
          2026-10: 7.9
          2026-11-10: 8.4
        ---
        """,
    # NPS, higher is better, target 40: unhealthy at 35 (a signal) until 42 on 12 Nov: cleared.
    # Two points: trend unknown both times.
    "content/kpis/nps.md": """\
        ---
        title: NPS
        direction: up
        target: 40
        series:
          2026-10: 35
          2026-11-12: 42
        ---
        """,
    # Steady: no point in the window, healthy both times: not listed.
    "content/kpis/uptime.md": """\
        ---
        title: Uptime
        target: 99
        series: {2026-09: 99.5, 2026-10: 99.6}
        ---
        """,
}


@pytest.fixture
def fixture_site(site) -> Path:
    return site(FILES, config=CONFIG)


def test_changes_against_the_hand_computed_fixture(fixture_site: Path) -> None:
    checked = check_site(fixture_site, AS_OF)
    assert checked.diagnostics.errors == []
    changes = changes_since(checked.scored)
    assert (changes.since, changes.as_of, changes.days) == (dt.date(2026, 11, 8), AS_OF, 7)
    # Largest move first: C moved 0.25, A 0.1.
    moves = [(m.objective.id, round(m.before.score, 4), round(m.objective.score, 4), m.before.grade, m.objective.grade,
              m.before.pace, m.objective.pace) for m in changes.moves]
    assert moves == [
        ("sprint-46/c", 0.0, 0.25, "red", "red", "on_track", "at_risk"),
        ("2026-Q4/sales/a", 0.3, 0.4, "red", "yellow", "on_track", "on_track"),
    ]
    assert [(m.score_moved, m.grade_moved, m.pace_moved) for m in changes.moves] == [
        (True, False, True), (True, True, False)]
    assert [(c.objective.id, c.key_result.kr.id, c.checkin.date.isoformat(), c.checkin.value, c.checkin.note)
            for c in changes.checkins] == [
        ("2026-Q4/sales/a", "sign-ten-customers", "2026-11-12", 5, "Two more signed"),
        ("sprint-46/c", "close-ten-tickets", "2026-11-10", 5, None),
    ]
    assert [(k.kpi.id, [(p.date.isoformat(), p.value) for p in k.points], k.before.health, k.kpi.health,
             k.before.trend, k.kpi.trend) for k in changes.kpis] == [
        ("churn", [("2026-11-10", 8.4)], "watch", "unhealthy", "worsening", "worsening"),
        ("nps", [("2026-11-12", 42)], "unhealthy", "healthy", "unknown", "unknown"),
    ]
    assert [k.id for k in changes.raised] == ["churn"]
    assert changes.raised[0].signal_reason == "unhealthy"
    assert [k.id for k in changes.cleared] == ["nps"]
    assert [o.id for o in changes.added] == ["sprint-46/c"]
    assert changes.count == 2 + 2 + 2 + 1 + 1 + 1


def test_a_band_crossing_alone_is_listed_and_nothing_is_when_nothing_changed(fixture_site: Path) -> None:
    checked = check_site(fixture_site, dt.date(2026, 11, 29))  # window 22-29 Nov: no dated value in it
    changes = changes_since(checked.scored)
    # Only pace moves with time. A (0.4) was at risk on 22 Nov (expected 52/91 = 0.571: gap -0.171)
    # and still is (59/91 = 0.648: gap -0.248). B (0.45) falls from on track (gap -0.121) to at risk
    # (gap -0.198). C's sprint ran until 22 Nov (expected 1.0: off track) and is final now.
    # Equal score moves (none) keep id order.
    assert [(m.objective.id, m.before.pace, m.objective.pace) for m in changes.moves] == [
        ("2026-Q4/company/b", "on_track", "at_risk"), ("sprint-46/c", "off_track", "final")]
    assert changes.checkins == () and changes.kpis == () and changes.raised == () and changes.added == ()


def test_the_window_comes_from_the_config(site) -> None:
    root = site(FILES, config=CONFIG + "changes_window: 2\n")
    changes = changes_since(check_site(root, AS_OF).scored)
    # After 13 Nov: no check-in (12 and 10 Nov are older), no KPI point; the scores stand. Only C's
    # pace moves: on 13 Nov 0.25 against 4/13 = 0.308 (gap -0.058, on track), at risk on 15 Nov.
    assert changes.since == dt.date(2026, 11, 13)
    assert changes.checkins == () and [k.kpi.id for k in changes.kpis] == []
    assert [(m.objective.id, m.before.pace, m.objective.pace) for m in changes.moves] == [
        ("sprint-46/c", "on_track", "at_risk")]


def test_the_changes_page_json_home_strip_and_feed(fixture_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["build", str(fixture_site), "--out", str(out), "--as-of", AS_OF.isoformat()]) == 0
    data = json.loads((out / "api/changes.json").read_text(encoding="utf-8"))
    assert data["since"] == "2026-11-08" and data["as_of"] == "2026-11-15" and data["days"] == 7
    assert [(o["id"], o["before"]["grade"], o["after"]["grade"]) for o in data["objectives"]] == [
        ("sprint-46/c", "red", "red"), ("2026-Q4/sales/a", "red", "yellow")]
    assert data["objectives"][1]["before"]["score"] == pytest.approx(0.3)
    assert data["checkins"][0] == {
        "objective": "2026-Q4/sales/a", "key_result": "sign-ten-customers", "title": "Sign ten customers",
        "url": "okrs/2026-Q4/sales/a/#kr-sign-ten-customers", "date": "2026-11-12", "value": 5,
        "confidence": 0.6, "note": "Two more signed"}
    assert data["kpis"][0] == {"id": "churn", "title": "Churn", "url": "kpis/churn/",
                               "points": [{"date": "2026-11-10", "value": 8.4}],
                               "before": {"health": "watch", "trend": "worsening"},
                               "after": {"health": "unhealthy", "trend": "worsening"}}
    assert data["signals"] == {"raised": ["churn"], "cleared": ["nps"]}
    assert data["added"] == ["sprint-46/c"]

    page = (out / "changes/index.html").read_text(encoding="utf-8")
    assert "From 8 Nov 2026 to 15 Nov 2026 (7 days)" in page
    assert 'Raised: <a href="../kpis/churn/">Churn</a> is unhealthy' in page
    assert 'Cleared: <a href="../kpis/nps/">NPS</a> is no longer a signal (healthy)' in page
    assert '<a href="../okrs/sprint-46/c/">Ship the sprint</a>' in page
    assert "Two more signed" in page
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "What changed since 8 Nov 2026" in home
    assert ("2 objectives moved, 2 check-ins, 2 KPIs updated, 1 signal raised, 1 signal cleared, "
            "1 objective started.") in home

    feed = (out / "feed.xml").read_text(encoding="utf-8")
    assert "<id>urn:okr-pages:2026-Q4/sales/a@move:red&gt;yellow,on_track&gt;on_track</id>" in feed
    assert "<title>Win the north: grade red → yellow</title>" in feed
    assert "<id>urn:okr-pages:kpi:churn@2026-11-10</id>" in feed
    assert "<summary>Churn on 10 Nov 2026 · health watch → unhealthy</summary>" in feed
    assert "<id>urn:okr-pages:signal:churn@2026-11-10</id>" in feed
    assert "<id>urn:okr-pages:cleared:nps@2026-11-12</id>" in feed
    assert "<id>urn:okr-pages:sprint-46/c@start</id>" in feed
    assert "<id>urn:okr-pages:sprint-46/c@move:red&gt;red,on_track&gt;at_risk</id>" in feed
    assert "<title>Ship the sprint: pace on track → at risk</title>" in feed


def test_nothing_changed(site, tmp_path: Path) -> None:
    root = site({"content/kpis/uptime.md": FILES["content/kpis/uptime.md"]}, config=CONFIG)
    out = tmp_path / "out"
    assert main(["build", str(root), "--out", str(out), "--as-of", AS_OF.isoformat()]) == 0
    assert "<p>Nothing changed.</p>" in (out / "changes/index.html").read_text(encoding="utf-8")
    assert json.loads((out / "api/changes.json").read_text(encoding="utf-8"))["objectives"] == []


REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def example_site():
    from generator.reading.load import load_site

    return load_site(REPO).site


@settings(max_examples=60, deadline=None)
@given(first=st.integers(-120, 120), second=st.integers(-120, 120))
def test_scoring_again_with_reuse_gives_the_same_records(example_site, first: int, second: int) -> None:
    """The second scoring of the changes page reuses what no dated value between the two dates
    feeds; every record must equal a scoring from scratch (pace, overdue marks and staleness follow
    the date; signals follow the current cycle)."""
    start = dt.date(2026, 11, 15)
    one, two = start + dt.timedelta(days=first), start + dt.timedelta(days=second)
    fresh = score_site(example_site, two, people=False)
    again = score_site(example_site, two, people=False, reuse=score_site(example_site, one))
    assert again == fresh
