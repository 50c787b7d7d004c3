"""Link previews (SPEC §9): each page's one-line description, for ``<meta name="description">`` and
Open Graph, so a link pasted into chat says what it is. Written from the scored records, as the
pages show them; the templates only print it.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Sequence

from ..model.content import Page
from ..scoring.changes import Changes
from ..scoring.people import ScoredPerson
from ..scoring.review import TeamReview
from ..scoring.scores import CycleNow, ScoredCycle, ScoredKPI, ScoredObjective, ScoredTeam
from .formatting import count, label, long_date, ngettext, number, percent, score, words
from .formatting import gettext as _

LIMIT = 200  # characters: what chat apps and search results show before cutting
_TAG = re.compile(r"<[^>]*>")
_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)


def _counted(message: str, many: int) -> str:
    """A message of ``ngettext`` with its ``%(num)s`` written as the locale writes numbers."""
    return message % {"num": count(many)}


def _objectives(many: int) -> str:
    return _counted(ngettext("%(num)s objective", "%(num)s objectives", many), many)


def _kpis(many: int) -> str:
    return _counted(ngettext("%(num)s KPI", "%(num)s KPIs", many), many)


def _key_results(many: int) -> str:
    return _counted(ngettext("%(num)s key result", "%(num)s key results", many), many)


def _overdue(many: int) -> str:
    return _counted(ngettext("%(num)s overdue", "%(num)s overdue", many), many)


def shorten(text: str, limit: int = LIMIT) -> str:
    """Whitespace collapsed; cut at a word before ``limit`` characters, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit - 1].rsplit(" ", 1)[0].rstrip(",;:.")
    return cut + "…"


def _grade(value: float | None, grade: str | None) -> str:
    if not grade:
        return _("no score yet")
    return _("%(score)s (%(grade)s)") % {"score": score(value), "grade": label(grade)}


def home(cycle: ScoredCycle | None, kpis: Sequence[ScoredKPI], signals: Sequence[ScoredKPI], title: str) -> str:
    if cycle is None:
        return _("%(site)s: objectives, key results and KPIs.") % {"site": title}
    overdue = sum(len(o.overdue) for o in cycle.objectives)
    text = _("%(cycle)s: company score %(score)s") % {"cycle": cycle.name, "score": _grade(cycle.score, cycle.grade)}
    if cycle.state == "running":
        text += ", " + _("%(share)s of the cycle elapsed") % {"share": percent(cycle.expected)}
    text += "; " + _objectives(len(cycle.objectives))
    if overdue:
        text += ", " + _counted(ngettext("%(num)s key result overdue", "%(num)s key results overdue", overdue),
                                overdue)
    text += "; " + _kpis(len(kpis))
    if signals:
        text += ", " + _counted(ngettext("%(num)s signal", "%(num)s signals", len(signals)), len(signals))
    return shorten(text + ".")


def objective(o: ScoredObjective) -> str:
    text = _("Score %(score)s, %(pace)s") % {"score": _grade(o.graded, o.grade), "pace": words(o.pace)}
    if o.pace not in ("final", "missed") and o.cycle is not None:
        text += " (" + _("expected %(score)s") % {"score": score(o.expected)} + ")"
    text += "."
    if o.owner is not None:
        text += " " + _("Owner: %(name)s.") % {"name": o.owner.name}
    where = [part for part in (o.team.name if o.team else None, o.objective.cycle) if part]
    text += f" {' · '.join(where)} · " + _key_results(len(o.key_results))
    if o.overdue:
        text += ", " + _overdue(len(o.overdue))
    return shorten(text + ".")


def kpi(k: ScoredKPI) -> str:
    unit = k.kpi.unit
    if k.latest is None:
        text = _("No data yet.")
    else:
        text = _("Latest %(value)s on %(date)s: %(health)s, %(trend)s") % {
            "value": number(k.latest.value, unit), "date": long_date(k.latest.date), "health": words(k.health),
            "trend": words(k.trend)}
        text += (", " + _("stale") if k.stale else "") + "."
    if k.kpi.target is not None:
        text += " " + _("Target %(value)s.") % {"value": number(k.kpi.target, unit)}
    if k.owner is not None:
        text += " " + _("Owner: %(name)s.") % {"name": k.owner.name}
    if k.team is not None:
        text += f" {k.team.name}."
    return shorten(text)


def team(t: ScoredTeam, cycle: CycleNow | None) -> str:
    text = t.name
    if cycle is not None:
        text += ": " + _("score %(score)s in %(cycle)s across %(objectives)s") % {
            "score": _grade(t.score, t.grade), "cycle": cycle.id, "objectives": _objectives(len(t.current))}
    if t.lead is not None:
        text += "; " + _("lead %(name)s") % {"name": t.lead.name}
    return shorten(text + f"; {_kpis(len(t.kpis))}.")


def teams(teams: Sequence[ScoredTeam], current: ScoredCycle | None) -> str:
    many = len(teams)
    if current:
        return shorten(ngettext("%(num)s team and their scores in %(cycle)s.",
                                "%(num)s teams and their scores in %(cycle)s.", many) % {
            "num": count(many), "cycle": current.id})
    return shorten(_counted(ngettext("%(num)s team and their scores.", "%(num)s teams and their scores.", many),
                            many))


