"""SPEC §3 as pure functions of the model and ``as_of``: no I/O, no clock, no rendering.

``score_site`` returns one record per entity (objective, key result, KPI, team, cycle) that
carries the entity and its figures, so every view (pages, ``api/*.json``, checks) reads the same
numbers and never looks one up by id.
"""

from __future__ import annotations

import bisect
import calendar
import dataclasses
import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any

from ..model.content import (
    KPI,
    Bands,
    CheckIn,
    Config,
    Cycle,
    KeyResult,
    Number,
    Objective,
    PaceLimits,
    Point,
    Site,
    Team,
    kr_ref,
)
from ..model.names import Person, maybe_person
from .people import ScoredPerson, group_people
from .records import REFERENCE

BOUNDARY_DIGITS = 9  # compare with bands and pace limits after rounding off float noise (0.35 - 0.5)
FLAT_SHARE = 0.02  # a trend whose fitted change is under 2% of the mean level is flat
TREND_WINDOW = 6


@dataclass(frozen=True)
class ScoredKR:
    """A key result with its score and the figures it came from."""

    kr: KeyResult
    score: float
    current: Number | None
    baseline: Number | None
    confidence: Number | None
    no_data: bool
    checkins: tuple[CheckIn, ...]  # those dated on or before as_of
    progress: tuple[tuple[dt.date, float], ...] = ()  # score at each dated value, for the progress chart
    kpi: KPI | None = None  # the KPI it reads
    last_update: dt.date | None = None  # of its latest check-in (or KPI point it reads); None: no update yet
    overdue: bool = False  # SPEC §9: in a running cycle, not updated for longer than checkin_every days
    owner: Person | None = None  # its own owner, else the objective's
    grade: str | None = None  # red / yellow / green by the site's bands, as an objective's
    month_points: frozenset[dt.date] = frozenset()  # progress dates that are KPI points written as months

    @property
    def unit(self) -> str | None:
        """The KR's unit; a KR that reads a KPI and names none measures in the KPI's unit."""
        if self.kr.unit:
            return self.kr.unit
        return self.kpi.unit if self.kpi is not None else None

    def fingerprint_parts(self) -> tuple[Any, ...]:
        """What it is made of, for fingerprints: its check-ins are those of ``kr`` up to the as-of date
        (which every page's fingerprint holds), so they are not gone through again."""
        return (self.kr, self.kpi, self.owner, repr((self.score, self.current, self.baseline, self.confidence,
                                                     self.no_data, len(self.checkins), self.progress, self.last_update,
                                                     self.overdue, self.grade, sorted(self.month_points))))

    @property
    def milestones_done(self) -> int:
        """How many of a milestone KR's milestones are done."""
        return sum(1 for milestone in self.kr.milestones if milestone.done)



@dataclass(frozen=True)
class ScoredObjective:
    """An objective with its score, grade, pace and key results, and the team and cycle it is in."""

    objective: Objective
    score: float
    grade: str
    expected: float
    pace: str
    confidence: float | None
    key_results: tuple[ScoredKR, ...]
    cycle: Cycle | None = None
    team: Team | None = None
    final_score: Number | None = None  # the reviewed final score, applied once the cycle has ended
    owner: Person | None = None
    checkin_every: int = 14  # days: its own checkin_every, else the config's
    overdue: tuple[ScoredKR, ...] = ()  # its overdue key results

    @property
    def id(self) -> str:
        return self.objective.id

    @property
    def reviewed(self) -> bool:
        """Whether a reviewed final score decides the grade (SPEC §10)."""
        return self.final_score is not None

    @property
    def graded(self) -> float:
        """The score the grade, pace and roll-ups follow: the reviewed one when there is one."""
        return float(self.final_score) if self.final_score is not None else self.score

    @property
    def finished(self) -> bool:
        """Whether its cycle has ended: no expected progress, no confidence shown any more."""
        return self.pace in ("final", "missed")

    @property
    def url(self) -> str:
        return self.objective.url

    @property
    def listing(self) -> tuple[Any, ...]:
        """What a list row of objectives shows: title, owner, team, cycle, commitment and figures."""
        o = self.objective
        return (o.id, o.title, o.cycle, o.commitment, o.owner, self.owner, self.team, self.score, self.grade,
                self.expected, self.pace, self.confidence, self.final_score, len(self.overdue), len(self.key_results))


