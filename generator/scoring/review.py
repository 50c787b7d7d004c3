"""The figures of a cycle's review (SPEC §10), as pure functions of the scored model.

A review reads the scores that ``scoring`` computed (the reviewed final score where there is one)
and sorts them the way a review meeting asks: grades, committed objectives met or missed,
aspirational ones below, in or above the 0.6–0.7 sweet spot, each team's objectives with their
retrospectives and follow-ups, each KPI from the cycle's first day to its last, and the signals
raised while it ran. Nothing here renders; the review page and ``okr-pages report`` show these.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field

from ..model.content import Cycle, Point, Team
from .records import REFERENCE
from .scores import (
    BOUNDARY_DIGITS,
    ScoredCycle,
    ScoredKPI,
    ScoredObjective,
    ScoredSite,
    health,
    points_until,
    signal,
    trend,
)

SWEET_SPOT = (0.6, 0.7)  # where an aspirational objective should land (SPEC §1)
GRADES = ("green", "yellow", "red")


@dataclass(frozen=True)
class ReviewCounts:
    """How a cycle's objectives ended, counted (also in ``api/okrs.json``)."""

    objectives: int
    reviewed: int  # with a reviewed final score
    grades: dict[str, int]  # green, yellow, red
    grades_by_commitment: dict[str, dict[str, int]]  # aspirational / committed → green, yellow, red
    committed_met: int
    committed_missed: int
    aspirational_below: int
    aspirational_sweet_spot: int
    aspirational_above: int
    not_ambitious: int  # aspirational at 1.0
    # While the cycle runs: how many of each commitment are on track, at risk or off track.
    paces_by_commitment: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def commitment_totals(self) -> dict[str, int]:
        """How many objectives of each commitment (the last column of the grades table)."""
        return {commitment: sum(grades.values()) for commitment, grades in self.grades_by_commitment.items()}


@dataclass(frozen=True)
class ObjectiveReview:
    """One objective in the review: where it ended and what came before and after it."""

    objective: ScoredObjective
    verdict: str  # committed: met | missed; aspirational: below | sweet_spot | above
    not_ambitious: bool  # aspirational and at 1.0: "not ambitious enough?"
    next: ScoredObjective | None = field(metadata=REFERENCE)
    previous: ScoredObjective | None = field(metadata=REFERENCE)


@dataclass(frozen=True)
class TeamReview:
    """A team's part of the review: its score in the cycle and its objectives (no team: ``team`` None)."""

    team: Team | None
    score: float | None
    grade: str | None
    reviewed: bool
    objectives: tuple[ObjectiveReview, ...]

    @property
    def slug(self) -> str:
        """Its part's name in the review's URL (``cycles/<id>/review/<slug>/``): the team's id; for
        objectives of no team, a name no team id can have."""
        return self.team.id if self.team is not None else NO_TEAM


@dataclass(frozen=True)
class KPIMovement:
    """A KPI from the cycle's first day to its last (or to as_of, while the cycle runs)."""

    kpi: ScoredKPI
    start: Point | None  # the latest point on or before the cycle's first day
    end: Point | None  # the latest point on or before its last day
    start_health: str
    end_health: str
    change: float | None  # end − start
    movement: str  # improved | worsened | unchanged | unknown (read with the KPI's direction)
    trend: str  # at the end


@dataclass(frozen=True)
class CycleSignal:
    """A KPI that was a signal at some time in the cycle while no key result of the cycle read it."""

    kpi: ScoredKPI
    raised: dt.date | None  # the date of the point that made it one; None: it already was at the start
    reason: str  # unhealthy | worsening, when it was raised
    open_at_end: bool  # still a signal at the end