def person(p: ScoredPerson, cycle: CycleNow | None) -> str:
    parts = []
    if p.objectives or p.key_results:
        values = {"objectives": _objectives(len(p.objectives)), "key_results": _key_results(len(p.key_results))}
        owned = (_("%(objectives)s and %(key_results)s in %(cycle)s") % {**values, "cycle": cycle.id} if cycle
                 else _("%(objectives)s and %(key_results)s") % values)
        if p.overdue:
            owned += " (" + _overdue(len(p.overdue)) + ")"
        parts.append(owned)
    if p.kpis:
        parts.append(_kpis(len(p.kpis)))
    if past := len(p.past):
        parts.append(_counted(ngettext("%(num)s objective in other cycles", "%(num)s objectives in other cycles",
                                       past), past))
    led = ", ".join(t.name for t in p.teams)
    if parts:
        text = _("%(name)s owns %(things)s") % {"name": p.name, "things": ", ".join(parts)}
        if led:
            text += "; " + _("leads %(teams)s") % {"teams": led}
    elif led:
        text = _("%(name)s leads %(teams)s") % {"name": p.name, "teams": led}
    else:
        text = p.name
    return shorten(text + ".")


def people(people: Sequence[ScoredPerson]) -> str:
    many = len(people)
    return shorten(_counted(ngettext(
        "%(num)s person who owns objectives, key results or KPIs, or leads teams, and what they own.",
        "%(num)s people who own objectives, key results or KPIs, or lead teams, and what each owns.", many), many))


def changes(c: Changes) -> str:
    dates = {"since": long_date(c.since), "as_of": long_date(c.as_of)}
    if not c.count:
        return _("Nothing changed from %(since)s to %(as_of)s.") % dates
    return shorten(_("From %(since)s to %(as_of)s: %(changes)s.") % {**dates, "changes": ", ".join(change_counts(c))})


def change_counts(c: Changes, always: int = 0) -> list[str]:
    """What changed, counted ('2 objectives moved', '1 check-in', ...): the kinds with any change, and
    the first ``always`` kinds (moves, check-ins, KPIs) even when none changed."""
    moves, checkins, kpis, raised, cleared, added = (
        len(c.moves), len(c.checkins), len(c.kpis), len(c.raised), len(c.cleared), len(c.added))
    return [text for index, (many, text) in enumerate((
        (moves, _counted(ngettext("%(num)s objective moved", "%(num)s objectives moved", moves), moves)),
        (checkins, _counted(ngettext("%(num)s check-in", "%(num)s check-ins", checkins), checkins)),
        (kpis, _counted(ngettext("%(num)s KPI updated", "%(num)s KPIs updated", kpis), kpis)),
        (raised, _counted(ngettext("%(num)s signal raised", "%(num)s signals raised", raised), raised)),
        (cleared, _counted(ngettext("%(num)s signal cleared", "%(num)s signals cleared", cleared), cleared)),
        (added, _counted(ngettext("%(num)s objective started", "%(num)s objectives started", added), added)),
    )) if many or index < always]


def dashboard(kpis: Sequence[ScoredKPI], signals: Sequence[ScoredKPI]) -> str:
    health = Counter(k.health for k in kpis)
    counts = ", ".join(_("%(num)s %(health)s") % {"num": count(health[h]), "health": words(h)}
                       for h in ("healthy", "watch", "unhealthy", "no_target", "no_data") if health[h])
    text = _kpis(len(kpis)) + (f": {counts}" if counts else "")
    return shorten(text + "; " + _counted(ngettext("%(num)s signal needing an OKR.", "%(num)s signals needing an OKR.",
                                                   len(signals)), len(signals)))


def cycle(c: ScoredCycle) -> str:
    return shorten(_("%(cycle)s, %(start)s to %(end)s, %(state)s: score %(score)s across %(objectives)s.") % {
        "cycle": c.name, "start": long_date(c.cycle.start), "end": long_date(c.cycle.end), "state": words(c.state),
        "score": _grade(c.score, c.grade), "objectives": _objectives(len(c.objectives))})


def review_team(team: TeamReview, cycle: str) -> str:
    """A team's part of a cycle's review: its score and its objectives."""
    name = team.team.name if team.team else _("No team")
    text = _("%(team)s in the %(cycle)s review: score %(score)s across %(objectives)s") % {
        "team": name, "cycle": cycle, "score": _grade(team.score, team.grade), "objectives": _objectives(len(team.objectives))}
    return shorten(text + ".")


def cycles(cycles: Sequence[ScoredCycle]) -> str:
    many = len(cycles)
    return shorten(_counted(ngettext("%(num)s cycle with its score and final grades.",
                                     "%(num)s cycles with their scores and final grades.", many), many))


def alignment(many: int) -> str:
    return shorten(_counted(ngettext("How %(num)s objective cascades: each under the objective it supports.",
                                     "How %(num)s objectives cascade: each under the objective it supports.", many),
                            many))


def document(page: Page, body_html: str) -> str:
    """A guide page: its first paragraph as plain text, else its title."""
    match = _PARAGRAPH.search(body_html)
    text = html.unescape(_TAG.sub("", match[1])) if match else ""
    return shorten(text) if text.strip() else page.title