@dataclass(frozen=True)
class ScoredKPI:
    """A KPI with its health, trend and freshness as of the build date."""

    kpi: KPI
    series: tuple[Point, ...]  # points dated on or before as_of
    latest: Point | None
    health: str
    trend: str
    stale: bool
    read_by: tuple[str, ...]  # "objective-id#kr-id"
    signal: bool
    signal_reason: str | None = None  # unhealthy | worsening, when it is a signal
    team: Team | None = None
    owner: Person | None = None

    @property
    def id(self) -> str:
        return self.kpi.id

    @property
    def url(self) -> str:
        return self.kpi.url

    def fingerprint_parts(self) -> tuple[Any, ...]:
        """What it is made of, for fingerprints: its series (and latest point) are the KPI's points up
        to the as-of date, which every page's fingerprint holds."""
        return (self.kpi, self.health, self.trend, self.stale, self.read_by, self.signal, self.signal_reason,
                self.team, self.owner)

    @property
    def listing(self) -> tuple[Any, ...]:
        """What a list of KPIs shows: title, unit, team, owner, the latest point, health and trend."""
        k = self.kpi
        return (k.id, k.title, k.unit, k.direction, k.target, self.team, self.owner, self.latest, self.health,
                self.trend, self.stale, self.signal, self.signal_reason)


@dataclass(frozen=True)
class CycleNow:
    """Which cycle is the current one and how far it has run: what a page that is not about the cycle
    says of it ("Objectives in 2026-Q4", the pace legend), without its scores."""

    cycle: Cycle
    state: str
    expected: float

    @property
    def id(self) -> str:
        return self.cycle.id

    @property
    def name(self) -> str:
        return self.cycle.name or self.cycle.id

    @property
    def url(self) -> str:
        return f"cycles/{self.cycle.id}/"


@dataclass(frozen=True)
class ScoredCycle:
    """A cycle with its state, elapsed share and score (the mean of all its objectives)."""

    cycle: Cycle
    state: str  # upcoming | running | ended
    expected: float
    score: float | None
    grade: str | None
    objectives: tuple[ScoredObjective, ...] = field(metadata=REFERENCE)  # ordered by id

    @property
    def reviewed(self) -> bool:
        """Whether a reviewed final score went into the score."""
        return any(s.reviewed for s in self.objectives)

    @property
    def id(self) -> str:
        return self.cycle.id

    @property
    def name(self) -> str:
        return self.cycle.name or self.cycle.id

    @property
    def url(self) -> str:
        return f"cycles/{self.cycle.id}/"

    @property
    def now(self) -> CycleNow:
        """The cycle as pages name it when they are about something else: no scores."""
        return CycleNow(self.cycle, self.state, self.expected)

    @property
    def listing(self) -> tuple[Any, ...]:
        """What a list of cycles shows: dates, state, score and grade, how many objectives."""
        return (self.cycle, self.state, self.expected, self.score, self.grade, self.reviewed, len(self.objectives))


@dataclass(frozen=True)
class TeamCycle:
    """A team's score in one cycle: the mean of its own objectives there (scores across cycles)."""

    cycle: ScoredCycle = field(metadata=REFERENCE)
    score: float
    grade: str
    objectives: tuple[ScoredObjective, ...] = field(metadata=REFERENCE)

    @property
    def reviewed(self) -> bool:
        """Whether a reviewed final score went into the score."""
        return any(s.reviewed for s in self.objectives)

    @property
    def listing(self) -> tuple[Any, ...]:
        """A team's score in a cycle, as tables and charts across cycles show it."""
        return (self.cycle.listing, self.score, self.grade, self.reviewed, len(self.objectives))


