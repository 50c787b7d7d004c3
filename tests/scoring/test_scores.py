"""SPEC §3, one test per rule. Expected values are worked out by hand in the comments."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.model.content import (
    KPI,
    Bands,
    CheckIn,
    Config,
    Cycle,
    KeyResult,
    Milestone,
    Objective,
    PaceLimits,
    Point,
    Site,
    Team,
    Thresholds,
)
from generator.scoring.scores import (
    current_cycle,
    expected_progress,
    grade,
    health,
    pace,
    score_key_result,
    score_objective,
    score_site,
    stale,
    trend,
    worsening_steps,
)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)

Q4 = Cycle("2026-Q4", d("2026-10-01"), d("2026-12-31"))
Q3 = Cycle("2026-Q3", d("2026-07-01"), d("2026-09-30"))
AS_OF = d("2026-11-15")


def numeric(baseline=4, target=20, current=None, checkins=(), kpi=None, weight=1, kr_id="kr"):
    return KeyResult(kr_id, kr_id, "numeric", weight=weight, baseline=baseline, target=target,
                     current=current, checkins=tuple(checkins), kpi=kpi)


def kpi(kpi_id="churn", series=(), direction="down", target=None, thresholds=None, cadence="monthly"):
    points = tuple(Point(d(date), value) for date, value in series)
    return KPI(kpi_id, kpi_id, None, None, None, direction, target, thresholds, cadence, points)


def objective(oid, krs, cycle="2026-Q4", team="sales", commitment="aspirational", aligns_to=None):
    return Objective(oid, oid, cycle, team, "Owner", aligns_to, commitment, tuple(krs))


def make_site(objectives=(), kpis=(), cycles=(Q3, Q4), teams=("sales", "cs"), config=None):
    return Site(config or Config(), {c.id: c for c in cycles}, {t: Team(t, t) for t in teams},
                {o.id: o for o in objectives}, {k.id: k for k in kpis}, ())


# --- numeric key results ---------------------------------------------------------------------

def test_numeric_higher_is_better():
    kr = numeric(4, 20, checkins=[CheckIn(d("2026-10-07"), 6), CheckIn(d("2026-11-04"), 11)])
    result = score_key_result(kr, Q4, {}, AS_OF)
    assert result.current == 11
    assert result.score == 0.4375  # (11 - 4) / (20 - 4) = 7 / 16
    assert result.no_data is False


def test_numeric_lower_is_better_needs_no_flag():
    kr = numeric(8, 5, current=6.5)
    assert score_key_result(kr, Q4, {}, AS_OF).score == 0.5  # (6.5 - 8) / (5 - 8) = -1.5 / -3


def test_numeric_clamped_above_one():
    kr = numeric(4, 20, current=25)
    assert score_key_result(kr, Q4, {}, AS_OF).score == 1.0  # (25 - 4) / 16 = 1.3125 → 1


def test_numeric_clamped_below_zero():
    kr = numeric(4, 20, current=2)
    assert score_key_result(kr, Q4, {}, AS_OF).score == 0.0  # (2 - 4) / 16 = -0.125 → 0
    kr = numeric(8, 5, current=9)
    assert score_key_result(kr, Q4, {}, AS_OF).score == 0.0  # (9 - 8) / (5 - 8) = -1/3 → 0


def test_current_prefers_latest_checkin_over_current_field():
    kr = numeric(0, 10, current=9, checkins=[CheckIn(d("2026-10-05"), 2), CheckIn(d("2026-10-20"), 3)])
    result = score_key_result(kr, Q4, {}, AS_OF)
    assert result.current == 3
    assert result.score == 0.3  # (3 - 0) / 10


def test_current_field_when_no_checkins():
    result = score_key_result(numeric(0, 10, current=9), Q4, {}, AS_OF)
    assert (result.current, result.score) == (9, 0.9)  # 9 / 10


def test_current_from_kpi_latest_point_inside_cycle():
    churn = kpi(series=[("2026-09-01", 8), ("2026-10-01", 7), ("2026-11-01", 6.5), ("2026-11-20", 5)])
    kr = numeric(8, 5, kpi="churn")
    result = score_key_result(kr, Q4, {"churn": churn}, AS_OF)
    assert result.current == 6.5  # 2026-11-20 is after as_of; 2026-11-01 is the latest inside
    assert result.score == 0.5  # (6.5 - 8) / (5 - 8)
    assert result.no_data is False


def test_current_falls_back_to_baseline_flagged_no_data():
    # The KPI has only a point before the cycle: nothing inside it yet.
    churn = kpi(series=[("2026-09-01", 8)])
    result = score_key_result(numeric(8, 5, kpi="churn"), Q4, {"churn": churn}, AS_OF)
    assert (result.current, result.score, result.no_data) == (8, 0.0, True)
    result = score_key_result(numeric(3, 6), Q4, {}, AS_OF)
    assert (result.current, result.score, result.no_data) == (3, 0.0, True)


def test_kpi_linked_baseline_is_latest_point_on_or_before_cycle_start():
    churn = kpi(series=[("2026-08-01", 9), ("2026-10-01", 8), ("2026-10-02", 7.5), ("2026-11-01", 6.5)])
    result = score_key_result(numeric(None, 5, kpi="churn"), Q4, {"churn": churn}, AS_OF)
    assert result.baseline == 8  # 2026-10-01 is on the cycle start; 2026-10-02 is after it
    assert result.current == 6.5
    assert result.score == 0.5  # (6.5 - 8) / (5 - 8)


def test_explicit_baseline_wins_over_kpi():
    churn = kpi(series=[("2026-10-01", 8), ("2026-11-01", 6.5)])
    result = score_key_result(numeric(7, 5, kpi="churn"), Q4, {"churn": churn}, AS_OF)
    assert result.baseline == 7
    assert result.score == 0.25  # (6.5 - 7) / (5 - 7) = -0.5 / -2


def test_checkins_after_as_of_are_ignored():
    kr = numeric(0, 10, checkins=[CheckIn(d("2026-11-01"), 4, 0.6), CheckIn(d("2026-11-16"), 9, 0.9)])
    result = score_key_result(kr, Q4, {}, AS_OF)
    assert result.current == 4
    assert result.score == 0.4  # 4 / 10; the 2026-11-16 check-in is after as_of
    assert result.confidence == 0.6
    assert [c.date for c in result.checkins] == [d("2026-11-01")]


def test_kpi_points_after_as_of_are_ignored():
    churn = kpi(series=[("2026-10-01", 8), ("2026-11-15", 7), ("2026-11-16", 5)])
    result = score_key_result(numeric(None, 5, kpi="churn"), Q4, {"churn": churn}, AS_OF)
    assert result.current == 7  # on as_of counts; the day after does not
    assert result.score == pytest.approx(1 / 3)  # (7 - 8) / (5 - 8) = -1 / -3
    status = score_site(make_site(kpis=[churn]), AS_OF).kpis["churn"]
    assert status.latest == Point(d("2026-11-15"), 7)
    assert len(status.series) == 2


# --- milestone and binary key results --------------------------------------------------------

def test_milestones_share_done():
    kr = KeyResult("m", "m", "milestone", milestones=(
        Milestone("a", True), Milestone("b", False), Milestone("c", False), Milestone("d", False)))
    assert score_key_result(kr, Q4, {}, AS_OF).score == 0.25  # 1 done of 4


def test_milestones_with_weights():
    kr = KeyResult("m", "m", "milestone", milestones=(
        Milestone("design", True, 3), Milestone("beta", False, 1)))
    assert score_key_result(kr, Q4, {}, AS_OF).score == 0.75  # 3 / (3 + 1)


def test_binary_is_zero_or_one():
    done = KeyResult("b", "b", "binary", done=True)
    not_done = KeyResult("b", "b", "binary", done=False)
    assert score_key_result(done, Q4, {}, AS_OF).score == 1.0
    assert score_key_result(not_done, Q4, {}, AS_OF).score == 0.0


# --- objectives, teams, cycles ---------------------------------------------------------------

def test_objective_score_is_weighted_mean():
    krs = [numeric(4, 20, current=11, weight=2, kr_id="a"),  # 7/16 = 0.4375
           numeric(8, 5, current=6.5, kr_id="b"),  # 0.5
           KeyResult("c", "c", "binary", done=True)]  # 1.0
    obj = objective("o", krs)
    result = score_objective(obj, make_site([obj]), AS_OF)
    assert result.score == 0.59375  # (2 × 0.4375 + 0.5 + 1) / (2 + 1 + 1) = 2.375 / 4


def _done(kr_id, is_done):
    return KeyResult(kr_id, kr_id, "binary", done=is_done)


def test_team_score_is_mean_of_its_own_objectives_in_current_cycle():
    objectives = [
        objective("a", [_done("x", True), _done("y", True)]),  # 1.0, sales, Q4
        objective("b", [_done("x", True), _done("y", False)]),  # 0.5, sales, Q4
        objective("c", [_done("x", False), _done("y", False)], cycle="2026-Q3"),  # 0.0, past cycle
        objective("d", [_done("x", False), _done("y", False)], team="cs", cycle="2026-Q3"),
    ]
    scores = score_site(make_site(objectives), AS_OF)
    assert scores.current_cycle == "2026-Q4"
    assert scores.teams["sales"].score == 0.75  # (1.0 + 0.5) / 2; the Q3 objective does not count
    assert scores.teams["cs"].score is None  # no objective in the current cycle


def test_team_score_excludes_child_teams_objectives():
    site = Site(Config(), {"2026-Q4": Q4}, {"company": Team("company", "C"), "sales": Team("sales", "S", "company")},
                {"a": objective("a", [_done("x", True), _done("y", True)], team="sales")}, {}, ())
    scores = score_site(site, AS_OF)
    assert {t: r.score for t, r in scores.teams.items()} == {"company": None, "sales": 1.0}  # "its own objectives" only


def test_cycle_score_is_mean_of_all_its_objectives():
    objectives = [
        objective("a", [_done("x", True), _done("y", True)]),  # 1.0
        objective("b", [_done("x", True), _done("y", False)], team="cs"),  # 0.5
        objective("c", [_done("x", False), _done("y", False)]),  # 0.0
        objective("d", [_done("x", True), _done("y", False)], cycle="2026-Q3"),  # 0.5
    ]
    scores = score_site(make_site(objectives), AS_OF)
    assert scores.cycles["2026-Q4"].score == 0.5  # (1.0 + 0.5 + 0.0) / 3
    assert scores.cycles["2026-Q3"].score == 0.5  # the only Q3 objective


def test_cycle_with_no_objectives_has_no_score():
    assert {c: r.score for c, r in score_site(make_site([]), AS_OF).cycles.items()} == {"2026-Q3": None, "2026-Q4": None}


# --- grade -----------------------------------------------------------------------------------

@pytest.mark.parametrize("score, expected", [
    (0.0, "red"), (0.3999, "red"), (0.4, "yellow"), (0.6999, "yellow"), (0.7, "green"), (1.0, "green"),
])
def test_grade_default_bands_at_exact_boundaries(score, expected):
    assert grade(score, Bands()) == expected


def test_grade_boundary_survives_float_noise():
    # 0.1 + 0.2 + 0.4 = 0.7000000000000001 and 0.7 - 0.3 = 0.39999999999999997 in floats:
    # both are the band edge written in the config, and must grade as such.
    assert grade(0.7 - 0.3, Bands()) == "yellow"
    assert grade((0.1 + 0.2 + 0.4 + 0.3 + 0.3 + 0.8) / 3, Bands()) == "green"  # 2.1 / 3 = 0.7


def test_grade_custom_bands():
    assert grade(0.5, Bands(yellow=0.3, green=0.5)) == "green"
    assert grade(0.29, Bands(yellow=0.3, green=0.5)) == "red"


# --- expected progress and pace --------------------------------------------------------------

def test_expected_is_elapsed_share_in_days():
    # Q4 2026: 2026-10-01 → 2026-12-31 is 91 days; 2026-10-01 → 2026-11-15 is 45 days.
    assert expected_progress(Q4, AS_OF) == 45 / 91
    assert expected_progress(Q4, d("2026-10-01")) == 0.0
    assert expected_progress(Q4, d("2026-12-31")) == 1.0


def test_expected_is_clamped():
    assert expected_progress(Q4, d("2026-09-01")) == 0.0  # before the start: -30/91 → 0
    assert expected_progress(Q4, d("2027-02-01")) == 1.0  # after the end: 123/91 → 1


# A 100-day cycle: 2026-01-01 → 2026-04-11 (31 + 28 + 31 + 10 days); 2026-02-20 is day 50 → 0.5.
HUNDRED = Cycle("H", d("2026-01-01"), d("2026-04-11"))
HALF_WAY = d("2026-02-20")


@pytest.mark.parametrize("score, expected", [
    (0.5, "on_track"),  # gap 0
    (0.35, "on_track"),  # gap -0.15: not below at_risk (-0.15)
    (0.34, "at_risk"),  # gap -0.16
    (0.2, "at_risk"),  # gap -0.30: not below off_track (-0.3)
    (0.19, "off_track"),  # gap -0.31
    (0.0, "off_track"),  # gap -0.5
    (0.9, "on_track"),  # ahead of pace
])
def test_pace_default_thresholds_at_boundaries(score, expected):
    assert expected_progress(HUNDRED, HALF_WAY) == 0.5  # 50 / 100
    assert pace(score, HUNDRED, False, HALF_WAY, PaceLimits()) == expected


def test_pace_custom_limits():
    limits = PaceLimits(at_risk=-0.05, off_track=-0.1)
    assert pace(0.44, HUNDRED, False, HALF_WAY, limits) == "at_risk"  # gap -0.06
    assert pace(0.39, HUNDRED, False, HALF_WAY, limits) == "off_track"  # gap -0.11


def test_pace_after_cycle_end_final_or_missed():
    after = d("2027-01-01")
    assert pace(0.5, Q4, False, after, PaceLimits()) == "final"  # aspirational: no judgement
    assert pace(0.99, Q4, True, after, PaceLimits()) == "missed"  # committed below 1.0
    assert pace(1.0, Q4, True, after, PaceLimits()) == "final"
    assert pace(0.0, Q4, True, d("2026-12-31"), PaceLimits()) == "off_track"  # last day still runs


def test_objective_pace_and_expected_in_score():
    obj = objective("o", [_done("x", False), _done("y", False)], commitment="committed")
    result = score_objective(obj, make_site([obj]), AS_OF)
    assert result.expected == 45 / 91
    assert result.pace == "off_track"  # 0 - 0.4945 < -0.3
    assert result.grade == "red"
    assert score_objective(obj, make_site([obj]), d("2027-01-05")).pace == "missed"


# --- confidence ------------------------------------------------------------------------------

def test_confidence_is_latest_checkins_and_not_in_score():
    kr = numeric(0, 10, checkins=[CheckIn(d("2026-10-05"), 2, 0.9), CheckIn(d("2026-11-01"), 5, 0.4)])
    result = score_key_result(kr, Q4, {}, AS_OF)
    assert result.confidence == 0.4
    assert result.score == 0.5  # 5 / 10, confidence not mixed in


def test_confidence_none_without_checkins():
    assert score_key_result(numeric(0, 10, current=5), Q4, {}, AS_OF).confidence is None


# --- KPI health ------------------------------------------------------------------------------

UP_T = Thresholds(green=100, yellow=80)  # up: ≥100 healthy, ≥80 watch, else unhealthy
DOWN_T = Thresholds(green=6, yellow=8)  # down: ≤6 healthy, ≤8 watch, else unhealthy


@pytest.mark.parametrize("direction, thresholds, value, expected", [
    ("up", UP_T, 120, "healthy"), ("up", UP_T, 100, "healthy"), ("up", UP_T, 99.9, "watch"),
    ("up", UP_T, 80, "watch"), ("up", UP_T, 79.9, "unhealthy"),
    ("down", DOWN_T, 5, "healthy"), ("down", DOWN_T, 6, "healthy"), ("down", DOWN_T, 6.4, "watch"),
    ("down", DOWN_T, 8, "watch"), ("down", DOWN_T, 8.1, "unhealthy"),
])
def test_health_with_thresholds(direction, thresholds, value, expected):
    item = kpi(direction=direction, thresholds=thresholds)
    assert health(item, Point(d("2026-11-01"), value)) == expected


@pytest.mark.parametrize("direction, value, expected", [
    ("up", 5, "healthy"), ("up", 4.9, "unhealthy"), ("down", 5, "healthy"), ("down", 5.1, "unhealthy"),
])
def test_health_with_target_only(direction, value, expected):
    assert health(kpi(direction=direction, target=5), Point(d("2026-11-01"), value)) == expected


def test_thresholds_win_over_target():
    item = kpi(direction="down", target=5, thresholds=DOWN_T)
    assert health(item, Point(d("2026-11-01"), 5.5)) == "healthy"  # misses target 5, but ≤ green 6


def test_health_no_target_and_no_data():
    assert health(kpi(), Point(d("2026-11-01"), 3)) == "no_target"
    assert health(kpi(target=5), None) == "no_data"
    status = score_site(make_site(kpis=[kpi(target=5, series=[("2026-12-01", 3)])]), AS_OF).kpis["churn"]
    assert status.health == "no_data"  # its only point is after as_of


# --- trend -----------------------------------------------------------------------------------

def every_ten_days(*values):
    """Points 10 days apart from 2026-01-01, so x = 0, 10, 20, ..."""
    return tuple(Point(d("2026-01-01") + dt.timedelta(days=10 * i), v) for i, v in enumerate(values))


def test_trend_rising_reads_with_direction():
    # 100, 102, 104: slope 0.2/day, change over 20 days = 4 ≥ 2% of mean 102 (2.04)
    series = every_ten_days(100, 102, 104)
    assert trend(series, "up") == "improving"
    assert trend(series, "down") == "worsening"


def test_trend_falling_reads_with_direction():
    series = every_ten_days(104, 102, 100)
    assert trend(series, "up") == "worsening"
    assert trend(series, "down") == "improving"


def test_trend_flat_under_two_percent_of_mean_abs_value():
    # 100, 101, 102: change 2.0 over the window; 2% of mean 101 is 2.02 → flat
    assert trend(every_ten_days(100, 101, 102), "up") == "flat"
    # negative values use the mean absolute value: change -2.0, 2% of 101 = 2.02 → flat
    assert trend(every_ten_days(-100, -101, -102), "down") == "flat"
    # 6 points, one step of 1 at the end: slope = 25/1750 per day, change over 50 days = 0.71 < 2.0
    assert trend(every_ten_days(100, 100, 100, 100, 100, 101), "up") == "flat"
    assert trend(every_ten_days(5, 5, 5), "up") == "flat"


def test_trend_just_over_flat_line():
    # 6 points, last step of 10: Σ(x−x̄)y = 25 × 110 − 25 × 100 = 250, Σ(x−x̄)² = 1750,
    # change = 250/1750 × 50 = 7.14 ≥ 2% of mean 101.67 (2.03) → improving
    assert trend(every_ten_days(100, 100, 100, 100, 100, 110), "up") == "improving"


def test_trend_unknown_under_three_points():
    assert trend(every_ten_days(1, 50), "up") == "unknown"
    assert trend(every_ten_days(1), "up") == "unknown"
    assert trend((), "up") == "unknown"


def test_trend_uses_only_last_six_points():
    # With all 7 points the 1000 outlier makes the slope negative; the last 6 rise steadily.
    series = every_ten_days(1000, 10, 11, 12, 13, 14, 15)
    assert trend(series, "up") == "improving"
    assert trend(series[1:], "up") == "improving"


def test_trend_uses_days_not_point_count():
    # 10 → 20 over 1 day then 20 → 10 over 100 days: least squares in days falls overall.
    series = (Point(d("2026-01-01"), 10), Point(d("2026-01-02"), 20), Point(d("2026-04-12"), 10))
    # x = 0, 1, 101; x̄ = 34; Σ(x−x̄)y = −34×10 − 33×20 + 67×10 = −330 → negative slope
    assert trend(series, "up") == "worsening"


# --- stale -----------------------------------------------------------------------------------

@pytest.mark.parametrize("cadence, latest, as_of, expected", [
    ("monthly", "2026-09-15", "2026-11-15", False),  # 09-15 + 2 months = 11-15, not older
    ("monthly", "2026-09-15", "2026-11-16", True),
    ("monthly", "2026-08-31", "2026-10-31", False),  # + 2 months = 10-31 (month end)
    ("monthly", "2026-08-31", "2026-11-01", True),
    ("weekly", "2026-11-01", "2026-11-15", False),  # + 14 days = 11-15
    ("weekly", "2026-11-01", "2026-11-16", True),
    ("daily", "2026-11-13", "2026-11-15", False),  # + 2 days = 11-15
    ("daily", "2026-11-13", "2026-11-16", True),
    ("quarterly", "2026-05-15", "2026-11-15", False),  # + 6 months = 11-15
    ("quarterly", "2026-05-15", "2026-11-16", True),
])
def test_stale_by_cadence(cadence, latest, as_of, expected):
    assert stale(Point(d(latest), 1), cadence, d(as_of)) is expected


def test_no_point_is_not_stale():
    assert stale(None, "monthly", AS_OF) is False


# --- signals ---------------------------------------------------------------------------------

def test_worsening_steps():
    assert worsening_steps(every_ten_days(10, 9, 8, 7), "up") is True  # three falls
    assert worsening_steps(every_ten_days(10, 9, 8, 8), "up") is False  # last step flat
    assert worsening_steps(every_ten_days(9, 8, 7), "up") is False  # only two steps
    assert worsening_steps(every_ten_days(5, 6, 7, 8), "down") is True  # three rises
    assert worsening_steps(every_ten_days(1, 10, 9, 8, 7), "up") is True  # only the last three count


UNHEALTHY = [("2026-10-01", 9), ("2026-11-01", 9)]  # down, green 6, yellow 8 → 9 is unhealthy


def test_unhealthy_kpi_not_read_is_a_signal():
    churn = kpi(series=UNHEALTHY, thresholds=DOWN_T)
    scores = score_site(make_site(kpis=[churn]), AS_OF)
    assert scores.kpis["churn"].health == "unhealthy"
    assert [k.id for k in scores.signals] == ["churn"]
    assert scores.kpis["churn"].signal_reason == "unhealthy"


def test_kpi_read_by_current_cycle_kr_is_not_a_signal():
    churn = kpi(series=UNHEALTHY, thresholds=DOWN_T)
    obj = objective("o", [numeric(None, 5, kpi="churn", kr_id="cut"), _done("y", False)])
    scores = score_site(make_site([obj], kpis=[churn]), AS_OF)
    assert scores.signals == ()
    assert scores.kpis["churn"].read_by == ("o#cut",)


def test_kpi_read_only_by_past_cycle_kr_is_still_a_signal():
    churn = kpi(series=UNHEALTHY, thresholds=DOWN_T)
    obj = objective("o", [numeric(10, 5, kpi="churn", kr_id="cut"), _done("y", False)], cycle="2026-Q3")
    assert score_site(make_site([obj], kpis=[churn]), AS_OF).signals[0].id == "churn"


def test_three_wrong_way_steps_is_a_signal_even_when_healthy():
    # down, 3, 3.5, 4, 4.5: healthy (≤ 6) but three rises in a row
    support = kpi("support", series=[("2026-08-01", 3), ("2026-09-01", 3.5), ("2026-10-01", 4),
                                     ("2026-11-01", 4.5)], thresholds=DOWN_T)
    fine = kpi("fine", series=[("2026-09-01", 4), ("2026-10-01", 4.5), ("2026-11-01", 5)], thresholds=DOWN_T)
    scores = score_site(make_site(kpis=[support, fine]), AS_OF)
    assert scores.kpis["support"].health == "healthy"
    assert [k.id for k in scores.signals] == ["support"]  # "fine" has only two rising steps
    assert scores.kpis["support"].signal_reason == "worsening"
    assert scores.kpis["fine"].signal_reason is None


# --- current cycle ---------------------------------------------------------------------------

def test_current_cycle_contains_as_of():
    assert current_cycle({"2026-Q3": Q3, "2026-Q4": Q4}, AS_OF) == "2026-Q4"
    assert current_cycle({"2026-Q3": Q3, "2026-Q4": Q4}, d("2026-09-30")) == "2026-Q3"


def test_current_cycle_else_latest_started_before():
    q1 = Cycle("2026-Q1", d("2026-01-01"), d("2026-03-31"))
    cycles = {"2026-Q1": q1, "2026-Q3": Q3, "2027-Q2": Cycle("2027-Q2", d("2027-04-01"), d("2027-06-30"))}
    assert current_cycle(cycles, d("2026-11-15")) == "2026-Q3"  # gap after Q3; Q2 2027 not started
    assert current_cycle(cycles, d("2026-05-01")) == "2026-Q1"
    assert current_cycle(cycles, d("2025-12-01")) is None  # nothing has started


# --- property --------------------------------------------------------------------------------

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@given(baseline=finite, target=finite, current=finite)
def test_numeric_score_always_within_zero_and_one(baseline, target, current):
    if baseline == target:
        return
    score = score_key_result(numeric(baseline, target, current=current), Q4, {}, AS_OF).score
    assert 0.0 <= score <= 1.0


@given(baseline=st.integers(-10**6, 10**6), target=st.integers(-10**6, 10**6))
def test_numeric_score_is_half_at_midpoint(baseline, target):
    if baseline == target:
        return
    midpoint = (baseline + target) / 2
    score = score_key_result(numeric(baseline, target, current=midpoint), Q4, {}, AS_OF).score
    assert score == pytest.approx(0.5, abs=1e-12)