@dataclass(frozen=True)
class CycleReview:
    """Everything a cycle's review shows."""

    cycle: ScoredCycle
    as_of: dt.date
    end: dt.date  # the last day the figures cover: the cycle's end, or as_of while it runs
    counts: ReviewCounts
    teams: tuple[TeamReview, ...]  # teams with objectives in the cycle, in tree order; no team last
    objectives: tuple[ObjectiveReview, ...]  # ordered by id
    kpis: tuple[KPIMovement, ...]
    signals: tuple[CycleSignal, ...]

    @property
    def final(self) -> bool:
        """Whether the cycle has ended (else the review is an interim one)."""
        return self.cycle.state == "ended"

    def with_verdict(self, verdict: str) -> tuple[ObjectiveReview, ...]:
        return tuple(o for o in self.objectives if o.verdict == verdict)

    def with_pace(self, commitment: str) -> tuple[ObjectiveReview, ...]:
        """A running cycle's objectives of one commitment, those furthest behind first."""
        rows = [o for o in self.objectives if o.objective.objective.commitment == commitment]
        return tuple(sorted(rows, key=lambda o: PACES.index(o.objective.pace) if o.objective.pace in PACES else 0))

    @property
    def committed(self) -> tuple[ObjectiveReview, ...]:
        """The committed objectives as the review lists them: met, then missed, once the cycle has
        ended; while it runs, by pace (off track, at risk, on track): no verdict yet."""
        return self.with_verdict("met") + self.with_verdict("missed") if self.final else self.with_pace("committed")

    @property
    def aspirational(self) -> tuple[ObjectiveReview, ...]:
        """The aspirational objectives: below, in and above the sweet spot once the cycle has ended;
        while it runs, by pace."""
        if not self.final:
            return self.with_pace("aspirational")
        return self.with_verdict("below") + self.with_verdict("sweet_spot") + self.with_verdict("above")

    @property
    def not_ambitious(self) -> tuple[ObjectiveReview, ...]:
        """Aspirational objectives that ended at 1.0 (none while the cycle runs: it has not ended)."""
        return tuple(o for o in self.objectives if o.not_ambitious) if self.final else ()


PACES = ("off_track", "at_risk", "on_track")
NO_TEAM = "~none"  # a team id starts with a letter or digit  # a running cycle's objectives, furthest behind first


def verdict(score: ScoredObjective) -> tuple[str, bool]:
    """Where an objective ended, by its reviewed (else computed) score: a committed one is met at 1.0,
    an aspirational one is below, in or above the sweet spot (0.6–0.7, both ends included); and whether
    it is an aspirational objective at 1.0."""
    value = round(score.graded, BOUNDARY_DIGITS)
    if score.objective.commitment == "committed":
        return ("met" if value >= 1.0 else "missed"), False
    low, high = SWEET_SPOT
    if value < low:
        return "below", False
    if value > high:
        return "above", value >= 1.0
    return "sweet_spot", False


def review_counts(cycle: ScoredCycle) -> ReviewCounts:
    """The counts of a cycle's review: cheap enough for every cycle of ``api/okrs.json``."""
    grades = dict.fromkeys(GRADES, 0)
    by_commitment = {"aspirational": dict.fromkeys(GRADES, 0), "committed": dict.fromkeys(GRADES, 0)}
    verdicts = dict.fromkeys(("met", "missed", "below", "sweet_spot", "above"), 0)
    paces = {"committed": dict.fromkeys(PACES, 0), "aspirational": dict.fromkeys(PACES, 0)}
    not_ambitious = 0
    for score in cycle.objectives:
        grades[score.grade] += 1
        by_commitment[score.objective.commitment][score.grade] += 1
        where, too_safe = verdict(score)
        verdicts[where] += 1
        not_ambitious += too_safe
        if score.pace in PACES:
            paces[score.objective.commitment][score.pace] += 1
    return ReviewCounts(len(cycle.objectives), sum(s.reviewed for s in cycle.objectives), grades, by_commitment,
                        verdicts["met"], verdicts["missed"], verdicts["below"], verdicts["sweet_spot"],
                        verdicts["above"], not_ambitious, paces)