@dataclass(frozen=True)
class ScoredTeam:
    """A team with its score: the mean of its own objectives in the current cycle; and the mean of
    the objectives of the team and all its sub-teams, at any depth (equal to the score, or None,
    for a team with no sub-teams)."""

    team: Team
    score: float | None
    grade: str | None
    depth: int  # 0 for a top team, in the tree of teams
    current: tuple[ScoredObjective, ...] = field(metadata=REFERENCE)  # its objectives in the current cycle
    past: tuple[ScoredObjective, ...] = field(metadata=REFERENCE)  # its objectives in every other cycle
    kpis: tuple[ScoredKPI, ...] = field(metadata=REFERENCE)
    parent: Team | None = None
    subteams: tuple[Team, ...] = ()
    history: tuple[TeamCycle, ...] = ()  # every cycle it has objectives in, by start date
    lead: Person | None = None
    with_subteams: float | None = None
    with_subteams_grade: str | None = None
    with_subteams_count: int = 0  # objectives the figure is the mean of

    @property
    def id(self) -> str:
        return self.team.id

    @property
    def name(self) -> str:
        return self.team.name

    @property
    def url(self) -> str:
        return f"teams/{self.team.id}/"

    @property
    def reviewed(self) -> bool:
        """Whether a reviewed final score went into the score (of the current cycle)."""
        return any(s.reviewed for s in self.current)

    @property
    def listing(self) -> tuple[Any, ...]:
        """What a list of teams shows: name, place in the tree, lead, scores, and its score in each cycle."""
        return (self.team, self.depth, self.parent, self.subteams, self.lead, self.score, self.grade, self.reviewed,
                self.with_subteams, self.with_subteams_grade, self.with_subteams_count, len(self.current),
                self.behind, self.overdue, len(self.kpis), tuple(entry.listing for entry in self.history))

    @property
    def behind(self) -> int:
        """How many of its own objectives of the current cycle are at risk or off track."""
        return sum(1 for o in self.current if o.pace in ("at_risk", "off_track"))

    @property
    def overdue(self) -> int:
        """How many key results of its own objectives of the current cycle are overdue."""
        return sum(len(o.overdue) for o in self.current)

    def in_cycle(self, cycle_id: str) -> TeamCycle | None:
        """Its score in one cycle, if it has objectives there."""
        return next((entry for entry in self.history if entry.cycle.id == cycle_id), None)


@dataclass(frozen=True)
class ScoredSite:
    """Every computed figure of one build, one record per entity; the HTML and the JSON read this."""

    site: Site
    as_of: dt.date
    current: ScoredCycle | None
    cycles: dict[str, ScoredCycle]  # ordered by start date
    teams: dict[str, ScoredTeam]  # in tree order: depth first from the top teams, config order
    objectives: dict[str, ScoredObjective]  # ordered by id
    kpis: dict[str, ScoredKPI]  # ordered by id
    signals: tuple[ScoredKPI, ...]
    children: dict[str, tuple[ScoredObjective, ...]]  # objective id → the objectives aligned to it
    # Follow-ups, both ways, whichever side wrote the link (next: on one, previous: on the other).
    next_of: dict[str, ScoredObjective] = field(default_factory=dict)
    previous_of: dict[str, ScoredObjective] = field(default_factory=dict)
    last_ended: ScoredCycle | None = None  # the most recently ended cycle: the one to review
    people: dict[str, ScoredPerson] = field(default_factory=dict)  # by slug, ordered by name (SPEC §9)

    @property
    def current_cycle(self) -> str | None:
        return self.current.cycle.id if self.current else None


def clamp(value: float, low: float = 0.0, high: float = 1.0) -> float:
    return max(low, min(high, value))


def mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def weighted_mean(pairs: list[tuple[float, Number]]) -> float | None:
    total = sum(weight for _, weight in pairs)
    return sum(value * weight for value, weight in pairs) / total if total else None


def points_until(series: tuple[Point, ...], as_of: dt.date) -> tuple[Point, ...]:
    """The points dated on or before ``as_of`` (the series is sorted by date)."""
    if not series or series[-1].date <= as_of:
        return series
    return series[:bisect.bisect_right(series, as_of, key=_date)]


def _date(point: Point | CheckIn) -> dt.date:
    return point.date


