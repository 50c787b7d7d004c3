"""SPEC §9 freshness: each key result's last update and whether it is overdue, and progress charts
that plot only dated values. Dates and day counts are worked out by hand in the comments."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.model.content import (
    KPI,
    CheckIn,
    Config,
    Cycle,
    KeyResult,
    Milestone,
    Objective,
    Point,
    Site,
    Team,
)
from generator.scoring.scores import score_key_result, score_objective, score_site


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


Q4 = Cycle("2026-Q4", d("2026-10-01"), d("2026-12-31"))
EVERY = 14


def numeric(kr_id: str = "kr", checkins: tuple[str, ...] = (), current: float | None = None, baseline: float = 0,
            target: float = 10, kpi: str | None = None) -> KeyResult:
    return KeyResult(kr_id, kr_id, "numeric", baseline=baseline, target=target, current=current, kpi=kpi,
                     checkins=tuple(CheckIn(d(day), 3) for day in checkins))


def fresh(kr: KeyResult, as_of: str, every: int | None = EVERY, kpis: dict | None = None, cycle: Cycle = Q4):
    scored = score_key_result(kr, cycle, kpis or {}, d(as_of), every)
    return scored.last_update, scored.overdue


# -- last update ------------------------------------------------------------------------------------

def test_last_update_is_the_latest_checkin_on_or_before_as_of() -> None:
    kr = numeric(checkins=("2026-10-07", "2026-10-20", "2026-11-30"))
    assert fresh(kr, "2026-11-15")[0] == d("2026-10-20")  # the 30 Nov check-in is after as_of: not yet
    assert fresh(kr, "2026-12-01")[0] == d("2026-11-30")


def test_a_current_value_is_no_update() -> None:
    assert fresh(numeric(current=5), "2026-11-15")[0] is None  # never the build date


def test_a_kr_reading_a_kpi_was_last_updated_by_its_latest_point_in_the_cycle() -> None:
    churn = KPI("churn", "Churn", None, None, None, "down", None, None, "monthly",
                (Point(d("2026-09-01"), 8), Point(d("2026-10-01"), 7.5), Point(d("2026-11-01"), 7)))
    kr = numeric(kpi="churn", baseline=8, target=5)
    assert fresh(kr, "2026-11-15", kpis={"churn": churn}) == (d("2026-11-01"), False)
    # 1 Oct is the cycle start; on 20 Oct it is the latest point inside the cycle: 50 days later,
    # still not overdue, because a KR reading a KPI follows the KPI's cadence, not the check-ins.
    assert fresh(kr, "2026-10-20", kpis={"churn": churn}) == (d("2026-10-01"), False)


def test_milestones_take_their_last_update_from_checkins_and_are_never_overdue() -> None:
    kr = KeyResult("m", "m", "milestone", milestones=(Milestone("a", True), Milestone("b", False)),
                   checkins=(CheckIn(d("2026-10-03"), None, 0.6, "Design approved"),))
    assert fresh(kr, "2026-12-01") == (d("2026-10-03"), False)
    done = KeyResult("b", "b", "binary", done=False)
    assert fresh(done, "2026-12-01") == (None, False)


# -- overdue ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("as_of", "overdue"), [
    ("2026-11-03", False),  # 20 Oct + 14 days: exactly the rhythm, not more
    ("2026-11-04", True),  # 15 days
    ("2026-10-21", False),
])
def test_overdue_when_the_last_checkin_is_older_than_the_rhythm(as_of: str, overdue: bool) -> None:
    assert fresh(numeric(checkins=("2026-10-06", "2026-10-20")), as_of) == (d("2026-10-20"), overdue)


@pytest.mark.parametrize(("as_of", "overdue"), [
    ("2026-10-15", False),  # 1 Oct + 14 days
    ("2026-10-16", True),  # 15 days since the cycle started and no update yet
])
def test_with_no_update_the_rhythm_counts_from_the_cycle_start(as_of: str, overdue: bool) -> None:
    assert fresh(numeric(current=5), as_of) == (None, overdue)
    assert fresh(numeric(), as_of) == (None, overdue)


def test_only_a_running_cycle_has_overdue_key_results() -> None:
    kr = numeric(checkins=("2026-10-06",))
    assert fresh(kr, "2026-09-20")[1] is False  # upcoming
    assert fresh(kr, "2026-12-31")[1] is True  # the last day still runs: 86 days
    assert fresh(kr, "2027-01-01")[1] is False  # ended: graded, not chased


def test_a_key_result_at_its_target_needs_no_more_checkins() -> None:
    kr = KeyResult("kr", "kr", "numeric", baseline=0, target=10, checkins=(CheckIn(d("2026-10-02"), 10),))
    assert fresh(kr, "2026-12-01") == (d("2026-10-02"), False)


def test_no_rhythm_means_no_overdue() -> None:
    assert fresh(numeric(), "2026-12-01", every=None) == (None, False)


def _site(objective: Objective, config: Config | None = None) -> Site:
    return Site(config or Config(), {"2026-Q4": Q4}, {"sales": Team("sales", "Sales")}, {objective.id: objective},
                {}, ())


def test_objective_override_of_the_rhythm_and_its_overdue_key_results() -> None:
    late = numeric("late", checkins=("2026-10-20",))
    recent = numeric("recent", checkins=("2026-10-25",))
    objective = Objective("o", "O", "2026-Q4", "sales", "Dana", None, "aspirational", (late, recent))
    # The site's rhythm, 14 days: on 30 Oct late is 10 days old, recent 5.
    scored = score_objective(objective, _site(objective), d("2026-10-30"))
    assert scored.checkin_every == 14 and scored.overdue == ()
    # Weekly for this objective: on 28 Oct late is 8 days old (overdue), recent 3.
    weekly = Objective("o", "O", "2026-Q4", "sales", "Dana", None, "aspirational", (late, recent), checkin_every=7)
    scored = score_objective(weekly, _site(weekly), d("2026-10-28"))
    assert scored.checkin_every == 7
    assert [kr.kr.id for kr in scored.overdue] == ["late"]
    # The site's checkin_every: 30 days makes nothing overdue on 4 Nov (late: 15 days).
    scored = score_objective(objective, _site(objective, Config(checkin_every=30)), d("2026-11-04"))
    assert scored.checkin_every == 30 and scored.overdue == ()


def test_key_result_owner_defaults_to_the_objective_owner() -> None:
    own = KeyResult("a", "a", "binary", done=False, owner="Marcus Lee")
    inherited = KeyResult("b", "b", "binary", done=False)
    objective = Objective("o", "O", "2026-Q4", "sales", "Dana Reyes", None, "aspirational", (own, inherited))
    scored = score_site(_site(objective), d("2026-11-15")).objectives["o"]
    assert [(kr.owner.name, kr.owner.url) for kr in scored.key_results if kr.owner] == [
        ("Marcus Lee", "people/marcus-lee/"), ("Dana Reyes", "people/dana-reyes/")]
    assert scored.key_results[1].kr.owner is None  # the model keeps what the file says


# -- progress: dated values only --------------------------------------------------------------------

def test_a_current_value_is_not_drawn_as_a_line_to_the_build_date() -> None:
    scored = score_key_result(numeric(current=5), Q4, {}, d("2026-11-15"))
    assert scored.score == 0.5 and scored.progress == ()


def test_milestones_and_yes_no_key_results_have_no_dated_value() -> None:
    milestones = KeyResult("m", "m", "milestone", milestones=(Milestone("a", True), Milestone("b", False)))
    assert score_key_result(milestones, Q4, {}, d("2026-11-15")).progress == ()
    assert score_key_result(KeyResult("b", "b", "binary", done=True), Q4, {}, d("2026-11-15")).progress == ()


def test_checkins_are_drawn_from_the_baseline_at_the_cycle_start() -> None:
    kr = KeyResult("kr", "kr", "numeric", baseline=0, target=10,
                   checkins=(CheckIn(d("2026-10-10"), 2), CheckIn(d("2026-11-01"), 5)))
    assert score_key_result(kr, Q4, {}, d("2026-11-15")).progress == (
        (d("2026-10-01"), 0.0), (d("2026-10-10"), 0.2), (d("2026-11-01"), 0.5))
