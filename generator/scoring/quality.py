"""OKR-quality warnings that teach the method (SPEC §4), read off the scored model."""

from __future__ import annotations

from ..diagnostics import Diagnostic
from ..model.content import Mark, Site
from ..model.names import mentions, near_duplicates, person, person_slug
from .scores import ScoredSite

MIN_KRS, MAX_KRS = 2, 5


def quality_warnings(scored: ScoredSite) -> list[Diagnostic]:
    """Warnings about how the OKRs are written, and about KPIs gone stale."""
    found: list[Diagnostic] = []

    def warn(source: str, mark: Mark, field: str, message: str, hint: str) -> None:
        found.append(Diagnostic(source, mark[0], mark[1], "warning", field, message, hint))

    for score in scored.objectives.values():
        objective = score.objective
        # Count key results as written: one dropped for an error is already reported as that error.
        count = max(len(objective.key_results), objective.declared_key_results)
        if count < MIN_KRS:
            warn(objective.source, objective.mark("key_results"), "key_results", f"only {count} key result(s)",
                 "2 to 5 key results show that the objective was reached")
        elif count > MAX_KRS:
            warn(objective.source, objective.mark("key_results"), "key_results", f"{count} key results",
                 "keep to 2 to 5: more dilutes focus; move some to KPIs or another objective")
        if objective.owner is None or objective.team is None:
            missing = " and ".join(name for name, value in (("owner", objective.owner), ("team", objective.team))
                                   if value is None)
            warn(objective.source, objective.mark("title"), "",
                 f"objective has no {missing}", f"add '{missing.split(' ')[0]}:' so someone is accountable")
        complete = len(objective.key_results) == objective.declared_key_results  # none dropped for errors
        if complete and objective.commitment == "aspirational" and score.graded >= 1.0:
            warn(objective.source, objective.mark("commitment"), "commitment",
                 "aspirational objective scores 1.0 (not ambitious enough?)",
                 "aim higher next cycle, or mark it 'commitment: committed'")
        cycle = score.cycle
        if objective.final_score is not None and cycle is not None and scored.as_of <= cycle.end:
            warn(objective.source, objective.mark("final_score"), "final_score",
                 f"final_score is for a cycle that has ended; {cycle.id} runs until {cycle.end}, so the computed "
                 "score counts until then", "keep it for the review after the cycle ends, or remove it")
    if scored.last_ended is not None:
        ended = scored.last_ended
        for score in ended.objectives:  # the review that is due: every objective says what was learnt
            objective = score.objective
            if objective.retrospective is None:
                warn(objective.source, objective.mark("title"), "retrospective",
                     f"no retrospective for {ended.id}, which ended on {ended.cycle.end}",
                     "add 'retrospective: |' with what happened and what we learned (guide: closing a cycle)")
    for status in scored.kpis.values():
        kpi = status.kpi
        if status.stale and status.latest:
            warn(kpi.source, kpi.mark("series"), "series",
                 f"stale: latest point is {status.latest.date}, more than two {kpi.cadence} periods "
                 f"before {scored.as_of}", "add the recent values, or set the right 'cadence:'")
    found.extend(name_warnings(scored.site))
    return found


def name_warnings(site: Site) -> list[Diagnostic]:
    """A name one typo away from a name used more often ("Dana Reys" beside "Dana Reyes") is a
    warning at each place it is written, with the likely spelling. Linear in the number of names."""
    written = list(mentions(site))
    uses: dict[str, int] = {}
    spellings: dict[str, dict[str, int]] = {}
    for mention in written:
        slug = person(mention.name).slug
        uses[slug] = uses.get(slug, 0) + 1
        names = spellings.setdefault(slug, {})
        names[mention.name] = names.get(mention.name, 0) + 1
    known = {person_slug(name): name for name in site.config.people}
    for slug in known:
        uses.setdefault(slug, 0)  # a listed spelling is right even before anyone is given it
    misspelt = near_duplicates(uses, set(known))
    found = []
    for mention in written:
        right = misspelt.get(person(mention.name).slug)
        if right is None:
            continue
        names = spellings.get(right, {})
        shown = known.get(right) or min(names, key=lambda name: (-names[name], name))
        times = uses[right]
        found.append(Diagnostic(
            mention.file, mention.mark[0], mention.mark[1], "warning", mention.field,
            f"'{mention.name}' looks like a misspelling of '{shown}' (written {times} time{'s' if times > 1 else ''})",
            f"did you mean '{shown}'? If they are two people, list both under people: in okr-pages.yaml"))
    return found