def kpi_baseline(kpi: KPI, cycle: Cycle, as_of: dt.date) -> Number | None:
    """The KPI's latest point dated on or before the cycle start (and not after as_of)."""
    before = points_until(kpi.series, min(cycle.start, as_of))
    return before[-1].value if before else None


def score_key_result(kr: KeyResult, cycle: Cycle | None, kpis: dict[str, KPI], as_of: dt.date,
                     checkin_every: int | None = None, owner: Person | None = None,
                     bands: Bands | None = None) -> ScoredKR:
    """A KR's score, 0–1, with the figures it came from, its last update and, given the rhythm
    ``checkin_every`` (days), whether it is overdue (and its grade, given the bands)."""
    checkins = kr.checkins  # sorted by date: usually all of them are on or before as_of
    if checkins and checkins[-1].date > as_of:
        checkins = tuple(c for c in checkins if c.date <= as_of)
    confidence = next((c.confidence for c in reversed(checkins) if c.confidence is not None), None)
    last_update = checkins[-1].date if checkins else None
    if kr.type == "milestone":
        score = weighted_mean([(1.0 if m.done else 0.0, m.weight) for m in kr.milestones]) or 0.0
        # Milestones and yes/no KRs have no dated value: nothing to plot, no check-in to miss.
        return ScoredKR(kr, score, None, None, confidence, False, checkins, (), None, last_update, False, owner,
                        _grade_of(score, bands))
    if kr.type == "binary":
        score = 1.0 if kr.done else 0.0
        return ScoredKR(kr, score, None, None, confidence, False, checkins, (), None, last_update, False, owner,
                        _grade_of(score, bands))
    kpi = kpis.get(kr.kpi) if kr.kpi else None
    baseline = kr.baseline
    if baseline is None and kpi is not None and cycle is not None:
        baseline = kpi_baseline(kpi, cycle, as_of)
    current: Number | None
    no_data = False
    months: frozenset[dt.date] = frozenset()
    history: list[tuple[dt.date, Number]] = [(c.date, c.value) for c in checkins if c.value is not None]
    if history:
        current = history[-1][1]
    elif kr.current is not None:
        current = kr.current  # undated: no point on the chart, no last update
    else:
        inside: tuple[Point, ...] = ()
        if kpi is not None and cycle is not None:
            upto = points_until(kpi.series, min(cycle.end, as_of))
            inside = upto[bisect.bisect_left(upto, cycle.start, key=_date):]
        current = inside[-1].value if inside else baseline
        no_data = not inside
        history = [(p.date, p.value) for p in inside]
        months = frozenset(p.date for p in inside if p.month)
        if inside:
            last_update = inside[-1].date
    if baseline is None or current is None or kr.target is None or kr.target == baseline:
        return ScoredKR(kr, 0.0, current, baseline, confidence, True, checkins, kpi=kpi, last_update=last_update,
                        owner=owner, grade=_grade_of(0.0, bands))
    span = kr.target - baseline
    # clamp((value - baseline) / span) to 0–1, written out: this runs for every check-in of every KR
    progress = [(date, max(0.0, min(1.0, (value - baseline) / span))) for date, value in history]
    if progress and cycle and progress[0][0] != cycle.start:
        progress.insert(0, (cycle.start, 0.0))  # the baseline is the value at the cycle's start
    score = max(0.0, min(1.0, (current - baseline) / span))
    overdue = is_overdue(kr, score, last_update, cycle, as_of, checkin_every)
    return ScoredKR(kr, score, current, baseline, confidence, no_data, checkins, tuple(progress), kpi,
                    last_update, overdue, owner, _grade_of(score, bands), months)


def _grade_of(score: float, bands: Bands | None) -> str | None:
    return grade(score, bands) if bands is not None else None