def review_cycle(scored: ScoredSite, cycle_id: str) -> CycleReview:
    """The review of one cycle, as of the scored site's date."""
    cycle = scored.cycles[cycle_id]
    end = min(cycle.cycle.end, scored.as_of)
    rows = {score.id: _objective_review(scored, score) for score in cycle.objectives}
    teams: list[TeamReview] = []
    placed: set[str] = set()
    for team in scored.teams.values():  # tree order
        entry = team.in_cycle(cycle_id)
        if entry is None:
            continue
        placed.update(s.id for s in entry.objectives)
        teams.append(TeamReview(team.team, entry.score, entry.grade, entry.reviewed,
                                tuple(rows[s.id] for s in entry.objectives)))
    rest = tuple(row for oid, row in rows.items() if oid not in placed)
    if rest:  # no team, or a team the config does not list
        teams.append(TeamReview(None, None, None, False, rest))
    read = {kr.kpi for score in cycle.objectives for kr in score.objective.key_results if kr.kpi}
    kpis: list[KPIMovement] = []
    signals: list[CycleSignal] = []
    for status in scored.kpis.values():
        series = points_until(status.kpi.series, end)  # the KPI as of the review's last day
        kpis.append(kpi_movement(status, cycle.cycle, series))
        if status.id not in read and (raised := cycle_signal(status, cycle.cycle.start, series)) is not None:
            signals.append(raised)
    return CycleReview(cycle, scored.as_of, end, review_counts(cycle), tuple(teams), tuple(rows.values()),
                       tuple(kpis), tuple(signals))


def _objective_review(scored: ScoredSite, score: ScoredObjective) -> ObjectiveReview:
    where, too_safe = verdict(score)
    return ObjectiveReview(score, where, too_safe, scored.next_of.get(score.id), scored.previous_of.get(score.id))


def kpi_at(status: ScoredKPI, day: dt.date) -> tuple[Point | None, str]:
    """A KPI's latest point on a day and its health then: the KPI scored as of that day."""
    series = points_until(status.kpi.series, day)
    latest = series[-1] if series else None
    return latest, health(status.kpi, latest)


def kpi_movement(status: ScoredKPI, cycle: Cycle, series: tuple[Point, ...]) -> KPIMovement:
    """Value and health on the cycle's first day and at the end of ``series`` (the KPI's points up to
    the review's last day), and which way it moved."""
    start, start_health = kpi_at(status, cycle.start)
    last = series[-1] if series else None
    end_health = health(status.kpi, last)
    change = None if start is None or last is None else last.value - start.value
    if change is None:
        movement = "unknown"
    elif change == 0:
        movement = "unchanged"
    else:
        movement = "improved" if (change > 0) == (status.kpi.direction == "up") else "worsened"
    return KPIMovement(status, start, last, start_health, end_health, change, movement,
                       trend(series, status.kpi.direction))


def _signal_reason(status: ScoredKPI, series: tuple[Point, ...], index: int) -> str | None:
    """Why the KPI was a signal as of its point ``index``: the point and the three moves before it
    are all that ``signal`` reads."""
    return signal(status.kpi, series[max(0, index - 3):index + 1])


def cycle_signal(status: ScoredKPI, start: dt.date, series: tuple[Point, ...]) -> CycleSignal | None:
    """When the KPI became a signal from ``start`` to the end of ``series`` (its points up to the
    review's last day), or that it was one already at the start, and whether it still was at the
    end; None when it never was. Linear in the points."""
    if not series:
        return None
    first_inside = bisect.bisect_right(series, start, key=lambda p: p.date)
    raised: tuple[dt.date | None, str] | None = None
    if first_inside > 0 and (reason := _signal_reason(status, series, first_inside - 1)) is not None:
        raised = (None, reason)
    for index in range(first_inside, len(series)):
        if raised is not None:
            break
        if (reason := _signal_reason(status, series, index)) is not None:
            raised = (series[index].date, reason)
    if raised is None:
        return None
    return CycleSignal(status, raised[0], raised[1], _signal_reason(status, series, len(series) - 1) is not None)
