"""What changed (SPEC §9): the site scored as of ``as_of`` against itself scored ``changes_window``
days earlier, from the same files.

Scoring is a pure function of the content and a date, so last week's figures are recomputed, not
remembered: no git history is read, a shallow clone gives the same page, and the same input and
``--as-of`` give the same changes. ``compare`` is a pure function of the two scored sites.

What "added" means, from the files alone: an objective is new when its cycle started within the
window (the files carry no date of writing, and objectives are written for a cycle before it
starts). Check-ins and KPI points are new when they are dated within the window: after
``since`` and on or before ``as_of``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from ..model.content import CheckIn, Point
from .scores import ScoredKPI, ScoredKR, ScoredObjective, ScoredSite, score_site

SHOWN_DIGITS = 2  # scores are shown to two decimals (SPEC §3): a move smaller than that is no move


@dataclass(frozen=True)
class Move:
    """An objective whose shown score, grade or pace is not what it was."""

    objective: ScoredObjective  # as of as_of
    before: ScoredObjective  # as of since

    @property
    def score_moved(self) -> bool:
        return round(self.before.score, SHOWN_DIGITS) != round(self.objective.score, SHOWN_DIGITS)

    @property
    def grade_moved(self) -> bool:
        return self.before.grade != self.objective.grade

    @property
    def pace_moved(self) -> bool:
        return self.before.pace != self.objective.pace

    @property
    def delta(self) -> float:
        return self.objective.score - self.before.score


@dataclass(frozen=True)
class AddedCheckIn:
    """A check-in dated within the window."""

    objective: ScoredObjective
    key_result: ScoredKR
    checkin: CheckIn


@dataclass(frozen=True)
class KPIChange:
    """A KPI with points dated within the window, or whose health or trend is not what it was."""

    kpi: ScoredKPI  # as of as_of
    before: ScoredKPI
    points: tuple[Point, ...]  # dated within the window, oldest first

    @property
    def health_moved(self) -> bool:
        return self.before.health != self.kpi.health

    @property
    def trend_moved(self) -> bool:
        return self.before.trend != self.kpi.trend


@dataclass(frozen=True)
class Changes:
    """Everything that changed between ``since`` and ``as_of``."""

    since: dt.date
    as_of: dt.date
    moves: tuple[Move, ...]  # largest score move first
    checkins: tuple[AddedCheckIn, ...]  # newest first
    kpis: tuple[KPIChange, ...]  # by KPI id
    raised: tuple[ScoredKPI, ...]  # KPIs that became signals
    cleared: tuple[ScoredKPI, ...]  # KPIs that stopped being signals (as of as_of)
    added: tuple[ScoredObjective, ...]  # objectives whose cycle started within the window

    @property
    def days(self) -> int:
        return (self.as_of - self.since).days

    @property
    def count(self) -> int:
        """How many things changed, for a summary."""
        return (len(self.moves) + len(self.checkins) + len(self.kpis) + len(self.raised) + len(self.cleared)
                + len(self.added))

    @property
    def by_people(self) -> tuple[Move, ...]:
        """Moves of an objective's score: what people did (a check-in, an edit), largest first."""
        return tuple(move for move in self.moves if move.score_moved)

    @property
    def by_time(self) -> tuple[Move, ...]:
        """Moves of pace alone, the score as it was: what time did as the cycle elapsed."""
        return tuple(move for move in self.moves if not move.score_moved)

    @property
    def time_summary(self) -> tuple[tuple[str, str, int], ...]:
        """What time did, counted: (pace before, pace now, how many objectives), most first."""
        counted = Counter((move.before.pace, move.objective.pace) for move in self.by_time)
        return tuple((before, now, many) for (before, now), many in
                     sorted(counted.items(), key=lambda item: (-item[1], item[0])))

    @property
    def new_points(self) -> tuple[KPIChange, ...]:
        """KPIs with points dated within the window (people's part; a health or trend moved by the
        date alone is time's)."""
        return tuple(change for change in self.kpis if change.points)


def compare(now: ScoredSite, before: ScoredSite) -> Changes:
    """The difference between two scorings of the same site (``before`` the earlier date)."""
    since, as_of = before.as_of, now.as_of
    moves: list[Move] = []
    checkins: list[AddedCheckIn] = []
    added: list[ScoredObjective] = []
    for oid, scored in now.objectives.items():
        earlier = before.objectives.get(oid)
        if earlier is not None:
            move = Move(scored, earlier)
            if move.score_moved or move.grade_moved or move.pace_moved:
                moves.append(move)
        if scored.cycle is not None and since < scored.cycle.start <= as_of:
            added.append(scored)
        for kr in scored.key_results:
            for checkin in reversed(kr.checkins):  # sorted by date: stop at the first one before the window
                if checkin.date <= since:
                    break
                checkins.append(AddedCheckIn(scored, kr, checkin))
    moves.sort(key=lambda m: -abs(m.delta))  # stable: objectives with equal moves stay in id order
    checkins.sort(key=lambda c: (c.checkin.date, c.objective.id, c.key_result.kr.id), reverse=True)
    kpis: list[KPIChange] = []
    for kid, status in now.kpis.items():
        earlier_kpi = before.kpis.get(kid)
        if earlier_kpi is None:
            continue
        new_points = status.series[len(earlier_kpi.series):]  # both are the same series cut at a date
        change = KPIChange(status, earlier_kpi, new_points)
        if new_points or change.health_moved or change.trend_moved:
            kpis.append(change)
    was = {status.id for status in before.signals}
    is_now = {status.id for status in now.signals}
    return Changes(
        since=since, as_of=as_of, moves=tuple(moves), checkins=tuple(checkins), kpis=tuple(kpis),
        raised=tuple(status for status in now.signals if status.id not in was),
        cleared=tuple(now.kpis[kid] for kid in now.kpis if kid in was and kid not in is_now),
        added=tuple(added),
    )


def changes_since(scored: ScoredSite, days: int | None = None) -> Changes:
    """The changes of the last ``days`` (default: the config's ``changes_window``): the same site
    scored again as of that many days earlier, compared."""
    window = scored.site.config.changes_window if days is None else days
    earlier = score_site(scored.site, scored.as_of - dt.timedelta(days=window), people=False, reuse=scored)
    return compare(scored, earlier)
