"""Checks across files: ids used twice, unknown cycles, teams, KPIs and parents, alignment loops,
pages that would take a generated page's URL, and broken links between content files.

Each check is linear in the number of items, so a site of thousands of objectives (or an
``aligns_to`` chain thousands deep) stays fast.
"""

from __future__ import annotations

from ..diagnostics import Diagnostic, did_you_mean
from ..model.content import KPI, Config, Cycle, KeyResult, Objective, Page, Site, Team
from ..model.names import mentions, person
from .config import calendar_year, implicit_cycle
from .fieldtypes import MAX_YEAR, MIN_YEAR

# Sections the site generates; a documentation page may not take their place.
GENERATED = {"": "the home page", "kpis/": "the KPI dashboard", "teams/": "the team list",
             "alignment/": "the alignment tree", "cycles/": "the cycle archive", "search/": "the search page",
             "people/": "the list of people", "changes/": "the changes page"}
RESERVED_FOLDERS = ("assets", "api")


def unique(items: list[Objective] | list[KPI] | list[Page], what: str,
           problems: list[Diagnostic]) -> dict[str, Objective | KPI | Page]:
    """Items by id, in file order; a later file reusing an id is an error at its own place."""
    table: dict[str, Objective | KPI | Page] = {}
    for item in items:
        first = table.get(item.id)
        if first is None:
            table[item.id] = item
            continue
        if isinstance(item, Page):
            line, column, field = 1, 1, ""
        else:
            (line, column), field = item.mark("id"), "id"
        problems.append(Diagnostic(item.source, line, column, "error", field,
                                   f"duplicate {what} id '{item.id}' (also used by {first.source})",
                                   "set a different 'id:' or rename the file"))
    return table


def resolve_cycles(config: Config, objectives: dict[str, Objective], problems: list[Diagnostic]) -> dict[str, Cycle]:
    """The config's cycles and those understood from objectives' ids, ordered by start date."""
    cycles = {cycle.id: cycle for cycle in config.cycles}
    for objective in objectives.values():  # all known cycles first, so any can be suggested
        if objective.cycle not in cycles and (cycle := implicit_cycle(objective.cycle)) is not None:
            cycles[cycle.id] = cycle
    for objective in objectives.values():
        if objective.cycle in cycles or objective.cycle in config.broken_cycles:
            continue
        hint = did_you_mean(objective.cycle, cycles) or (
            "use an id like 2026-Q4, or list the cycle under cycles: in okr-pages.yaml")
        message = f"unknown cycle '{objective.cycle}'"
        if calendar_year(objective.cycle) is not None:
            message = f"cycle '{objective.cycle}' is out of range"
            hint = f"calendar cycles run from year {MIN_YEAR} to {MAX_YEAR}: check the year"
        line, column = objective.mark("cycle")
        problems.append(Diagnostic(objective.source, line, column, "error", "cycle", message, hint))
    return dict(sorted(cycles.items(), key=lambda item: (item[1].start, item[1].end, item[0])))


def resolve_teams(config: Config, owned: list[Objective | KPI], problems: list[Diagnostic]) -> dict[str, Team]:
    """The config's teams; with none configured, every team named in content exists."""
    teams = {team.id: team for team in config.teams}
    implicit = not teams
    for item in owned:
        if item.team is None or item.team in teams:
            continue
        if implicit:
            teams[item.team] = Team(item.team, item.team.replace("-", " ").capitalize())
            continue
        line, column = item.mark("team")
        problems.append(Diagnostic(item.source, line, column, "error", "team", f"unknown team '{item.team}'",
                                   did_you_mean(item.team, teams) or "add the team under teams: in okr-pages.yaml"))
    return teams


def check_objectives(objectives: dict[str, Objective], kpis: dict[str, KPI], cycles: dict[str, Cycle],
                     problems: list[Diagnostic], unreadable: set[str] | frozenset[str] = frozenset()) -> None:
    """Parents, KPI references, KPI baselines and check-in dates of every objective; loops.

    ``unreadable`` holds 'objective:ID' and 'kpi:ID' of files that could not be read (their errors
    are reported there): references to them are not reported once more in every file making them."""
    for objective in objectives.values():
        if (objective.aligns_to is not None and objective.aligns_to not in objectives
                and f"objective:{objective.aligns_to}" not in unreadable):
            problems.append(_unknown_objective(objective, "aligns_to", objective.aligns_to, objectives))
        cycle = cycles.get(objective.cycle)
        for kr in objective.key_results:
            _check_key_result(objective, kr, kpis, cycle, problems, unreadable)
        if objective.next is not None or objective.previous is not None:
            _check_follow_ups(objective, objectives, problems)
    problems.extend(alignment_loops(objectives))


def _unknown_objective(objective: Objective, field: str, target: str, objectives: dict[str, Objective]) -> Diagnostic:
    """An objective's ``field`` names no objective there is."""
    line, column = objective.mark(field)
    return Diagnostic(objective.source, line, column, "error", field, f"unknown objective '{target}'",
                      did_you_mean(target, objectives) or "give the id of an existing objective")


def _check_follow_ups(objective: Objective, objectives: dict[str, Objective], problems: list[Diagnostic]) -> None:
    """``next:`` and ``previous:`` name other objectives, and agree with what those say back."""
    for field, back in (("next", "previous"), ("previous", "next")):
        target = getattr(objective, field)
        if target is None:
            continue
        line, column = objective.mark(field)
        if target == objective.id:
            problems.append(Diagnostic(objective.source, line, column, "error", field,
                                       f"an objective cannot be its own {field} objective",
                                       f"give the id of the objective {'after' if field == 'next' else 'before'} it"))
        elif target not in objectives:
            problems.append(_unknown_objective(objective, field, target, objectives))
        else:
            answer = getattr(objectives[target], back)
            if answer is not None and answer != objective.id:
                problems.append(Diagnostic(
                    objective.source, line, column, "warning", field,
                    f"'{target}' names '{answer}' as its {back} objective, not this one",
                    f"make {field}: here and {back}: in {objectives[target].source} agree, or remove one of them"))