def is_overdue(kr: KeyResult, score: float, last_update: dt.date | None, cycle: Cycle | None, as_of: dt.date,
               checkin_every: int | None) -> bool:
    """SPEC §9: in a running cycle, the last update (else the cycle's start) is more than
    ``checkin_every`` days old. Only KRs that take check-ins can miss one: numbers typed in. A KR
    reading a KPI follows the KPI's cadence (and shows as stale with it), milestones and yes/no KRs
    change with their done flags, and a KR at its target needs no more."""
    return (checkin_every is not None and kr.type == "numeric" and kr.kpi is None and score < 1.0
            and cycle is not None and cycle.start <= as_of <= cycle.end
            and (as_of - (last_update or cycle.start)).days > checkin_every)


def grade(score: float, bands: Bands) -> str:
    """red below bands.yellow, yellow below bands.green, else green."""
    score = round(score, BOUNDARY_DIGITS)
    if score < bands.yellow:
        return "red"
    if score < bands.green:
        return "yellow"
    return "green"


def expected_progress(cycle: Cycle, as_of: dt.date) -> float:
    """Elapsed share of the cycle in days, clamped to 0–1."""
    length = (cycle.end - cycle.start).days
    if length <= 0:
        return 1.0
    return clamp((as_of - cycle.start).days / length)


def pace(score: float, cycle: Cycle | None, committed: bool, as_of: dt.date, limits: PaceLimits) -> str:
    """on_track / at_risk / off_track while the cycle runs; final or missed after it ends."""
    if cycle is None:
        return "on_track"
    if as_of > cycle.end:
        return "missed" if committed and score < 1.0 else "final"
    gap = round(score - expected_progress(cycle, as_of), BOUNDARY_DIGITS)
    if gap < limits.off_track:
        return "off_track"
    if gap < limits.at_risk:
        return "at_risk"
    return "on_track"


def reviewed_score(objective: Objective, cycle: Cycle | None, score: float, as_of: dt.date) -> tuple[Number | None, float]:
    """(the reviewed final score if it counts, the score that decides grade and pace): a reviewed
    final score counts once the cycle has ended (before, check warns that it waits)."""
    final = objective.final_score if cycle is not None and as_of > cycle.end else None
    return final, score if final is None else float(final)


def score_objective(objective: Objective, site: Site, as_of: dt.date) -> ScoredObjective:
    """An objective's score: the weighted mean of its key results' scores."""
    cycle = site.cycles.get(objective.cycle)
    every = objective.checkin_every or site.config.checkin_every
    owner = maybe_person(objective.owner)
    bands = site.config.bands
    krs = tuple(score_key_result(kr, cycle, site.kpis, as_of, every, maybe_person(kr.owner) or owner, bands)
                for kr in objective.key_results)
    weights = [kr.weight for kr in objective.key_results]
    score = weighted_mean([(s.score, w) for s, w in zip(krs, weights)]) or 0.0
    confidence = weighted_mean([(s.confidence, w) for s, w in zip(krs, weights) if s.confidence is not None])
    return ScoredObjective(
        objective=objective,
        score=score,
        confidence=confidence,
        key_results=krs,
        cycle=cycle,
        team=site.teams.get(objective.team) if objective.team else None,
        owner=owner,
        checkin_every=every,
        **_on_the_day(objective, cycle, score, krs, site.config, as_of),
    )


def _on_the_day(objective: Objective, cycle: Cycle | None, score: float, krs: tuple[ScoredKR, ...],
                config: Config, as_of: dt.date) -> dict[str, Any]:
    """An objective's figures that follow the date alone, its key results' figures given: grade,
    expected progress, pace, the reviewed final score once it counts, and the overdue key results."""
    final, graded = reviewed_score(objective, cycle, score, as_of)
    return {"grade": grade(graded, config.bands), "expected": expected_progress(cycle, as_of) if cycle else 0.0,
            "pace": pace(graded, cycle, objective.commitment == "committed", as_of, config.pace),
            "final_score": final, "overdue": tuple(kr for kr in krs if kr.overdue)}


def health(kpi: KPI, latest: Point | None) -> str:
    """healthy / watch / unhealthy by thresholds, else by target; no_target; no_data."""
    if latest is None:
        return "no_data"
    value = latest.value if kpi.direction == "up" else -latest.value
    if kpi.thresholds is not None:
        sign = 1 if kpi.direction == "up" else -1
        if value >= sign * kpi.thresholds.green:
            return "healthy"
        if value >= sign * kpi.thresholds.yellow:
            return "watch"
        return "unhealthy"
    if kpi.target is not None:
        target = kpi.target if kpi.direction == "up" else -kpi.target
        return "healthy" if value >= target else "unhealthy"
    return "no_target"


