"""What each person holds (SPEC §9): everyone who owns an objective, a key result or a KPI, or
leads a team, with those records as scored. Names are told apart by ``model.names``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..model.content import Team
from ..model.names import Person, person_slug
from .records import REFERENCE

if TYPE_CHECKING:
    from .scores import ScoredKPI, ScoredKR, ScoredObjective, ScoredTeam


@dataclass(frozen=True)
class ScoredPerson:
    """One person and what they own: objectives and key results of the current cycle with their
    figures, their objectives in other cycles, their KPIs, the teams they lead."""

    person: Person  # the spelling used most
    names: tuple[str, ...]  # every spelling, most used first
    # What they own is listed on their page: fingerprinted as list rows (``site.fingerprints``).
    objectives: tuple[ScoredObjective, ...] = field(metadata=REFERENCE)  # owned, in the current cycle
    key_results: tuple[tuple[ScoredObjective, ScoredKR], ...] = field(metadata=REFERENCE)  # owned (or inherited)
    past: tuple[ScoredObjective, ...] = field(metadata=REFERENCE)  # owned, other cycles: newest cycle first
    kpis: tuple[ScoredKPI, ...] = field(metadata=REFERENCE)
    teams: tuple[Team, ...]  # led
    overdue: tuple[tuple[ScoredObjective, ScoredKR], ...] = field(metadata=REFERENCE)  # of key_results

    @property
    def slug(self) -> str:
        return self.person.slug

    @property
    def name(self) -> str:
        return self.person.name

    @property
    def url(self) -> str:
        return self.person.url

    @property
    def listing(self) -> tuple[Any, ...]:
        """What the list of people shows: the name, the teams led and how much they own."""
        return (self.person, len(self.objectives), len(self.key_results), len(self.overdue), len(self.kpis),
                len(self.past), tuple((t.id, t.name) for t in self.teams))


@dataclass
class _Owned:
    names: dict[str, int]
    objectives: list[ScoredObjective]
    key_results: list[tuple[ScoredObjective, ScoredKR]]
    past: list[ScoredObjective]
    kpis: list[ScoredKPI]
    teams: list[Team]


def group_people(objectives: dict[str, ScoredObjective], kpis: dict[str, ScoredKPI],
                 teams: dict[str, ScoredTeam], now: str | None, known: tuple[str, ...] = ()
                 ) -> dict[str, ScoredPerson]:
    """Everyone named as an owner or a lead, by slug, ordered by name. ``known`` (the config's
    ``people:``) decides the shown spelling when it lists one."""
    owned: dict[str, _Owned] = {}

    def entry(who: Person) -> _Owned:
        found = owned.get(who.slug)
        if found is None:
            found = owned[who.slug] = _Owned({}, [], [], [], [], [])
        found.names[who.name] = found.names.get(who.name, 0) + 1
        return found

    for scored in objectives.values():
        current = scored.objective.cycle == now
        if scored.owner is not None:
            mine = entry(scored.owner)
            (mine.objectives if current else mine.past).append(scored)
        for kr in scored.key_results:
            if kr.owner is None:
                continue
            # A name written on the key result is a use of it; an inherited one is the objective's.
            mine = entry(kr.owner) if kr.kr.owner else owned[kr.owner.slug]
            if current:
                mine.key_results.append((scored, kr))
            elif not mine.past or mine.past[-1] is not scored:
                mine.past.append(scored)
    for status in kpis.values():
        if status.owner is not None:
            entry(status.owner).kpis.append(status)
    for team in teams.values():
        if team.lead is not None:
            entry(team.lead).teams.append(team.team)
    preferred = {person_slug(name): name for name in known}
    people = []
    for slug, mine in owned.items():
        spellings = sorted(mine.names, key=lambda name: (-mine.names[name], name != preferred.get(slug), name))
        past = sorted(mine.past, key=lambda o: (o.cycle.start if o.cycle else dt.date.min, o.objective.cycle),
                      reverse=True)  # stable: by id within a cycle
        people.append(ScoredPerson(
            Person(spellings[0], slug), tuple(spellings), tuple(mine.objectives), tuple(mine.key_results),
            tuple(past), tuple(mine.kpis), tuple(mine.teams),
            tuple((o, kr) for o, kr in mine.key_results if kr.overdue)))
    people.sort(key=lambda p: (p.name.casefold(), p.slug))
    return {p.slug: p for p in people}
