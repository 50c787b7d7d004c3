"""SPEC §3 as pure functions of the model and ``as_of``: no I/O, no clock, no rendering."""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
from dataclasses import dataclass

from .model import KPI, Bands, CheckIn, Cycle, KeyResult, Number, Objective, PaceLimits, Point, Site

BOUNDARY_DIGITS = 9  # compare with bands and pace limits after rounding off float noise (0.35 - 0.5)
FLAT_SHARE = 0.02  # a trend whose fitted change is under 2% of the mean level is flat
TREND_WINDOW = 6


@dataclass(frozen=True)
class KRScore:
    score: float
    current: Number | None
    baseline: Number | None
    confidence: Number | None
    no_data: bool
    checkins: tuple[CheckIn, ...]  # those dated on or before as_of
    progress: tuple[tuple[dt.date, float], ...] = ()  # score over time, for the progress chart


@dataclass(frozen=True)
class ObjectiveScore:
    score: float
    grade: str
    expected: float
    pace: str
    confidence: float | None
    key_results: tuple[KRScore, ...]


@dataclass(frozen=True)
class KPIStatus:
    series: tuple[Point, ...]  # points dated on or before as_of
    latest: Point | None
    health: str
    trend: str
    stale: bool
    read_by: tuple[str, ...]  # "objective-id#kr-id"
    signal: bool
    signal_reason: str | None = None  # unhealthy | worsening, when it is a signal


@dataclass(frozen=True)
class Scores:
    """Every computed figure of one build; the HTML and the JSON both read this."""

    as_of: dt.date
    current_cycle: str | None
    cycles: dict[str, float | None]
    teams: dict[str, float | None]
    objectives: dict[str, ObjectiveScore]
    kpis: dict[str, KPIStatus]
    signals: tuple[str, ...]
    cycle_grades: dict[str, str | None]
    cycle_expected: dict[str, float]
    cycle_states: dict[str, str]  # upcoming | running | ended
    team_grades: dict[str, str | None]


def clamp(value: float, low: float = 0.0, high: float = 1.0) -> float:
    return max(low, min(high, value))


def mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def weighted_mean(pairs: list[tuple[float, Number]]) -> float | None:
    total = sum(weight for _, weight in pairs)
    return sum(value * weight for value, weight in pairs) / total if total else None


def points_until(series: tuple[Point, ...], as_of: dt.date) -> tuple[Point, ...]:
    return tuple(point for point in series if point.date <= as_of)


def kpi_baseline(kpi: KPI, cycle: Cycle, as_of: dt.date) -> Number | None:
    """The KPI's latest point dated on or before the cycle start (and not after as_of)."""
    before = [p for p in kpi.series if p.date <= cycle.start and p.date <= as_of]
    return before[-1].value if before else None


def score_key_result(kr: KeyResult, cycle: Cycle | None, kpis: dict[str, KPI], as_of: dt.date) -> KRScore:
    """A KR's score, 0–1, with the figures it came from."""
    checkins = tuple(c for c in kr.checkins if c.date <= as_of)
    confident = [c.confidence for c in checkins if c.confidence is not None]
    confidence = confident[-1] if confident else None
    if kr.type == "milestone":
        score = weighted_mean([(1.0 if m.done else 0.0, m.weight) for m in kr.milestones]) or 0.0
        return KRScore(score, None, None, confidence, False, checkins, _final_point(score, cycle, as_of))
    if kr.type == "binary":
        score = 1.0 if kr.done else 0.0
        return KRScore(score, None, None, confidence, False, checkins, _final_point(score, cycle, as_of))
    kpi = kpis.get(kr.kpi) if kr.kpi else None
    baseline = kr.baseline
    if baseline is None and kpi is not None and cycle is not None:
        baseline = kpi_baseline(kpi, cycle, as_of)
    current: Number | None
    no_data = False
    valued = [c for c in checkins if c.value is not None]
    history: list[tuple[dt.date, Number]] = [(c.date, c.value) for c in valued]  # type: ignore[misc]
    if valued:
        current = valued[-1].value
    elif kr.current is not None:
        current = kr.current
        history = [(min(as_of, cycle.end), current)] if cycle else []
    else:
        inside = [p for p in kpi.series if cycle and cycle.start <= p.date <= min(cycle.end, as_of)] if kpi else []
        current = inside[-1].value if inside else baseline
        no_data = not inside
        history = [(p.date, p.value) for p in inside]
    if baseline is None or current is None or kr.target is None or kr.target == baseline:
        return KRScore(0.0, current, baseline, confidence, True, checkins)
    target = kr.target

    def progress_of(value: Number) -> float:
        return clamp((value - baseline) / (target - baseline))

    start = ((cycle.start, 0.0),) if cycle and not any(d == cycle.start for d, _ in history) else ()
    progress = start + tuple((date, progress_of(value)) for date, value in history)
    return KRScore(progress_of(current), current, baseline, confidence, no_data, checkins, progress)