def trend(series: tuple[Point, ...], direction: str) -> str:
    """Least-squares slope of the last 6 points (x in days), read with the direction."""
    window = series[-TREND_WINDOW:]
    if len(window) < 3:
        return "unknown"
    xs = [(p.date - window[0].date).days for p in window]
    ys = [float(p.value) for p in window]
    x_mean, y_mean = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - x_mean) ** 2 for x in xs)
    slope = sum((x - x_mean) * (y - y_mean) for x, y in zip(xs, ys)) / spread if spread else 0.0
    change = slope * (xs[-1] - xs[0])
    level = sum(abs(y) for y in ys) / len(ys)
    if abs(change) < FLAT_SHARE * level or change == 0:
        return "flat"
    rising = change > 0
    return "improving" if rising == (direction == "up") else "worsening"


def add_months(date: dt.date, months: int) -> dt.date:
    month_index = date.month - 1 + months
    year, month = date.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(date.day, calendar.monthrange(year, month)[1]))


def stale(latest: Point | None, cadence: str, as_of: dt.date) -> bool:
    """The latest point is older than two cadence periods."""
    if latest is None:
        return False
    if cadence == "daily":
        limit = latest.date + dt.timedelta(days=2)
    elif cadence == "weekly":
        limit = latest.date + dt.timedelta(days=14)
    elif cadence == "quarterly":
        limit = add_months(latest.date, 6)
    else:
        limit = add_months(latest.date, 2)
    return as_of > limit


def worsening_steps(series: tuple[Point, ...], direction: str, steps: int = 3) -> bool:
    """The last ``steps`` moves all go the wrong way."""
    if len(series) < steps + 1:
        return False
    values = [p.value for p in series[-(steps + 1):]]
    moves = [b - a for a, b in itertools.pairwise(values)]
    return all(m < 0 for m in moves) if direction == "up" else all(m > 0 for m in moves)


def signal(kpi: KPI, series: tuple[Point, ...]) -> str | None:
    """Why a KPI whose points are ``series`` is a signal: its latest point is unhealthy, or its last
    three moves all go the wrong way; None when it is not one."""
    if health(kpi, series[-1] if series else None) == "unhealthy":
        return "unhealthy"
    if worsening_steps(series, kpi.direction):
        return "worsening"
    return None


def current_cycle(cycles: dict[str, Cycle], as_of: dt.date) -> str | None:
    """The cycle containing as_of; else the latest one that started before it."""
    containing = [c for c in cycles.values() if c.start <= as_of <= c.end]
    if containing:
        return max(containing, key=lambda c: (c.start, c.id)).id
    started = [c for c in cycles.values() if c.start < as_of]
    return max(started, key=lambda c: (c.start, c.id)).id if started else None


def cycle_state(cycle: Cycle, as_of: dt.date) -> str:
    if as_of < cycle.start:
        return "upcoming"
    return "ended" if as_of > cycle.end else "running"


def last_ended_cycle(cycles: dict[str, Cycle], as_of: dt.date) -> str | None:
    """The most recently ended cycle: the one whose review is due."""
    ended = [c for c in cycles.values() if c.end < as_of]
    return max(ended, key=lambda c: (c.end, c.start, c.id)).id if ended else None


def team_order(teams: dict[str, Team]) -> list[tuple[Team, int]]:
    """Teams depth-first from the top teams, in config order, with their depth (iterative: a deep
    tree cannot exhaust the stack)."""
    children: dict[str | None, list[Team]] = {}
    for team in teams.values():
        children.setdefault(team.parent if team.parent in teams else None, []).append(team)
    ordered: list[tuple[Team, int]] = []
    stack = [(team, 0) for team in reversed(children.get(None, []))]
    seen: set[str] = set()
    while stack:
        team, depth = stack.pop()
        if team.id in seen:  # a loop of parents is reported by the config check; show each team once
            continue
        seen.add(team.id)
        ordered.append((team, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(team.id, [])))
    ordered.extend((team, 0) for team in teams.values() if team.id not in seen)
    return ordered


