"""The Atom feed's entries: every check-in, and what changed in the last ``changes_window`` days.

Entries are events with ids that do not depend on the build date where the event has a date of its
own (a check-in, a KPI point, the point that raised or cleared a signal, a cycle's start), so a feed
reader polling a site rebuilt every day shows each event once. A grade or pace move has no date
of its own: its id names the move, and its date is the build's.
"""

from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import dataclass

from ..model.changes import Changes
from ..model.content import CheckIn
from ..model.scoring import ScoredKPI, ScoredKR, ScoredObjective, ScoredSite
from .formatting import number, percent, score, words

LIMIT = 100


@dataclass(frozen=True)
class Entry:
    id: str  # after "urn:okr-pages:"
    title: str
    link: str  # the page, below the site root
    updated: dt.date
    author: str | None
    summary: str
    order: tuple[str, ...] = ()  # among entries of one date; default (id,)
    anchor: str = ""  # a place on the page: "kr-<id>"

    def key(self) -> tuple[dt.date, tuple[str, ...]]:
        return self.updated, self.order or (self.id,)


def _signal_date(status: ScoredKPI, as_of: dt.date) -> dt.date:
    return status.latest.date if status.latest else as_of


def _checkin_entry(o: ScoredObjective, kr: ScoredKR, c: CheckIn) -> Entry:
    objective = o.objective
    title = kr.kr.title + (f": {number(c.value, kr.kr.unit)}" if c.value is not None else "")
    summary = objective.title + (f" · confidence {percent(c.confidence)}" if c.confidence is not None
                                 else "") + (f" · {c.note}" if c.note else "")
    return Entry(f"{objective.id}#{kr.kr.id}@{c.date.isoformat()}", title, objective.url, c.date,
                 kr.owner.name if kr.owner else objective.team, summary, (objective.id, kr.kr.id), f"kr-{kr.kr.id}")


def entries(scored: ScoredSite, changes: Changes) -> list[Entry]:
    """The newest ``LIMIT`` entries, newest first."""
    # Every check-in of the site is a candidate: only the newest ones are formatted, chosen by the
    # key the entries are sorted by in the end.
    newest = heapq.nlargest(LIMIT, ((c.date, (o.id, kr.kr.id), o, kr, c) for o in scored.objectives.values()
                                    for kr in o.key_results for c in kr.checkins), key=lambda t: t[:2])
    found = [_checkin_entry(o, kr, c) for *_, o, kr, c in newest]
    for move in changes.moves:
        if not (move.grade_moved or move.pace_moved):
            continue  # a score move is told by the check-ins that made it
        o, before = move.objective, move.before
        steps = []
        if move.grade_moved:
            steps.append(f"grade {words(before.grade)} → {words(o.grade)}")
        if move.pace_moved:
            steps.append(f"pace {words(before.pace)} → {words(o.pace)}")
        found.append(Entry(f"{o.id}@move:{before.grade}>{o.grade},{before.pace}>{o.pace}",
                           f"{o.objective.title}: {', '.join(steps)}", o.url, changes.as_of,
                           o.owner.name if o.owner else o.objective.team,
                           f"Score {score(before.score)} → {score(o.score)} since {changes.since.isoformat()}."))
    for change in changes.kpis:
        status = change.kpi
        unit = status.kpi.unit
        for point in change.points:
            summary = f"{status.kpi.title} on {point.date.isoformat()}"
            if point is change.points[-1] and change.health_moved:
                summary += f" · health {words(change.before.health)} → {words(status.health)}"
            if point is change.points[-1] and change.trend_moved:
                summary += f" · trend {words(change.before.trend)} → {words(status.trend)}"
            found.append(Entry(f"kpi:{status.id}@{point.date.isoformat()}",
                               f"{status.kpi.title}: {number(point.value, unit)}", status.url, point.date,
                               status.owner.name if status.owner else status.kpi.team, summary))
    for status in changes.raised:
        reason = "is unhealthy" if status.signal_reason == "unhealthy" else "moved the wrong way three times"
        found.append(Entry(f"signal:{status.id}@{_signal_date(status, changes.as_of).isoformat()}",
                           f"Signal: {status.kpi.title} needs an OKR", status.url,
                           _signal_date(status, changes.as_of), status.owner.name if status.owner else None,
                           f"{status.kpi.title} {reason}, and no key result of this cycle reads it."))
    for status in changes.cleared:
        found.append(Entry(f"cleared:{status.id}@{_signal_date(status, changes.as_of).isoformat()}",
                           f"Signal cleared: {status.kpi.title}", status.url, _signal_date(status, changes.as_of),
                           status.owner.name if status.owner else None,
                           f"{status.kpi.title} is no longer a signal ({words(status.health)})."))
    for o in changes.added:
        assert o.cycle is not None
        found.append(Entry(f"{o.id}@start", f"New objective: {o.objective.title}", o.url, o.cycle.start,
                           o.owner.name if o.owner else o.objective.team,
                           f"{o.objective.cycle}" + (f" · {o.team.name}" if o.team else "")))
    found.sort(key=Entry.key, reverse=True)
    return found[:LIMIT]