def _final_point(score: float, cycle: Cycle | None, as_of: dt.date) -> tuple[tuple[dt.date, float], ...]:
    """Milestone and yes/no KRs have no history: one point, their score today."""
    return ((min(as_of, cycle.end), score),) if cycle else ()


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


def score_objective(objective: Objective, site: Site, as_of: dt.date) -> ObjectiveScore:
    cycle = site.cycles.get(objective.cycle)
    krs = tuple(score_key_result(kr, cycle, site.kpis, as_of) for kr in objective.key_results)
    weights = [kr.weight for kr in objective.key_results]
    score = weighted_mean([(s.score, w) for s, w in zip(krs, weights)]) or 0.0
    confidence = weighted_mean([(s.confidence, w) for s, w in zip(krs, weights) if s.confidence is not None])
    return ObjectiveScore(
        score=score,
        grade=grade(score, site.config.bands),
        expected=expected_progress(cycle, as_of) if cycle else 0.0,
        pace=pace(score, cycle, objective.commitment == "committed", as_of, site.config.pace),
        confidence=confidence,
        key_results=krs,
    )


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


def current_cycle(cycles: dict[str, Cycle], as_of: dt.date) -> str | None:
    """The cycle containing as_of; else the latest one that started before it."""
    containing = [c for c in cycles.values() if c.start <= as_of <= c.end]
    if containing:
        return max(containing, key=lambda c: (c.start, c.id)).id
    started = [c for c in cycles.values() if c.start < as_of]
    return max(started, key=lambda c: (c.start, c.id)).id if started else None


def score_site(site: Site, as_of: dt.date) -> Scores:
    """Every figure of SPEC §3 for the whole site as of one date."""
    objectives = {oid: score_objective(o, site, as_of) for oid, o in site.objectives.items()}
    now = current_cycle(site.cycles, as_of)
    readers: dict[str, list[str]] = {}
    read_now: set[str] = set()
    for objective in site.objectives.values():
        for kr in objective.key_results:
            if kr.kpi:
                readers.setdefault(kr.kpi, []).append(f"{objective.id}#{kr.id}")
                if objective.cycle == now:
                    read_now.add(kr.kpi)
    kpis = {}
    for kid, kpi in site.kpis.items():
        series = points_until(kpi.series, as_of)
        latest = series[-1] if series else None
        state = health(kpi, latest)
        reason = None
        if kid not in read_now:
            if state == "unhealthy":
                reason = "unhealthy"
            elif worsening_steps(series, kpi.direction):
                reason = "worsening"
        kpis[kid] = KPIStatus(series, latest, state, trend(series, kpi.direction),
                              stale(latest, kpi.cadence, as_of), tuple(readers.get(kid, ())),
                              reason is not None, reason)
    cycles = {cid: mean([objectives[o.id].score for o in site.objectives.values() if o.cycle == cid])
              for cid in site.cycles}
    teams = {tid: mean([objectives[o.id].score for o in site.objectives.values()
                        if o.team == tid and o.cycle == now]) for tid in site.teams}
    signals = tuple(kid for kid, status in kpis.items() if status.signal)
    bands = site.config.bands
    return Scores(
        as_of, now, cycles, teams, objectives, kpis, signals,
        cycle_grades={cid: None if value is None else grade(value, bands) for cid, value in cycles.items()},
        cycle_expected={cid: expected_progress(c, as_of) for cid, c in site.cycles.items()},
        cycle_states={cid: cycle_state(c, as_of) for cid, c in site.cycles.items()},
        team_grades={tid: None if value is None else grade(value, bands) for tid, value in teams.items()},
    )


def cycle_state(cycle: Cycle, as_of: dt.date) -> str:
    if as_of < cycle.start:
        return "upcoming"
    return "ended" if as_of > cycle.end else "running"