def score_kpis(site: Site, as_of: dt.date, now: str | None,
               reuse: dict[str, ScoredKPI] | None = None) -> dict[str, ScoredKPI]:
    """Every KPI's health, trend, staleness and signal. ``reuse`` holds records of another date
    whose series is the same at this one (no point between the two dates)."""
    readers: dict[str, list[str]] = {}
    read_now: set[str] = set()
    for objective in site.objectives.values():
        for kr in objective.key_results:
            if kr.kpi:
                readers.setdefault(kr.kpi, []).append(kr_ref(objective.id, kr.id))
                if objective.cycle == now:
                    read_now.add(kr.kpi)
    kpis = {}
    reuse = reuse or {}
    for kid, kpi in site.kpis.items():
        same = reuse.get(kid)
        if same is not None:
            series, latest, state, direction = same.series, same.latest, same.health, same.trend
        else:
            series = points_until(kpi.series, as_of)
            latest = series[-1] if series else None
            state = health(kpi, latest)
            direction = trend(series, kpi.direction)
        reason = signal(kpi, series) if kid not in read_now else None
        kpis[kid] = ScoredKPI(kpi, series, latest, state, direction, stale(latest, kpi.cadence, as_of),
                              tuple(readers.get(kid, ())), reason is not None, reason,
                              site.teams.get(kpi.team) if kpi.team else None, maybe_person(kpi.owner))
    return kpis


def _dated_between(items: tuple[CheckIn, ...] | tuple[Point, ...], low: dt.date, high: dt.date) -> bool:
    """Whether a date-sorted tuple of check-ins or points has one dated after ``low``, up to ``high``."""
    return bool(items) and bisect.bisect_right(items, high, key=_date) > bisect.bisect_right(items, low, key=_date)


def _moved_in_time(scored: ScoredObjective, site: Site, as_of: dt.date) -> ScoredObjective:
    """An objective scored for another date when nothing dated between the two dates feeds it: its
    key results' figures stand; expected progress, pace and overdue marks follow the date."""
    cycle, every = scored.cycle, scored.checkin_every
    krs = tuple(kr if kr.overdue == (late := is_overdue(kr.kr, kr.score, kr.last_update, cycle, as_of, every))
                else dataclasses.replace(kr, overdue=late) for kr in scored.key_results)
    return dataclasses.replace(scored, key_results=krs,
                               **_on_the_day(scored.objective, cycle, scored.score, krs, site.config, as_of))


