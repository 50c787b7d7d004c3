"""Link previews (SPEC §9): each page's one-line description, for ``<meta name="description">`` and
Open Graph, so a link pasted into chat says what it is. Written from the scored records, as the
pages show them; the templates only print it.
"""

from __future__ import annotations

import html
import re
from collections import Counter

from ..model.changes import Changes
from ..model.content import Page
from ..model.people import ScoredPerson
from ..model.scoring import ScoredCycle, ScoredKPI, ScoredObjective, ScoredSite, ScoredTeam
from .formatting import long_date, number, percent, score
from .templates import LABELS

LIMIT = 200  # characters: what chat apps and search results show before cutting
_TAG = re.compile(r"<[^>]*>")
_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)


def _label(code: str | None) -> str:
    return LABELS.get(code or "", code or "")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def shorten(text: str, limit: int = LIMIT) -> str:
    """Whitespace collapsed; cut at a word before ``limit`` characters, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit - 1].rsplit(" ", 1)[0].rstrip(",;:.")
    return cut + "…"


def _grade(value: float | None, grade: str | None) -> str:
    return f"{score(value)} ({_label(grade)})" if grade else "no score yet"


def home(scored: ScoredSite) -> str:
    cycle = scored.current
    if cycle is None:
        return f"{scored.site.config.title}: objectives, key results and KPIs."
    overdue = sum(len(o.overdue) for o in cycle.objectives)
    text = f"{cycle.name}: company score {_grade(cycle.score, cycle.grade)}"
    if cycle.state == "running":
        text += f", {percent(cycle.expected)} of the cycle elapsed"
    text += f"; {_plural(len(cycle.objectives), 'objective')}"
    if overdue:
        text += f", {_plural(overdue, 'key result')} overdue"
    text += f"; {_plural(len(scored.kpis), 'KPI')}"
    if scored.signals:
        text += f", {_plural(len(scored.signals), 'signal')}"
    return shorten(text + ".")


def objective(o: ScoredObjective) -> str:
    text = f"Score {_grade(o.score, o.grade)}, {_label(o.pace).lower()}"
    if o.pace not in ("final", "missed") and o.cycle is not None:
        text += f" (expected {score(o.expected)})"
    text += "."
    if o.owner is not None:
        text += f" Owner: {o.owner.name}."
    where = [part for part in (o.team.name if o.team else None, o.objective.cycle) if part]
    text += f" {' · '.join(where)} · {_plural(len(o.key_results), 'key result')}"
    if o.overdue:
        text += f", {len(o.overdue)} overdue"
    return shorten(text + ".")


def kpi(k: ScoredKPI) -> str:
    unit = k.kpi.unit
    if k.latest is None:
        text = "No data yet."
    else:
        text = (f"Latest {number(k.latest.value, unit)} on {long_date(k.latest.date)}: {_label(k.health).lower()}, "
                f"{_label(k.trend).lower()}{', stale' if k.stale else ''}.")
    if k.kpi.target is not None:
        text += f" Target {number(k.kpi.target, unit)}."
    if k.owner is not None:
        text += f" Owner: {k.owner.name}."
    if k.team is not None:
        text += f" {k.team.name}."
    return shorten(text)


def team(t: ScoredTeam, cycle: ScoredCycle | None) -> str:
    text = t.name
    if cycle is not None:
        text += f": score {_grade(t.score, t.grade)} in {cycle.id} across {_plural(len(t.current), 'objective')}"
    if t.lead is not None:
        text += f"; lead {t.lead.name}"
    return shorten(text + f"; {_plural(len(t.kpis), 'KPI')}.")


def teams(scored: ScoredSite) -> str:
    where = f" in {scored.current.id}" if scored.current else ""
    return shorten(f"{_plural(len(scored.teams), 'team')} and their scores{where}.")


def person(p: ScoredPerson, cycle: ScoredCycle | None) -> str:
    parts = []
    if p.objectives or p.key_results:
        where = f" in {cycle.id}" if cycle else ""
        owned = f"{_plural(len(p.objectives), 'objective')} and {_plural(len(p.key_results), 'key result')}{where}"
        if p.overdue:
            owned += f" ({len(p.overdue)} overdue)"
        parts.append(owned)
    if p.kpis:
        parts.append(_plural(len(p.kpis), "KPI"))
    if p.past:
        parts.append(f"{_plural(len(p.past), 'objective')} in other cycles")
    text = f"{p.name} owns " + ", ".join(parts) if parts else p.name
    if p.teams:
        text += ("; leads " if parts else " leads ") + ", ".join(t.name for t in p.teams)
    return shorten(text + ".")


def people(scored: ScoredSite) -> str:
    count = len(scored.people)
    return shorten(f"{count} {'person' if count == 1 else 'people'} who own objectives, key results or KPIs, "
                   "or lead teams, and what each owns.")


def changes(c: Changes) -> str:
    if not c.count:
        return f"Nothing changed from {long_date(c.since)} to {long_date(c.as_of)}."
    parts = [text for count, text in (
        (len(c.moves), _plural(len(c.moves), "objective") + " moved"),
        (len(c.checkins), _plural(len(c.checkins), "check-in")),
        (len(c.kpis), _plural(len(c.kpis), "KPI") + " updated"),
        (len(c.raised), _plural(len(c.raised), "signal") + " raised"),
        (len(c.cleared), _plural(len(c.cleared), "signal") + " cleared"),
        (len(c.added), _plural(len(c.added), "objective") + " started"),
    ) if count]
    return shorten(f"From {long_date(c.since)} to {long_date(c.as_of)}: " + ", ".join(parts) + ".")


def dashboard(scored: ScoredSite) -> str:
    health = Counter(k.health for k in scored.kpis.values())
    counts = ", ".join(f"{health[h]} {_label(h).lower()}" for h in ("healthy", "watch", "unhealthy", "no_target",
                                                                     "no_data") if health[h])
    text = f"{_plural(len(scored.kpis), 'KPI')}" + (f": {counts}" if counts else "")
    return shorten(text + f"; {_plural(len(scored.signals), 'signal')} needing an OKR.")


def cycle(c: ScoredCycle) -> str:
    return shorten(f"{c.name}, {long_date(c.cycle.start)} to {long_date(c.cycle.end)}, {_label(c.state).lower()}: "
                   f"score {_grade(c.score, c.grade)} across {_plural(len(c.objectives), 'objective')}.")


def cycles(scored: ScoredSite) -> str:
    return shorten(f"{_plural(len(scored.cycles), 'cycle')} with their scores and final grades.")


def alignment(scored: ScoredSite) -> str:
    return shorten(f"How {_plural(len(scored.objectives), 'objective')} cascade: each under the objective it supports.")


def document(page: Page, body_html: str) -> str:
    """A guide page: its first paragraph as plain text, else its title."""
    match = _PARAGRAPH.search(body_html)
    text = html.unescape(_TAG.sub("", match[1])) if match else ""
    return shorten(text) if text.strip() else page.title