def _check_key_result(objective: Objective, kr: KeyResult, kpis: dict[str, KPI], cycle: Cycle | None,
                      problems: list[Diagnostic], unreadable: set[str] | frozenset[str]) -> None:
    def report(severity: str, field: str, at: str, message: str, hint: str) -> None:
        line, column = objective.marks.get(at) or objective.mark(kr.path)
        problems.append(Diagnostic(objective.source, line, column, severity, field, message, hint))  # type: ignore[arg-type]

    if cycle is not None:
        for checkin in kr.checkins:
            if not cycle.start <= checkin.date <= cycle.end:
                report("warning", f"{checkin.path}.date", f"{checkin.path}.date",
                       f"check-in dated {checkin.date}, outside cycle {cycle.id} ({cycle.start} to {cycle.end})",
                       "check the date or the objective's cycle")
    if kr.kpi is None:
        return
    if kr.kpi not in kpis:
        if f"kpi:{kr.kpi}" in unreadable:
            return
        report("error", f"{kr.path}.kpi", f"{kr.path}.kpi", f"unknown KPI '{kr.kpi}'",
               did_you_mean(kr.kpi, kpis) or "give the id of a KPI file under content/kpis/")
        return
    if kr.baseline is not None or cycle is None:
        return
    before = [p for p in kpis[kr.kpi].series if p.date <= cycle.start]
    if not before:
        report("error", kr.path, f"{kr.path}.kpi",
               f"KPI '{kr.kpi}' has no point on or before the cycle start ({cycle.start}) to use as baseline",
               "add 'baseline:' to the key result")
    elif before[-1].value == kr.target:
        report("error", f"{kr.path}.target", f"{kr.path}.target",
               f"target equals the baseline read from KPI '{kr.kpi}' ({kr.target}): nothing to measure",
               "set a different target, or an explicit 'baseline:'")


def alignment_loops(objectives: dict[str, Objective]) -> list[Diagnostic]:
    """Each loop of ``aligns_to`` once, at its smallest id; linear: every objective is walked once."""
    state: dict[str, int] = {}  # 1: on the walk in progress, 2: done
    found = []
    for start in sorted(objectives):
        if start in state:
            continue
        walk: list[str] = []
        current: str | None = start
        while current is not None and current in objectives and current not in state:
            state[current] = 1
            walk.append(current)
            current = objectives[current].aligns_to
        if current is not None and state.get(current) == 1:  # came back to this walk: a loop
            loop = walk[walk.index(current):]
            first = min(loop)
            at = loop.index(first)
            path = " → ".join([*loop[at:], *loop[:at], first])
            objective = objectives[first]
            line, column = objective.mark("aligns_to")
            found.append(Diagnostic(objective.source, line, column, "error", "aligns_to",
                                    f"alignment loop: {path}", "an objective cannot align to its own descendants"))
        for oid in walk:
            state[oid] = 2
    return found


def page_url_clashes(site: Site) -> list[Diagnostic]:
    """A documentation page whose URL is a generated page's, or an objective's or KPI's, would
    silently replace it: report it at the page."""
    taken = dict(GENERATED)
    taken.update({f"teams/{team}/": f"the page of team '{team}'" for team in site.teams})
    taken.update({f"cycles/{cycle}/": f"the page of cycle '{cycle}'" for cycle in site.cycles})
    taken.update({f"cycles/{cycle}/review/": f"the review of cycle '{cycle}'" for cycle in site.cycles})
    taken.update({person(m.name).url: f"the page of {m.name}" for m in mentions(site)})
    items: list[Objective | KPI] = [*site.objectives.values(), *site.kpis.values()]
    taken.update({item.url: item.source for item in items})
    clashes = []
    for page in site.pages:
        if page.id == "index":
            continue  # content/index.md is the home page's introduction
        owner = taken.get(page.url)
        if owner is None and page.url.split("/")[0] in RESERVED_FOLDERS:
            owner = "the site's own files"
        if owner is None:
            taken[page.url] = page.source
            continue
        clashes.append(Diagnostic(page.source, 1, 1, "error", "", f"page URL '{page.url}' is already used by {owner}",
                                  "rename the file or set a different 'id:'"))
    return clashes


def content_paths(site: Site) -> dict[str, str]:
    """Content file path (below content/) → site path, for resolving links and images: a .md file
    becomes its page, any other file is published at its own path."""
    items: list[Objective | KPI | Page] = [*site.objectives.values(), *site.kpis.values(), *site.pages]
    paths = {rel: rel for rel in site.files}
    prefix = site.config.content_dir.strip("/") + "/"
    paths.update({item.source.removeprefix(prefix): item.url for item in items})
    return paths


def broken_links(site: Site, paths: dict[str, str]) -> list[Diagnostic]:
    """Links to .md files and images that point at no content file, as warnings."""
    problems = []
    items: list[Objective | KPI | Page] = [*site.objectives.values(), *site.kpis.values(), *site.pages]
    for item in items:
        for link in item.links:
            if link.target in paths or not (link.image or link.written.endswith(".md")):
                continue
            what, verb = ("image", "point at") if link.image else ("link to", "link to")
            problems.append(Diagnostic(item.source, link.line, 1, "warning", "", f"broken {what} '{link.written}'",
                                       f"{verb} an existing file below content/, relative to this one"))
    return problems