def score_site(site: Site, as_of: dt.date, people: bool = True, reuse: ScoredSite | None = None) -> ScoredSite:
    """Every figure of SPEC §3 for the whole site as of one date, grouped once; with ``people``,
    everyone's holdings too (SPEC §9).

    ``reuse``, the same site scored as of another date, saves the work on everything that no
    check-in or KPI point dated between the two dates feeds (the figures are the same as without
    it): the changes page scores the site a second time, a week earlier."""
    other = reuse if reuse is not None and reuse.site is site and reuse.as_of != as_of else None
    low, high = sorted((as_of, other.as_of)) if other is not None else (as_of, as_of)
    quiet = {kid for kid, kpi in site.kpis.items() if other is not None and not _dated_between(kpi.series, low, high)}
    objectives = {}
    for oid, o in site.objectives.items():
        if other is not None and all(not _dated_between(kr.checkins, low, high)
                                     and (kr.kpi is None or kr.kpi in quiet or kr.kpi not in site.kpis)
                                     for kr in o.key_results):
            objectives[oid] = _moved_in_time(other.objectives[oid], site, as_of)
        else:
            objectives[oid] = score_objective(o, site, as_of)
    now = current_cycle(site.cycles, as_of)
    kpis = score_kpis(site, as_of, now, {kid: other.kpis[kid] for kid in quiet} if other is not None else None)
    bands = site.config.bands
    by_cycle: dict[str, list[ScoredObjective]] = {cid: [] for cid in site.cycles}
    by_team: dict[str, tuple[list[ScoredObjective], list[ScoredObjective]]] = {
        tid: ([], []) for tid in site.teams}
    team_cycles: dict[tuple[str, str], list[ScoredObjective]] = {}
    children: dict[str, list[ScoredObjective]] = {}
    next_of: dict[str, ScoredObjective] = {}
    previous_of: dict[str, ScoredObjective] = {}
    for scored in objectives.values():
        objective = scored.objective
        if objective.cycle in by_cycle:
            by_cycle[objective.cycle].append(scored)
        if objective.team in by_team:
            by_team[objective.team][0 if objective.cycle == now else 1].append(scored)
            team_cycles.setdefault((objective.team, objective.cycle), []).append(scored)
        if objective.aligns_to:
            children.setdefault(objective.aligns_to, []).append(scored)
        # A link written on either side counts both ways; a written one wins over one derived from the
        # other side (assigned, where derived ones only fill gaps).
        if objective.next in objectives and objective.next != objective.id:
            next_of[objective.id] = objectives[objective.next]
            previous_of.setdefault(objective.next, scored)
        if objective.previous in objectives and objective.previous != objective.id:
            previous_of[objective.id] = objectives[objective.previous]
            next_of.setdefault(objective.previous, scored)
    cycles = {}
    for cid, cycle in site.cycles.items():
        value = mean([s.graded for s in by_cycle[cid]])
        cycles[cid] = ScoredCycle(cycle, cycle_state(cycle, as_of), expected_progress(cycle, as_of), value,
                                  None if value is None else grade(value, bands), tuple(by_cycle[cid]))
    histories: dict[str, list[TeamCycle]] = {}
    for cid in site.cycles:  # by start date, so each history is in cycle order
        for tid in site.teams:
            group = team_cycles.get((tid, cid))
            if group:
                value = sum(s.graded for s in group) / len(group)  # never empty
                histories.setdefault(tid, []).append(TeamCycle(cycles[cid], value, grade(value, bands), tuple(group)))
    kpis_by_team: dict[str | None, list[ScoredKPI]] = {}
    for status in kpis.values():
        kpis_by_team.setdefault(status.kpi.team, []).append(status)
    teams = {}
    subteams: dict[str, list[Team]] = {}
    for team in site.teams.values():
        if team.parent in site.teams:
            subteams.setdefault(team.parent, []).append(team)
    order = team_order(site.teams)
    # Sum and count of the current objectives of each team and its sub-teams: children come after
    # their parent in tree order, so one pass backwards adds each team's totals into its parent's.
    sums = {team.id: sum(s.graded for s in by_team[team.id][0]) for team, _ in order}
    counts = {team.id: len(by_team[team.id][0]) for team, _ in order}
    for team, _ in reversed(order):
        if team.parent in sums and team.parent != team.id:
            sums[team.parent] += sums[team.id]
            counts[team.parent] += counts[team.id]
    for team, depth in order:
        current, past = by_team[team.id]
        value = mean([s.graded for s in current])
        count = counts[team.id]
        below = sums[team.id] / count if count else None
        teams[team.id] = ScoredTeam(team, value, None if value is None else grade(value, bands), depth,
                                    tuple(current), tuple(past), tuple(kpis_by_team.get(team.id, ())),
                                    site.teams.get(team.parent) if team.parent else None,
                                    tuple(subteams.get(team.id, ())),
                                    tuple(histories.get(team.id, ())), maybe_person(team.lead),
                                    below, None if below is None else grade(below, bands), count)
    ended = last_ended_cycle(site.cycles, as_of)
    return ScoredSite(
        site=site, as_of=as_of, current=cycles[now] if now else None, cycles=cycles, teams=teams,
        objectives=objectives, kpis=kpis, signals=tuple(status for status in kpis.values() if status.signal),
        children={oid: tuple(kids) for oid, kids in children.items()},
        next_of=next_of, previous_of=previous_of, last_ended=cycles[ended] if ended else None,
        people=group_people(objectives, kpis, teams, now, site.config.people) if people else {},
    )
