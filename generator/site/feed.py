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

from ..model.content import CheckIn
from ..scoring.changes import Changes
from ..scoring.scores import ScoredKPI, ScoredKR, ScoredObjective, ScoredSite
from .formatting import gettext as _
from .formatting import long_date, number, percent, point_date, score, words

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
    summary = objective.title + (" · " + _("confidence %(share)s") % {"share": percent(c.confidence)}
                                 if c.confidence is not None else "") + (f" · {c.note}" if c.note else "")
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
            steps.append(_("grade %(before)s → %(after)s") % {"before": words(before.grade), "after": words(o.grade)})
        if move.pace_moved:
            steps.append(_("pace %(before)s → %(after)s") % {"before": words(before.pace), "after": words(o.pace)})
        found.append(Entry(f"{o.id}@move:{before.grade}>{o.grade},{before.pace}>{o.pace}",
                           f"{o.objective.title}: {', '.join(steps)}", o.url, changes.as_of,
                           o.owner.name if o.owner else o.objective.team,
                           _("Score %(before)s → %(after)s since %(date)s.") % {
                               "before": score(before.score), "after": score(o.score),
                               "date": long_date(changes.since)}))
    for change in changes.kpis:
        status = change.kpi
        unit = status.kpi.unit
        for point in change.points:
            summary = _("%(kpi)s on %(date)s") % {"kpi": status.kpi.title, "date": point_date(point, status.kpi.period)}
            if point is change.points[-1] and change.health_moved:
                summary += " · " + _("health %(before)s → %(after)s") % {
                    "before": words(change.before.health), "after": words(status.health)}
            if point is change.points[-1] and change.trend_moved:
                summary += " · " + _("trend %(before)s → %(after)s") % {
                    "before": words(change.before.trend), "after": words(status.trend)}
            found.append(Entry(f"kpi:{status.id}@{point.date.isoformat()}",
                               f"{status.kpi.title}: {number(point.value, unit)}", status.url, point.date,
                               status.owner.name if status.owner else status.kpi.team, summary))
    for status in changes.raised:
        kpi, day = {"kpi": status.kpi.title}, _signal_date(status, changes.as_of)
        summary = (_("%(kpi)s is unhealthy, and no key result of this cycle reads it.") if
                   status.signal_reason == "unhealthy" else
                   _("%(kpi)s moved the wrong way three times, and no key result of this cycle reads it.")) % kpi
        found.append(Entry(f"signal:{status.id}@{day.isoformat()}", _("Signal: %(kpi)s needs an OKR") % kpi,
                           status.url, day, status.owner.name if status.owner else None, summary))
    for status in changes.cleared:
        day = _signal_date(status, changes.as_of)
        found.append(Entry(f"cleared:{status.id}@{day.isoformat()}",
                           _("Signal cleared: %(kpi)s") % {"kpi": status.kpi.title}, status.url,
                           day, status.owner.name if status.owner else None,
                           _("%(kpi)s is no longer a signal (%(health)s).") % {
                               "kpi": status.kpi.title, "health": words(status.health)}))
    for o in changes.added:
        assert o.cycle is not None
        found.append(Entry(f"{o.id}@start", _("New objective: %(title)s") % {"title": o.objective.title}, o.url,
                           o.cycle.start,
                           o.owner.name if o.owner else o.objective.team,
                           f"{o.objective.cycle}" + (f" · {o.team.name}" if o.team else "")))
    found.sort(key=Entry.key, reverse=True)
    return found[:LIMIT]
